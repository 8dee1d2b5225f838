// The `scheduled` door: each Cron Trigger tick is recorded once, runs its jobs, and records the outcome.
import type { Env } from "../../env";
import { purgeIdempotencyKeys } from "../../lib/idempotency";
import { newId } from "../../lib/ids";
import { reconcilePresence } from "../attendance/presence";
import { requeueStalled } from "../events/fanout";
import { requeueUnread } from "../ingest/store";

export interface CronJob {
  name: string;
  run(env: Env, scheduledAt: Date): Promise<unknown>;
}

/** Jobs per cron expression (wrangler.toml [triggers]). Scrapes and store pulls register here. */
export const CRON_JOBS: Record<string, CronJob[]> = {
  "*/15 * * * *": [
    { name: "requeue-unread-ingest", run: (env, at) => requeueUnread(env, at) },
    { name: "requeue-stalled-deliveries", run: (env, at) => requeueStalled(env, at) },
    { name: "reconcile-who-is-in", run: (env) => reconcilePresence(env) },
    {
      name: "scrape-due-targets",
      run: (env, at) => import("../scrapes/runs").then((m) => m.runDueTargets(env, at)),
    },
    {
      name: "pull-due-stores",
      run: (env, at) => import("../connectors/pull").then((m) => m.pullDueConnections(env, at)),
    },
  ],
  "0 3 * * *": [{ name: "purge-idempotency-keys", run: (env) => purgeIdempotencyKeys(env.DB) }],
};

export type CronOutcome =
  | { outcome: "ran"; id: string; status: "ok" | "failed"; jobs: Record<string, unknown> }
  | { outcome: "duplicate" };

export async function runCron(cron: string, scheduledTime: number, env: Env): Promise<CronOutcome> {
  const id = newId();
  const scheduledAt = new Date(scheduledTime);
  const claimed = await env.DB.prepare(
    `INSERT INTO cron_runs (id, cron, scheduled_at, status) VALUES (?, ?, ?, 'running')
     ON CONFLICT (cron, scheduled_at) DO NOTHING RETURNING id`,
  )
    .bind(id, cron, scheduledAt.toISOString())
    .first();
  if (claimed === null) return { outcome: "duplicate" };

  const jobs: Record<string, unknown> = {};
  let status: "ok" | "failed" = "ok";
  for (const job of CRON_JOBS[cron] ?? []) {
    try {
      jobs[job.name] = { ok: true, result: (await job.run(env, scheduledAt)) ?? null };
    } catch (error) {
      status = "failed";
      jobs[job.name] = { ok: false, error: String(error).slice(0, 500) };
    }
  }
  await env.DB.prepare("UPDATE cron_runs SET status = ?, finished_at = ?, detail = ? WHERE id = ?")
    .bind(status, new Date().toISOString(), JSON.stringify({ jobs }), id)
    .run();
  console.log(JSON.stringify({ level: "info", msg: "cron run", cron, id, status }));
  return { outcome: "ran", id, status, jobs };
}

/** The Worker's `scheduled` entry point. */
export async function handleScheduled(
  controller: ScheduledController,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  await runCron(controller.cron, controller.scheduledTime, env);
}
