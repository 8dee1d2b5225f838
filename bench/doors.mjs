// The doors phase of `npm run bench` (BENCH_ONLY=doors): orders arriving by themselves.
//  - webhooks: pre-signed Standard Webhooks deliveries, each a new order, accepted per second (verify, keep
//    raw, answer), then how fast the INGEST queue reads them into orders;
//  - email: order confirmations with schema.org markup through wrangler dev's email handler, against a bare
//    Worker whose `email` handler only reads the message, then how fast they are read into orders;
//  - the time from a webhook's 2xx to its order.created event on an open dashboard socket (/api/v1/feed).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { applyMigrations, createFirstAdmin, root, serve, withLocalBindings } from "../scripts/local.mjs";
import { generatePassword } from "../src/modules/auth/password.ts";
import { benchVars, connections, loadOnce, percentile, seconds } from "./wrk.mjs";

const out = path.join(root, "bench", "out");
const ports = { roms: 8801, bare: 8802 };
const SECRET = `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64")}`;

const intake = (ref) => ({
  type: "order.created",
  timestamp: new Date().toISOString(),
  data: {
    source: "bench",
    external_ref: ref,
    currency: "EUR",
    buyer: { name: "Bench Buyer", email: "buyer@bench.test" },
    lines: [{ sku: "MUG-1", name: "Bench mug", quantity: 2, unit_price: 1250 }],
  },
});

/** Signed deliveries, one per line, for bench/webhooks.lua. */
function writeDeliveries(file, count, run) {
  const webhook = new Webhook(SECRET);
  const now = new Date();
  const lines = [];
  for (let i = 0; i < count; i++) {
    const id = `msg_${run}_${i}`;
    const body = JSON.stringify(intake(`WH-${run}-${i}`));
    lines.push([id, Math.floor(now.getTime() / 1000), webhook.sign(id, now, body), body].join("\t"));
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
}

/** Waits until no record of `door` is pending; answers how many were read and how long it took. */
async function drain(base, auth, door, since) {
  const started = performance.now();
  for (;;) {
    let stats;
    try {
      const res = await fetch(`${base}/api/v1/ingest/stats?door=${door}&since=${since}`, { headers: auth });
      stats = await res.json();
    } catch {
      // wrangler dev closes a kept-alive socket now and then after a load: ask again.
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    const row = stats.doors?.[0];
    if (row && row.outcomes.pending === 0) {
      return {
        read: row.received - row.duplicate - row.refused,
        outcomes: row.outcomes,
        ms: performance.now() - started,
      };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function doorsPhase() {
  const state = path.join(out, "doors-state");
  rmSync(state, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  applyMigrations({ persistTo: state, quiet: true });
  const email = "bench@roms.local";
  const password = generatePassword();
  await withLocalBindings(
    async (env) => {
      await createFirstAdmin(env.DB, email, password);
      await env.DB.batch([
        env.DB.prepare(
          "INSERT INTO webhook_sources (id, name, kind) VALUES ('src-bench', 'bench', 'standard')",
        ),
        env.DB.prepare(
          "INSERT INTO webhook_secrets (id, source_id, secret) VALUES ('sec-bench', 'src-bench', ?)",
        ).bind(SECRET),
        env.DB.prepare(
          `INSERT INTO mailboxes (id, address, order_kind, source, allowed_senders, default_currency)
           VALUES ('mb-bench', 'purchases@roms.test', 'purchase', 'mail:retailer', '["@retailer.test"]', 'EUR')`,
        ),
      ]);
    },
    { persistTo: state },
  );
  const bareState = path.join(out, "bare-doors-state");
  rmSync(bareState, { recursive: true, force: true });
  const bareConfig = path.join(root, "bench", "bare", "wrangler.toml");
  applyMigrations({ persistTo: bareState, quiet: true, config: bareConfig });
  const roms = await serve({
    port: ports.roms,
    persistTo: state,
    stdio: process.env.BENCH_STDIO ?? "ignore",
    vars: benchVars,
  });
  const bare = await serve({ port: ports.bare, persistTo: bareState, stdio: "ignore", config: bareConfig });
  try {
    const login = await fetch(`${roms.base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const token = (await login.json()).access_token;
    const auth = { authorization: `Bearer ${token}` };
    console.log("doors: webhooks and mail into orders, and the live feed");

    // Webhooks: accepted per second, then read into orders.
    const deliveries = path.join(out, "deliveries.tsv");
    const run = Date.now().toString(36);
    writeDeliveries(deliveries, Math.ceil(seconds * 600), run);
    let since = new Date().toISOString();
    const webhooks = loadOnce(
      "[ROMS] POST /api/v1/webhooks/bench (verify, keep raw, 202)",
      `${roms.base}/api/v1/webhooks/bench`,
      {},
      connections,
      {
        path: path.join(root, "bench", "webhooks.lua"),
        env: { BENCH_DELIVERIES: deliveries, BENCH_SOURCE: "bench" },
      },
    );
    const webhookReads = await drain(roms.base, auth, "webhook", since);

    // Mail: the door against a bare handler, then read into orders.
    since = new Date().toISOString();
    const mail = { path: path.join(root, "bench", "email.lua"), env: { BENCH_RUN: run } };
    const emails = loadOnce(
      "[ROMS] email door (keep raw, record, queue)",
      `${roms.base}/cdn-cgi/handler/email`,
      {},
      connections,
      mail,
    );
    const bareEmails = loadOnce(
      "[bare] email handler (reads the message)",
      `${bare.base}/cdn-cgi/handler/email`,
      {},
      connections,
      mail,
    );
    const mailReads = await drain(roms.base, auth, "email", since);

    // Live feed: from a webhook's 2xx to its order.created on a dashboard socket.
    const socket = new WebSocket(`${roms.base.replace("http", "ws")}/api/v1/feed?access_token=${token}`);
    const waiting = new Map();
    socket.addEventListener("message", (message) => {
      const frame = JSON.parse(String(message.data));
      const ref = frame.event?.data?.order?.external_ref;
      if (frame.type === "event" && waiting.has(ref)) waiting.get(ref)(performance.now());
    });
    await new Promise((resolve, reject) => {
      socket.addEventListener("open", resolve);
      socket.addEventListener("error", reject);
    });
    const latencies = [];
    const webhook = new Webhook(SECRET);
    for (let i = 0; i < 40; i++) {
      const ref = `LIVE-${run}-${i}`;
      const id = `msg_live_${run}_${i}`;
      const body = JSON.stringify(intake(ref));
      const now = new Date();
      const arrived = new Promise((resolve) => waiting.set(ref, resolve));
      const res = await fetch(`${roms.base}/api/v1/webhooks/bench`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": webhook.sign(id, now, body),
        },
        body,
      });
      const answered = performance.now();
      await res.arrayBuffer();
      latencies.push((await arrived) - answered);
    }
    socket.close();

    // Reading runs during the load and after it: orders per second over both.
    const perSecond = (r) => (r.read / (seconds + r.ms / 1000)).toFixed(0);
    console.log(
      `\nwebhooks accepted: ${webhooks.rps.toFixed(0)}/s (p50 ${webhooks.p50_ms.toFixed(1)} ms, p99 ${webhooks.p99_ms.toFixed(1)} ms, non-2xx ${webhooks.non_2xx}); ` +
        `read into orders: ${webhookReads.read}, ${perSecond(webhookReads)}/s (the queue finished ${(webhookReads.ms / 1000).toFixed(1)} s after the load; ${JSON.stringify(webhookReads.outcomes)})`,
    );
    console.log(
      `email door: ${emails.rps.toFixed(0)}/s vs a bare handler ${bareEmails.rps.toFixed(0)}/s = ${((emails.rps / bareEmails.rps) * 100).toFixed(0)}% (p50 ${emails.p50_ms.toFixed(1)} ms, p99 ${emails.p99_ms.toFixed(1)} ms); ` +
        `read into orders: ${mailReads.read}, ${perSecond(mailReads)}/s (the queue finished ${(mailReads.ms / 1000).toFixed(1)} s after the load; ${JSON.stringify(mailReads.outcomes)})`,
    );
    console.log(
      `webhook 2xx -> order.created on a dashboard socket: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (${latencies.length} orders, one at a time)\n`,
    );
  } finally {
    for (const child of [roms.child, bare.child]) {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
    }
  }
}
