#!/usr/bin/env node
// `npm run demo`: the local ROMS (the .wrangler/state `npm start` uses) filled with a small believable shop,
// Harbour Coffee Co., through the HTTP API (scripts/demo/shop.ts), then left running with who can sign in.
// The sign-ins go to .wrangler/demo-logins.txt (mode 600); with that file there, a second run seeds nothing
// and prints them again. `npm run reset` starts over.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generatePassword } from "../src/modules/auth/password.ts";
import { printRunning } from "./banner.mjs";
import { harbourCoffee } from "./demo/catalog.ts";
import { seedDemoShop } from "./demo/shop.ts";
import {
  applyMigrations,
  demoLoginsPath,
  ensureDevVars,
  insertUser,
  portIsFree,
  root,
  serve,
  stopWith,
  withLocalBindings,
} from "./local.mjs";

/** The shop's owner: an admin made directly in D1 (there is no one yet to make them through the API). */
const OWNER = { email: "maren@harbour-coffee.test", name: "Maren Holt" };
const port = Number(process.env.PORT ?? 8787);
const loginsFile = path.relative(root, demoLoginsPath);

ensureDevVars();
applyMigrations();

if (!(await portIsFree(port))) {
  console.error(`Port ${port} is in use (ROMS already running?); choose another with PORT=${port + 1}`);
  process.exit(1);
}
// The owner is written straight into D1 when the shop is not there yet; a logins file left from an earlier
// database is then stale.
const password = generatePassword();
const ownerExisted = await withLocalBindings(async (env) => {
  const found = await env.DB.prepare("SELECT 1 AS one FROM users WHERE email = ?").bind(OWNER.email).first();
  if (!found) await insertUser(env.DB, { ...OWNER, role: "admin", password });
  return found !== null;
});
if (ownerExisted && !existsSync(demoLoginsPath)) {
  console.error(`The local database holds the demo shop, but ${loginsFile} (its sign-ins) is gone.
Start over with: npm run reset && npm run demo
or set a new owner password with: npm run admin:password -- ${OWNER.email}`);
  process.exit(1);
}
const seed = !ownerExisted;
if (seed) rmSync(demoLoginsPath, { force: true });

const server = await serve({ port }).catch((error) => {
  console.error(`ROMS did not start: ${error.message}`);
  process.exit(1);
});
stopWith(server.child);

if (seed) {
  console.log("Seeding the demo shop through the API:");
  const started = Date.now();
  try {
    const shop = await seedDemoShop({
      http: fetch,
      base: server.base,
      owner: { ...OWNER, password },
      catalog: harbourCoffee,
      log: (line) => console.log(`  ${line}`),
    });
    writeLogins(shop);
  } catch (error) {
    server.release({ showAll: true });
    console.error(`\n${error instanceof Error ? error.message : error}`);
    console.error("The demo shop is half made. Start over with: npm run reset && npm run demo");
    server.child.kill();
    process.exit(1);
  }
  console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s, sign-ins written to ${loginsFile}`);
}

const logins = readFileSync(demoLoginsPath, "utf8")
  .split("\n")
  .filter((line) => line.trim() && !line.startsWith("#"));
printRunning({
  base: server.base,
  title: "ROMS with the demo shop (Harbour Coffee Co.)",
  signIn: [`Sign-ins (also in ${loginsFile}):`, ...logins.map((line) => `  ${line}`)],
  bindings: server.bindings,
});
// What was held is wrangler's startup and the seeding's requests (one line each would be ~200).
server.release({ dropRequests: true });

function writeLogins(shop) {
  const row = (role, email, secret, name) => `${role.padEnd(9)} ${email.padEnd(33)} ${secret}  ${name}`;
  const lines = [
    `# ROMS demo sign-ins for Harbour Coffee Co. (this machine only), written by npm run demo on ${new Date().toISOString().slice(0, 10)}.`,
    "# npm run reset deletes this file with the local database. Sign in: POST /api/v1/auth/login",
    ...shop.logins.map((l) => row(l.role, l.email, l.password, l.name)),
    `api key   webshop intake (orders), Bearer: ${shop.apiKey}`,
  ];
  writeFileSync(demoLoginsPath, `${lines.join("\n")}\n`, { mode: 0o600 });
}
