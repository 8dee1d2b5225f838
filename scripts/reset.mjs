#!/usr/bin/env node
// `npm run reset`: deletes this machine's ROMS state — the local D1, R2 and rooms (.wrangler/state) and the
// demo's sign-ins — and says in one line what it removed. Safe when there is nothing. Stop ROMS first.
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { demoLoginsPath, root, statePath } from "./paths.mjs";

const targets = [
  [statePath, "(local D1, R2 and rooms)"],
  [demoLoginsPath, "(demo sign-ins)"],
].filter(([target]) => existsSync(target));
for (const [target] of targets) rmSync(target, { recursive: true, force: true });
console.log(
  targets.length === 0
    ? "Nothing to remove: no local state (.wrangler/state) and no demo sign-ins."
    : `Removed ${targets.map(([target, what]) => `${path.relative(root, target)} ${what}`).join(" and ")}. npm start or npm run demo begins afresh.`,
);
