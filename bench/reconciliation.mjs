// The reconciliation phase of `npm run bench` (BENCH_ONLY=reconciliation): card statement rows reconciled per
// second against 100,000 purchase orders. The orders are written straight into a fresh local D1 (one
// generated INSERT, a year of purchases from twelve merchants at ~274 a day, amounts from 5.00 to 205.00 so
// that some amounts repeat within a window); then, with ROMS under wrangler dev, three statements of
// BENCH_STATEMENT_ROWS rows (5,000), each over its own month, are imported one at a time through
// POST /api/v1/reconciliation/statements: each row a purchase of that month charged 0-3 days later under a
// card descriptor ("AMZN Mktp DE*…", "PAYPAL *…"), plus 5% strangers and 2% credits. Measured: rows/s of each
// import (client wall time, parse + lookup + match + one write batch), its D1 time from Server-Timing, the
// same file again (the repeat answer), and the report.
import { rmSync } from "node:fs";
import path from "node:path";
import { applyMigrations, createFirstAdmin, root, serve, withLocalBindings } from "../scripts/local.mjs";
import { generatePassword } from "../src/modules/auth/password.ts";
import { benchVars, percentile, results } from "./wrk.mjs";

const port = 8809;
const state = path.join(root, "bench", "out", "reconciliation-state");
const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 100_000);
const ROWS = Number(process.env.BENCH_STATEMENT_ROWS ?? 5_000);
const RUNS = 3;
const DAY_MS = 86_400_000;
const END = Date.parse("2026-11-20T00:00:00Z");
const STEP_MS = (365 * DAY_MS) / PURCHASES;

/** Each merchant as a purchase names it, and how its card descriptor writes it (`#` is a reference). */
const MERCHANTS = [
  ["Amazon", "AMZN Mktp DE*#"],
  ["Zalando", "PAYPAL *ZALANDO SE"],
  ["MediaMarkt", "MEDIAMARKT # HAMBURG"],
  ["IKEA", "IKEA DEUTSCHLAND #"],
  ["Conrad Electronic", "CONRAD ELECTRONIC SE"],
  ["Thomann", "THOMANN TREPPENDORF"],
  ["Otto", "OTTO GMBH & CO KG"],
  ["Reichelt Elektronik", "REICHELT ELEKTRONIK"],
  ["Hornbach", "HORNBACH BAUMARKT #"],
  ["Obi", "OBI MARKT # BERLIN"],
  ["Cyberport", "CYBERPORT GMBH DRESDEN"],
  ["Alternate", "SQ *ALTERNATE"],
];

const MAPPING = {
  date: "Buchungstag",
  amount: "Betrag",
  description: "Verwendungszweck",
  currency: "Währung",
  reference: "Referenz",
  date_format: "dmy",
  decimal: ",",
  charges: "negative",
};

const median = (values) => percentile(values, 50);
const dmy = (ms) => {
  const d = new Date(ms);
  return `${String(d.getUTCDate()).padStart(2, "0")}.${String(d.getUTCMonth() + 1).padStart(2, "0")}.${d.getUTCFullYear()}`;
};
/** Minor units as the bank writes a charge: -1.234,56. */
const written = (minor) => {
  const euros = String(Math.floor(Math.abs(minor) / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${minor > 0 ? "-" : ""}${euros},${String(Math.abs(minor) % 100).padStart(2, "0")}`;
};

async function seedPurchases(env) {
  const started = Date.now();
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
     INSERT INTO orders (id, number, kind, status, source, external_ref, merchant, currency, subtotal_minor,
                         tax_minor, total_minor, placed_at)
     SELECT printf('pur-%08d', i), printf('P-B-%08d', i), 'purchase',
            CASE WHEN i % 50 = 0 THEN 'cancelled' ELSE 'delivered' END, 'bench', printf('PUR-%08d', i),
            json_extract(?2, '$[' || (i % 12) || ']'), 'EUR',
            500 + ((i * 2654435761) % 4294967296) % 20000, 0, 500 + ((i * 2654435761) % 4294967296) % 20000,
            strftime('%Y-%m-%dT%H:%M:%fZ', (?3 - (?1 - i) * ?4) / 1000.0, 'unixepoch')
       FROM n`,
  )
    .bind(PURCHASES, JSON.stringify(MERCHANTS.map(([name]) => name)), END, STEP_MS)
    .run();
  return (Date.now() - started) / 1000;
}

/** Run `run`'s month of purchases (not cancelled), read back to be charged on its statement. */
const monthOf = (run) => ({
  from: new Date(END - (100 - run * 30) * DAY_MS).toISOString(),
  to: new Date(END - (70 - run * 30) * DAY_MS).toISOString(),
});

function statementCsv(run, purchases) {
  const lines = ["Buchungstag;Verwendungszweck;Betrag;Währung;Referenz"];
  const month = monthOf(run);
  let n = 0;
  for (const p of purchases) {
    if (lines.length > ROWS) break;
    n++;
    const kind = n % 100;
    const ref = `${run}${String(n).padStart(5, "0")}`;
    if (kind < 5) {
      // A stranger: an amount no purchase has (purchases start at 5.00).
      lines.push(
        `${dmy(Date.parse(month.from) + (n % 28) * DAY_MS)};"CAFE; NORD ${ref}";-4,${String(10 + (n % 89)).padStart(2, "0")};EUR;${ref}`,
      );
      continue;
    }
    if (kind < 7) {
      lines.push(
        `${dmy(Date.parse(month.from) + (n % 28) * DAY_MS)};AMAZON GUTSCHRIFT;${written(-p.total_minor)};EUR;${ref}`,
      );
      continue;
    }
    const [, descriptor] = MERCHANTS.find(([name]) => name === p.merchant);
    const posted = Date.parse(p.placed_at.slice(0, 10)) + (n % 4) * DAY_MS;
    lines.push(`${dmy(posted)};"${descriptor.replace("#", ref)}";${written(p.total_minor)};EUR;${ref}`);
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

async function timed(url, init) {
  const started = performance.now();
  const res = await fetch(url, init);
  const body = await res.json();
  return {
    status: res.status,
    body,
    ms: performance.now() - started,
    timing: res.headers.get("server-timing"),
  };
}

/** D1's share of a response, from its Server-Timing (`d1;desc="3 queries";dur=4.2, total;dur=9.8`). */
const d1Of = (timing) => ({
  d1_queries: Number(/d1;desc="(\d+)/.exec(timing ?? "")?.[1] ?? Number.NaN),
  d1_ms: Number(/d1;[^,]*dur=([\d.]+)/.exec(timing ?? "")?.[1] ?? Number.NaN),
  total_ms: Number(/total;dur=([\d.]+)/.exec(timing ?? "")?.[1] ?? Number.NaN),
});

export async function reconciliationPhase() {
  rmSync(state, { recursive: true, force: true });
  applyMigrations({ persistTo: state, quiet: true });
  const email = "bench@roms.local";
  const password = generatePassword();
  const { seconds, statements } = await withLocalBindings(
    async (env) => {
      await createFirstAdmin(env.DB, email, password);
      const seconds = await seedPurchases(env);
      const statements = [];
      for (let run = 0; run < RUNS; run++) {
        const { from, to } = monthOf(run);
        const { results: month } = await env.DB.prepare(
          `SELECT id, merchant, placed_at, total_minor FROM orders
            WHERE kind = 'purchase' AND status <> 'cancelled' AND placed_at >= ? AND placed_at < ?
              AND CAST(substr(id, 5) AS INTEGER) % 8 < 5
            ORDER BY placed_at, id`,
        )
          .bind(from, to)
          .all();
        statements.push(statementCsv(run, month));
      }
      return { seconds, statements };
    },
    { persistTo: state },
  );
  console.log(
    `reconciliation: seeded ${PURCHASES.toLocaleString("en")} purchase orders in ${seconds.toFixed(1)} s; statements of ${ROWS.toLocaleString("en")} rows, one month each, imported one at a time under wrangler dev (local workerd)`,
  );

  const roms = await serve({ port, persistTo: state, stdio: "ignore", vars: benchVars });
  const runs = [];
  try {
    const login = await fetch(`${roms.base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const auth = { authorization: `Bearer ${(await login.json()).access_token}` };
    const mapped = await fetch(`${roms.base}/api/v1/reconciliation/mappings/bench-visa`, {
      method: "PUT",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(MAPPING),
    });
    if (mapped.status !== 200) throw new Error(`PUT mapping: ${mapped.status} ${await mapped.text()}`);
    const post = (csv) =>
      timed(`${roms.base}/api/v1/reconciliation/statements?bank=bench-visa`, {
        method: "POST",
        headers: { ...auth, "content-type": "text/csv" },
        body: csv,
      });
    // Not counted: the isolate, its modules and the first statements compiled.
    const warm = await post(
      `${MAPPING.date};${MAPPING.description};${MAPPING.amount};Währung;Referenz\n01.01.2020;WARM UP;-0,01;EUR;W\n`,
    );
    if (warm.status !== 201) throw new Error(`warm-up import: ${warm.status} ${JSON.stringify(warm.body)}`);

    for (let run = 0; run < RUNS; run++) {
      const csv = statements[run];
      const first = await post(csv);
      if (first.status !== 201)
        throw new Error(`import ${run + 1}: ${first.status} ${JSON.stringify(first.body)}`);
      const again = await post(csv);
      if (again.status !== 200 || again.body.id !== first.body.id)
        throw new Error(`import ${run + 1} again: ${again.status} ${JSON.stringify(again.body)}`);
      const report = await timed(`${roms.base}/api/v1/reconciliation/statements/${first.body.id}/report`, {
        headers: auth,
      });
      if (report.status !== 200) throw new Error(`report ${run + 1}: ${report.status}`);
      const rows = first.body.rows;
      runs.push({ run: run + 1, rows, first, again, report });
      console.log(
        `  run ${run + 1}: ${rows} rows in ${first.ms.toFixed(0)} ms = ${((rows * 1000) / first.ms).toFixed(0)} rows/s (D1 ${JSON.stringify(d1Of(first.timing))}); counts ${JSON.stringify(first.body.counts)}; same file again ${again.ms.toFixed(0)} ms; report ${report.ms.toFixed(0)} ms (${report.body.orders_without_charge.count} purchases without a charge)`,
      );
    }
  } finally {
    roms.child.kill("SIGTERM");
    if (roms.child.exitCode === null) await new Promise((r) => roms.child.once("exit", r));
  }

  const importMs = median(runs.map((r) => r.first.ms));
  const summary = {
    phase: "reconciliation",
    route: `POST /api/v1/reconciliation/statements: ${ROWS} rows against ${PURCHASES} purchase orders (median of ${RUNS})`,
    purchases: PURCHASES,
    rows: ROWS,
    runs: RUNS,
    import_ms: importMs,
    rows_per_s: (ROWS * 1000) / importMs,
    repeat_ms: median(runs.map((r) => r.again.ms)),
    report_ms: median(runs.map((r) => r.report.ms)),
    per_run: runs.map(({ run, rows, first, again, report }) => ({
      run,
      rows,
      counts: first.body.counts,
      import_ms: Math.round(first.ms),
      server_timing: first.timing,
      repeat_ms: Math.round(again.ms),
      report_ms: Math.round(report.ms),
    })),
  };
  results.push(summary);
  console.log(
    `[reconciliation] ${ROWS.toLocaleString("en")} statement rows against ${PURCHASES.toLocaleString("en")} purchase orders, median of ${RUNS}: ${summary.rows_per_s.toFixed(0)} rows/s (${importMs.toFixed(0)} ms per import); the same file again ${summary.repeat_ms.toFixed(0)} ms; report ${summary.report_ms.toFixed(0)} ms`,
  );
}
