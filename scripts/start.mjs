#!/usr/bin/env node
// `npm start`: ROMS on this machine with its embedded defaults — local D1, R2 and rooms under .wrangler/.
//  1. writes .dev.vars with a fresh signing secret when there is none;
//  2. applies the migrations to the local D1 (one line: how many, how many new);
//  3. creates the first admin when there is no user (ADMIN_EMAIL / ADMIN_PASSWORD, or a generated password
//     printed once);
//  4. serves on PORT (default 8787) and, once it answers, prints where the API, docs and health are and who
//     can sign in, before any of wrangler's lines (filtered by wrangler-output.mjs).
import { existsSync } from "node:fs";
import path from "node:path";
import { generatePassword } from "../src/modules/auth/password.ts";
import { printRunning } from "./banner.mjs";
import {
  applyMigrations,
  createFirstAdmin,
  demoLoginsPath,
  ensureDevVars,
  firstAdmin,
  root,
  serve,
  stopWith,
  withLocalBindings,
} from "./local.mjs";

const port = Number(process.env.PORT ?? 8787);
const devVars = ensureDevVars();
applyMigrations();

const adminEmail = (process.env.ADMIN_EMAIL || devVars.ADMIN_EMAIL || "admin@roms.local")
  .trim()
  .toLowerCase();
const givenPassword = process.env.ADMIN_PASSWORD || devVars.ADMIN_PASSWORD || "";
const password = givenPassword || generatePassword();
const { created, admin } = await withLocalBindings(async (env) => ({
  created: await createFirstAdmin(env.DB, adminEmail, password),
  admin: await firstAdmin(env.DB),
}));

const server = await serve({ port }).catch((error) => {
  console.error(`ROMS did not start: ${error.message}`);
  process.exit(1);
});
stopWith(server.child);

const signIn = created
  ? [
      "First admin, created now (shown once; change the password after signing in):",
      ["email", adminEmail],
      ["password", givenPassword ? "(the ADMIN_PASSWORD you set)" : password],
    ]
  : admin
    ? [
        `Sign in as ${admin.email} (admin${admin.status === "active" ? "" : `, ${admin.status}`}).`,
        "Its password was printed when it was created; a new one: npm run admin:password",
      ]
    : [];
if (existsSync(demoLoginsPath)) {
  signIn.push(`Demo shop sign-ins: ${path.relative(root, demoLoginsPath)} (or npm run demo)`);
}
printRunning({ base: server.base, signIn, bindings: server.bindings });
// What was held is wrangler's startup and the readiness probe's request.
server.release({ dropRequests: true });
