#!/usr/bin/env node
// `npm run lock:platforms`: completes package-lock.json with the other platforms' optional binaries
// (Biome, workerd for macOS, Windows, musl, Android) so that `npm ci` accepts the lockfile.
//
// Why: npm writes into the lockfile only the optional platform packages it could resolve. The registry this
// project installs from lacks some versions of other platforms' binaries, so `npm install` leaves them out,
// and `npm ci` then refuses the lockfile as out of sync with package.json ("Missing: … from lock file").
// An entry with the package's version, `os`, `cpu` (and `libc`) is all npm needs: on a platform that does
// not match, npm skips the package without fetching it; on one that matches, npm resolves it by version.
// Run it after any `npm install` that changes dependencies; running it again changes nothing.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const lockPath = path.join(root, "package-lock.json");
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const packages = lock.packages;

/** os / cpu / libc of a platform package: from the registry when any version is there, else its name. */
function platformOf(name) {
  try {
    const out = execFileSync("npm", ["view", name, "os", "cpu", "libc", "license", "--json"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const meta = JSON.parse(out);
    if (meta.os && meta.cpu) return { os: meta.os, cpu: meta.cpu, libc: meta.libc, license: meta.license };
  } catch {
    // never published where we install from: read the platform from the name
  }
  const os = /darwin/.test(name)
    ? "darwin"
    : /win32|windows/.test(name)
      ? "win32"
      : /android/.test(name)
        ? "android"
        : /freebsd/.test(name)
          ? "freebsd"
          : /linux/.test(name)
            ? "linux"
            : undefined;
  const cpu = /arm64|aarch64/.test(name) ? "arm64" : /x64|-64$/.test(name) ? "x64" : undefined;
  if (!os || !cpu) return undefined;
  return { os: [os], cpu: [cpu], libc: /musl/.test(name) ? ["musl"] : undefined };
}

let added = 0;
for (const [where, entry] of Object.entries(packages)) {
  if (!where.startsWith("node_modules/") || !entry.optionalDependencies) continue;
  for (const [dep, range] of Object.entries(entry.optionalDependencies)) {
    const key = `node_modules/${dep}`;
    if (packages[key] || packages[`${where}/node_modules/${dep}`]) continue;
    // Platform packages are pinned to their parent's exact version ("2.6.8"), so the range is the version.
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(range)) continue;
    const platform = platformOf(dep);
    if (!platform) {
      console.warn(`lock-platforms: cannot tell the platform of ${dep}; left out`);
      continue;
    }
    packages[key] = {
      version: range,
      cpu: platform.cpu,
      ...(entry.dev && { dev: true }),
      ...(platform.libc && { libc: platform.libc }),
      ...(platform.license && { license: platform.license }),
      optional: true,
      os: platform.os,
    };
    added++;
  }
}

if (added > 0) {
  lock.packages = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  // Keep the root package ("") first, as npm writes it.
  const { "": rootEntry, ...rest } = lock.packages;
  lock.packages = { "": rootEntry, ...rest };
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`lock-platforms: ${added} platform package(s) added to package-lock.json`);
