// Running ROMS on this machine: shared by `npm start` and `npm run bench`.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { getPlatformProxy } from "wrangler";
import { hashPassword } from "../src/modules/auth/password.ts";

export const root = path.resolve(import.meta.dirname, "..");
// Run wrangler on this Node (the project pins Node 22), whatever `node` on PATH is.
const wranglerJs = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
// No telemetry, and no lookup of the `Request.cf` sample (this machine may have no internet).
export const wranglerEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

const persistArgs = (persistTo) => (persistTo ? ["--persist-to", persistTo] : []);

/** Applies migrations/ to the local D1 (under .wrangler/state, or persistTo). */
export function applyMigrations({ persistTo, quiet = false } = {}) {
  const result = spawnSync(
    process.execPath,
    [wranglerJs, "d1", "migrations", "apply", "DB", "--local", ...persistArgs(persistTo)],
    {
      cwd: root,
      env: { ...wranglerEnv, CI: "true" },
      stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"],
    },
  );
  if (result.status !== 0) throw new Error("applying migrations to the local D1 failed");
}

/** Runs `fn(env)` against the local bindings (D1, R2), then releases them. */
export async function withLocalBindings(fn, { persistTo } = {}) {
  const proxy = await getPlatformProxy({
    configPath: path.join(root, "wrangler.toml"),
    persist: persistTo ? { path: path.join(persistTo, "v3") } : true,
  });
  try {
    return await fn(proxy.env);
  } finally {
    await proxy.dispose();
  }
}

/** Creates the first admin when no user exists; returns true when it did. */
export async function createFirstAdmin(db, email, password) {
  const result = await db
    .prepare(
      "INSERT INTO users (id, email, name, role, password_hash) SELECT ?, ?, 'Administrator', 'admin', ? WHERE NOT EXISTS (SELECT 1 FROM users)",
    )
    .bind(crypto.randomUUID(), email.trim().toLowerCase(), await hashPassword(password))
    .run();
  return result.meta.changes > 0;
}

/** Starts `wrangler dev` and resolves once /health answers. */
export async function serve({ port, persistTo, stdio = "inherit" }) {
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
    ],
    { cwd: root, env: wranglerEnv, stdio },
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/health`);
      if (res.status === 200 || res.status === 503) return { child, base };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error("wrangler dev did not become ready within 2 minutes");
}
