// The devices phase of `npm run bench` (BENCH_ONLY=devices): the on-site agent's door.
//  - reads accepted per second by POST /api/v1/devices/events in batches of 50 (10 card reads that become
//    punches, 40 barcodes), against a bare Worker that inserts the same 50 rows in one D1 batch;
//  - the time from a card read written to a real serial port (socat) to its punch being visible in the API,
//    through the agent (roms-agent start) as it runs in a shop.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { applyMigrations, createFirstAdmin, root, serve, withLocalBindings } from "../scripts/local.mjs";
import { generatePassword } from "../src/modules/auth/password.ts";
import { benchVars, connections, loadOnce, percentile } from "./wrk.mjs";

const out = path.join(root, "bench", "out");
const ports = { roms: 8803, bare: 8804 };
const DEVICES = 16;

export async function devicesPhase() {
  const state = path.join(out, "devices-state");
  rmSync(state, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  applyMigrations({ persistTo: state, quiet: true });
  const email = "bench@roms.local";
  const password = generatePassword();
  await withLocalBindings((env) => createFirstAdmin(env.DB, email, password), { persistTo: state });
  const bareState = path.join(out, "bare-devices-state");
  rmSync(bareState, { recursive: true, force: true });
  const bareConfig = path.join(root, "bench", "bare", "wrangler.toml");
  applyMigrations({ persistTo: bareState, quiet: true, config: bareConfig });
  const roms = await serve({ port: ports.roms, persistTo: state, stdio: "ignore", vars: benchVars });
  const bare = await serve({ port: ports.bare, persistTo: bareState, stdio: "ignore", config: bareConfig });
  const stops = [roms.child, bare.child];
  try {
    const login = await fetch(`${roms.base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const token = (await login.json()).access_token;
    const api = async (method, route, body) => {
      const res = await fetch(`${roms.base}/api/v1${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body && JSON.stringify(body),
      });
      return res.json();
    };
    const devices = [];
    for (let i = 0; i < DEVICES; i++)
      devices.push(await api("POST", "/devices", { name: `Bench reader ${i}` }));
    const cards = [];
    for (let i = 0; i < 20; i++) {
      const person = await api("POST", "/employees", { code: `B-${i}`, name: `Bench Person ${i}` });
      const uid = `04BE${String(i).padStart(6, "0")}`;
      await api("POST", `/employees/${person.id}/cards`, { uid });
      cards.push(uid);
    }
    console.log("devices: the agent's door, in batches of 50 reads");
    const script = (run) => ({
      path: path.join(root, "bench", "devices.lua"),
      env: {
        BENCH_TOKENS: devices.map((d) => d.token).join(","),
        BENCH_CARDS: cards.join(","),
        BENCH_RUN: run,
        BENCH_AT: new Date(Date.now() - 3_600_000).toISOString(),
      },
    });
    const url = (base) => `${base}/api/v1/devices/events`;
    const ours = loadOnce(
      "[ROMS] POST /api/v1/devices/events (50 reads)",
      url(roms.base),
      {},
      connections,
      script("r"),
    );
    const theirs = loadOnce(
      "[bare] POST /devices/events (50 inserts)",
      url(bare.base),
      {},
      connections,
      script("b"),
    );
    console.log(
      `\ndevice reads accepted: ${(ours.rps * 50).toFixed(0)}/s (${ours.rps.toFixed(0)} batches/s, non-2xx ${ours.non_2xx}) vs a bare Worker's ${(theirs.rps * 50).toFixed(0)}/s = ${((ours.rps / theirs.rps) * 100).toFixed(0)}%`,
    );
    await cardToPunch(roms.base, api, cards[0], stops);
  } finally {
    for (const child of stops) child.kill("SIGTERM");
  }
}

/** Card read on a real serial port -> the agent -> ROMS -> the punch visible in GET /attendance/punches. */
async function cardToPunch(base, api, card, stops) {
  const dir = mkdtempSync(path.join(tmpdir(), "roms-bench-agent-"));
  const device = path.join(dir, "device");
  const wire = path.join(dir, "wire");
  const socat = spawn("socat", [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${wire}`], {
    stdio: "ignore",
  });
  stops.push(socat);
  while (!(existsSync(device) && existsSync(wire))) await new Promise((r) => setTimeout(r, 20));
  const reader = await api("POST", "/devices", { name: "Bench agent" });
  const config = path.join(dir, "roms-agent.json");
  writeFileSync(
    config,
    JSON.stringify({
      api_url: base,
      device_token: reader.token,
      outbox: "outbox",
      ports: [{ name: "door", path: device, profile: "card-reader" }],
    }),
  );
  const agent = spawn(
    process.execPath,
    [path.join(root, "agent", "src", "cli.ts"), "start", "--config", config],
    {
      stdio: "ignore",
    },
  );
  stops.push(agent);
  await new Promise((r) => setTimeout(r, 1500));
  const employee = (await api("GET", `/employees?limit=200`)).items.find((e) =>
    e.cards.some((c) => c.uid === card),
  );
  const latencies = [];
  let failures = 0;
  const wireHandle = await open(wire, "w");
  for (let i = 0; i < 20; i++) {
    const before = (await api("GET", `/attendance/punches?employee_id=${employee.id}&limit=200`)).items
      .length;
    const written = performance.now();
    await wireHandle.write(`${card}\r\n`);
    for (;;) {
      const page = await api("GET", `/attendance/punches?employee_id=${employee.id}&limit=200`).catch(
        (error) => ({ error: String(error) }),
      );
      // wrangler dev drops a kept-alive socket now and then after a load: ask again, a few times.
      if (!page.items && ++failures > 20) throw new Error(`punches: ${JSON.stringify(page)}`);
      const now = page.items?.length ?? before;
      if (now > before) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    latencies.push(performance.now() - written);
  }
  await wireHandle.close();
  console.log(
    `card read on a serial port -> punch visible in the API (agent + ROMS, ${latencies.length} reads): p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`,
  );
}
