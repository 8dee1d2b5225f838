// The labels phase of `npm run bench` (BENCH_ONLY=labels): 1,000-label jobs (POST /api/v1/labels/jobs, free
// codes on A4 3x8 sheets) in Code 128 and in QR, each rendered by the roms-labels queue's consumer in chunks
// of whole pages and merged, three times each, one job at a time: labels per second into the PDF (from the
// job's creation and from its first chunk being recorded to done), each chunk's render time against the
// Workers 30 s CPU limit (label_job_chunks.render_ms, read from D1 once ROMS has stopped), pages, and PDF
// bytes per label. The work is CPU bound PDF drawing, so these are absolute figures, with no bare Worker.
import path from "node:path";
import { root, withLocalBindings } from "../scripts/local.mjs";
import { roomsBench } from "./rooms.mjs";
import { percentile, results } from "./wrk.mjs";

const port = 8807;
const state = path.join(root, "bench", "out", "labels-state"); // roomsBench("labels", ...) makes it
const STOCK = "a4-3x8";
const LABELS = 1000;
const RUNS = 3;
const CPU_LIMIT_MS = 30_000;
const KINDS = {
  code128: (i) => `ABC-${String(i).padStart(6, "0")}`,
  qrcode: (i) => `https://shop.example/p/${String(i).padStart(6, "0")}?ref=label`,
};

const median = (values) => percentile(values, 50);
const ms = (from, to) => Date.parse(to) - Date.parse(from);

/** Makes a job of `codes`, waits for it to be done, downloads its PDF; the job as it ended, and client time. */
async function runJob(base, admin, codes) {
  const sent = performance.now();
  const res = await fetch(`${base}/api/v1/labels/jobs`, {
    method: "POST",
    headers: admin,
    body: JSON.stringify({ stock: STOCK, source: { codes } }),
  });
  if (res.status !== 201) throw new Error(`POST /labels/jobs: ${res.status} ${await res.text()}`);
  let job = await res.json();
  while (job.status === "queued" || job.status === "rendering") {
    if (performance.now() - sent > 300_000) throw new Error(`label job ${job.id} not done after 5 minutes`);
    await new Promise((r) => setTimeout(r, 25));
    job = await (await fetch(`${base}/api/v1/labels/jobs/${job.id}`, { headers: admin })).json();
  }
  const clientMs = performance.now() - sent;
  if (job.status !== "done") throw new Error(`label job ${job.id} ${job.status}: ${job.error}`);
  const pdf = new Uint8Array(
    await (await fetch(`${base}/api/v1/labels/jobs/${job.id}/pdf`, { headers: admin })).arrayBuffer(),
  );
  if (new TextDecoder().decode(pdf.subarray(0, 5)) !== "%PDF-" || pdf.length !== job.bytes)
    throw new Error(`label job ${job.id}: the download is not the ${job.bytes}-byte PDF the job reports`);
  return { job, clientMs };
}

export async function labelsPhase() {
  const { roms, admin } = await roomsBench("labels", port, 0);
  const runs = [];
  try {
    // One small job first, not counted: the consumer's isolate, its modules and the fonts are loaded.
    await runJob(
      roms.base,
      admin,
      Array.from({ length: 24 }, (_, i) => ({
        symbology: i % 2 ? "qrcode" : "code128",
        value: (i % 2 ? KINDS.qrcode : KINDS.code128)(i),
      })),
    );
    console.log(
      `labels: ${LABELS.toLocaleString("en")}-label jobs on ${STOCK}, rendered by the roms-labels queue consumer under wrangler dev (local workerd), one job at a time, ${RUNS} runs each`,
    );
    for (const [symbology, value] of Object.entries(KINDS)) {
      const codes = Array.from({ length: LABELS }, (_, i) => ({ symbology, value: value(i + 1) }));
      for (let run = 1; run <= RUNS; run++)
        runs.push({ symbology, run, ...(await runJob(roms.base, admin, codes)) });
    }
  } finally {
    roms.child.kill("SIGTERM");
    if (roms.child.exitCode === null) await new Promise((r) => roms.child.once("exit", r));
  }

  const { results: chunkRows } = await withLocalBindings(
    (env) =>
      env.DB.prepare(
        "SELECT job_id, n, labels, pages, bytes, render_ms, rendered_at FROM label_job_chunks ORDER BY job_id, n",
      ).all(),
    { persistTo: state },
  );
  for (const r of runs) r.chunks = chunkRows.filter((c) => c.job_id === r.job.id);

  for (const symbology of Object.keys(KINDS)) {
    const mine = runs.filter((r) => r.symbology === symbology);
    for (const { run, job, clientMs, chunks } of mine) {
      const created = ms(job.created_at, job.finished_at);
      const started = ms(job.started_at, job.finished_at);
      const lastChunk = Math.max(...chunks.map((c) => Date.parse(c.rendered_at)));
      console.log(
        `  ${symbology.padEnd(7)} run ${run}: created→done ${created} ms (${((LABELS * 1000) / created).toFixed(0)} labels/s), first chunk recorded→done ${started} ms (${((LABELS * 1000) / started).toFixed(0)} labels/s), ${job.pages} pages, ${job.bytes.toLocaleString("en")} B; chunks render_ms [${chunks.map((c) => `${c.render_ms} (${c.labels})`).join(", ")}]; last chunk recorded→merged ${Date.parse(job.finished_at) - lastChunk} ms; seen done by the poller after ${clientMs.toFixed(0)} ms`,
      );
    }
    const createdMs = median(mine.map((r) => ms(r.job.created_at, r.job.finished_at)));
    const startedMs = median(mine.map((r) => ms(r.job.started_at, r.job.finished_at)));
    const renders = mine.flatMap((r) => r.chunks.map((c) => c.render_ms));
    const fullChunk = Math.max(...mine.flatMap((r) => r.chunks.map((c) => c.labels)));
    const pages = median(mine.map((r) => r.job.pages));
    const bytes = median(mine.map((r) => r.job.bytes));
    const summary = {
      phase: "labels",
      route: `label job: ${LABELS} x ${symbology} on ${STOCK} into one PDF (median of ${RUNS})`,
      symbology,
      stock: STOCK,
      labels: LABELS,
      runs: RUNS,
      chunks_per_job: mine[0].job.chunks,
      labels_per_chunk: fullChunk,
      created_to_done_ms: createdMs,
      labels_per_s_from_created: (LABELS * 1000) / createdMs,
      started_to_done_ms: startedMs,
      labels_per_s_from_started: (LABELS * 1000) / startedMs,
      chunk_render_ms: {
        min: Math.min(...renders),
        median: median(renders),
        max: Math.max(...renders),
        chunks: renders.length,
      },
      chunk_render_max_of_cpu_limit: Math.max(...renders) / CPU_LIMIT_MS,
      pages,
      bytes,
      bytes_per_label: bytes / LABELS,
      per_run: mine.map(({ run, job, clientMs, chunks }) => ({
        run,
        id: job.id,
        created_at: job.created_at,
        started_at: job.started_at,
        finished_at: job.finished_at,
        pages: job.pages,
        bytes: job.bytes,
        client_ms: Math.round(clientMs),
        chunk_render_ms: chunks.map((c) => c.render_ms),
      })),
    };
    results.push(summary);
    const r = summary.chunk_render_ms;
    console.log(
      `[${symbology}] ${LABELS.toLocaleString("en")} labels, median of ${RUNS}: ${summary.labels_per_s_from_created.toFixed(0)} labels/s created→done (${createdMs} ms), ${summary.labels_per_s_from_started.toFixed(0)} labels/s first chunk recorded→done (${startedMs} ms); chunk render min/median/max ${r.min}/${r.median}/${r.max} ms over ${r.chunks} chunks of up to ${fullChunk} labels = at most ${(summary.chunk_render_max_of_cpu_limit * 100).toFixed(1)}% of the 30 s CPU limit; ${pages} pages; ${bytes.toLocaleString("en")} B = ${summary.bytes_per_label.toFixed(0)} B/label`,
    );
  }
  console.log(
    "  (started_at is set when the first chunk is recorded, after it rendered: first chunk recorded→done leaves that chunk out; render_ms is wall time in wrangler dev around the CPU-bound drawing)",
  );
}
