// Tables of the Worker's own doors: raw inbound mail and the runs of the clock.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/** Every message the `email` handler received; the raw bytes live in R2 at `r2_key`. */
export const inboundMessages = sqliteTable(
  "inbound_messages",
  {
    id: text("id").primaryKey(),
    receivedAt: text("received_at").notNull().default(now),
    mailFrom: text("mail_from").notNull(),
    rcptTo: text("rcpt_to").notNull(),
    messageId: text("message_id"),
    subject: text("subject"),
    sha256: text("sha256").notNull(),
    r2Key: text("r2_key").notNull(),
    size: integer("size").notNull(),
    /** stored: kept, not yet understood; parsed: headers read; failed: unreadable (see error). */
    status: text("status", { enum: ["stored", "parsed", "failed"] }).notNull(),
    error: text("error"),
  },
  (t) => [
    uniqueIndex("inbound_messages_sha256_uq").on(t.sha256),
    uniqueIndex("inbound_messages_message_id_uq").on(t.messageId),
    index("inbound_messages_received_idx").on(t.receivedAt, t.id),
  ],
);

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
