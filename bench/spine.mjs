// The spine phase of `npm run bench`: ROMS side by side, in one run on this machine, with a bare Hono Worker
// doing the same D1 work on the same schema and rows under the same `wrangler dev` (bench/bare), and with the seeds' stack (FastAPI +
// SQLAlchemy on SQLite, bench/seed-stack, when Debian's python3-fastapi is installed). Prints requests/s,
// p50/p99, failures, ROMS's ratio to the bare Worker, and ROMS's D1 round trips per request (Server-Timing).
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { applyMigrations, createFirstAdmin, root, serve, withLocalBindings } from "../scripts/local.mjs";
import { ORDER_STATUSES } from "../src/db/vocabulary.ts";
import { generatePassword } from "../src/modules/auth/password.ts";
import { seedCustomers, seedOrders } from "./seed.mjs";
import { benchVars, connections, loadOnce, seconds } from "./wrk.mjs";

const ORDERS = 2000;
const WRITERS = 64;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** The run with the median requests/s (its own p50/p99 and failures come with it). */
const median = (runs) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)];
const out = path.join(root, "bench", "out");
const ports = { roms: 8798, bare: 8799, seed: 8800 };

async function roundTrips(url, init) {
  try {
    const res = await fetch(url, init);
    await res.arrayBuffer();
    return /d1;desc="(\d+)/.exec(res.headers.get("server-timing") ?? "")?.[1] ?? "?";
  } catch (error) {
    return `? (${error.message})`;
  }
}

/** Starts the seeds' stack when its Debian packages are there (the bench installs nothing by itself). */
async function startSeedStack() {
  const python = "/usr/bin/python3";
  if (spawnSync(python, ["-c", "import fastapi, uvicorn, sqlalchemy"]).status !== 0) {
    console.log(
      "seeds' stack: skipped (apt-get install -y python3-fastapi python3-uvicorn python3-sqlalchemy)",
    );
    return undefined;
  }
  const db = path.join(out, "seed-stack.sqlite");
  rmSync(db, { force: true });
  const child = spawn(
    python,
    [
      "-m",
      "uvicorn",
      "app:app",
      "--app-dir",
      path.join(root, "bench", "seed-stack"),
      "--port",
      String(ports.seed),
      "--log-level",
      "warning",
    ],
    { env: { ...process.env, SEED_DB: db }, stdio: "ignore" },
  );
  const base = `http://127.0.0.1:${ports.seed}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  for (let i = 0; i < ORDERS; i++) {
    await fetch(`${base}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        customer: `cust-${i % 200}`,
        currency: "EUR",
        total_minor: 1000 + i,
        status: ORDER_STATUSES[i % ORDER_STATUSES.length],
      }),
    });
  }
  return { child, base };
}

const stop = async (child) => {
  if (!child || child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
};

const ratio = (a, b) => (a && b ? `${((a.rps / b.rps) * 100).toFixed(0)}%` : "n/a");

export async function spinePhase() {
  // ROMS with 2,000 orders, a manager and an API key for intake.
  const state = path.join(out, "spine-state");
  rmSync(state, { recursive: true, force: true });
  applyMigrations({ persistTo: state, quiet: true });
  const email = "bench@roms.local";
  const password = generatePassword();
  await withLocalBindings(
    async (env) => {
      await createFirstAdmin(env.DB, email, password);
      await seedCustomers(env.DB);
      await seedOrders(env.DB, { from: 1, to: ORDERS, total: ORDERS });
    },
    { persistTo: state },
  );
  const bareState = path.join(out, "bare-state");
  rmSync(bareState, { recursive: true, force: true });
  const bareConfig = path.join(root, "bench", "bare", "wrangler.toml");
  applyMigrations({ persistTo: bareState, quiet: true, config: bareConfig });
  // The same rows in the bare Worker's D1 (same schema, its own state).
  await withLocalBindings(
    async (env) => {
      await seedCustomers(env.DB);
      await seedOrders(env.DB, { from: 1, to: ORDERS, total: ORDERS });
    },
    { persistTo: bareState },
  );

  const roms = await serve({ port: ports.roms, persistTo: state, stdio: "ignore", vars: benchVars });
  const bare = await serve({ port: ports.bare, persistTo: bareState, stdio: "ignore", config: bareConfig });
  const seed = await startSeedStack();
  try {
    const login = await fetch(`${roms.base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const auth = { authorization: `Bearer ${(await login.json()).access_token}` };
    const key = await (
      await fetch(`${roms.base}/api/v1/api-keys`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ name: "bench", scopes: ["orders:read", "orders:write"] }),
      })
    ).json();
    const list = `${roms.base}/api/v1/orders?status=picking&limit=50`;
    const intake = { path: path.join(root, "bench", "intake.lua"), env: { BENCH_TOKEN: key.key } };
    const insert = { path: path.join(root, "bench", "insert.lua") };
    const bareIntake = { path: intake.path, env: {} };
    const batchOnly = { path: intake.path, env: { BENCH_PATH: "/api/v1/orders/placed" } };

    console.log(
      `spine: ROMS, a bare Hono Worker and the seeds' stack, ${ORDERS.toLocaleString("en")} orders each`,
    );
    // Round trips first, on a quiet server, after one request warmed each caller's credentials into the
    // isolate's cache (a token or key is read from D1 once, then every 30 s).
    await roundTrips(list, { headers: auth });
    await roundTrips(`${roms.base}/api/v1/orders?limit=1`, {
      headers: { authorization: `Bearer ${key.key}` },
    });
    const trips = {
      health: await roundTrips(`${roms.base}/health`),
      "order list, status filter, 50 rows": await roundTrips(list, { headers: auth }),
      "new order": await roundTrips(`${roms.base}/api/v1/orders/intake`, {
        method: "POST",
        headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json" },
        body: JSON.stringify({
          source: "bench",
          external_ref: crypto.randomUUID(),
          kind: "purchase",
          merchant: "Bench",
          currency: "EUR",
          lines: [{ sku: "B-1", name: "Bench item", quantity: 1, unit_price: 100 }],
        }),
      }),
    };
    // Each load alternates ROMS and the others for ROUNDS rounds and keeps each one's median: a machine's
    // drift (another process, a thermal step) then lands on both sides of a ratio instead of one.
    const sideBySide = (loads) => {
      const runs = loads.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        loads.forEach((l, i) => {
          if (l) runs[i].push(loadOnce(`${l[0]} (round ${round + 1})`, ...l.slice(1)));
        });
      }
      return runs.map((r) => (r.length ? median(r) : undefined));
    };
    const rows = [
      [
        "health",
        ...sideBySide([
          ["[ROMS] GET /health", `${roms.base}/health`, {}, connections],
          ["[bare] GET /health", `${bare.base}/health`, {}, connections],
          seed && ["[seeds] GET /health", `${seed.base}/health`, {}, connections],
        ]),
      ],
      [
        "order list, status filter, 50 rows",
        ...sideBySide([
          ["[ROMS] GET /api/v1/orders?status=picking&limit=50", list, auth, connections],
          [
            "[bare] GET /orders?status=picking (one D1 read)",
            `${bare.base}/orders?status=picking`,
            {},
            connections,
          ],
          seed && [
            "[seeds] GET /orders?status=picking (count + offset)",
            `${seed.base}/orders?status=picking`,
            {},
            connections,
          ],
        ]),
      ],
      [
        "new order",
        ...sideBySide([
          [
            `[ROMS] POST /api/v1/orders/intake c=${WRITERS}`,
            `${roms.base}/api/v1/orders/intake`,
            {},
            WRITERS,
            intake,
          ],
          [`[bare] POST /orders (one D1 insert) c=${WRITERS}`, `${bare.base}/orders`, {}, WRITERS, insert],
          seed && [`[seeds] POST /orders c=${WRITERS}`, `${seed.base}/orders`, {}, WRITERS, insert],
          [
            `[bare] POST intake's D1 work (one read, one batch) c=${WRITERS}`,
            `${bare.base}/api/v1/orders/intake`,
            {},
            WRITERS,
            bareIntake,
          ],
          [
            `[bare] POST intake's write batch alone c=${WRITERS}`,
            `${bare.base}/api/v1/orders/placed`,
            {},
            WRITERS,
            batchOnly,
          ],
        ]),
      ],
    ];
    const [bareInsert16] = sideBySide([
      ["[bare] POST /orders (one D1 insert) c=16", `${bare.base}/orders`, {}, 16, insert],
    ]);

    console.log(
      `\nmedians of ${ROUNDS} alternating rounds of ${seconds} s\nroute                                  ROMS req/s   bare req/s   ROMS/bare   seeds req/s (ok)   D1 round trips`,
    );
    for (const [name, mine, theirs, seeds] of rows.map((r) => r.slice(0, 4))) {
      const seedText = seeds
        ? `${seeds.rps.toFixed(0)} (${Math.max(0, seeds.rps - seeds.non_2xx / seconds).toFixed(0)})`
        : "n/a";
      console.log(
        `${name.padEnd(38)} ${mine.rps.toFixed(0).padStart(10)}   ${theirs.rps.toFixed(0).padStart(10)}   ${ratio(mine, theirs).padStart(9)}   ${seedText.padStart(16)}   ${trips[name]}`,
      );
    }
    const [, romsIntake, , seedInsert, sameWork, writeBatch] = rows[2];
    const timesSeeds = (r) =>
      seedInsert ? `, ${(r.rps / seedInsert.rps).toFixed(2)}x the seeds' writes` : "";
    console.log(
      `new order vs a bare insert at c=16: ${ratio(romsIntake, bareInsert16)}; ROMS failures at c=${WRITERS}: ${romsIntake.non_2xx}${seedInsert ? `, seeds' failures: ${seedInsert.non_2xx}` : ""}`,
    );
    // What the seeds' write goal asks of intake: how near ROMS is to a bare Worker doing intake's own D1 work,
    // and how far that work, even in one round trip, gets against the seeds' single-row insert.
    console.log(
      `new order: ROMS ${romsIntake.rps.toFixed(0)}/s${timesSeeds(romsIntake)}; the bare Worker doing intake's D1 work ${sameWork.rps.toFixed(0)}/s (ROMS ${ratio(romsIntake, sameWork)} of it)${timesSeeds(sameWork)}; intake's write batch alone, one round trip, ${writeBatch.rps.toFixed(0)}/s${timesSeeds(writeBatch)}\n`,
    );
  } finally {
    await stop(roms.child);
    await stop(bare.child);
    await stop(seed?.child);
  }
}
