import { desc, eq } from "drizzle-orm";
import { getDb } from "../../db";
import { cronRuns, inboundMessages } from "../../db/schema/system";
import type { Env } from "../../env";
import { decodeCursor, olderThan, toPage } from "../../lib/pagination";

/** Newest first, keyset on (received_at, id). */
export async function listInboundMessages(env: Env, limit: number, cursor: string | undefined) {
  const after = decodeCursor(cursor, 2) as [string, string] | undefined;
  const rows = await getDb(env.DB)
    .select()
    .from(inboundMessages)
    .where(after ? olderThan(inboundMessages.receivedAt, inboundMessages.id, after) : undefined)
    .orderBy(desc(inboundMessages.receivedAt), desc(inboundMessages.id))
    .limit(limit + 1);
  return toPage(rows, limit, (r) => [r.receivedAt, r.id]);
}

export async function getInboundMessage(env: Env, id: string) {
  return (await getDb(env.DB).select().from(inboundMessages).where(eq(inboundMessages.id, id)).limit(1))[0];
}

/** Newest first, keyset on (started_at, id). */
export async function listCronRuns(env: Env, limit: number, cursor: string | undefined) {
  const after = decodeCursor(cursor, 2) as [string, string] | undefined;
  const rows = await getDb(env.DB)
    .select()
    .from(cronRuns)
    .where(after ? olderThan(cronRuns.startedAt, cronRuns.id, after) : undefined)
    .orderBy(desc(cronRuns.startedAt), desc(cronRuns.id))
    .limit(limit + 1);
  return toPage(rows, limit, (r) => [r.startedAt, r.id]);
}
