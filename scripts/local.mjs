// Running ROMS on this machine: shared by `npm start`, `npm run demo`, `npm run admin:password` and the bench.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { getPlatformProxy, unstable_readConfig } from "wrangler";
import { newId } from "../src/lib/ids.ts";
import { hashPassword } from "../src/modules/auth/password.ts";
import { demoLoginsPath, root, statePath } from "./paths.mjs";
import { createOutputFilter } from "./wrangler-output.mjs";

export { demoLoginsPath, root, statePath };

// Run wrangler on this Node (the project pins Node 22), whatever `node` on PATH is.
const wranglerJs = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
// No telemetry, and no lookup of the `Request.cf` sample (this machine may have no internet).
export const wranglerEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

const persistArgs = (persistTo) => (persistTo ? ["--persist-to", persistTo] : []);

/**
 * Applies migrations/ to the local D1 (under .wrangler/state, or persistTo) and returns how many exist and
 * how many were new. Wrangler's tables are kept back; on failure they are shown with the error.
 */
export function applyMigrations({ persistTo, quiet = false, config } = {}) {
  const result = spawnSync(
    process.execPath,
    [
      wranglerJs,
      "d1",
      "migrations",
      "apply",
      "DB",
      "--local",
      ...persistArgs(persistTo),
      ...(config ? ["--config", config] : []),
    ],
    { cwd: root, env: { ...wranglerEnv, CI: "true" }, encoding: "utf8" },
  );
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
    throw new Error("applying migrations to the local D1 failed (wrangler's output is above)");
  }
  const total = readdirSync(path.join(root, "migrations")).filter((f) => f.endsWith(".sql")).length;
  const applied = Number(/About to apply (\d+) migration/.exec(result.stdout)?.[1] ?? 0);
  if (!quiet) console.log(`Database: ${total} migrations applied (${applied} new)`);
  return { total, applied };
}

/**
 * Runs `fn(env)` against the local D1 and R2, then releases them. The proxy is given only those two
 * bindings: with the whole wrangler.toml it would warn that the Durable Objects "will not work", which is
 * true of this proxy (it runs no Worker code) and irrelevant here, but alarming to read.
 */
export async function withLocalBindings(fn, { persistTo } = {}) {
  const config = unstable_readConfig({ config: path.join(root, "wrangler.toml") });
  const dir = mkdtempSync(path.join(tmpdir(), "roms-bindings-"));
  const configPath = path.join(dir, "wrangler.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      name: config.name,
      compatibility_date: config.compatibility_date,
      d1_databases: config.d1_databases.map(({ binding, database_name, database_id }) => ({
        binding,
        database_name,
        database_id,
      })),
      r2_buckets: config.r2_buckets.map(({ binding, bucket_name }) => ({ binding, bucket_name })),
    }),
  );
  const proxy = await getPlatformProxy({
    configPath,
    persist: { path: persistTo ? path.join(persistTo, "v3") : path.join(statePath, "v3") },
  });
  try {
    return await fn(proxy.env);
  } finally {
    await proxy.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Inserts an active user directly (there is no one yet to create them through the API). */
export async function insertUser(db, { email, name, role, password }) {
  await db
    .prepare("INSERT INTO users (id, email, name, role, password_hash) VALUES (?, ?, ?, ?, ?)")
    .bind(newId(), email.trim().toLowerCase(), name, role, await hashPassword(password))
    .run();
}

/** Creates the first admin when no user exists; returns true when it did. */
export async function createFirstAdmin(db, email, password) {
  const result = await db
    .prepare(
      "INSERT INTO users (id, email, name, role, password_hash) SELECT ?, ?, 'Administrator', 'admin', ? WHERE NOT EXISTS (SELECT 1 FROM users)",
    )
    .bind(newId(), email.trim().toLowerCase(), await hashPassword(password))
    .run();
  return result.meta.changes > 0;
}

/** The admin who came first (the one `npm start` created), or null. */
export const firstAdmin = (db) =>
  db
    .prepare("SELECT id, email, role, status FROM users WHERE role = 'admin' ORDER BY created_at, id LIMIT 1")
    .first();

function readDevVars(file) {
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#") && line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

/** Writes .dev.vars with a fresh local signing secret when there is none; returns its variables. */
export function ensureDevVars() {
  const file = path.join(root, ".dev.vars");
  if (!existsSync(file)) {
    const kid = `local-${new Date().toISOString().slice(0, 10)}`;
    writeFileSync(
      file,
      `# Written by npm start for this machine only (git-ignored). See .dev.vars.example.\nENVIRONMENT=development\nJWT_SECRETS=${kid}:${randomBytes(32).toString("base64url")}\n`,
      { mode: 0o600 },
    );
    console.log("Wrote .dev.vars with a fresh local signing secret.");
  }
  return readDevVars(file);
}

/**
 * Starts `wrangler dev` and resolves once /health answers. By default its output goes through the filter
 * of wrangler-output.mjs and is held back until `release()` (so the caller's "ROMS is running" block comes
 * first); `stdio: "inherit" | "ignore"` passes it through untouched or drops it. ROMS_LOG=raw shows
 * wrangler's output exactly as it is.
 */
export async function serve({ port, persistTo, stdio = "filter", config, vars = {} }) {
  // Else the readiness probe below would find whatever answers there and call it ROMS.
  if (!(await portIsFree(port))) {
    throw new Error(`port ${port} is in use (ROMS already running?); choose another with PORT=${port + 1}`);
  }
  const filtered = stdio === "filter";
  const child = spawn(
    process.execPath,
    [
      wranglerJs,
      "dev",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--show-interactive-dev-session=false",
      ...persistArgs(persistTo),
      ...(config ? ["--config", config] : []), // another Worker (the bench's bare one)
      ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ],
    { cwd: root, env: wranglerEnv, stdio: filtered ? ["ignore", "pipe", "pipe"] : stdio },
  );
  const output = filtered ? createOutputFilter({ raw: process.env.ROMS_LOG === "raw" }) : null;
  if (output) {
    output.attach(child.stdout, "stdout");
    output.attach(child.stderr, "stderr");
  }
  const base = `http://127.0.0.1:${port}`;
  const fail = (message) => {
    output?.release({ showAll: true });
    return new Error(message);
  };
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw fail(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/health`);
      if (res.status === 200 || res.status === 503) {
        // The probe's own log line comes a moment later; held, so that it does not follow the caller's block.
        await output?.requestSeen(1000);
        return {
          child,
          base,
          bindings: output?.bindings ?? [],
          release: (options) => output?.release(options),
        };
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw fail("wrangler dev did not become ready within 2 minutes");
}

/** True when nothing listens on the port (on 127.0.0.1). */
export const portIsFree = (port) =>
  new Promise((resolve) => {
    const probe = createServer()
      .once("error", () => resolve(false))
      .once("listening", () => probe.close(() => resolve(true)))
      .listen(port, "127.0.0.1");
  });

/** Stops wrangler dev with the signals this process gets, and exits with it. */
export function stopWith(child) {
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 0));
}
