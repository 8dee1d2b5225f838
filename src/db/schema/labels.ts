// Label jobs: what to print, on which stock, and how far the rendering is. The labels themselves are kept as
// a snapshot in R2 when the job is made (items_key), so every chunk prints the same data and a reprint
// prints what was printed; the chunks' PDFs and the merged one are R2 objects too.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { LABEL_JOB_STATUSES } from "../vocabulary";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export { LABEL_JOB_STATUSES };

export const labelJobs = sqliteTable(
  "label_jobs",
  {
    id: text("id").primaryKey(),
    template: text("template").notNull(),
    /** A stock id (src/documents/stock.ts), or "custom" with its grid in `stock_grid`. */
    stock: text("stock").notNull(),
    stockGrid: text("stock_grid", { mode: "json" }).$type<Record<string, unknown> | null>(),
    /** What was asked for, as the request said it (products, a location's bins, an order's parcels, codes). */
    source: text("source", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    copies: integer("copies").notNull(),
    /** The first label's position on the first sheet. */
    start: integer("start").notNull(),
    status: text("status", { enum: LABEL_JOB_STATUSES }).notNull(),
    labels: integer("labels").notNull(),
    labelsDone: integer("labels_done").notNull().default(0),
    chunks: integer("chunks").notNull(),
    chunksDone: integer("chunks_done").notNull().default(0),
    pages: integer("pages"),
    bytes: integer("bytes"),
    itemsKey: text("items_key").notNull(),
    fileKey: text("file_key"),
    error: text("error"),
    reprintOf: text("reprint_of"),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull().default(now),
    startedAt: text("started_at"),
    finishedAt: text("finished_at"),
  },
  (t) => [
    index("label_jobs_created_idx").on(t.createdAt, t.id),
    index("label_jobs_status_created_idx").on(t.status, t.createdAt, t.id),
  ],
);

/** One row per rendered chunk: a redelivered chunk message finds its row and counts nothing twice. */
export const labelJobChunks = sqliteTable(
  "label_job_chunks",
  {
    jobId: text("job_id").notNull(),
    n: integer("n").notNull(),
    labels: integer("labels").notNull(),
    pages: integer("pages").notNull(),
    bytes: integer("bytes").notNull(),
    /** Wall time of the rendering, in ms (a Worker's CPU time is at most this). */
    renderMs: integer("render_ms").notNull(),
    renderedAt: text("rendered_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.n] })],
);
