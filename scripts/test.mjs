#!/usr/bin/env node
// `npm test`: prepares the machine, then typecheck, lint, the Worker tests (workerd), the console's tests
// (Chromium against wrangler dev) and the agent tests (Node, real serial ports), and ends with one line
// counting every test: "tests: N passed, N failed".
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const out = mkdtempSync(path.join(tmpdir(), "roms-test-"));
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

function step(title, command, args, options = {}) {
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit", ...options });
  return result.status === 0;
}

const gates = [
  ["prepare the machine", process.execPath, [path.join(root, "scripts", "prepare-test-machine.mjs")]],
  ["static assets (dist/public)", process.execPath, [path.join(root, "scripts", "assets.mjs")]],
  ["typecheck", bin("tsc"), ["--noEmit"]],
  ["typecheck tests", bin("tsc"), ["--noEmit", "-p", "test"]],
  ["typecheck agent", bin("tsc"), ["--noEmit", "-p", "agent"]],
  ["typecheck console", bin("tsc"), ["--noEmit", "-p", "src/console/client"]],
  ["typecheck console tests", bin("tsc"), ["--noEmit", "-p", "test/console"]],
  ["lint", bin("biome"), ["check", "."]],
  [
    "Node loads what the bench and scripts import",
    process.execPath,
    [path.join(root, "scripts", "check-node-imports.mjs")],
  ],
];
for (const [title, command, args] of gates) {
  if (!step(title, command, args)) {
    console.log(`\n${title} failed.\ntests: 0 passed, 1 failed`);
    process.exit(1);
  }
}

const vitestJson = path.join(out, "vitest.json");
const workerOk = step("Worker tests (workerd)", bin("vitest"), [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestJson}`,
]);

const consoleJson = path.join(out, "console.json");
const consoleOk = step("console tests (Chromium against wrangler dev)", bin("vitest"), [
  "run",
  "--config",
  "vitest.console.config.ts",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${consoleJson}`,
]);

const agentTap = path.join(out, "agent.tap");
const agentOk = step(
  "agent tests (Node, serial ports)",
  process.execPath,
  [
    "--test",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${agentTap}`,
    "test/*.test.ts",
  ],
  { cwd: path.join(root, "agent") },
);

let passed = 0;
let failed = 0;
for (const json of [vitestJson, consoleJson]) {
  try {
    const report = JSON.parse(readFileSync(json, "utf8"));
    passed += report.numPassedTests;
    // Tests, not suites: vitest also counts the file and every describe around a failed test as a failed
    // suite. A file that failed without a failed test (it did not load, or a hook failed and its tests were
    // skipped) counts as one failure.
    for (const file of report.testResults) {
      const failedTests = file.assertionResults.filter((test) => test.status === "failed").length;
      failed += file.status === "failed" ? Math.max(failedTests, 1) : failedTests;
    }
  } catch {
    failed += 1;
  }
}
try {
  const tap = readFileSync(agentTap, "utf8");
  passed += Number(/^# pass (\d+)/m.exec(tap)?.[1] ?? 0);
  failed += Number(/^# fail (\d+)/m.exec(tap)?.[1] ?? 1);
  failed += Number(/^# cancelled (\d+)/m.exec(tap)?.[1] ?? 0);
} catch {
  failed += 1;
}
if (!workerOk || !consoleOk || !agentOk) failed = Math.max(failed, 1);
rmSync(out, { recursive: true, force: true });
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
