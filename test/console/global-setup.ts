// The console's tests run against ROMS as `npm start` runs it: `wrangler dev` on the built Worker (with its
// static assets, rooms, queues and local D1), on a fresh state directory and a free port, with a first
// admin. The tests drive Debian's Chromium against it (test/console/browser.ts).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
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

export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(path.join(tmpdir(), "roms-console-"));
  applyMigrations({ persistTo, quiet: true });
  await withLocalBindings((env: { DB: unknown }) => createFirstAdmin(env.DB, ADMIN.email, ADMIN.password), {
    persistTo,
  });
  let port = 8900 + Math.floor(Math.random() * 400);
  while (!(await portIsFree(port))) port++;
  const server = await serve({
    port,
    persistTo,
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
