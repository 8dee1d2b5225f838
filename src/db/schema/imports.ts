// Sales CSV imports: the formats (a column mapping per export, saved and reused), each import's job (the
// file in R2, progress by chunk, cancel) and its rows' errors with their line numbers.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { IMPORT_STATUSES } from "../vocabulary";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export { IMPORT_STATUSES };

export const importFormats = sqliteTable(
  "import_formats",
  {
    id: text("id").primaryKey(),
    /** Names the intake source of its orders: `import:<name>`. */
    name: text("name").notNull(),
    /** Which column holds what, the file's date format and time zone, decimal mark (src/modules/imports). */
    mapping: text("mapping", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("import_formats_name_uq").on(t.name)],
);

export const importJobs = sqliteTable(
  "import_jobs",
  {
    id: text("id").primaryKey(),
    formatId: text("format_id").notNull(),
    filename: text("filename"),
    fileKey: text("file_key").notNull(),
    fileHash: text("file_hash").notNull(),
    bytes: integer("bytes").notNull(),
    status: text("status", { enum: IMPORT_STATUSES }).notNull(),
    /** Data rows in the file (known once counted), and how far the chunks have got. */
    rowsTotal: integer("rows_total"),
    rowsDone: integer("rows_done").notNull().default(0),
    rowsFailed: integer("rows_failed").notNull().default(0),
    ordersCreated: integer("orders_created").notNull().default(0),
    ordersUnchanged: integer("orders_unchanged").notNull().default(0),
    /** Where the next chunk starts: a byte offset into the file and the line number there. */
    nextByte: integer("next_byte").notNull().default(0),
    nextLine: integer("next_line").notNull().default(2),
    chunksDone: integer("chunks_done").notNull().default(0),
    error: text("error"),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull().default(now),
    startedAt: text("started_at"),
    finishedAt: text("finished_at"),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    index("import_jobs_created_idx").on(t.createdAt, t.id),
    index("import_jobs_hash_idx").on(t.fileHash),
  ],
);

export const importErrors = sqliteTable(
  "import_errors",
  {
    jobId: text("job_id").notNull(),
    lineNo: integer("line_no").notNull(),
    message: text("message").notNull(),
    /** The row as it was in the file, so the error CSV can be fixed and imported again. */
    raw: text("raw"),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.lineNo] })],
);
