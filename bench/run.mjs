#!/usr/bin/env node
// `npm run bench`: starts ROMS locally on a fresh state directory (bench/out/state), then loads routes
// with wrk on loopback for a bounded time each, printing requests/s and p50/p99 latency.
// Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 16), BENCH_THREADS (default 2).
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { applyMigrations, createFirstAdmin, root, serve, withLocalBindings } from "../scripts/local.mjs";
import { generatePassword } from "../src/modules/auth/password.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const port = Number(process.env.BENCH_PORT ?? 8797);
const persistTo = path.join(root, "bench", "out", "state");

if (spawnSync("wrk", ["--version"]).error) {
  console.error("bench needs wrk: apt-get install -y wrk");
  process.exit(1);
}

rmSync(persistTo, { recursive: true, force: true });
applyMigrations({ persistTo, quiet: true });
const email = "bench@roms.local";
const password = generatePassword();
await withLocalBindings(
  async (env) => {
    await createFirstAdmin(env.DB, email, password);
    // Some rows for the D1-backed list to page through.
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
  },
  { persistTo },
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

/** Runs wrk and returns { rps, p50, p99, non2xx } parsed from its --latency report. */
function load(name, url, headers = {}) {
  const args = ["-t", String(threads), "-c", String(connections), "-d", `${seconds}s`, "--latency", url];
  for (const [k, v] of Object.entries(headers)) args.unshift("-H", `${k}: ${v}`);
  const run = spawnSync("wrk", args, { encoding: "utf8" });
  const text = run.stdout;
  const pick = (re) => re.exec(text)?.[1];
  const toMs = (v) => {
    if (!v) return NaN;
    const n = Number.parseFloat(v);
    return v.endsWith("us") ? n / 1000 : v.endsWith("ms") ? n : v.endsWith("s") ? n * 1000 : n;
  };
  const result = {
    route: name,
    rps: Number(pick(/Requests\/sec:\s+([\d.]+)/)),
    p50_ms: toMs(pick(/50%\s+([\d.]+\w+)/)),
    p99_ms: toMs(pick(/99%\s+([\d.]+\w+)/)),
    non_2xx: Number(pick(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0),
  };
  console.log(
    `${name.padEnd(40)} ${result.rps.toFixed(0).padStart(7)} req/s   p50 ${result.p50_ms.toFixed(2)} ms   p99 ${result.p99_ms.toFixed(2)} ms   non-2xx ${result.non_2xx}`,
  );
  return result;
}

console.log(
  `wrk: ${threads} threads, ${connections} connections, ${seconds}s per route, against wrangler dev (local workerd)`,
);
load("GET /health", `${base}/health`);
load("GET /api/v1/cron-runs?limit=50 (D1)", `${base}/api/v1/cron-runs?limit=50`, {
  authorization: `Bearer ${token}`,
});
stop();
process.exit(0);
