// Import jobs: the upload streamed to R2 (hashed on the way, its header checked against the format), the job
// queued for the IMPORTS queue, its progress as rows, rate and time left, the cancel, and its errors as CSV.
import { and, asc, desc, eq, gt, inArray, ne } from "drizzle-orm";
import { getDb, isoNow } from "../../db";
import { importErrors, importFormats, importJobs } from "../../db/schema/imports";
import type { Env } from "../../env";
import { csvLine, decodeCsv, newlineOf } from "../../lib/csv";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { badRequest, conflict, notFound, serviceUnavailable } from "../../lib/problem";
import { findFormat, sourceOf } from "./formats";
import type { ImportMessage } from "./queue";
import { layoutFor, type ReadPlan } from "./rows";
import type { ImportMapping } from "./schemas";

export type ImportJobRow = typeof importJobs.$inferSelect;

/** Enough of the file to find its header (which may sit under a few lines of preamble). */
const HEAD_BYTES = 64 * 1024;
const ERROR_PAGE = 2000;

export const fileKeyOf = (jobId: string) => `imports/${jobId}.csv`;

export function toJobView(j: ImportJobRow, format: string, now = Date.now()) {
  const started = j.startedAt ? Date.parse(j.startedAt) : null;
  const until = j.finishedAt ? Date.parse(j.finishedAt) : now;
  const seconds = started === null ? 0 : Math.max(0.001, (until - started) / 1000);
  const rate = started === null || j.rowsDone === 0 ? null : Math.round((j.rowsDone / seconds) * 10) / 10;
  const total = j.rowsTotal === null ? null : Math.max(j.rowsTotal, j.rowsDone);
  const left =
    j.status === "done"
      ? 0
      : j.status === "running" && total !== null && rate
        ? Math.ceil((total - j.rowsDone) / rate)
        : null;
  return {
    id: j.id,
    format,
    filename: j.filename,
    bytes: j.bytes,
    file_hash: j.fileHash,
    status: j.status,
    rows_total: total,
    rows_done: j.rowsDone,
    rows_failed: j.rowsFailed,
    orders_created: j.ordersCreated,
    orders_unchanged: j.ordersUnchanged,
    chunks_done: j.chunksDone,
    progress: j.status === "done" ? 1 : total ? Math.round((j.rowsDone / total) * 1000) / 1000 : 0,
    rows_per_second: rate,
    seconds_left: left,
    error: j.error,
    errors_url: `/api/v1/imports/${j.id}/errors.csv`,
    created_by: j.createdBy,
    created_at: j.createdAt,
    started_at: j.startedAt,
    finished_at: j.finishedAt,
    updated_at: j.updatedAt,
  };
}
export type ImportJobView = ReturnType<typeof toJobView>;

const hex = (bytes: ArrayBuffer) =>
  [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Streams the body to R2 under `key`, hashing it on the way and keeping its first bytes. R2 needs the length
 * up front: a body with Content-Length goes through a FixedLengthStream without being held; one without is
 * collected first (a chunked upload; the app's upload limit bounds it).
 */
async function storeUpload(env: Env, request: Request, key: string) {
  if (!request.body) throw badRequest("The body is empty: send the sales CSV as the request body.");
  const digest = new crypto.DigestStream("SHA-256");
  const hashing = digest.getWriter();
  const head: Uint8Array[] = [];
  let headSize = 0;
  let size = 0;
  const tap = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      size += chunk.byteLength;
      if (headSize < HEAD_BYTES) {
        const part = chunk.slice(0, HEAD_BYTES - headSize);
        head.push(part);
        headSize += part.byteLength;
      }
      await hashing.write(chunk);
      controller.enqueue(chunk);
    },
    async flush() {
      await hashing.close();
    },
  });
  const length = Number(request.headers.get("content-length"));
  const tapped = request.body.pipeThrough(tap);
  const body =
    Number.isSafeInteger(length) && length > 0
      ? tapped.pipeThrough(new FixedLengthStream(length))
      : await new Response(tapped).arrayBuffer();
  await env.FILES.put(key, body, { httpMetadata: { contentType: "text/csv" } });
  const headBytes = new Uint8Array(headSize);
  let at = 0;
  for (const part of head) {
    headBytes.set(part, at);
    at += part.byteLength;
  }
  return { bytes: size, hash: hex(await digest.digest), head: headBytes, whole: size <= HEAD_BYTES };
}

/** Where the file's data starts and how to read it, from its first bytes; a 400 when the mapping does not fit. */
export function planOf(head: Uint8Array, whole: boolean, mapping: ImportMapping, source: string) {
  const { text, encoding, bomBytes } = decodeCsv(head, !whole);
  const layout = layoutFor(
    text,
    mapping,
    "Correct the format's mapping (PUT /api/v1/imports/formats/{name}) or the file's header, and send it again.",
  );
  const before = text.slice(0, layout.header.end);
  const dataByte =
    bomBytes + (encoding === "utf-8" ? new TextEncoder().encode(before).byteLength : before.length);
  const plan: ReadPlan & { source: string } = {
    delimiter: layout.delimiter,
    newline: newlineOf(text),
    encoding,
    columns: layout.columns,
    mapping,
    source,
  };
  const headerBreaks = before.slice(layout.header.start).split(plan.newline).length - 1;
  return { plan, dataByte, dataLine: layout.header.line + headerBreaks };
}

export async function sendChunk(env: Env, message: ImportMessage) {
  await env.IMPORTS.send(message, { contentType: "json" });
}

/**
 * POST /imports: the file kept in R2, then the job, queued. The same file for the same format again answers
 * the job it made (200) unless `rerun`: a new job then reads it again, and finds every order unchanged.
 */
export async function uploadImport(
  env: Env,
  actorId: string,
  request: Request,
  query: { format: string; filename?: string | undefined; rerun?: "true" | "false" | undefined },
): Promise<{ status: 200 | 201; job: ImportJobView }> {
  const format = await findFormat(env, query.format);
  const id = newId();
  const key = fileKeyOf(id);
  const stored = await storeUpload(env, request, key);
  const db = getDb(env.DB);
  try {
    if (stored.bytes === 0) throw badRequest("The body is empty: send the sales CSV as the request body.");
    const { plan, dataByte, dataLine } = planOf(
      stored.head,
      stored.whole,
      format.mapping,
      sourceOf(format.row.name),
    );
    if (query.rerun !== "true") {
      const [earlier] = await db
        .select()
        .from(importJobs)
        .where(
          and(
            eq(importJobs.fileHash, stored.hash),
            eq(importJobs.formatId, format.row.id),
            ne(importJobs.status, "failed"),
            ne(importJobs.status, "cancelled"),
          ),
        )
        .orderBy(desc(importJobs.createdAt))
        .limit(1);
      if (earlier) {
        await env.FILES.delete(key);
        return { status: 200, job: toJobView(earlier, format.row.name) };
      }
    }
    const [job] = await db
      .insert(importJobs)
      .values({
        id,
        formatId: format.row.id,
        filename: query.filename ?? null,
        fileKey: key,
        fileHash: stored.hash,
        bytes: stored.bytes,
        status: "queued",
        nextByte: dataByte,
        nextLine: dataLine,
        createdBy: actorId,
      })
      .returning();
    if (!job) throw new Error("the import job insert returned nothing");
    try {
      await sendChunk(env, { job_id: id, from_byte: dataByte, plan });
    } catch (error) {
      await db
        .update(importJobs)
        .set({
          status: "failed",
          error: `Could not queue the job: ${String(error).slice(0, 200)}`,
          finishedAt: isoNow(),
        })
        .where(eq(importJobs.id, id));
      throw serviceUnavailable(
        "The import queue did not take the job; it is marked failed. Send the file again.",
      );
    }
    return { status: 201, job: toJobView(job, format.row.name) };
  } catch (error) {
    if (!(await db.select({ id: importJobs.id }).from(importJobs).where(eq(importJobs.id, id))).length)
      await env.FILES.delete(key);
    throw error;
  }
}

async function formatName(env: Env, formatId: string) {
  const [row] = await getDb(env.DB)
    .select({ name: importFormats.name })
    .from(importFormats)
    .where(eq(importFormats.id, formatId));
  return row?.name ?? formatId;
}

export async function findJob(env: Env, id: string): Promise<ImportJobRow> {
  const [job] = await getDb(env.DB).select().from(importJobs).where(eq(importJobs.id, id));
  if (!job) throw notFound("No such import.");
  return job;
}

export const jobView = async (env: Env, id: string) => {
  const job = await findJob(env, id);
  return toJobView(job, await formatName(env, job.formatId));
};

export async function listJobs(
  env: Env,
  query: { limit: number; cursor?: string | undefined; status?: ImportJobRow["status"] | undefined },
) {
  const page = await newestFirst(
    getDb(env.DB)
      .select({ job: importJobs, format: importFormats.name })
      .from(importJobs)
      .leftJoin(importFormats, eq(importFormats.id, importJobs.formatId))
      .$dynamic(),
    { time: importJobs.createdAt, id: importJobs.id },
    [query.status ? eq(importJobs.status, query.status) : undefined],
    query,
    (r) => [r.job.createdAt, r.job.id],
  );
  return {
    items: page.items.map((r) => toJobView(r.job, r.format ?? r.job.formatId)),
    next_cursor: page.next_cursor,
  };
}

/** Stops a queued or running job at its next chunk: what went in stays in. 409 for a finished job. */
export async function cancelJob(env: Env, id: string) {
  const at = isoNow();
  const [job] = await getDb(env.DB)
    .update(importJobs)
    .set({ status: "cancelled", finishedAt: at, updatedAt: at })
    .where(and(eq(importJobs.id, id), inArray(importJobs.status, ["queued", "running"])))
    .returning();
  if (!job) {
    const found = await findJob(env, id);
    throw conflict(`The import is ${found.status}; only a queued or running import can be cancelled.`);
  }
  return toJobView(job, await formatName(env, job.formatId));
}

/** The job's bad rows as CSV (line, message, the row as it was), read page by page as the client reads. */
export async function errorsCsv(env: Env, id: string): Promise<ReadableStream<Uint8Array>> {
  await findJob(env, id);
  const db = getDb(env.DB);
  const encoder = new TextEncoder();
  let after = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${csvLine(["line", "message", "row"])}`));
      }
      const rows = await db
        .select()
        .from(importErrors)
        .where(and(eq(importErrors.jobId, id), gt(importErrors.lineNo, after)))
        .orderBy(asc(importErrors.lineNo))
        .limit(ERROR_PAGE);
      if (rows.length === 0) return controller.close();
      after = (rows.at(-1) as (typeof rows)[number]).lineNo;
      controller.enqueue(
        encoder.encode(rows.map((r) => csvLine([r.lineNo, r.message, r.raw ?? ""])).join("")),
      );
    },
  });
}
