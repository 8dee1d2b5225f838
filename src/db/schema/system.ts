// Tables of the Worker's own machinery: the runs of the clock and the batch guards (doors: schema/ingest.ts).
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/** One row per Cron Trigger firing; (cron, scheduled_at) makes a repeated firing a no-op. */
export const cronRuns = sqliteTable(
  "cron_runs",
  {
    id: text("id").primaryKey(),
    cron: text("cron").notNull(),
    scheduledAt: text("scheduled_at").notNull(),
    startedAt: text("started_at").notNull().default(now),
    finishedAt: text("finished_at"),
    status: text("status", { enum: ["running", "ok", "failed"] }).notNull(),
    /** JSON: what each job did, or the error. */
    detail: text("detail"),
  },
  (t) => [
    uniqueIndex("cron_runs_tick_uq").on(t.cron, t.scheduledAt),
    index("cron_runs_started_idx").on(t.startedAt, t.id),
  ],
);

/**
 * Assertions inside a D1 batch: `INSERT INTO batch_guards (name, ok) SELECT ?, <condition>` fails its CHECK
 * when the condition is false, and a failed statement rolls the whole batch back. Rows that pass are
 * deleted by the same batch, so the table stays empty.
 */
export const batchGuards = sqliteTable(
  "batch_guards",
  {
    name: text("name").notNull(),
    ok: integer("ok").notNull(),
  },
  (t) => [check("batch_guards_ok", sql`${t.ok} = 1`)],
);
