#!/usr/bin/env node
// `npm run bench`: starts ROMS locally on a fresh state directory (bench/out/state) seeded at scale
// (bench/seed.mjs: 100,000 products, 1,000,000 stock movements), then loads routes with wrk on loopback for
// a bounded time each and prints requests/s and p50/p99 latency. Results also go to bench/out/results.json.
// Each route runs twice: with 1 connection (latency without queueing) and with BENCH_CONNECTIONS (throughput;
// local D1 answers one query at a time, so there p50 is mostly time spent waiting in line).
// Then the orders phase: a second state with the newest 10,000 of a shop's orders (1,000 a day), measured,
// then grown to 1,000,000 and measured again: the filtered order list at the first page and at a deep
// cursor, and requests/s of the intake endpoint.
// First the spine phase (bench/spine.mjs): ROMS side by side with a bare Hono Worker and the seeds' stack.
// Env: BENCH_SECONDS (default 8), BENCH_CONNECTIONS (16), BENCH_THREADS (2), BENCH_PRODUCTS, BENCH_MOVEMENTS,
// BENCH_ORDERS (1,000,000), BENCH_ONLY (spine | catalog | orders | doors | devices | rooms | stock | labels |
// reconciliation | billing | scrapes | magento | analytics | imports | console).
// Then the doors phase (bench/doors.mjs): webhooks and mail into orders, and the live feed's latency; last the
// devices phase (bench/devices.mjs): device reads per second in batches of 50, and card read to punch; then
// the rooms phase (bench/rooms.mjs): 100 and 1,000 people joining one room, and a message reaching them all;
// then the stock phase (bench/stock.mjs): a movement reaching 100 and 1,000 sockets, and scans/s in a count;
// then the labels phase (bench/labels.mjs): 1,000-label jobs in Code 128 and QR rendered by the queue into PDF;
// then the reconciliation phase (bench/reconciliation.mjs): card statement rows reconciled per second against
// 100,000 purchase orders; then the billing phase (bench/billing.mjs): invoice PDFs rendered per second; last
// the scrapes phase (bench/scrapes.mjs): a 5-page list scraped, with Browser Rendering sessions reused or not;
// the magento phase (bench/magento.mjs): orders per second mapped by store pulls from a fake Magento; and the
// analytics phase (bench/analytics.mjs): the revenue-by-day report over 1,000,000 orders; last the imports
// phase (bench/imports.mjs): rows per second of a sales CSV import (BENCH_IMPORT_ROWS, default 500,000); last
// the console phase (bench/console.mjs): bytes and time to interactive of the dashboard and an order's page,
// cold and warm, and from an intake call to the order on an open dashboard, in Chromium.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { applyMigrations, createFirstAdmin, root, serve, withLocalBindings } from "../scripts/local.mjs";
import { generatePassword } from "../src/modules/auth/password.ts";
import { analyticsPhase } from "./analytics.mjs";
import { billingPhase } from "./billing.mjs";
import { consolePhase } from "./console.mjs";
import { devicesPhase } from "./devices.mjs";
import { doorsPhase } from "./doors.mjs";
import { importsPhase } from "./imports.mjs";
import { labelsPhase } from "./labels.mjs";
import { magentoPhase } from "./magento.mjs";
import { reconciliationPhase } from "./reconciliation.mjs";
import { roomsPhase } from "./rooms.mjs";
import { scrapesPhase } from "./scrapes.mjs";
import { seedCatalog, seedCustomers, seedOrders } from "./seed.mjs";
import { spinePhase } from "./spine.mjs";
import { stockPhase } from "./stock.mjs";
import { benchVars, connections, load, requireWrk, results, seconds, threads } from "./wrk.mjs";

const port = Number(process.env.BENCH_PORT ?? 8797);
const products = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const movements = Number(process.env.BENCH_MOVEMENTS ?? 1_000_000);
const out = path.join(root, "bench", "out");
const persistTo = path.join(out, "state");

requireWrk();

const only = process.env.BENCH_ONLY;
const totalOrders = Number(process.env.BENCH_ORDERS ?? 1_000_000);
mkdirSync(out, { recursive: true });

async function signIn(base, email, password) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  return (await login.json()).access_token;
}

if (!only || only === "spine") await spinePhase();
if (!only || only === "catalog") await catalogPhase();
if (!only || only === "orders") await ordersPhase();
if (!only || only === "doors") await doorsPhase();
if (!only || only === "devices") await devicesPhase();
if (!only || only === "rooms") await roomsPhase();
if (!only || only === "stock") await stockPhase();
if (!only || only === "labels") await labelsPhase();
if (!only || only === "reconciliation") await reconciliationPhase();
if (!only || only === "billing") await billingPhase();
if (!only || only === "scrapes") await scrapesPhase();
if (!only || only === "magento") await magentoPhase();
if (!only || only === "analytics") await analyticsPhase();
if (!only || only === "imports") await importsPhase();
if (!only || only === "console") await consolePhase();
writeFileSync(
  path.join(out, "results.json"),
  JSON.stringify({ at: new Date().toISOString(), seconds, connections, threads, results }, null, 2),
);
process.exit(0);

async function catalogPhase() {
  rmSync(persistTo, { recursive: true, force: true });
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

  const { child, base } = await serve({ port, persistTo, stdio: "ignore", vars: benchVars });
  const token = await signIn(base, email, password);
  const auth = { authorization: `Bearer ${token}` };

  // A sanity check before measuring: the searches find what they should.
  const probe = await (await fetch(`${base}/api/v1/products?q=chair&limit=50`)).json();
  if (!probe.items?.length)
    throw new Error("search for 'chair' found nothing: the seed or the index is wrong");

  console.log(
    `wrk: up to ${threads} threads, 1 and ${connections} connections, ${seconds}s per run, against wrangler dev (local workerd)`,
  );
  load("GET /health", `${base}/health`);
  load("GET /api/v1/cron-runs?limit=50 (D1, auth)", `${base}/api/v1/cron-runs?limit=50`, auth);
  load("GET /api/v1/products?limit=50 (public)", `${base}/api/v1/products?limit=50`);
  load("GET /api/v1/products?q=chair&limit=50 (public search)", `${base}/api/v1/products?q=chair&limit=50`);
  load(
    "GET /api/v1/products?q=blue%20chair&limit=50 (two words)",
    `${base}/api/v1/products?q=blue%20chair&limit=50`,
  );
  load(
    "GET /api/v1/products?q=SKU-00123&limit=50 (SKU prefix)",
    `${base}/api/v1/products?q=SKU-00123&limit=50`,
  );
  load(
    "GET /api/v1/inventory/levels/{product}/{location} (auth)",
    `${base}/api/v1/inventory/levels/prod-0054321/loc-shop`,
    auth,
  );
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

async function ordersPhase() {
  const state = path.join(out, "orders-state");
  rmSync(state, { recursive: true, force: true });
  applyMigrations({ persistTo: state, quiet: true });
  const email = "bench@roms.local";
  const password = generatePassword();
  const end = "2026-11-20T00:00:00Z";
  const windowFrom = "2026-11-13T00:00:00Z";
  const cursorAt = (placedAt, id) => Buffer.from(JSON.stringify([placedAt, id])).toString("base64url");

  const measure = async (size) => {
    const { cursorText, cursorPlain } = await withLocalBindings(
      async (env) => {
        const at = async (sql, offset) => {
          const row = await env.DB.prepare(sql).bind(windowFrom, end, offset).first();
          return row ? cursorAt(row.placed_at, row.id) : undefined;
        };
        return {
          // The 60th match of the text query, and the 900th order of the plain one.
          cursorText: await at(
            `SELECT o.placed_at, o.id FROM orders_fts CROSS JOIN orders o ON o.rowid = orders_fts.rowid
              WHERE orders_fts MATCH 'globex* AND zspicking' AND o.status = 'picking' AND o.placed_at >= ? AND o.placed_at < ?
              ORDER BY o.placed_at DESC, o.id DESC LIMIT 1 OFFSET ?`,
            60,
          ),
          cursorPlain: await at(
            "SELECT placed_at, id FROM orders WHERE status = 'picking' AND placed_at >= ? AND placed_at < ? ORDER BY placed_at DESC, id DESC LIMIT 1 OFFSET ?",
            900,
          ),
        };
      },
      { persistTo: state },
    );
    const { child, base } = await serve({ port, persistTo: state, stdio: "ignore", vars: benchVars });
    const token = await signIn(base, email, password);
    const auth = { authorization: `Bearer ${token}` };
    const key = await (
      await fetch(`${base}/api/v1/api-keys`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ name: "bench", scopes: ["orders:read", "orders:write"] }),
      })
    ).json();
    const window = `from=${encodeURIComponent(windowFrom)}&to=${encodeURIComponent(end)}`;
    const text = `${base}/api/v1/orders?status=picking&${window}&q=globex&limit=20`;
    const plain = `${base}/api/v1/orders?status=picking&${window}&limit=50`;
    const check = await (await fetch(text, { headers: auth })).json();
    if (!check.items?.length)
      throw new Error("the filtered order search found nothing: the seed or the index is wrong");
    const label = size.toLocaleString("en");
    console.log(`orders: ${label} in the table`);
    load(`[${label}] orders status+7 days+q=globex, first page`, text, auth);
    load(`[${label}] orders status+7 days+q=globex, cursor at #60`, `${text}&cursor=${cursorText}`, auth);
    load(`[${label}] orders status+7 days, first page`, plain, auth);
    load(`[${label}] orders status+7 days, cursor at #900`, `${plain}&cursor=${cursorPlain}`, auth);
    load(
      `[${label}] POST /api/v1/orders/intake (new purchase each)`,
      `${base}/api/v1/orders/intake`,
      {},
      {
        path: path.join(root, "bench", "intake.lua"),
        env: { BENCH_TOKEN: key.key },
      },
    );
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  };

  const small = Math.min(10_000, totalOrders);
  const seeded = await withLocalBindings(
    async (env) => {
      await createFirstAdmin(env.DB, email, password);
      await seedCustomers(env.DB);
      return seedOrders(env.DB, { from: totalOrders - small + 1, to: totalOrders, total: totalOrders, end });
    },
    { persistTo: state },
  );
  console.log(`seeded the newest ${seeded.orders} orders in ${seeded.seconds.toFixed(1)} s`);
  await measure(small);
  if (totalOrders > small) {
    const grown = await withLocalBindings(
      (env) => seedOrders(env.DB, { from: 1, to: totalOrders - small, total: totalOrders, end }),
      {
        persistTo: state,
      },
    );
    console.log(`grew the table by ${grown.orders} older orders in ${grown.seconds.toFixed(1)} s`);
    await measure(totalOrders);
  }
}
