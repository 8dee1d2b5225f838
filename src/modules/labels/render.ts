// The LABELS queue's consumer. A chunk message renders whole pages of a job's labels from its snapshot into
// a part PDF in R2 and records the chunk (once: a redelivered chunk counts nothing twice); whoever records
// the last chunk sends the merge, which joins the parts into the job's one PDF. Each message is one
// invocation with its own CPU budget, so a 20,000-label job never comes near a request's limit.
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { labelJobChunks, labelJobs } from "../../db/schema/labels";
import { fontBytes } from "../../documents/fonts";
import type { LabelItem } from "../../documents/label-items";
import { renderLabelSheet } from "../../documents/labels";
import { mergePdfs } from "../../documents/merge";
import type { Env } from "../../env";
import { chunkSize, fileKey, findJob, jobStock, type LabelJobRow, type LabelMessage, partKey } from "./jobs";

const MAX_ATTEMPTS = 4; // wrangler.toml: max_retries = 3

/** The snapshot's items, kept for the batch: a batch's chunks of one job read it once. */
async function snapshot(env: Env, job: LabelJobRow, cache: Map<string, LabelItem[]>): Promise<LabelItem[]> {
  let items = cache.get(job.itemsKey);
  if (!items) {
    const object = await env.FILES.get(job.itemsKey);
    if (!object) throw new Error(`label snapshot ${job.itemsKey} is missing`);
    items = (await object.json()) as LabelItem[];
    cache.set(job.itemsKey, items);
  }
  return items;
}

async function renderChunk(
  env: Env,
  job: LabelJobRow,
  n: number,
  cache: Map<string, LabelItem[]>,
): Promise<void> {
  const stock = jobStock(job);
  const size = chunkSize(stock);
  // Sheet positions [first, last) of this chunk; label i sits at position start + i.
  const first = Math.max(job.start, n * size);
  const last = Math.min(job.start + job.labels, (n + 1) * size);
  const items = await snapshot(env, job, cache);
  const labels: LabelItem[] = [];
  for (let position = first; position < last; position++) {
    labels.push(items[Math.floor((position - job.start) / job.copies)] as LabelItem);
  }
  const started = Date.now();
  const pdf = await renderLabelSheet(await fontBytes(env), stock, labels, { start: first % size });
  const renderMs = Date.now() - started;
  await env.FILES.put(partKey(job.id, n), pdf.bytes, { httpMetadata: { contentType: "application/pdf" } });
  const db = getDb(env.DB);
  const now = new Date().toISOString();
  const [, [counted]] = await db.batch([
    db
      .insert(labelJobChunks)
      .values({
        jobId: job.id,
        n,
        labels: labels.length,
        pages: pdf.pages,
        bytes: pdf.bytes.length,
        renderMs,
      })
      .onConflictDoNothing(),
    db
      .update(labelJobs)
      .set({
        status: "rendering",
        startedAt: sql`COALESCE(${labelJobs.startedAt}, ${now})`,
        chunksDone: sql`(SELECT COUNT(*) FROM ${labelJobChunks} WHERE ${labelJobChunks.jobId} = ${job.id})`,
        labelsDone: sql`(SELECT COALESCE(SUM(${labelJobChunks.labels}), 0) FROM ${labelJobChunks} WHERE ${labelJobChunks.jobId} = ${job.id})`,
      })
      .where(and(eq(labelJobs.id, job.id), sql`${labelJobs.status} IN ('queued', 'rendering')`))
      .returning({ chunksDone: labelJobs.chunksDone, chunks: labelJobs.chunks }),
  ]);
  if (counted && counted.chunksDone === counted.chunks) {
    await env.LABELS.send({ job_id: job.id, merge: true } satisfies LabelMessage);
  }
}

async function merge(env: Env, job: LabelJobRow): Promise<void> {
  let key = partKey(job.id, 0);
  let pages: number;
  let bytes: number;
  if (job.chunks === 1) {
    const part = await env.FILES.head(key);
    if (!part) throw new Error(`label part ${key} is missing`);
    bytes = part.size;
    const [row] = await getDb(env.DB).select().from(labelJobChunks).where(eq(labelJobChunks.jobId, job.id));
    pages = row?.pages ?? 0;
  } else {
    const parts: Uint8Array[] = [];
    for (let n = 0; n < job.chunks; n++) {
      const part = await env.FILES.get(partKey(job.id, n));
      if (!part) throw new Error(`label part ${partKey(job.id, n)} is missing`);
      parts.push(new Uint8Array(await part.arrayBuffer()));
    }
    const merged = await mergePdfs(parts, `Labels ${job.id}`);
    key = fileKey(job.id);
    await env.FILES.put(key, merged.bytes, { httpMetadata: { contentType: "application/pdf" } });
    pages = merged.pages;
    bytes = merged.bytes.length;
  }
  await getDb(env.DB)
    .update(labelJobs)
    .set({ status: "done", fileKey: key, pages, bytes, finishedAt: new Date().toISOString() })
    .where(and(eq(labelJobs.id, job.id), eq(labelJobs.status, "rendering")));
  if (job.chunks > 1) {
    await env.FILES.delete(Array.from({ length: job.chunks }, (_, n) => partKey(job.id, n)));
  }
}

async function fail(env: Env, job: LabelJobRow, error: unknown): Promise<void> {
  await getDb(env.DB)
    .update(labelJobs)
    .set({
      status: "failed",
      error: `Rendering failed: ${String(error).slice(0, 300)}. Reprint the job.`,
      finishedAt: new Date().toISOString(),
    })
    .where(and(eq(labelJobs.id, job.id), sql`${labelJobs.status} IN ('queued', 'rendering')`));
}

export async function handleLabelQueue(batch: MessageBatch<LabelMessage>, env: Env): Promise<void> {
  const cache = new Map<string, LabelItem[]>();
  for (const message of batch.messages) {
    const body = message.body;
    let job: LabelJobRow | undefined;
    try {
      job = await findJob(env, body.job_id);
      if (job.status === "done" || job.status === "failed") {
        message.ack();
        continue;
      }
      if ("merge" in body) await merge(env, job);
      else await renderChunk(env, job, body.chunk, cache);
      message.ack();
    } catch (error) {
      console.error(
        JSON.stringify({
          level: "error",
          msg: "label job step failed",
          job_id: body.job_id,
          step: "merge" in body ? "merge" : body.chunk,
          error: String(error),
        }),
      );
      if (job && message.attempts >= MAX_ATTEMPTS) {
        await fail(env, job, error);
        message.ack();
      } else if (!job && message.attempts >= MAX_ATTEMPTS) {
        message.ack();
      } else {
        message.retry({ delaySeconds: 2 ** message.attempts });
      }
    }
  }
}
