// The console's tests run against ROMS as `npm start` runs it: `wrangler dev` on the built Worker (with its
// static assets, rooms, queues and local D1), on a fresh state directory and a free port, with a first
// admin. The tests drive Debian's Chromium against it (test/console/browser.ts).
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import {
  applyMigrations,
  createFirstAdmin,
  portIsFree,
  serve,
  withLocalBindings,
  // @ts-expect-error plain ESM scripts (no types), shared with npm start and the bench
} from "../../scripts/local.mjs";

export const ADMIN = { email: "admin@console.test", password: "console-admin-password-1" };

declare module "vitest" {
  export interface ProvidedContext {
    consoleBase: string;
  }
}

/**
 * wrangler.toml as it is, but with its paths made absolute (the copy lives in a temporary directory) and the
 * sign-in limiter raised: every test file signs people in through the same address within a minute, which
 * the real limit (10 a minute per address) rightly refuses. Nothing else differs from what `npm start` runs.
 */
function testConfig(dir: string): string {
  const root = path.resolve(import.meta.dirname, "../..");
  const abs = (p: string) => JSON.stringify(path.join(root, p));
  const text = readFileSync(path.join(root, "wrangler.toml"), "utf8")
    .replace('main = "dist/worker/index.mjs"', `main = ${abs("dist/worker/index.mjs")}`)
    .replace('migrations_dir = "migrations"', `migrations_dir = ${abs("migrations")}`)
    .replace('directory = "dist/public"', `directory = ${abs("dist/public")}`)
    .replace(
      'command = "node scripts/build.mjs"',
      `command = "node scripts/build.mjs"\ncwd = ${JSON.stringify(root)}`,
    )
    .replace(/(name = "LOGIN_LIMITER"[\s\S]*?simple = \{ limit = )10,/, "$110000,");
  if (!text.includes("limit = 10000,")) throw new Error("wrangler.toml changed: update testConfig()");
  const file = path.join(dir, "wrangler.toml");
  writeFileSync(file, text);
  return file;
}

export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(path.join(tmpdir(), "roms-console-"));
  const config = testConfig(persistTo);
  applyMigrations({ persistTo, quiet: true, config });
  await withLocalBindings((env: { DB: unknown }) => createFirstAdmin(env.DB, ADMIN.email, ADMIN.password), {
    persistTo,
  });
  let port = 8900 + Math.floor(Math.random() * 400);
  while (!(await portIsFree(port))) port++;
  const server = await serve({
    port,
    persistTo,
    config,
    stdio: process.env.CONSOLE_LOG ? "inherit" : "ignore",
    // A signing key of this run's own (a clean clone has no .dev.vars).
    vars: { JWT_SECRETS: `console-test:${randomBytes(32).toString("base64url")}` },
  });
  // localhost, not 127.0.0.1: the session cookie is Secure, and browsers keep Secure cookies over plain
  // HTTP for localhost only.
  project.provide("consoleBase", `http://localhost:${port}`);
  return async () => {
    server.child.kill("SIGTERM");
    await new Promise((resolve) => server.child.once("exit", resolve));
    rmSync(persistTo, { recursive: true, force: true });
  };
}
