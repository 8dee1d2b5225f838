#!/usr/bin/env node
// `npm run bench`: starts ROMS locally on a fresh state directory (bench/out/state) seeded at scale
// (bench/seed.mjs: 100,000 products, 1,000,000 stock movements), then loads routes with wrk on loopback for
// a bounded time each and prints requests/s and p50/p99 latency. Results also go to bench/out/results.json.
// Each route runs twice: with 1 connection (latency without queueing) and with BENCH_CONNECTIONS (throughput;
// local D1 answers one query at a time, so there p50 is mostly time spent waiting in line).
// Env: BENCH_SECONDS (default 8), BENCH_CONNECTIONS (16), BENCH_THREADS (2), BENCH_PRODUCTS, BENCH_MOVEMENTS.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { applyMigrations, createFirstAdmin, root, serve, withLocalBindings } from "../scripts/local.mjs";
import { generatePassword } from "../src/modules/auth/password.ts";
import { seedCatalog } from "./seed.mjs";

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const port = Number(process.env.BENCH_PORT ?? 8797);
const products = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const movements = Number(process.env.BENCH_MOVEMENTS ?? 1_000_000);
const out = path.join(root, "bench", "out");
const persistTo = path.join(out, "state");

if (spawnSync("wrk", ["--version"]).error) {
  console.error("bench needs wrk: apt-get install -y wrk");
  process.exit(1);
}

rmSync(persistTo, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
applyMigrations({ persistTo, quiet: true });
const email = "bench@roms.local";
const password = generatePassword();
const seeded = await withLocalBindings(
  async (env) => {
    await createFirstAdmin(env.DB, email, password);
    const stmts = [];
    for (let i = 0; i < 500; i++) {
      const at = new Date(Date.UTC(2026, 0, 1) + i * 900_000).toISOString();
      stmts.push(
        env.DB.prepare(
          "INSERT INTO cron_runs (id, cron, scheduled_at, started_at, finished_at, status, detail) VALUES (?, '*/15 * * * *', ?, ?, ?, 'ok', '{\"jobs\":{}}')",
        ).bind(crypto.randomUUID(), at, at, at),
      );
    }
    await env.DB.batch(stmts);
    return seedCatalog(env.DB, { products, movements });
  },
  { persistTo },
);
console.log(
  `seeded ${seeded.products} products and ${seeded.movements} movements in ${seeded.seconds.toFixed(1)} s`,
);

const { child, base } = await serve({ port, persistTo, stdio: "ignore" });
const stop = () => child.kill("SIGTERM");
process.on("exit", stop);

const login = await fetch(`${base}/api/v1/auth/login`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ email, password }),
});
const { access_token: token } = await login.json();
const auth = { authorization: `Bearer ${token}` };

/** Runs wrk and returns { rps, p50, p99, non2xx } parsed from its --latency report. */
function loadOnce(name, url, headers, conns) {
  const args = [
    "-t",
    String(Math.min(threads, conns)),
    "-c",
    String(conns),
    "-d",
    `${seconds}s`,
    "--latency",
    url,
  ];
  for (const [k, v] of Object.entries(headers)) args.unshift("-H", `${k}: ${v}`);
  const text = spawnSync("wrk", args, { encoding: "utf8" }).stdout;
  const pick = (re) => re.exec(text)?.[1];
  const toMs = (v) => {
    if (!v) return Number.NaN;
    const n = Number.parseFloat(v);
    return v.endsWith("us") ? n / 1000 : v.endsWith("ms") ? n : v.endsWith("s") ? n * 1000 : n;
  };
  const result = {
    route: name,
    connections: conns,
    rps: Number(pick(/Requests\/sec:\s+([\d.]+)/)),
    p50_ms: toMs(pick(/50%\s+([\d.]+\w+)/)),
    p99_ms: toMs(pick(/99%\s+([\d.]+\w+)/)),
    non_2xx: Number(pick(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0),
  };
  console.log(
    `${name.padEnd(58)} c=${String(conns).padEnd(3)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50_ms.toFixed(2).padStart(7)} ms  p99 ${result.p99_ms.toFixed(2).padStart(7)} ms  non-2xx ${result.non_2xx}`,
  );
  return result;
}

const load = (name, url, headers = {}) => [
  loadOnce(name, url, headers, 1),
  loadOnce(name, url, headers, connections),
];

// A sanity check before measuring: the searches find what they should.
const probe = await (await fetch(`${base}/api/v1/products?q=chair&limit=50`)).json();
if (!probe.items?.length) throw new Error("search for 'chair' found nothing: the seed or the index is wrong");

console.log(
  `wrk: up to ${threads} threads, 1 and ${connections} connections, ${seconds}s per run, against wrangler dev (local workerd)`,
);
const results = [
  load("GET /health", `${base}/health`),
  load("GET /api/v1/cron-runs?limit=50 (D1, auth)", `${base}/api/v1/cron-runs?limit=50`, auth),
  load("GET /api/v1/products?limit=50 (public)", `${base}/api/v1/products?limit=50`),
  load("GET /api/v1/products?q=chair&limit=50 (public search)", `${base}/api/v1/products?q=chair&limit=50`),
  load(
    "GET /api/v1/products?q=blue%20chair&limit=50 (two words)",
    `${base}/api/v1/products?q=blue%20chair&limit=50`,
  ),
  load(
    "GET /api/v1/products?q=SKU-00123&limit=50 (SKU prefix)",
    `${base}/api/v1/products?q=SKU-00123&limit=50`,
  ),
  load(
    "GET /api/v1/inventory/levels/{product}/{location} (auth)",
    `${base}/api/v1/inventory/levels/prod-0054321/loc-shop`,
    auth,
  ),
].flat();
writeFileSync(
  path.join(out, "results.json"),
  JSON.stringify({ at: new Date().toISOString(), seconds, connections, threads, seeded, results }, null, 2),
);
stop();
process.exit(0);
