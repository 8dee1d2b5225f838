#!/usr/bin/env node
// `npm start`: ROMS on this machine with its embedded defaults — local D1, R2 and rooms under .wrangler/.
//  1. writes .dev.vars with a fresh signing secret when there is none;
//  2. applies the migrations to the local D1;
//  3. creates the first admin when there is no user (ADMIN_EMAIL / ADMIN_PASSWORD, or a generated password
//     printed once);
//  4. serves on PORT (default 8787) and prints where the API, docs and health are.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getPlatformProxy } from "wrangler";
import { generatePassword, hashPassword } from "../src/modules/auth/password.ts";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.PORT ?? 8787);
// No telemetry, and no lookup of the `Request.cf` sample (this machine may have no internet).
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const wrangler = path.join(root, "node_modules", ".bin", "wrangler");

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

const devVarsPath = path.join(root, ".dev.vars");
if (!existsSync(devVarsPath)) {
  const kid = `local-${new Date().toISOString().slice(0, 10)}`;
  writeFileSync(
    devVarsPath,
    `# Written by npm start for this machine only (git-ignored). See .dev.vars.example.\nENVIRONMENT=development\nJWT_SECRETS=${kid}:${randomBytes(32).toString("base64url")}\n`,
    { mode: 0o600 },
  );
  console.log("Wrote .dev.vars with a fresh local signing secret.");
}
const devVars = readDevVars(devVarsPath);

const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local"], {
  cwd: root,
  env: { ...env, CI: "true" },
  stdio: ["ignore", "inherit", "inherit"],
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const adminEmail = (process.env.ADMIN_EMAIL ?? devVars.ADMIN_EMAIL ?? "admin@roms.local")
  .trim()
  .toLowerCase();
const givenPassword = process.env.ADMIN_PASSWORD || devVars.ADMIN_PASSWORD || "";
let printedPassword;
{
  const proxy = await getPlatformProxy({ configPath: path.join(root, "wrangler.toml"), persist: true });
  try {
    const db = proxy.env.DB;
    const { n } = await db.prepare("SELECT count(*) AS n FROM users").first();
    if (n === 0) {
      const password = givenPassword || generatePassword();
      await db
        .prepare(
          "INSERT INTO users (id, email, name, role, password_hash) SELECT ?, ?, 'Administrator', 'admin', ? WHERE NOT EXISTS (SELECT 1 FROM users)",
        )
        .bind(crypto.randomUUID(), adminEmail, await hashPassword(password))
        .run();
      printedPassword = givenPassword ? "(the ADMIN_PASSWORD you set)" : password;
    }
  } finally {
    await proxy.dispose();
  }
}

const server = spawn(
  wrangler,
  ["dev", "--port", String(port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false"],
  {
    cwd: root,
    env,
    stdio: "inherit",
  },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));

const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 300; i++) {
  try {
    const res = await fetch(`${base}/health`);
    if (res.status === 200 || res.status === 503) break;
  } catch {
    // not up yet
  }
  await new Promise((r) => setTimeout(r, 200));
}
console.log(`
ROMS is running.
  API      ${base}/api/v1
  Docs     ${base}/docs
  OpenAPI  ${base}/openapi.json
  Health   ${base}/health`);
if (printedPassword) {
  console.log(`
First admin created (shown once; change it after signing in):
  email     ${adminEmail}
  password  ${printedPassword}`);
}
