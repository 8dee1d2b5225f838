// One chunk of an import: the next rows read from R2 by byte range (cut on a record boundary, so a quoted
// field's line breaks never split a row), each sale through the one intake path, the bad rows kept with
// their lines, the job's counters and where the next chunk starts written in one batch guarded by where this
// one started (a redelivered message changes nothing), then the next chunk queued.
import { and, eq, sql } from "drizzle-orm";
import { getDb, isoNow } from "../../db";
import { importErrors, importJobs } from "../../db/schema/imports";
import type { Env } from "../../env";
import { paramChunks, runBatch, type Statement } from "../../lib/batch";
import { csvRecords, isBlank } from "../../lib/csv";
import { Problem } from "../../lib/problem";
import { upsertIntake } from "../orders/intake";
import type { ImportJobRow } from "./jobs";
import type { ImportMessage } from "./queue";
import { dataRows, type ReadRow, saleGroups } from "./rows";

/** Rows per chunk: 500 sales go through intake in a few seconds locally, far from a consumer's limits. */
export const CHUNK_ROWS = 500;
/** Bytes read per chunk: room for 500 rows of up to 1 KiB; a longer record makes the read grow. */
const CHUNK_BYTES = 512 * 1024;
const MAX_READ = 16 * 1024 * 1024;
/** Sales sent to intake at once: D1 round trips overlap, each sale still its own batch. */
const PARALLEL = 8;
/** import_errors has 4 columns: 24 rows stay under D1's 100 bound parameters per statement. */
const ERROR_ROWS = 24;
const MAX_RAW = 4000;

/**
 * Data records from `from` to the end of the file, counted without holding it: line breaks outside quotes
 * ending a record with something in it (blank lines are not rows). UTF-8 and Windows-1252 alike: a quote or
 * a line break byte is never part of another character.
 */
export async function countRows(env: Env, job: ImportJobRow, plan: ImportMessage["plan"]): Promise<number> {
  const object = await env.FILES.get(job.fileKey, { range: { offset: job.nextByte } });
  if (!object) return 0;
  const newline = plan.newline === "\r" ? 13 : 10;
  const delimiter = plan.delimiter.charCodeAt(0);
  let [quoted, filled, rows] = [false, false, 0];
  const reader = object.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const bytes = read.value;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (b === 34) [quoted, filled] = [!quoted, true];
      else if (quoted) continue;
      else if (b === newline) {
        if (filled) rows++;
        filled = false;
      } else if (b !== 32 && b !== 9 && b !== 13 && b !== delimiter) filled = true;
    }
  }
  return filled ? rows + 1 : rows;
}

interface Slice {
  text: string;
  /** The records this chunk takes, whole. */
  taken: ReturnType<typeof csvRecords>;
  nextByte: number;
  nextLine: number;
  atEnd: boolean;
}

/** The next whole records from `from`: the last record of a read is taken only at the end of the file. */
async function readSlice(env: Env, job: ImportJobRow, plan: ImportMessage["plan"]): Promise<Slice | null> {
  const from = job.nextByte;
  const grouped = plan.columns.order_ref !== undefined;
  const refOf = (cells: string[]) => (cells[plan.columns.order_ref as number] ?? "").trim();
  const decoder = new TextDecoder(plan.encoding);
  for (let want = CHUNK_BYTES; ; want *= 2) {
    const length = Math.min(want, job.bytes - from);
    if (length <= 0) return { text: "", taken: [], nextByte: job.bytes, nextLine: job.nextLine, atEnd: true };
    const object = await env.FILES.get(job.fileKey, { range: { offset: from, length } });
    if (!object) return null;
    const text = decoder.decode(await object.arrayBuffer());
    const atEnd = from + length >= job.bytes;
    const records = csvRecords(text, plan.delimiter, { firstLine: job.nextLine, newline: plan.newline });
    const whole = atEnd ? records.length : records.length - 1;
    let cut = 0;
    for (let rows = 0; cut < whole && rows < CHUNK_ROWS; cut++) {
      if (!isBlank((records[cut] as (typeof records)[number]).cells)) rows++;
    }
    // The rows of one order stay in one chunk: the cut moves past the rows sharing the last one's ref.
    let grewGroup = false;
    if (grouped && cut > 0) {
      const ref = refOf((records[cut - 1] as (typeof records)[number]).cells);
      while (ref !== "" && cut < whole && refOf((records[cut] as (typeof records)[number]).cells) === ref)
        cut++;
      grewGroup = cut === whole && !atEnd;
    }
    if ((cut === 0 || (grewGroup && cut < CHUNK_ROWS * 4)) && !atEnd && want < MAX_READ) continue;
    if (cut === 0 && !atEnd)
      throw new Error(`a record at line ${job.nextLine} is longer than ${MAX_READ} bytes`);
    const taken = records.slice(0, cut);
    const end = taken.at(-1)?.end ?? 0;
    const consumed =
      plan.encoding === "utf-8" ? new TextEncoder().encode(text.slice(0, end)).byteLength : end;
    const next = records[cut];
    const nextLine = next ? next.line : job.nextLine + text.slice(0, end).split(plan.newline).length - 1;
    return { text, taken, nextByte: from + consumed, nextLine, atEnd: atEnd && cut === records.length };
  }
}

interface Tally {
  created: number;
  unchanged: number;
  failed: { line: number; message: string; raw: string }[];
}

/** Each sale through intake, a few at a time; a sale intake refuses (4xx) is an error of its rows. */
async function applySales(env: Env, actorId: string | null, rows: ReadRow[], plan: ImportMessage["plan"]) {
  const tally: Tally = { created: 0, unchanged: 0, failed: [] };
  const fail = (group: ReadRow[], message: string) => {
    for (const row of group) {
      tally.failed.push({
        line: row.line,
        message: row.errors.length > 0 ? row.errors.join("; ") : message,
        raw: row.raw.slice(0, MAX_RAW),
      });
    }
  };
  const groups = await saleGroups(rows, plan.source, plan.mapping);
  let next = 0;
  let crash: unknown;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < groups.length && crash === undefined) {
        const group = groups[next++] as (typeof groups)[number];
        if (!group.intake) {
          fail(group.rows, group.error ?? "Not imported");
          continue;
        }
        try {
          const result = await upsertIntake(env, actorId, group.intake);
          if (result.outcome === "created") tally.created++;
          else if (result.outcome === "unchanged") tally.unchanged++;
        } catch (error) {
          if (error instanceof Problem && error.status < 500) fail(group.rows, error.detail ?? error.title);
          else crash = error;
        }
      }
    }),
  );
  if (crash !== undefined) throw crash;
  tally.failed.sort((a, b) => a.line - b.line);
  return tally;
}

/** Runs the chunk a message names; false when there is nothing more to queue. */
export async function runChunk(env: Env, message: ImportMessage): Promise<ImportMessage | null> {
  const db = getDb(env.DB);
  let [job] = await db.select().from(importJobs).where(eq(importJobs.id, message.job_id));
  // Finished, cancelled, or a redelivered message whose chunk went in already.
  if (!job || !["queued", "running"].includes(job.status) || job.nextByte !== message.from_byte) return null;
  if (job.status === "queued") {
    const rowsTotal = await countRows(env, job, message.plan);
    const at = isoNow();
    [job] = await db
      .update(importJobs)
      .set({ status: "running", rowsTotal, startedAt: at, updatedAt: at })
      .where(and(eq(importJobs.id, job.id), eq(importJobs.status, "queued")))
      .returning();
    if (!job) return null;
  }
  const slice = await readSlice(env, job, message.plan);
  if (!slice) {
    await failJob(env, job.id, "The uploaded file is no longer kept; send it again.");
    return null;
  }
  const rows = dataRows(slice.taken, slice.text, message.plan);
  const tally = await applySales(env, job.createdBy, rows, message.plan);
  const at = isoNow();
  const statements: Statement[] = paramChunks(tally.failed, ERROR_ROWS).map((part) =>
    db
      .insert(importErrors)
      .values(
        part.map((f) => ({ jobId: job.id, lineNo: f.line, message: f.message.slice(0, 1000), raw: f.raw })),
      )
      .onConflictDoNothing(),
  );
  const update = db
    .update(importJobs)
    .set({
      rowsDone: sql`${importJobs.rowsDone} + ${rows.length}`,
      rowsFailed: sql`${importJobs.rowsFailed} + ${tally.failed.length}`,
      ordersCreated: sql`${importJobs.ordersCreated} + ${tally.created}`,
      ordersUnchanged: sql`${importJobs.ordersUnchanged} + ${tally.unchanged}`,
      nextByte: slice.nextByte,
      nextLine: slice.nextLine,
      chunksDone: sql`${importJobs.chunksDone} + 1`,
      ...(slice.atEnd && {
        status: sql`CASE WHEN ${importJobs.status} = 'running' THEN 'done' ELSE ${importJobs.status} END`,
        rowsTotal: sql`${importJobs.rowsDone} + ${rows.length}`,
        finishedAt: sql`coalesce(${importJobs.finishedAt}, ${at})`,
      }),
      updatedAt: at,
    })
    // Guarded by where this chunk started: a second delivery of the message counts nothing twice.
    .where(and(eq(importJobs.id, job.id), eq(importJobs.nextByte, message.from_byte)))
    .returning({ status: importJobs.status });
  const results = await runBatch(db, [...statements, update]);
  const [after] = results.at(-1) as { status: string }[];
  if (after?.status !== "running") return null;
  return { ...message, from_byte: slice.nextByte };
}

export async function failJob(env: Env, id: string, error: string) {
  const at = isoNow();
  await getDb(env.DB)
    .update(importJobs)
    .set({ status: "failed", error: error.slice(0, 500), finishedAt: at, updatedAt: at })
    .where(and(eq(importJobs.id, id), sql`${importJobs.status} IN ('queued', 'running')`));
}
