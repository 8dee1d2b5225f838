// What the bench phases share: loading a route with wrk on loopback for a bounded time and reading its
// report, the settings, and the secret ROMS runs with.
import { spawnSync } from "node:child_process";

export const seconds = Number(process.env.BENCH_SECONDS ?? 8);
export const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
export const threads = Number(process.env.BENCH_THREADS ?? 2);
/** A signing secret of the bench's own, so that it does not depend on a .dev.vars being there. */
export const benchVars = {
  JWT_SECRETS: `bench:${crypto.getRandomValues(new Uint8Array(32)).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "")}`,
};

/** The p-th percentile (0..100) of a list of numbers, nearest rank. */
export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/** Every measurement of this run, in order (bench/out/results.json). */
export const results = [];

export function requireWrk() {
  if (spawnSync("wrk", ["--version"]).error) {
    console.error("bench needs wrk: apt-get install -y wrk");
    process.exit(1);
  }
}

/** Runs wrk and returns { rps, p50, p99, non2xx } parsed from its --latency report. */
export function loadOnce(name, url, headers, conns, script) {
  const args = [
    "-t",
    String(Math.min(threads, conns)),
    "-c",
    String(conns),
    "-d",
    `${seconds}s`,
    "--latency",
  ];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
  if (script) args.push("-s", script.path);
  args.push(url);
  const text = spawnSync("wrk", args, {
    encoding: "utf8",
    env: { ...process.env, BENCH_RUN: crypto.randomUUID(), ...(script?.env ?? {}) },
  }).stdout;
  const pick = (re) => re.exec(text)?.[1];
  const toMs = (v) => {
    if (!v) return Number.NaN;
    const n = Number.parseFloat(v);
    return v.endsWith("us") ? n / 1000 : v.endsWith("ms") ? n : v.endsWith("s") ? n * 1000 : n;
  };
  const result = {
    route: name,
    connections: conns,
    rps: Number(pick(/Requests\/sec:\s+([\d.]+)/)),
    p50_ms: toMs(pick(/50%\s+([\d.]+\w+)/)),
    p99_ms: toMs(pick(/99%\s+([\d.]+\w+)/)),
    non_2xx: Number(pick(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0),
  };
  console.log(
    `${name.padEnd(64)} c=${String(conns).padEnd(3)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50_ms.toFixed(2).padStart(7)} ms  p99 ${result.p99_ms.toFixed(2).padStart(7)} ms  non-2xx ${result.non_2xx}`,
  );
  results.push(result);
  return result;
}
export const load = (name, url, headers = {}, script) => [
  loadOnce(name, url, headers, 1, script),
  loadOnce(name, url, headers, connections, script),
];
