// The device door: an agent's batch of reads is kept raw (R2, then its ingest record), then each read is
// taken once per device and event id — in one D1 batch with the device's last-seen time and the record's
// outcome — and answered read by read, so the agent drops exactly what was taken. Card reads become punches
// (or settle an armed enrolment, or wait as unknown cards) in that same batch; barcode reads become scans
// (src/modules/scans), resolved before the batch and recorded in it.
import { eq } from "drizzle-orm";
import { getDb } from "../../db";
import { devices } from "../../db/schema/auth";
import { deviceEvents } from "../../db/schema/devices";
import { scans } from "../../db/schema/warehouse";
import type { Env } from "../../env";
import { runBatch } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { tooManyRequests } from "../../lib/problem";
import { utc } from "../../lib/time";
import { refreshPresence } from "../attendance/presence";
import {
  cardReadStatements,
  cardUidOf,
  type EnrollmentOutcome,
  lookBeforeCardReads,
} from "../attendance/punches";
import type { Principal } from "../auth/principal";
import { keep, settleStatement } from "../ingest/store";
import { resolveCodes } from "../scans/resolve";
import { DeviceEventSchema } from "./schemas";

export type Verdict = {
  id: string;
  verdict: "accepted" | "duplicate" | "refused";
  reason?: string;
  /** A sentence for the person at the device. */
  notice?: string;
  enrollment?: EnrollmentOutcome;
};

export async function receiveDeviceEvents(
  env: Env,
  device: Principal,
  batch: { events: { id: string }[] },
  raw: ArrayBuffer,
  agentVersion: string | null,
): Promise<Verdict[]> {
  const limited = await env.DEVICE_LIMITER.limit({ key: `device:${device.id}` });
  if (!limited.success) throw tooManyRequests(60, "This device sends too fast; wait a minute and resend.");
  const receivedAt = new Date().toISOString();
  const db = getDb(env.DB);
  const checked = batch.events.map((event) => {
    const parsed = DeviceEventSchema.safeParse(event);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { id: event.id, reason: `${issue?.path.join(".") || "read"}: ${issue?.message ?? "invalid"}` };
    }
    return { id: event.id, read: parsed.data };
  });
  const rows = checked.map((c) => ("read" in c && c.read ? { ...c.read, rowId: newId() } : undefined));
  const cardReads = rows.flatMap((read) =>
    read?.kind === "card" ? [{ rowId: read.rowId, uid: cardUidOf(read.value) }] : [],
  );
  const barcodes = rows.flatMap((read) => (read?.kind === "barcode" ? [read] : []));
  // Keeping the raw batch and looking up its cards do not wait for each other; nothing is written before
  // the batch is kept.
  const [record, look, named] = await Promise.all([
    keep(env, {
      door: "device",
      source: device.id,
      bytes: raw,
      contentType: "application/json",
      sender: device.name,
      subject: `${batch.events.length} read${batch.events.length === 1 ? "" : "s"}`,
      metadata: agentVersion ? { agent_version: agentVersion } : {},
    }),
    lookBeforeCardReads(
      db,
      device.id,
      cardReads.map((r) => r.uid),
      receivedAt,
    ),
    resolveCodes(
      env,
      barcodes.map((r) => r.value),
    ),
  ]);
  const inserts = rows.flatMap((read) =>
    read
      ? [
          db
            .insert(deviceEvents)
            .values({
              id: read.rowId,
              deviceId: device.id,
              eventId: read.id,
              kind: read.kind,
              value: read.value,
              reader: read.source,
              readAt: utc(read.at),
              receivedAt,
              ingestId: record.id,
            })
            .onConflictDoNothing()
            .returning({ eventId: deviceEvents.eventId }),
        ]
      : [],
  );
  const cards = cardReadStatements(db, cardReads, look, receivedAt);
  // One scan per read: the device's read id is the scan's own id, so a resent read records nothing more.
  const scanRows = barcodes.map((read) => {
    const target = named.get(read.value) ?? null;
    return db
      .insert(scans)
      .values({
        id: newId(),
        actorId: device.id,
        clientId: read.id,
        code: read.value,
        reader: read.source,
        target: target?.kind ?? null,
        targetId: target?.id ?? null,
        action: "look_up",
        outcome: target ? "resolved" : "unknown",
        detail: target ? null : `Nothing has the code "${read.value}".`,
        answer: target
          ? {
              status: 200,
              body: { code: read.value, target, actions: ["look_up"], action: "look_up", result: null },
            }
          : null,
        scannedAt: utc(read.at),
      })
      .onConflictDoNothing();
  });
  const refused = checked.filter((c) => "reason" in c).length;
  const [, , ...results] = await runBatch(db, [
    db
      .update(devices)
      .set({ lastSeenAt: receivedAt, ...(agentVersion && { agentVersion: agentVersion.slice(0, 64) }) })
      .where(eq(devices.id, device.id)),
    settleStatement(
      db,
      record.id,
      { outcome: "recorded", detail: `${inserts.length} read(s) checked, ${refused} refused`, results: [] },
      receivedAt,
    ),
    ...inserts,
    ...cards.statements,
    ...scanRows,
  ]);
  const taken = results.slice(0, inserts.length) as { eventId: string }[][];
  const outcomes = cards.outcomes(results.slice(inserts.length));
  const byRow = new Map(cardReads.map((r, i) => [r.rowId, outcomes[i]]));
  refreshPresence(
    env,
    outcomes.flatMap((o) => (o.kind === "punch" ? [o.employeeId] : [])),
  );
  let next = 0;
  return checked.map((c, i): Verdict => {
    if ("reason" in c) return { id: c.id, verdict: "refused", reason: c.reason as string };
    const fresh = (taken[next++] ?? []).length > 0;
    const outcome = byRow.get(rows[i]?.rowId ?? "");
    const read = rows[i];
    const scanned = read?.kind === "barcode" ? (named.get(read.value) ?? null) : undefined;
    return {
      id: c.id,
      verdict: fresh ? "accepted" : "duplicate",
      ...(outcome && outcome.kind !== "none" && { notice: outcome.notice }),
      ...(scanned !== undefined && { notice: scanned ? scanned.label : `Unknown code ${read?.value}` }),
      ...(outcome?.kind === "enrollment" && { enrollment: outcome.enrollment }),
    };
  });
}
