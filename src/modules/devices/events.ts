// The device door: an agent's batch of reads is kept raw (R2, then its ingest record), then each read is
// taken once per device and event id — in one D1 batch with the device's last-seen time and the record's
// outcome — and answered read by read, so the agent drops exactly what was taken.
import { eq } from "drizzle-orm";
import { getDb } from "../../db";
import { devices } from "../../db/schema/auth";
import { deviceEvents } from "../../db/schema/devices";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { tooManyRequests } from "../../lib/problem";
import type { Principal } from "../auth/principal";
import { keep, settleStatement } from "../ingest/store";
import { DeviceEventSchema } from "./schemas";

export type Verdict = { id: string; verdict: "accepted" | "duplicate" | "refused"; reason?: string };

export async function receiveDeviceEvents(
  env: Env,
  device: Principal,
  batch: { events: { id: string }[] },
  raw: ArrayBuffer,
  agentVersion: string | null,
): Promise<Verdict[]> {
  const limited = await env.DEVICE_LIMITER.limit({ key: `device:${device.id}` });
  if (!limited.success) throw tooManyRequests(60, "This device sends too fast; wait a minute and resend.");
  const record = await keep(env, {
    door: "device",
    source: device.id,
    bytes: raw,
    contentType: "application/json",
    sender: device.name,
    subject: `${batch.events.length} read${batch.events.length === 1 ? "" : "s"}`,
    metadata: agentVersion ? { agent_version: agentVersion } : {},
  });
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
  const inserts = checked.flatMap((c) =>
    "read" in c && c.read
      ? [
          db
            .insert(deviceEvents)
            .values({
              id: newId(),
              deviceId: device.id,
              eventId: c.read.id,
              kind: c.read.kind,
              value: c.read.value,
              reader: c.read.source,
              readAt: new Date(c.read.at).toISOString(),
              receivedAt,
              ingestId: record.id,
            })
            .onConflictDoNothing()
            .returning({ eventId: deviceEvents.eventId }),
        ]
      : [],
  );
  const refused = checked.filter((c) => "reason" in c).length;
  const [, , ...taken] = await db.batch([
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
  ] as const);
  let next = 0;
  return checked.map((c): Verdict => {
    if ("reason" in c) return { id: c.id, verdict: "refused", reason: c.reason as string };
    const rows = taken[next++] as { eventId: string }[];
    return { id: c.id, verdict: rows.length > 0 ? "accepted" : "duplicate" };
  });
}
