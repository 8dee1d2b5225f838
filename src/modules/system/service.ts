import { getDb } from "../../db";
import { cronRuns } from "../../db/schema/system";
import type { Env } from "../../env";
import { newestFirst } from "../../lib/pagination";

/** Newest first, keyset on (started_at, id). */
export const listCronRuns = (env: Env, limit: number, cursor: string | undefined) =>
  newestFirst(
    getDb(env.DB).select().from(cronRuns).$dynamic(),
    { time: cronRuns.startedAt, id: cronRuns.id },
    [],
    { limit, cursor },
    (r) => [r.startedAt, r.id],
  );
