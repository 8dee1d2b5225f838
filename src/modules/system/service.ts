import { eq } from "drizzle-orm";
import { getDb } from "../../db";
import { cronRuns, inboundMessages } from "../../db/schema/system";
import type { Env } from "../../env";
import { newestFirst } from "../../lib/pagination";

/** Newest first, keyset on (received_at, id). */
export const listInboundMessages = (env: Env, limit: number, cursor: string | undefined) =>
  newestFirst(
    getDb(env.DB).select().from(inboundMessages).$dynamic(),
    { time: inboundMessages.receivedAt, id: inboundMessages.id },
    [],
    { limit, cursor },
    (r) => [r.receivedAt, r.id],
  );

export async function getInboundMessage(env: Env, id: string) {
  return (await getDb(env.DB).select().from(inboundMessages).where(eq(inboundMessages.id, id)).limit(1))[0];
}

/** Newest first, keyset on (started_at, id). */
export const listCronRuns = (env: Env, limit: number, cursor: string | undefined) =>
  newestFirst(
    getDb(env.DB).select().from(cronRuns).$dynamic(),
    { time: cronRuns.startedAt, id: cronRuns.id },
    [],
    { limit, cursor },
    (r) => [r.startedAt, r.id],
  );
