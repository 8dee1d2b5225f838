// The Magento phase of `npm run bench`: orders per second mapped by the store pull. A fake Magento 2 (the
// tests' own, test/servers/magento.ts, on a loopback port of this process) serves BENCH_MAGENTO_ORDERS
// generated orders (2,000; two lines each, every other one invoiced) in pages of 100; ROMS under wrangler dev
// (local workerd, a fresh state) pulls them through POST /api/v1/connectors/{id}/pull, one pull after another
// (each takes at most its share of pages, as the clock's would) until a pull finds nothing new. Measured:
// orders per second over the whole sync (fetch, keep raw in R2, map, the intake's read and batch per order,
// invoices releasing their orders), the D1 time per pull from Server-Timing, and the pull that finds nothing.
import { rmSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { applyMigrations, createFirstAdmin, root, serve, withLocalBindings } from "../scripts/local.mjs";
import { generatePassword } from "../src/modules/auth/password.ts";
import { magentoServer } from "../test/servers/magento.ts";
import { benchVars, percentile, results } from "./wrk.mjs";

const ports = { roms: 8813, magento: 8814 };
const state = path.join(root, "bench", "out", "magento-state");
const ORDERS = Number(process.env.BENCH_MAGENTO_ORDERS ?? 2_000);
const PAGE_SIZE = 100;
const TOKEN = `bench-${crypto.randomUUID()}`;

/** The fake store, in this process: /magento/bench/… */
async function startMagento() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://loopback");
    if (!(await magentoServer(req, res, url))) res.writeHead(404).end("not found");
  });
  await new Promise((resolve) => server.listen(ports.magento, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${ports.magento}/magento/bench`;
  const control = await fetch(`${base}/control`, {
    method: "POST",
    body: JSON.stringify({ orders: ORDERS, token: TOKEN }),
  });
  return { server, base, store: await control.json() };
}

/** D1's share of a response, from its Server-Timing. */
const d1Of = (timing) => ({
  queries: Number(/d1;desc="(\d+)/.exec(timing ?? "")?.[1] ?? Number.NaN),
  ms: Number(/d1;[^,]*dur=([\d.]+)/.exec(timing ?? "")?.[1] ?? Number.NaN),
});

export async function magentoPhase() {
  rmSync(state, { recursive: true, force: true });
  applyMigrations({ persistTo: state, quiet: true });
  const email = "bench@roms.local";
  const password = generatePassword();
  await withLocalBindings((env) => createFirstAdmin(env.DB, email, password), { persistTo: state });
  const magento = await startMagento();
  console.log(
    `magento: a fake Magento 2 with ${magento.store.orders.toLocaleString("en")} orders and ${magento.store.invoices.toLocaleString("en")} invoices, pulled in pages of ${PAGE_SIZE} by ROMS under wrangler dev (local workerd)`,
  );
  const roms = await serve({
    port: ports.roms,
    persistTo: state,
    stdio: "ignore",
    vars: { ...benchVars, MAGENTO_BENCH_TOKEN: TOKEN },
  });
  const pulls = [];
  let empty;
  let seconds;
  try {
    const login = await fetch(`${roms.base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const auth = { authorization: `Bearer ${(await login.json()).access_token}` };
    const made = await fetch(`${roms.base}/api/v1/connectors`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        name: "magento:bench",
        base_url: magento.base,
        token_secret: "MAGENTO_BENCH_TOKEN",
        page_size: PAGE_SIZE,
      }),
    });
    const connection = await made.json();
    if (made.status !== 201)
      throw new Error(`POST /connectors: ${made.status} ${JSON.stringify(connection)}`);
    // Not counted: the isolate, its modules and the first statements compiled (a connection of its own).
    const warm = await fetch(`${roms.base}/api/v1/connectors`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        name: "magento:warm",
        base_url: `http://127.0.0.1:${ports.magento}/magento/warm`,
        token_secret: "MAGENTO_BENCH_TOKEN",
        enabled: true,
      }),
    }).then((r) => r.json());
    await fetch(`http://127.0.0.1:${ports.magento}/magento/warm/control`, {
      method: "POST",
      body: JSON.stringify({ token: TOKEN }),
    });
    await fetch(`${roms.base}/api/v1/connectors/${warm.id}/pull`, { method: "POST", headers: auth });

    const pullOnce = async () => {
      const started = performance.now();
      const res = await fetch(`${roms.base}/api/v1/connectors/${connection.id}/pull`, {
        method: "POST",
        headers: auth,
      });
      const body = await res.json();
      if (res.status !== 200 || body.status !== "ok") {
        throw new Error(`pull: ${res.status} ${JSON.stringify(body)}`);
      }
      return { ...body, ms: performance.now() - started, d1: d1Of(res.headers.get("server-timing")) };
    };
    const started = performance.now();
    for (;;) {
      const pulled = await pullOnce();
      if (pulled.pages === 0) {
        empty = pulled;
        break;
      }
      pulls.push(pulled);
    }
    seconds = (pulls.reduce((s, p) => s + p.ms, 0) || performance.now() - started) / 1000;
  } finally {
    roms.child.kill("SIGTERM");
    if (roms.child.exitCode === null) await new Promise((r) => roms.child.once("exit", r));
    magento.server.close();
  }

  const created = pulls.reduce((s, p) => s + p.orders_created, 0);
  const invoices = pulls.reduce((s, p) => s + p.invoices, 0);
  const pages = pulls.reduce((s, p) => s + p.pages, 0);
  if (created !== ORDERS) throw new Error(`the pulls created ${created} orders of ${ORDERS}`);
  const summary = {
    phase: "magento",
    route: `POST /api/v1/connectors/{id}/pull until caught up: ${ORDERS} Magento orders and ${invoices} invoices in pages of ${PAGE_SIZE}`,
    orders: ORDERS,
    invoices,
    pulls: pulls.length,
    pages,
    seconds,
    orders_per_s: ORDERS / seconds,
    pull_ms_p50: percentile(
      pulls.map((p) => p.ms),
      50,
    ),
    d1_ms_per_order: pulls.reduce((s, p) => s + p.d1.ms, 0) / ORDERS,
    d1_queries_per_order: pulls.reduce((s, p) => s + p.d1.queries, 0) / ORDERS,
    caught_up_pull_ms: empty.ms,
  };
  results.push(summary);
  console.log(
    `[magento] ${ORDERS.toLocaleString("en")} orders (+ ${invoices.toLocaleString("en")} invoices) in ${pulls.length} pulls, ${pages} pages: ${seconds.toFixed(1)} s = ${summary.orders_per_s.toFixed(0)} orders/s mapped and applied (pull p50 ${summary.pull_ms_p50.toFixed(0)} ms; D1 ${summary.d1_ms_per_order.toFixed(2)} ms and ${summary.d1_queries_per_order.toFixed(1)} queries per order); a pull that finds nothing new ${empty.ms.toFixed(0)} ms`,
  );
  return summary;
}
