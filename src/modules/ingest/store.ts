// The one ingest record: every door keeps what arrived, raw in R2 first, then a D1 row that says what it
// was and, once read, what it did. A repeat (the sender's delivery id again, or for mail the same bytes) is
// recorded as a duplicate of the first and never read twice.
import { and, eq, inArray, lt, or, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import {
  type IngestDoor,
  type IngestOutcome,
  type IngestResult,
  ingestRecords,
} from "../../db/schema/ingest";
import type { Env } from "../../env";
import { sha256Hex } from "../../lib/hash";
import { newId } from "../../lib/ids";

export type IngestRow = typeof ingestRecords.$inferSelect;

/** What the INGEST queue carries: a record to read. */
export interface IngestMessage {
  record_id: string;
}

export interface Arrival {
  door: IngestDoor;
  source: string;
  bytes: ArrayBuffer;
  contentType: string;
  deliveryId?: string | null;
  sender?: string | null;
  subject?: string | null;
  /** Kept beside the bytes in R2 (a webhook's headers, minus anything secret); at most ~1.5 KB is kept. */
  metadata?: Record<string, string>;
}

/** Mail is kept by content (a redelivery overwrites nothing new); everything else by record. */
export const rawKey = (door: IngestDoor, id: string, sha256: string) =>
  door === "email" ? `mail/inbound/${sha256}.eml` : `ingest/${door}/${id}`;

const METADATA_BUDGET = 1500;

function boundedMetadata(metadata: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  let used = 0;
  for (const [key, value] of Object.entries(metadata)) {
    const cost = key.length + value.length;
    if (used + cost > METADATA_BUDGET) continue;
    kept[key] = value;
    used += cost;
  }
  return kept;
}

/**
 * Keeps a payload: the bytes in R2, then its record in one D1 batch that inserts it as accepted, or — when
 * it repeats an accepted one — as a duplicate pointing at it. Throws when either store fails, so the door
 * answers with an error and the sender retries: nothing is acknowledged before it is stored.
 */
export async function keep(env: Env, arrival: Arrival): Promise<IngestRow> {
  const id = newId();
  const sha256 = await sha256Hex(arrival.bytes);
  const r2Key = rawKey(arrival.door, id, sha256);
  const receivedAt = new Date().toISOString();
  await env.FILES.put(r2Key, arrival.bytes, {
    httpMetadata: { contentType: arrival.contentType },
    customMetadata: boundedMetadata({
      door: arrival.door,
      source: arrival.source,
      received_at: receivedAt,
      ...arrival.metadata,
    }),
  });
  const db = getDb(env.DB);
  const row = {
    id,
    door: arrival.door,
    source: arrival.source,
    receivedAt,
    sha256,
    r2Key,
    size: arrival.bytes.byteLength,
    contentType: arrival.contentType,
    deliveryId: arrival.deliveryId ?? null,
    sender: arrival.sender ?? null,
    subject: arrival.subject ?? null,
  };
  const deliveryId = arrival.deliveryId ?? null;
  const [kept] = await db
    .insert(ingestRecords)
    .values({ ...row, verdict: "accepted", outcome: "pending" })
    .onConflictDoNothing()
    .returning();
  if (kept) return kept;
  // The partial unique indexes refused it: a repeat. Rare, so two more trips: find the original, record this.
  const [original] = await db
    .select({ id: ingestRecords.id })
    .from(ingestRecords)
    .where(
      and(
        eq(ingestRecords.door, arrival.door),
        eq(ingestRecords.verdict, "accepted"),
        arrival.door === "email"
          ? or(
              eq(ingestRecords.sha256, sha256),
              and(eq(ingestRecords.source, arrival.source), eq(ingestRecords.deliveryId, deliveryId ?? "")),
            )
          : and(eq(ingestRecords.source, arrival.source), eq(ingestRecords.deliveryId, deliveryId ?? "")),
      ),
    )
    .limit(1);
  const [duplicate] = await db
    .insert(ingestRecords)
    .values({
      ...row,
      verdict: "duplicate",
      duplicateOf: original?.id ?? null,
      reason: original ? `repeats ${original.id}` : "repeats an earlier delivery",
    })
    .returning();
  return duplicate as IngestRow;
}

/** A payload that was not taken (a forged or stale signature, a disabled source): recorded, body not kept. */
export async function refuse(
  env: Env,
  refusal: Omit<Arrival, "bytes" | "metadata"> & { reason: string; size: number },
): Promise<IngestRow> {
  const [row] = await getDb(env.DB)
    .insert(ingestRecords)
    .values({
      id: newId(),
      door: refusal.door,
      source: refusal.source,
      size: refusal.size,
      contentType: refusal.contentType,
      deliveryId: refusal.deliveryId ?? null,
      sender: refusal.sender ?? null,
      subject: refusal.subject ?? null,
      verdict: "refused",
      reason: refusal.reason,
    })
    .returning();
  return row as IngestRow;
}

export interface Reading {
  outcome: Exclude<IngestOutcome, "pending">;
  detail: string | null;
  results: IngestResult[];
  /** The subject as the reader decoded it (mail headers arrive encoded). */
  subject?: string | undefined;
}

/**
 * The statement that writes what reading one record did (one more attempt), for the caller's batch.
 * `firstOnly` writes only a record still pending: a redelivered queue message does not count twice.
 */
export const settleStatement = (
  db: Db,
  id: string,
  reading: Reading,
  at: string,
  options: { firstOnly?: boolean } = {},
) =>
  db
    .update(ingestRecords)
    .set({
      outcome: reading.outcome,
      detail: reading.detail,
      results: reading.results,
      orderId: reading.results[0]?.order_id ?? null,
      ...(reading.subject !== undefined && { subject: reading.subject.slice(0, 500) }),
      attempts: sql`${ingestRecords.attempts} + 1`,
      processedAt: at,
    })
    .where(
      and(
        eq(ingestRecords.id, id),
        eq(ingestRecords.verdict, "accepted"),
        options.firstOnly ? eq(ingestRecords.outcome, "pending") : undefined,
      ),
    )
    .returning();

/** Writes what reading each record did, in one batch. */
export async function settle(
  env: Env,
  readings: { id: string; reading: Reading }[],
  options: { firstOnly?: boolean } = {},
): Promise<IngestRow[]> {
  if (readings.length === 0) return [];
  const db = getDb(env.DB);
  const at = new Date().toISOString();
  const updates = readings.map(({ id, reading }) => settleStatement(db, id, reading, at, options));
  const rows = await db.batch(updates as [(typeof updates)[number], ...typeof updates]);
  return rows.flat();
}

/** The records of a queue batch that are still to be read, in one query. */
export async function pendingRecords(env: Env, ids: string[]): Promise<IngestRow[]> {
  if (ids.length === 0) return [];
  return getDb(env.DB)
    .select()
    .from(ingestRecords)
    .where(and(inArray(ingestRecords.id, ids), eq(ingestRecords.outcome, "pending")));
}

export async function loadRecord(env: Env, id: string): Promise<IngestRow | undefined> {
  return (await getDb(env.DB).select().from(ingestRecords).where(eq(ingestRecords.id, id)).limit(1))[0];
}

/** How long a kept record may wait for its first reading before the clock queues it again. */
export const UNREAD_AFTER_MS = 5 * 60_000;

/**
 * Records kept but never read (the queue send after keeping failed, or the reading's isolate died): queued
 * again by the clock, so nothing kept stays unread. Reading skips a record that is no longer pending.
 */
export async function requeueUnread(env: Env, now: Date): Promise<{ requeued: number }> {
  const before = new Date(now.getTime() - UNREAD_AFTER_MS).toISOString();
  const rows = await getDb(env.DB)
    .select({ id: ingestRecords.id })
    .from(ingestRecords)
    .where(and(eq(ingestRecords.outcome, "pending"), lt(ingestRecords.receivedAt, before)))
    .limit(1000);
  for (let i = 0; i < rows.length; i += 100) {
    await env.INGEST.sendBatch(rows.slice(i, i + 100).map((r) => ({ body: { record_id: r.id } })));
  }
  return { requeued: rows.length };
}
