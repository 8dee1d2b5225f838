// End to end on real pieces: socat serial port pairs, the agent as its own process (roms-agent start), and
// ROMS itself under `wrangler dev` on a fresh local D1. Card reads become punches and attendance, barcode
// reads become scans, enrolment binds the next card, nothing read while the API is down is lost or doubled,
// and a revoked device token leaves reads waiting on disk.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type CliRun, cli, type PortPair, portPair, tempDir, until } from "./harness.ts";

interface Local {
  applyMigrations(options: { persistTo: string; quiet: boolean }): unknown;
  withLocalBindings<T>(fn: (env: { DB: unknown }) => Promise<T>, options: { persistTo: string }): Promise<T>;
  createFirstAdmin(db: unknown, email: string, password: string): Promise<boolean>;
  serve(options: {
    port: number;
    persistTo: string;
    stdio: "ignore";
    vars: Record<string, string>;
  }): Promise<{ child: ChildProcess; base: string }>;
}
// scripts/local.mjs is how `npm start` and the bench run ROMS; imported by a computed path (it has no types).
const localScripts = path.join(import.meta.dirname, "../../scripts/local.mjs");
const local = (await import(localScripts)) as Local;

const PORT = 18_000 + Math.floor(Math.random() * 1000);
const EMAIL = "e2e@roms.local";
const PASSWORD = `e2e-${crypto.randomUUID()}`;
const VARS = {
  // A signing secret of the test's own (a fresh clone has no .dev.vars).
  JWT_SECRETS: `e2e:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex")}`,
  // One second: reads a test makes a couple of seconds apart count as clock-in and clock-out.
  ATTENDANCE_DUPLICATE_SECONDS: "1",
};

let state: string;
let server: { child: ChildProcess; base: string } | undefined;
let adminToken: string;

async function startRoms() {
  server = await local.serve({ port: PORT, persistTo: state, stdio: "ignore", vars: VARS });
}

async function stopRoms() {
  const child = server?.child;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const base = () => `http://127.0.0.1:${PORT}`;

async function api(method: string, route: string, body?: unknown, token = adminToken) {
  const res = await fetch(`${base()}/api/v1${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function registerDevice(name: string): Promise<{ id: string; token: string }> {
  const made = await api("POST", "/devices", { name });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return { id: made.body.id, token: made.body.token };
}

/** A config file for the agent: the card reader and the barcode scanner on their port pairs. */
async function writeConfig(dir: string, token: string, door: PortPair, stockroom: PortPair) {
  const file = path.join(dir, "roms-agent.json");
  await writeFile(
    file,
    JSON.stringify({
      api_url: base(),
      device_token: token,
      outbox: "outbox",
      heartbeat_seconds: 1,
      ports: [
        { name: "door", path: door.device, profile: "card-reader" },
        { name: "stockroom", path: stockroom.device, profile: "barcode-scanner" },
      ],
    }),
  );
  return file;
}

async function stopAgent(agent: CliRun) {
  agent.kill("SIGTERM");
  await agent.exited;
}

const status = async (config: string) => {
  const run = cli(["status", "--config", config]);
  assert.equal(await run.exited, 0, run.stderr);
  return JSON.parse(run.stdout) as { queue_depth: number; dead: number; last_delivery_at: string | null };
};

/** Every scan of this device, in the order the API took them (ids are time-ordered). */
async function scansOf(
  deviceId: string,
): Promise<{ id: string; code: string; target: { kind: string; id: string } | null }[]> {
  const all: { id: string; code: string; target: { kind: string; id: string } | null }[] = [];
  let cursor: string | null = null;
  do {
    const page = await api(
      "GET",
      `/scans?device_id=${deviceId}&limit=200${cursor ? `&cursor=${cursor}` : ""}`,
    );
    all.push(...page.body.items);
    cursor = page.body.next_cursor;
  } while (cursor);
  return all.sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe("the agent and ROMS, end to end", { timeout: 300_000 }, () => {
  let dir: string;
  let door: PortPair;
  let stockroom: PortPair;
  let device: { id: string; token: string };
  let config: string;
  let agent: CliRun;

  before(async () => {
    state = await tempDir("e2e-state");
    dir = await tempDir("e2e-agent");
    local.applyMigrations({ persistTo: state, quiet: true });
    await local.withLocalBindings((env) => local.createFirstAdmin(env.DB, EMAIL, PASSWORD), {
      persistTo: state,
    });
    await startRoms();
    const login = await fetch(`${base()}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    adminToken = ((await login.json()) as { access_token: string }).access_token;
    device = await registerDevice("Shop PC");
    door = await portPair();
    stockroom = await portPair();
    config = await writeConfig(dir, device.token, door, stockroom);
    agent = cli(["start", "--config", config]);
    await until(() => agent.lines().some((l) => l.msg === "heartbeat answered"), 20_000);
  });

  after(async () => {
    if (agent) await stopAgent(agent);
    door?.close();
    stockroom?.close();
    await stopRoms();
  });

  it("card reads on the port become punches and attendance", async (t) => {
    const ana = await api("POST", "/employees", { code: "E-1", name: "Ana Lima" });
    const card = "04A1B2C3D4";
    assert.equal((await api("POST", `/employees/${ana.body.id}/cards`, { uid: card })).status, 201);

    const punches = async () =>
      (await api("GET", `/attendance/punches?employee_id=${ana.body.id}`)).body.items as { at: string }[];
    const written = performance.now();
    await door.write(`${card}\r\n`);
    await until(async () => (await punches()).length === 1, 20_000);
    t.diagnostic(
      `card read on the port -> punch visible in the API: ${Math.round(performance.now() - written)} ms`,
    );
    const present = await api("GET", "/attendance/present");
    assert.deepEqual(
      present.body.items.map((p: { employee: { code: string } }) => p.employee.code),
      ["E-1"],
    );

    // Two seconds later (the duplicate window is one second here): clocked out.
    await new Promise((r) => setTimeout(r, 2000));
    await door.write(`${card}\r\n`);
    await until(async () => (await punches()).length === 2, 20_000);
    assert.deepEqual((await api("GET", "/attendance/present")).body.items, []);
    const [outPunch, inPunch] = await punches();
    const date = inPunch!.at.slice(0, 10);
    const days = await api(
      "GET",
      `/attendance/days?from=${date}&to=${date}&tz=UTC&employee_id=${ana.body.id}`,
    );
    assert.equal(days.body.items.length, 1);
    assert.equal(days.body.items[0].first_in.slice(0, 19), inPunch!.at.slice(0, 19));
    assert.equal(days.body.items[0].last_out.slice(0, 19), outPunch!.at.slice(0, 19));
    assert.deepEqual(days.body.items[0].flags, []);
  });

  it("barcode reads on the scanner's port become scans of what they name", async () => {
    const product = await api("POST", "/products", {
      sku: "BEANS-1KG",
      name: "Beans 1 kg",
      price: { amount: 1890, currency: "EUR" },
      barcodes: [{ barcode: "4006381333931", kind: "ean13" }],
    });
    assert.equal(product.status, 201, JSON.stringify(product.body));
    await stockroom.write("4006381333931\r");
    await until(async () => (await scansOf(device.id)).some((s) => s.code === "4006381333931"), 20_000);
    const scan = (await scansOf(device.id)).find((s) => s.code === "4006381333931");
    assert.deepEqual([scan?.target?.kind, scan?.target?.id], ["product", product.body.id]);
  });

  it("enrolment armed from the agent's CLI binds the next card read", async () => {
    const bo = await api("POST", "/employees", { code: "E-2", name: "Bo Berg" });
    const enroll = cli(["enroll", "E-2", "--config", config, "--wait", "60"]);
    await until(
      async () => (await api("GET", `/devices/${device.id}/enrollment`)).body?.state === "armed",
      20_000,
    );
    await door.write("04FFEE0011\r\n");
    assert.equal(await enroll.exited, 0, enroll.stderr);
    const cards = (await api("GET", `/employees/${bo.body.id}`)).body.cards as { uid: string }[];
    assert.deepEqual(
      cards.map((c) => c.uid),
      ["04FFEE0011"],
    );
    // The device was told, and the agent said so.
    await until(() => agent.lines().some((l) => l.msg === "card enrolled"), 20_000);
  });

  it("200 reads taken while the API is down arrive exactly once, in order, after the agent restarts too", async () => {
    const before = (await scansOf(device.id)).length;
    await stopRoms();
    const codes = Array.from({ length: 200 }, (_, i) => `ITEM-${String(i + 1).padStart(4, "0")}`);
    await stockroom.write(codes.map((c) => `${c}\r`).join(""));
    await until(async () => (await status(config)).queue_depth === 200, 30_000);
    // The agent restarts while the API is still down; its outbox is on disk.
    await stopAgent(agent);
    agent = cli(["start", "--config", config]);
    await startRoms();
    await until(async () => (await status(config)).queue_depth === 0, 60_000);
    const scans = await scansOf(device.id);
    assert.equal(scans.length, before + 200);
    assert.deepEqual(
      scans.filter((s) => s.code.startsWith("ITEM-")).map((s) => s.code),
      codes,
    );
  });

  it("a revoked device token stops delivery; the reads wait on disk, and go with a new token", async () => {
    assert.equal((await api("DELETE", `/devices/${device.id}`)).status, 204);
    await stockroom.write("WAIT-1\rWAIT-2\rWAIT-3\r");
    await until(
      () => agent.lines().some((l) => l.msg === "device token refused; keeping events and retrying"),
      20_000,
    );
    assert.equal((await status(config)).queue_depth, 3);
    assert.equal((await scansOf(device.id)).filter((s) => s.code.startsWith("WAIT-")).length, 0);

    const replacement = await registerDevice("Shop PC (new token)");
    await stopAgent(agent);
    config = await writeConfig(dir, replacement.token, door, stockroom);
    agent = cli(["start", "--config", config]);
    await until(async () => (await status(config)).queue_depth === 0, 30_000);
    assert.deepEqual(
      (await scansOf(replacement.id)).map((s) => s.code),
      ["WAIT-1", "WAIT-2", "WAIT-3"],
    );
  });
});
