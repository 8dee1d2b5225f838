// The analytics phase of a bench run (export `analyticsPhase`): 1,000,000 orders (1,000 a day over ~2.7
// years, bench/seed.mjs) written straight into a fresh local D1, then p50/p99 of
// GET /api/v1/analytics/sales?by=day over 30 and 365 local days in Europe/Berlin, with wrk on loopback
// (1 connection: latency without queueing; BENCH_CONNECTIONS: throughput). Run alone:
// node bench/analytics.mjs   (BENCH_ORDERS, BENCH_SECONDS as in bench/run.mjs)
import { rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { applyMigrations, createFirstAdmin, root, serve, withLocalBindings } from "../scripts/local.mjs";
import { generatePassword } from "../src/modules/auth/password.ts";
import { seedCustomers, seedOrders } from "./seed.mjs";
import { benchVars, load, requireWrk } from "./wrk.mjs";

const port = Number(process.env.BENCH_ANALYTICS_PORT ?? 8813);
const state = path.join(root, "bench", "out", "analytics-state");
const END = "2026-11-20T00:00:00Z";

export async function analyticsPhase() {
  const total = Number(process.env.BENCH_ORDERS ?? 1_000_000);
  rmSync(state, { recursive: true, force: true });
  applyMigrations({ persistTo: state, quiet: true });
  const email = "bench@roms.local";
  const password = generatePassword();
  const seeded = await withLocalBindings(
    async (env) => {
      await createFirstAdmin(env.DB, email, password);
      await seedCustomers(env.DB);
      return seedOrders(env.DB, { from: 1, to: total, total, end: END });
    },
    { persistTo: state },
  );
  console.log(`analytics: seeded ${seeded.orders} orders in ${seeded.seconds.toFixed(1)} s`);

  const { child, base } = await serve({ port, persistTo: state, stdio: "ignore", vars: benchVars });
  try {
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const auth = { authorization: `Bearer ${(await login.json()).access_token}` };
    const url = (from, to) =>
      `${base}/api/v1/analytics/sales?by=day&tz=Europe%2FBerlin&from=${from}&to=${to}`;
    const ranges = [
      ["30 days", url("2026-10-20", "2026-11-18")],
      ["365 days", url("2025-11-19", "2026-11-18")],
    ];
    for (const [label, target] of ranges) {
      // A sanity check before measuring: a day holds about 1,000 orders, 4 in 5 of them sales.
      const body = await (await fetch(target, { headers: auth })).json();
      const orders = body.items?.reduce((s, r) => s + r.orders, 0) ?? 0;
      if (orders === 0)
        throw new Error(`analytics ${label}: no orders found: the seed or the report is wrong`);
      console.log(`analytics ${label}: ${body.buckets.length} buckets, ${orders} sales orders`);
      load(`[${total.toLocaleString("en")}] GET /analytics/sales?by=day, ${label}`, target, auth);
    }
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  requireWrk();
  await analyticsPhase();
  process.exit(0);
}
