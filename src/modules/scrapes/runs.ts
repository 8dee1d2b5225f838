// Scrape runs: the clock picks the targets that are due (each claimed once, a few at a time, one browser
// session reused across them), each run is a job (queued, running, ok, failed with the reason); what a run
// read is kept raw first through the ingest record, then applied: order statuses through the one intake
// path, prices as observations. A run that reads what the last one read changes nothing; a target that
// fails PAUSE_AFTER times in a row is paused, saying why.
import { and, eq, isNull, lte, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { scrapeJobs, scrapeTargets } from "../../db/schema/scrapes";
import type { Env } from "../../env";
import { withBrowser } from "../../intake/browser";
import { runRecipe, ScrapeFailure } from "../../intake/scrape/extract";
import { observationsOf } from "../../intake/scrape/prices";
import type { ScrapePayload } from "../../intake/scrape/read";
import { paramChunks, runBatch } from "../../lib/batch";
import { sha256Hex } from "../../lib/hash";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { readRecord } from "../ingest/read";
import { keep, settle } from "../ingest/store";
import { trackedRefs } from "../orders/queries";
import { recordObservations } from "../prices/observations";
import type { Recipe } from "./recipe";
import { type JobRow, type JobView, type TargetRow, toJobView } from "./view";

/** Failures in a row after which a target is paused until someone looks at it. */
export const PAUSE_AFTER = 5;
/** At most this many due targets per tick, this many at a time (Browser Rendering allows few browsers). */
const PER_TICK = 10;
const DEFAULT_CONCURRENCY = 2;

/** A job waiting for its lane (the clock queues every claimed target's job at once). */
const queuedJob = (target: TargetRow, trigger: JobRow["trigger"], at: string): JobRow => ({
  id: newId(),
  targetId: target.id,
  trigger,
  status: "queued",
  reason: null,
  pages: 0,
  recordsFound: 0,
  outcome: null,
  ingestRecordId: null,
  screenshotKey: null,
  durationMs: null,
  startedAt: null,
  finishedAt: null,
  createdAt: at,
});

/** One more failure in a row: paused, saying why, at PAUSE_AFTER. */
function failureSet(target: TargetRow, reason: string): Partial<TargetRow> {
  const failures = target.failuresInARow + 1;
  return {
    failuresInARow: failures,
    ...(failures >= PAUSE_AFTER && {
      pausedReason: `Paused after ${failures} failed runs in a row; the last: ${reason}`,
    }),
  };
}

/** What a successful run read, applied: nothing when unchanged; else kept raw, then read. */
async function apply(
  env: Env,
  target: TargetRow,
  job: JobRow,
  scraped: Awaited<ReturnType<typeof runRecipe>>,
  at: string,
) {
  const hash = await sha256Hex(JSON.stringify(scraped.records));
  if (hash === target.lastHash) return { outcome: "unchanged", hash, recordId: null, screenshotKey: null };
  const screenshotKey = `scrapes/${target.id}/${job.id}.png`;
  await env.FILES.put(screenshotKey, scraped.screenshot, { httpMetadata: { contentType: "image/png" } });
  const recipe = target.recipe as unknown as Recipe;
  const payload: ScrapePayload = {
    target_id: target.id,
    target: target.name,
    kind: target.kind,
    job_id: job.id,
    order_source: recipe.order_source ?? null,
    default_currency: recipe.default_currency ?? null,
    pages: scraped.pages,
    records: scraped.records,
    ...(target.kind === "order_status" && {
      tracked: [
        ...(await trackedRefs(
          env,
          recipe.order_source ?? "",
          scraped.records.flatMap((r) => (r.order_number ? [r.order_number.trim()] : [])),
        )),
      ],
    }),
    screenshot_key: screenshotKey,
  };
  const record = await keep(env, {
    door: "scrape",
    source: target.name,
    bytes: new TextEncoder().encode(JSON.stringify(payload)).buffer as ArrayBuffer,
    contentType: "application/json",
    deliveryId: job.id,
    subject: target.startUrl.slice(0, 200),
  });
  if (target.kind === "order_status") {
    const read = await readRecord(env, record);
    return {
      outcome: read.outcome ?? "pending",
      hash,
      recordId: record.id,
      screenshotKey,
      detail: read.detail,
    };
  }
  const { observations, skipped } = observationsOf(payload, at);
  const recorded = await recordObservations(env, observations);
  const detail = [`${recorded.recorded} prices recorded, ${recorded.unchanged} unchanged`, ...skipped].join(
    "; ",
  );
  await settle(env, [{ id: record.id, reading: { outcome: "recorded", detail, results: [] } }]);
  return { outcome: "recorded", hash, recordId: record.id, screenshotKey, detail };
}

/**
 * Runs one target now as a job, with `browser` when the caller has one (the clock shares it across
 * targets). Never throws for the page's sake: a failure is the job's reason, counted against the target.
 */
export async function runTarget(
  env: Env,
  target: TargetRow,
  trigger: JobRow["trigger"],
  browser?: Parameters<Parameters<typeof withBrowser>[1]>[0],
  queued?: JobRow,
): Promise<JobView> {
  const db = getDb(env.DB);
  const started = new Date();
  const job: JobRow = {
    ...(queued ?? queuedJob(target, trigger, started.toISOString())),
    status: "running",
    startedAt: started.toISOString(),
  };
  await (queued
    ? db
        .update(scrapeJobs)
        .set({ status: "running", startedAt: job.startedAt })
        .where(eq(scrapeJobs.id, job.id))
    : db.insert(scrapeJobs).values(job));
  const recipe = target.recipe as unknown as Recipe;
  let done: JobRow;
  let targetSet: Partial<TargetRow>;
  try {
    const scraped = browser
      ? await runRecipe(browser, env, target.startUrl, recipe)
      : await withBrowser(env, (b) => runRecipe(b, env, target.startUrl, recipe), {
          reuse: env.SCRAPE_SESSION_REUSE !== "false",
        });
    const applied = await apply(env, target, job, scraped, started.toISOString());
    const failed = applied.outcome === "failed";
    done = {
      ...job,
      status: failed ? "failed" : "ok",
      reason: failed ? `Reading what was scraped failed: ${applied.detail ?? "no detail"}` : null,
      outcome: applied.outcome,
      pages: scraped.pages.length,
      recordsFound: scraped.records.length,
      ingestRecordId: applied.recordId,
      screenshotKey: applied.screenshotKey,
    };
    // A reading that failed is not remembered as read: the next run tries again (and counts towards a pause).
    targetSet = failed
      ? failureSet(target, done.reason as string)
      : { lastHash: applied.hash, failuresInARow: 0 };
  } catch (error) {
    if (!(error instanceof ScrapeFailure))
      console.error(
        JSON.stringify({ level: "error", msg: "scrape failed", target: target.id, error: String(error) }),
      );
    const reason =
      error instanceof ScrapeFailure ? error.message : `Unexpected: ${String(error).slice(0, 300)}`;
    done = { ...job, status: "failed", reason };
    const failures = target.failuresInARow + 1;
    targetSet = {
      failuresInARow: failures,
      ...(failures >= PAUSE_AFTER && {
        pausedReason: `Paused after ${failures} failed runs in a row; the last: ${reason}`,
      }),
    };
  }
  const finished = new Date();
  done = { ...done, finishedAt: finished.toISOString(), durationMs: finished.getTime() - started.getTime() };
  await db.batch([
    db.update(scrapeJobs).set(done).where(eq(scrapeJobs.id, job.id)),
    db
      .update(scrapeTargets)
      .set({ ...targetSet, lastRunAt: started.toISOString(), updatedAt: finished.toISOString() })
      .where(eq(scrapeTargets.id, target.id)),
  ]);
  return toJobView(done);
}

/**
 * The clock's work: claims the due targets (moving each one's next run on, so a second tick does not take
 * it again), then runs them a few at a time, each lane with one browser session reused across its targets.
 */
export async function runDueTargets(
  env: Env,
  at: Date,
): Promise<{ ran: number; ok: number; failed: number }> {
  const db = getDb(env.DB);
  const now = at.toISOString();
  const claimed = await db
    .update(scrapeTargets)
    .set({
      nextRunAt: sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${now}, '+' || ${scrapeTargets.intervalMinutes} || ' minutes')`,
    })
    .where(
      and(
        eq(scrapeTargets.enabled, true),
        isNull(scrapeTargets.pausedReason),
        lte(scrapeTargets.nextRunAt, now),
        sql`${scrapeTargets.id} IN (SELECT id FROM scrape_targets WHERE enabled = 1 AND paused_reason IS NULL AND next_run_at <= ${now} ORDER BY next_run_at LIMIT ${PER_TICK})`,
      ),
    )
    .returning();
  const lanes = Math.max(1, Number(env.SCRAPE_CONCURRENCY) || DEFAULT_CONCURRENCY);
  const reuse = env.SCRAPE_SESSION_REUSE !== "false";
  // Every claimed target's job is queued now, so the list shows what waits for a lane.
  const queue = claimed.map((target) => ({ target, job: queuedJob(target, "schedule", now) }));
  // 14 columns a job: 7 jobs a statement stay under D1's 100 bound parameters.
  const inserts = paramChunks(
    queue.map((q) => q.job),
    7,
  ).map((jobs) => db.insert(scrapeJobs).values(jobs));
  if (inserts.length > 0) await runBatch(db, inserts);
  const jobs: JobView[] = [];
  await Promise.all(
    Array.from({ length: Math.min(lanes, queue.length) }, () =>
      withBrowser(
        env,
        async (browser) => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            jobs.push(await runTarget(env, next.target, "schedule", browser, next.job));
          }
        },
        { reuse },
      ),
    ),
  );
  return {
    ran: jobs.length,
    ok: jobs.filter((j) => j.status === "ok").length,
    failed: jobs.filter((j) => j.status === "failed").length,
  };
}

export async function listJobs(
  env: Env,
  filter: {
    target_id?: string | undefined;
    status?: JobRow["status"] | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const page = await newestFirst(
    getDb(env.DB).select().from(scrapeJobs).$dynamic(),
    { time: scrapeJobs.createdAt, id: scrapeJobs.id },
    [
      filter.target_id ? eq(scrapeJobs.targetId, filter.target_id) : undefined,
      filter.status ? eq(scrapeJobs.status, filter.status) : undefined,
    ],
    filter,
    (r) => [r.createdAt, r.id],
  );
  return { items: page.items.map(toJobView), next_cursor: page.next_cursor };
}
