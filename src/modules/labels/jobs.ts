// Label jobs: made from a source (snapshotted to R2), rendered by the LABELS queue in chunks of whole
// pages, merged into one PDF, listed as a history, reprinted from the same snapshot.
import { eq, gte, lt } from "drizzle-orm";
import { getDb } from "../../db";
import { labelJobs } from "../../db/schema/labels";
import { checkStock, type LabelItem, type LabelTemplate } from "../../documents/label-items";
import { type CustomStock, type LabelStock, perPage, type StockId, stockOf } from "../../documents/stock";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { badRequest, conflict, notFound, serviceUnavailable } from "../../lib/problem";
import { type LabelJobBody, type LabelJobQuery, MAX_JOB_LABELS } from "./schemas";
import { itemsOf, templateOf } from "./sources";

export type LabelJobRow = typeof labelJobs.$inferSelect;

/** What the LABELS queue carries: render one chunk, or merge the chunks of a job. */
export type LabelMessage = { job_id: string; chunk: number } | { job_id: string; merge: true };

/** Labels per chunk: whole pages, about 500 labels (a chunk renders in well under a second of CPU). */
export const CHUNK_TARGET = 500;
export const chunkSize = (stock: LabelStock) =>
  perPage(stock) * Math.max(1, Math.floor(CHUNK_TARGET / perPage(stock)));

export const toJobView = (j: LabelJobRow) => ({
  id: j.id,
  template: j.template as LabelTemplate,
  stock: j.stock,
  stock_grid: (j.stockGrid as CustomStock | null) ?? null,
  source: j.source,
  copies: j.copies,
  start: j.start,
  status: j.status,
  labels: j.labels,
  labels_done: j.labelsDone,
  progress: j.labels === 0 ? 1 : Math.round((j.labelsDone / j.labels) * 1000) / 1000,
  chunks: j.chunks,
  chunks_done: j.chunksDone,
  pages: j.pages,
  bytes: j.bytes,
  error: j.error,
  reprint_of: j.reprintOf,
  created_by: j.createdBy,
  created_at: j.createdAt,
  started_at: j.startedAt,
  finished_at: j.finishedAt,
  pdf_url: j.status === "done" ? `/api/v1/labels/jobs/${j.id}/pdf` : null,
});
export type LabelJobView = ReturnType<typeof toJobView>;

/** The stock a job row names. */
export const jobStock = (j: Pick<LabelJobRow, "stock" | "stockGrid">): LabelStock =>
  stockOf(j.stock === "custom" ? (j.stockGrid as CustomStock) : (j.stock as StockId)) as LabelStock;

export const itemsKey = (jobId: string) => `labels/${jobId}/items.json`;
export const partKey = (jobId: string, n: number) => `labels/${jobId}/part-${n}.pdf`;
export const fileKey = (jobId: string) => `labels/${jobId}/labels.pdf`;

/** Chunks of a job of `labels` labels starting at position `start`: ranges of sheet positions. */
export const chunkCount = (stock: LabelStock, start: number, labels: number) =>
  Math.ceil((start + labels) / chunkSize(stock));

async function enqueue(env: Env, job: LabelJobRow): Promise<void> {
  const messages = Array.from({ length: job.chunks }, (_, n) => ({
    body: { job_id: job.id, chunk: n } satisfies LabelMessage,
  }));
  try {
    for (let i = 0; i < messages.length; i += 100) await env.LABELS.sendBatch(messages.slice(i, i + 100));
  } catch (error) {
    await getDb(env.DB)
      .update(labelJobs)
      .set({
        status: "failed",
        error: `Could not queue the job: ${String(error).slice(0, 200)}. Reprint it.`,
        finishedAt: new Date().toISOString(),
      })
      .where(eq(labelJobs.id, job.id));
    throw serviceUnavailable("The label queue did not take the job; it is marked failed. Try again.");
  }
}

function resolveStock(template: LabelTemplate, stock: LabelJobBody["stock"]): LabelStock {
  const resolved = stockOf(stock);
  if (!resolved) {
    throw badRequest(
      "The custom sheet's labels do not fit on its paper: check its margins, sizes and gaps.",
      [{ in: "body", path: "stock", message: "labels run off the page" }],
    );
  }
  checkStock(template, resolved);
  return resolved;
}

async function insertJob(env: Env, row: typeof labelJobs.$inferInsert): Promise<LabelJobRow> {
  const [job] = await getDb(env.DB).insert(labelJobs).values(row).returning();
  if (!job) throw new Error("label job insert returned nothing");
  await enqueue(env, job);
  return job;
}

export async function createJob(env: Env, actorId: string, body: LabelJobBody): Promise<LabelJobView> {
  const template = body.template ?? templateOf(body.source);
  if (template !== templateOf(body.source)) {
    throw badRequest(
      `A ${Object.keys(body.source)[0]} source prints with the ${templateOf(body.source)} template, not ${template}.`,
      [{ in: "body", path: "template", message: `use ${templateOf(body.source)}` }],
    );
  }
  const stock = resolveStock(template, body.stock);
  const items: LabelItem[] = await itemsOf(env, body.source);
  const labels = items.length * body.copies;
  if (labels > MAX_JOB_LABELS) {
    throw badRequest(
      `${items.length} labels x ${body.copies} copies is ${labels}; a job prints at most ${MAX_JOB_LABELS}. Split it.`,
    );
  }
  const id = newId();
  await env.FILES.put(itemsKey(id), JSON.stringify(items), {
    httpMetadata: { contentType: "application/json" },
  });
  const job = await insertJob(env, {
    id,
    template,
    stock: typeof body.stock === "string" ? body.stock : "custom",
    stockGrid: typeof body.stock === "string" ? null : body.stock,
    source: body.source as Record<string, unknown>,
    copies: body.copies,
    start: body.start,
    status: "queued",
    labels,
    chunks: chunkCount(stock, body.start, labels),
    itemsKey: itemsKey(id),
    createdBy: actorId,
  });
  return toJobView(job);
}

/** A new job printing the same labels again (the same snapshot), with other copies or start if asked. */
export async function reprintJob(
  env: Env,
  actorId: string,
  id: string,
  body: { copies?: number | undefined; start?: number | undefined },
) {
  const original = await findJob(env, id);
  const copies = body.copies ?? original.copies;
  const start = body.start ?? original.start;
  const items = original.labels / original.copies;
  const labels = items * copies;
  if (labels > MAX_JOB_LABELS) throw badRequest(`${labels} labels; a job prints at most ${MAX_JOB_LABELS}.`);
  if (!(await env.FILES.head(original.itemsKey)))
    throw conflict("That job's labels are no longer kept; make a new job.");
  const job = await insertJob(env, {
    id: newId(),
    template: original.template,
    stock: original.stock,
    stockGrid: original.stockGrid,
    source: original.source,
    copies,
    start,
    status: "queued",
    labels,
    chunks: chunkCount(jobStock(original), start, labels),
    itemsKey: original.itemsKey,
    reprintOf: original.id,
    createdBy: actorId,
  });
  return toJobView(job);
}

export async function findJob(env: Env, id: string): Promise<LabelJobRow> {
  const [job] = await getDb(env.DB).select().from(labelJobs).where(eq(labelJobs.id, id));
  if (!job) throw notFound("No such label job.");
  return job;
}

export async function listJobs(env: Env, query: LabelJobQuery) {
  const page = await newestFirst(
    getDb(env.DB).select().from(labelJobs).$dynamic(),
    { time: labelJobs.createdAt, id: labelJobs.id },
    [
      query.status ? eq(labelJobs.status, query.status) : undefined,
      query.template ? eq(labelJobs.template, query.template) : undefined,
      query.created_by ? eq(labelJobs.createdBy, query.created_by) : undefined,
      query.since ? gte(labelJobs.createdAt, query.since) : undefined,
      query.until ? lt(labelJobs.createdAt, query.until) : undefined,
    ],
    query,
    (j) => [j.createdAt, j.id],
  );
  return { items: page.items.map(toJobView), next_cursor: page.next_cursor };
}

/** The job's PDF, once it is done. */
/** The job, once its PDF is made (409 before). */
export async function readyJob(env: Env, id: string): Promise<LabelJobRow & { fileKey: string }> {
  const job = await findJob(env, id);
  if (job.status !== "done" || !job.fileKey) {
    throw conflict(
      `The job is ${job.status}${job.status === "failed" ? `: ${job.error}` : "; its PDF is not ready yet"}.`,
    );
  }
  return { ...job, fileKey: job.fileKey };
}

/** The job's PDF, once it is done. */
export async function jobPdf(env: Env, id: string): Promise<{ job: LabelJobRow; body: R2ObjectBody }> {
  const job = await readyJob(env, id);
  const body = await env.FILES.get(job.fileKey);
  if (!body) throw notFound("The job's PDF is no longer kept; reprint the job.");
  return { job, body };
}
