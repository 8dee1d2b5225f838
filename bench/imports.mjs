// The imports phase of `npm run bench` (BENCH_ONLY=imports, export `importsPhase`): rows per second of a sales
// CSV import under wrangler dev. A file of BENCH_IMPORT_ROWS rows (500,000 by default; ";" delimited, decimal
// commas, two countries and currencies, one row an order, status shipped so nothing is invoiced) is uploaded
// to POST /api/v1/imports (streamed to R2), then read by the roms-imports queue in chunks through the one
// intake path while the job is polled: rows/s from the job's start to done, chunks, and the rate mid-way.
import { roomsBench } from "./rooms.mjs";
import { results } from "./wrk.mjs";

const port = 8810;
const ROWS = Number(process.env.BENCH_IMPORT_ROWS) || 500_000;
const LIMIT_MS = Number(process.env.BENCH_IMPORT_MINUTES || 120) * 60_000;

const MAPPING = {
  columns: {
    order_ref: "Bestellung",
    date: "Datum",
    country: "Land",
    currency: "Währung",
    sku: "Artikel",
    name: "Bezeichnung",
    quantity: "Menge",
    unit_price: "Preis",
    tax_rate: "MwSt",
  },
  date_format: "DD.MM.YYYY",
  time_zone: "Europe/Berlin",
  decimal: ",",
  default_status: "shipped",
};

function fileOf(rows) {
  const lines = ["\uFEFFBestellung;Datum;Land;Währung;Artikel;Bezeichnung;Menge;Preis;MwSt"];
  for (let i = 0; i < rows; i++) {
    const [country, currency, tax] = i % 3 === 0 ? ["CH", "CHF", "8,1"] : ["DE", "EUR", "19"];
    const day = String(1 + (i % 28)).padStart(2, "0");
    const month = String(1 + (Math.floor(i / 28) % 12)).padStart(2, "0");
    lines.push(
      `B-${i};${day}.${month}.2024 ${String(i % 24).padStart(2, "0")}:15;${country};${currency};SKU-${i % 50};"Item ${i % 50}; bench";${1 + (i % 3)};${1 + (i % 90)},${String(i % 100).padStart(2, "0")};${tax}`,
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

export async function importsPhase() {
  const { roms, admin } = await roomsBench("imports", port, 0);
  try {
    const base = roms.base;
    const put = await fetch(`${base}/api/v1/imports/formats/bench`, {
      method: "PUT",
      headers: admin,
      body: JSON.stringify(MAPPING),
    });
    if (put.status !== 200) throw new Error(`PUT format: ${put.status} ${await put.text()}`);
    const body = new TextEncoder().encode(fileOf(ROWS));
    const sent = performance.now();
    const res = await fetch(`${base}/api/v1/imports?format=bench&filename=bench.csv`, {
      method: "POST",
      headers: { authorization: admin.authorization, "content-type": "text/csv" },
      body,
    });
    if (res.status !== 201) throw new Error(`POST /imports: ${res.status} ${await res.text()}`);
    const uploadMs = performance.now() - sent;
    let job = await res.json();
    const rates = [];
    let lastLog = 0;
    while (job.status === "queued" || job.status === "running") {
      if (performance.now() - sent > LIMIT_MS)
        throw new Error(`import not done after ${LIMIT_MS / 60_000} minutes`);
      await new Promise((r) => setTimeout(r, 1000));
      job = await (await fetch(`${base}/api/v1/imports/${job.id}`, { headers: admin })).json();
      if (job.rows_per_second) rates.push(job.rows_per_second);
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        console.log(
          `  ${job.rows_done.toLocaleString("en")} / ${job.rows_total?.toLocaleString("en") ?? "?"} rows, ${job.rows_per_second} rows/s, ~${job.seconds_left} s left`,
        );
      }
    }
    if (job.status !== "done") throw new Error(`import ${job.status}: ${job.error}`);
    const seconds = (Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000;
    const summary = {
      phase: "imports",
      route: `POST /api/v1/imports: ${ROWS} rows, one order each, read by the roms-imports queue`,
      rows: job.rows_done,
      failed: job.rows_failed,
      orders_created: job.orders_created,
      chunks: job.chunks_done,
      upload_ms: Math.round(uploadMs),
      bytes: body.byteLength,
      seconds: Math.round(seconds),
      rows_per_s: job.rows_done / seconds,
      midway_rows_per_s: rates[Math.floor(rates.length / 2)] ?? null,
    };
    results.push(summary);
    console.log(
      `[imports] ${summary.rows.toLocaleString("en")} rows (${(summary.bytes / 1e6).toFixed(1)} MB, upload ${summary.upload_ms} ms) in ${summary.chunks} chunks: ${summary.rows_per_s.toFixed(0)} rows/s (${summary.seconds} s), ${summary.orders_created} orders, ${summary.failed} bad rows`,
    );
    return summary;
  } finally {
    roms.child.kill("SIGTERM");
    if (roms.child.exitCode === null) await new Promise((r) => roms.child.once("exit", r));
  }
}

// Run alone: node bench/imports.mjs
if (import.meta.url === `file://${process.argv[1]}`) await importsPhase();
