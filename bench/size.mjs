#!/usr/bin/env node
// `npm run bench:size`: the deployable bundle's size (wrangler deploy --dry-run) and its startup time
// (wrangler check startup, which profiles the Worker's global scope in workerd), beside the bare Hono
// Worker's (bench/bare) measured the same way.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { root, wranglerEnv } from "../scripts/local.mjs";

const out = path.join(root, "bench", "out");
const dist = path.join(out, "dist");
// Run wrangler on this Node (the project pins Node 22), whatever `node` on PATH is.
const wranglerJs = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");

rmSync(dist, { recursive: true, force: true }); // else modules of an earlier build would count
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
// The entry module and the ones it loads on first use (chunks/, wrangler.toml find_additional_modules).
for (const name of readdirSync(dist, { recursive: true })) {
  const file = path.join(dist, name);
  if (!statSync(file).isFile() || name.endsWith(".map") || name === "README.md") continue;
  raw += statSync(file).size;
  gzip += gzipSync(readFileSync(file)).length;
}
const entry = statSync(path.join(dist, "index.mjs")).size;
console.log(
  `bundle: ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzip (limit 64 MiB raw); entry module ${(entry / 1024).toFixed(1)} KiB`,
);

/** Active startup CPU of a Worker (wrangler check startup), the least of `runs` tries: noise only adds. */
function startupMs(name, config, runs = 5) {
  const profile = path.join(out, `${name}-startup.cpuprofile`);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const check = spawnSync(
      process.execPath,
      [wranglerJs, "check", "startup", "--outfile", profile, ...(config ? ["--config", config] : [])],
      { cwd: root, env: wranglerEnv, encoding: "utf8" },
    );
    const text = `${check.stdout}\n${check.stderr}`;
    if (check.status !== 0) {
      console.log(`startup (${name}): wrangler check startup failed:\n${text.trim()}`);
      process.exit(1);
    }
    times.push(Number(/Active:\s*([\d.]+)\s*ms/.exec(text)?.[1]));
  }
  return Math.min(...times);
}

const roms = startupMs("roms");
const bare = startupMs("bare", path.join(root, "bench", "bare", "wrangler.toml"));
// The profile samples about once a millisecond, so a tiny global scope often shows 0 ms.
const share =
  bare > 0
    ? `${((roms / bare) * 100).toFixed(0)}% of the bare Worker`
    : roms > 0
      ? "more than the bare Worker"
      : "both below the profiler's resolution";
console.log(
  `startup: ROMS ${roms} ms, bare Hono Worker ${bare} ms active CPU (least of 5, wrangler check startup; limit 1000 ms): ${share}`,
);
