#!/usr/bin/env node
// `npm start`: ROMS on this machine with its embedded defaults — local D1, R2 and rooms under .wrangler/.
//  1. writes .dev.vars with a fresh signing secret when there is none;
//  2. applies the migrations to the local D1;
//  3. creates the first admin when there is no user (ADMIN_EMAIL / ADMIN_PASSWORD, or a generated password
//     printed once);
//  4. serves on PORT (default 8787) and prints where the API, docs and health are.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generatePassword } from "../src/modules/auth/password.ts";
import { applyMigrations, createFirstAdmin, root, serve, withLocalBindings } from "./local.mjs";

const port = Number(process.env.PORT ?? 8787);

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

applyMigrations();

const adminEmail = (process.env.ADMIN_EMAIL || devVars.ADMIN_EMAIL || "admin@roms.local")
  .trim()
  .toLowerCase();
const givenPassword = process.env.ADMIN_PASSWORD || devVars.ADMIN_PASSWORD || "";
const password = givenPassword || generatePassword();
const created = await withLocalBindings((env) => createFirstAdmin(env.DB, adminEmail, password));

const { child, base } = await serve({ port });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));

console.log(`
ROMS is running.
  API      ${base}/api/v1
  Docs     ${base}/docs
  OpenAPI  ${base}/openapi.json
  Health   ${base}/health`);
if (created) {
  console.log(`
First admin created (shown once; change the password after signing in):
  email     ${adminEmail}
  password  ${givenPassword ? "(the ADMIN_PASSWORD you set)" : password}`);
}
