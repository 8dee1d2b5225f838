#!/usr/bin/env node
// `npm run bench:size`: the deployable bundle's size (wrangler deploy --dry-run) and its startup time
// (wrangler check startup, which profiles the Worker's global scope in workerd).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { root, wranglerEnv } from "../scripts/local.mjs";

const out = path.join(root, "bench", "out");
const dist = path.join(out, "dist");
// Run wrangler on this Node (the project pins Node 22), whatever `node` on PATH is.
const wranglerJs = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");

const deploy = spawnSync(process.execPath, [wranglerJs, "deploy", "--dry-run", "--outdir", dist], {
  cwd: root,
  env: wranglerEnv,
  encoding: "utf8",
});
if (deploy.status !== 0) {
  console.error(deploy.stderr || deploy.stdout);
  process.exit(1);
}
let raw = 0;
let gzip = 0;
for (const name of readdirSync(dist)) {
  const file = path.join(dist, name);
  if (!statSync(file).isFile() || name.endsWith(".map")) continue;
  raw += statSync(file).size;
  gzip += gzipSync(readFileSync(file)).length;
}
console.log(
  `bundle: ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzip (limit 64 MiB raw)`,
);

const profile = path.join(out, "worker-startup.cpuprofile");
const check = spawnSync(process.execPath, [wranglerJs, "check", "startup", "--outfile", profile], {
  cwd: root,
  env: wranglerEnv,
  encoding: "utf8",
});
const text = `${check.stdout}\n${check.stderr}`;
if (check.status !== 0) {
  console.log(`startup: wrangler check startup failed:\n${text.trim()}`);
  process.exit(1);
}
const active = /Active:\s*([\d.]+)\s*ms/.exec(text)?.[1];
const window = /Profile window:\s*([\d.]+)\s*ms/.exec(text)?.[1];
console.log(
  `startup: ${active} ms active CPU in a ${window} ms profile window (wrangler check startup; limit 1000 ms)`,
);
