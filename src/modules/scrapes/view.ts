// What scrape targets and their jobs are to the API: the rows (typed by the tables) mapped to their views.
import type { scrapeJobs, scrapeTargets } from "../../db/schema/scrapes";

export type JobRow = typeof scrapeJobs.$inferSelect;
export type TargetRow = typeof scrapeTargets.$inferSelect;

export const toTargetView = (t: TargetRow, lastJob?: JobRow | null) => ({
  id: t.id,
  name: t.name,
  start_url: t.startUrl,
  kind: t.kind,
  recipe: t.recipe,
  interval_minutes: t.intervalMinutes,
  enabled: t.enabled,
  paused: t.pausedReason !== null,
  paused_reason: t.pausedReason,
  failures_in_a_row: t.failuresInARow,
  last_run_at: t.lastRunAt,
  next_run_at: t.nextRunAt,
  last_job: lastJob ? toJobView(lastJob) : null,
  created_at: t.createdAt,
  updated_at: t.updatedAt,
});

export const toJobView = (j: JobRow) => ({
  id: j.id,
  target_id: j.targetId,
  trigger: j.trigger,
  status: j.status,
  reason: j.reason,
  outcome: j.outcome,
  pages: j.pages,
  records_found: j.recordsFound,
  ingest_record_id: j.ingestRecordId,
  screenshot_key: j.screenshotKey,
  duration_ms: j.durationMs,
  started_at: j.startedAt,
  finished_at: j.finishedAt,
  created_at: j.createdAt,
});
export type JobView = ReturnType<typeof toJobView>;
