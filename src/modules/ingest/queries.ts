// Reading the ingest log: filtered pages of records, one record, its raw bytes, and the doors' monitor.
import { and, eq, gte, lt, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { INGEST_OUTCOMES, type IngestOutcome, ingestRecords } from "../../db/schema/ingest";
import type { Env } from "../../env";
import { newestFirst } from "../../lib/pagination";
import { notFound } from "../../lib/problem";
import { utc } from "../../lib/time";
import type { IngestRow } from "./store";

export const toRecordView = (r: IngestRow) => ({
  id: r.id,
  door: r.door,
  source: r.source,
  received_at: r.receivedAt,
  verdict: r.verdict,
  reason: r.reason,
  duplicate_of: r.duplicateOf,
  outcome: r.outcome,
  detail: r.detail,
  order_id: r.orderId,
  results: r.results ?? [],
  delivery_id: r.deliveryId,
  sender: r.sender,
  subject: r.subject,
  content_type: r.contentType,
  size: r.size,
  sha256: r.sha256,
  attempts: r.attempts,
  processed_at: r.processedAt,
  raw_url: r.r2Key ? `/api/v1/ingest/${r.id}/raw` : null,
});

export interface RecordFilter {
  door?: IngestRow["door"] | undefined;
  source?: string | undefined;
  verdict?: IngestRow["verdict"] | undefined;
  outcome?: IngestOutcome | undefined;
  order_id?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function listRecords(env: Env, filter: RecordFilter) {
  const page = await newestFirst(
    getDb(env.DB).select().from(ingestRecords).$dynamic(),
    { time: ingestRecords.receivedAt, id: ingestRecords.id },
    [
      filter.door && eq(ingestRecords.door, filter.door),
      filter.source !== undefined ? eq(ingestRecords.source, filter.source) : undefined,
      filter.verdict && eq(ingestRecords.verdict, filter.verdict),
      filter.outcome && eq(ingestRecords.outcome, filter.outcome),
      filter.order_id !== undefined ? eq(ingestRecords.orderId, filter.order_id) : undefined,
      filter.since ? gte(ingestRecords.receivedAt, utc(filter.since)) : undefined,
      filter.until ? lt(ingestRecords.receivedAt, utc(filter.until)) : undefined,
    ],
    filter,
    (r) => [r.receivedAt, r.id],
  );
  return { items: page.items.map(toRecordView), next_cursor: page.next_cursor };
}

export async function getRecord(env: Env, id: string): Promise<IngestRow> {
  const [row] = await getDb(env.DB).select().from(ingestRecords).where(eq(ingestRecords.id, id)).limit(1);
  if (!row) throw notFound("No such ingest record.");
  return row;
}

const SUCCESS = sql.raw("('created', 'updated', 'unchanged')");

/** The latest record of a door and source matching `which`, as "at|id|detail". */
const latest = (which: ReturnType<typeof sql>) => sql<string | null>`(
  SELECT r.received_at || '|' || r.id || '|' || coalesce(r.detail, r.reason, '')
  FROM ingest_records r
  WHERE r.door = ${ingestRecords.door} AND r.source = ${ingestRecords.source} AND ${which}
  ORDER BY r.received_at DESC LIMIT 1)`;

const parseLast = (value: string | null) => {
  if (!value) return null;
  const [at, id, ...detail] = value.split("|");
  return { at: at as string, id: id as string, detail: detail.join("|") || null };
};

/** Per door and source over [since, until): counts by verdict and outcome, the last success and failure. */
export async function ingestStats(
  env: Env,
  query: { since?: string | undefined; until?: string | undefined; door?: IngestRow["door"] | undefined },
) {
  const until = query.until ? utc(query.until) : new Date().toISOString();
  const since = query.since ? utc(query.since) : new Date(Date.parse(until) - 86_400_000).toISOString();
  const counts = Object.fromEntries(
    INGEST_OUTCOMES.map((o) => [o, sql<number>`sum(${ingestRecords.outcome} = ${o})`]),
  ) as Record<IngestOutcome, ReturnType<typeof sql<number>>>;
  const rows = await getDb(env.DB)
    .select({
      door: ingestRecords.door,
      source: ingestRecords.source,
      received: sql<number>`count(*)`,
      refused: sql<number>`sum(${ingestRecords.verdict} = 'refused')`,
      duplicate: sql<number>`sum(${ingestRecords.verdict} = 'duplicate')`,
      ...counts,
      lastSuccess: latest(sql`r.outcome IN ${SUCCESS}`),
      lastFailure: latest(sql`(r.outcome = 'failed' OR r.verdict = 'refused')`),
    })
    .from(ingestRecords)
    .where(
      and(
        gte(ingestRecords.receivedAt, since),
        lt(ingestRecords.receivedAt, until),
        query.door && eq(ingestRecords.door, query.door),
      ),
    )
    .groupBy(ingestRecords.door, ingestRecords.source)
    .orderBy(ingestRecords.door, ingestRecords.source);
  return {
    since,
    until,
    doors: rows.map((r) => ({
      door: r.door,
      source: r.source,
      received: r.received,
      refused: r.refused ?? 0,
      duplicate: r.duplicate ?? 0,
      outcomes: Object.fromEntries(INGEST_OUTCOMES.map((o) => [o, Number(r[o] ?? 0)])) as Record<
        IngestOutcome,
        number
      >,
      last_success: parseLast(r.lastSuccess),
      last_failure: parseLast(r.lastFailure),
    })),
  };
}
