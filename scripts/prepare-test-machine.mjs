#!/usr/bin/env node
// Prepares this machine for `npm test`, idempotently:
//  1. the Debian packages the tests use (chromium for Browser Rendering, socat for virtual serial ports,
//     what reads the PDFs back: zbar-tools, poppler-utils, qpdf, dmtx-utils; and libimage-exiftool-perl,
//     which reads claim photos' metadata back);
//  2. seeds miniflare's Chrome cache with a launcher for Debian's Chromium, so Browser Rendering runs
//     locally without downloading a browser (this machine reaches no download host).
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

const APT_PACKAGES = {
  chromium: "/usr/bin/chromium",
  socat: "/usr/bin/socat",
  "zbar-tools": "/usr/bin/zbarimg",
  "poppler-utils": "/usr/bin/pdftoppm",
  qpdf: "/usr/bin/qpdf",
  "dmtx-utils": "/usr/bin/dmtxread",
  "libimage-exiftool-perl": "/usr/bin/exiftool",
};
// Must match BROWSER_VERSION in miniflare (node_modules/miniflare/dist/src/index.js).
const CHROME_BUILD = "126.0.6478.182";

const missing = Object.entries(APT_PACKAGES)
  .filter(([, bin]) => !existsSync(bin))
  .map(([pkg]) => pkg);
if (missing.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(
      `Missing Debian packages: ${missing.join(" ")}. Run: sudo apt-get install -y ${missing.join(" ")}`,
    );
    process.exit(1);
  }
  console.log(`Installing ${missing.join(", ")} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", ...missing], { stdio: "inherit", env });
}

const cacheHome = process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache");
const installDir = path.join(cacheHome, ".wrangler", "chrome", `linux-${CHROME_BUILD}`);
const launcher = path.join(installDir, "chrome-linux64", "chrome");
const script = `#!/bin/sh
# Written by roms scripts/prepare-test-machine.mjs: miniflare's Browser Rendering runs Debian's Chromium.
exec ${APT_PACKAGES.chromium} --no-sandbox --disable-gpu --disable-quic --disable-component-update "$@"
`;
const current = existsSync(launcher) ? readFileSync(launcher, "utf8") : undefined;
const isOurs = current === undefined || current.includes("roms scripts/prepare-test-machine.mjs");
if (isOurs && current !== script) {
  mkdirSync(path.dirname(launcher), { recursive: true });
  writeFileSync(launcher, script);
  chmodSync(launcher, 0o755);
}
writeFileSync(path.join(installDir, ".miniflare-install-complete"), "");

const version = spawnSync(launcher, ["--version"], { encoding: "utf8" });
if (version.status !== 0) {
  console.error(`The Chromium launcher at ${launcher} does not run:\n${version.stderr}`);
  process.exit(1);
}
console.log(`Browser Rendering uses ${version.stdout.trim()} via ${launcher}`);
