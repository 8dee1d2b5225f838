// The console phase of a bench run (export `consolePhase`): ROMS with 10,000 orders (bench/seed.mjs) under
// `wrangler dev`, driven by Debian's Chromium (puppeteer-core):
//  - bytes transferred for the first view of the dashboard and of an order's page, cold (empty cache, the
//    session already signed in) and warm (a reload), as the browser counted them (CDP, what crossed the
//    wire: `wrangler dev` serves without compression, the edge compresses) and gzipped (what the edge sends);
//  - time to interactive: from navigation start until the screen shows its data and its room is live;
//  - intake to dashboard: from POST /api/v1/orders/intake until the new order's number is on an open
//    dashboard (through the queue-free intake path, the feed room and the page).
// Run alone: node bench/console.mjs

import { rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import puppeteer from "puppeteer-core";
import { applyMigrations, createFirstAdmin, root, serve, withLocalBindings } from "../scripts/local.mjs";
import { generatePassword } from "../src/modules/auth/password.ts";
import { seedCustomers, seedOrders } from "./seed.mjs";
import { benchVars, percentile, results } from "./wrk.mjs";

const port = Number(process.env.BENCH_CONSOLE_PORT ?? 8815);
const state = path.join(root, "bench", "out", "console-state");
const ROUNDS = Number(process.env.BENCH_CONSOLE_ROUNDS ?? 5);
const INTAKES = Number(process.env.BENCH_CONSOLE_INTAKES ?? 20);

/** Every response's wire size and its gzipped size, while `work` runs. */
async function transferred(page, work) {
  const cdp = await page.createCDPSession();
  await cdp.send("Network.enable");
  const sizes = new Map();
  cdp.on("Network.responseReceived", (e) => sizes.set(e.requestId, { url: e.response.url, wire: 0 }));
  cdp.on("Network.loadingFinished", (e) => {
    const entry = sizes.get(e.requestId);
    if (entry) entry.wire = e.encodedDataLength;
  });
  const bodies = [];
  page.on("response", (res) => bodies.push(res));
  await work();
  let gzip = 0;
  for (const res of bodies) {
    if (res.status() === 304 || res.url().includes("/room") || res.url().includes("/feed")) continue;
    const body = await res.buffer().catch(() => null);
    if (body && !res.fromCache()) gzip += gzipSync(body).length + 200; // + headers, roughly
  }
  page.removeAllListeners("response");
  await cdp.detach();
  const all = [...sizes.values()];
  return {
    requests: all.length,
    wire: all.reduce((s, e) => s + e.wire, 0),
    gzip,
  };
}

async function ready(page, url, text) {
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await page.waitForFunction((t) => document.body.innerText.includes(t), { polling: "mutation" }, text);
  return page.evaluate(() => performance.now());
}

export async function consolePhase() {
  rmSync(state, { recursive: true, force: true });
  applyMigrations({ persistTo: state, quiet: true });
  const email = "bench@roms.local";
  const password = generatePassword();
  await withLocalBindings(
    async (env) => {
      await createFirstAdmin(env.DB, email, password);
      await seedCustomers(env.DB);
      await seedOrders(env.DB, { from: 1, to: 10_000, total: 10_000 });
    },
    { persistTo: state },
  );
  const { child, base } = await serve({ port, persistTo: state, stdio: "ignore", vars: benchVars });
  const site = base.replace("127.0.0.1", "localhost"); // the session cookie is Secure: localhost only
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  try {
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const auth = {
      authorization: `Bearer ${(await login.json()).access_token}`,
      "content-type": "application/json",
    };
    const list = await (await fetch(`${base}/api/v1/orders?limit=1`, { headers: auth })).json();
    const orderId = list.items[0].id;

    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${site}/`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("#email");
    await page.type("#email", email);
    await page.type("#password", password);
    await page.click("button[type=submit]");
    await page.waitForFunction(() => location.pathname === "/dashboard");

    const screens = [
      ["dashboard", `${site}/dashboard`, "Live: new orders appear as they arrive."],
      ["order page", `${site}/orders/${orderId}`, "Timeline"],
    ];
    for (const [name, url, text] of screens) {
      const cold = [];
      const warm = [];
      let coldBytes;
      let warmBytes;
      for (let i = 0; i < ROUNDS; i++) {
        const cdp = await page.createCDPSession();
        await cdp.send("Network.clearBrowserCache");
        await cdp.detach();
        let at = 0;
        coldBytes = await transferred(page, async () => {
          at = await ready(page, url, text);
        });
        cold.push(at);
        warmBytes = await transferred(page, async () => {
          at = await ready(page, url, text);
        });
        warm.push(at);
      }
      const line = (label, bytes, times) =>
        `console ${name}, ${label}: ${bytes.requests} requests, ${(bytes.wire / 1024).toFixed(1)} KiB on the wire (${(bytes.gzip / 1024).toFixed(1)} KiB gzipped), interactive p50 ${percentile(times, 50).toFixed(0)} ms`;
      console.log(line("cold", coldBytes, cold));
      console.log(line("warm", warmBytes, warm));
      results.push({
        route: `console ${name}`,
        cold: { ...coldBytes, interactive_p50_ms: percentile(cold, 50) },
        warm: { ...warmBytes, interactive_p50_ms: percentile(warm, 50) },
      });
    }

    await ready(page, `${site}/dashboard`, "Live: new orders appear as they arrive.");
    const latencies = [];
    for (let i = 0; i < INTAKES; i++) {
      const started = performance.now();
      const res = await fetch(`${base}/api/v1/orders/intake`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({
          source: "bench-console",
          external_ref: `CONSOLE-${Date.now()}-${i}`,
          currency: "EUR",
          lines: [{ sku: "B-1", name: "Bench item", quantity: 1, unit_price: 100 }],
        }),
      });
      const { order } = await res.json();
      await page.waitForFunction(
        (n) => document.body.innerText.includes(n),
        { polling: "mutation" },
        order.number,
      );
      latencies.push(performance.now() - started);
    }
    console.log(
      `console intake to dashboard (${INTAKES} orders): p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`,
    );
    results.push({
      route: "console intake to dashboard",
      p50_ms: percentile(latencies, 50),
      p99_ms: percentile(latencies, 99),
    });
  } finally {
    await browser.close();
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await consolePhase();
  process.exit(0);
}
