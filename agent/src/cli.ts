#!/usr/bin/env node
// roms-agent start | status | enroll <employee-code>, configured by roms-agent.json (see agent/README.md).
import { parseArgs } from "node:util";
import { startAgent } from "./agent.ts";
import { AGENT_VERSION } from "./api.ts";
import { type Config, ConfigError, configFile, loadConfig } from "./config.ts";
import { enroll } from "./enroll.ts";
import { readStatus } from "./state.ts";

const USAGE = `Usage: roms-agent <command> [options]

Commands:
  start                   Read the serial ports and forward every read to the API, until SIGINT or SIGTERM
  status                  Print the outbox's state as one JSON object (whether or not the agent is running)
  enroll <employee-code>  Arm card enrollment for an employee at this device, then wait for their card

Options:
  -c, --config FILE   Config file (default ./roms-agent.json, or ROMS_AGENT_CONFIG)
      --wait SECONDS  enroll: how long to wait for the card (default 120)
  -h, --help          Show this help

ROMS_DEVICE_TOKEN, if set, is used instead of device_token in the config file.
Exit codes: 0 done (enroll: card bound); 1 failed (enroll: refused, expired, cancelled or timed out);
2 usage or config error.`;

class UsageError extends Error {}

/** stdout is JSON lines only; words for people go to stderr. */
const say = (line: string) => process.stderr.write(`${line}\n`);

async function config(flag: string | undefined, requireToken = true): Promise<Config> {
  return loadConfig(configFile(flag), process.env, { requireToken });
}

async function start(file: string | undefined): Promise<void> {
  const settings = await config(file);
  const log = (line: Record<string, unknown>) =>
    console.log(JSON.stringify({ time: new Date().toISOString(), ...line }));
  const agent = await startAgent({ ...settings, log });
  log({
    level: "info",
    msg: "agent started",
    version: AGENT_VERSION,
    config: settings.file,
    api_url: settings.apiUrl,
    outbox: settings.outboxDir,
    ports: settings.ports.map((p) => p.name),
  });
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      // A second signal, or a stop that hangs on a port, must still end the process.
      if (stopping) process.exit(1);
      stopping = true;
      log({ level: "info", msg: "stopping", signal });
      setTimeout(() => process.exit(1), 10_000).unref();
      void agent.stop().then(() => {
        log({ level: "info", msg: "stopped" });
        process.exit(0);
      });
    });
  }
}

async function main(argv: string[]): Promise<number | undefined> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.wait !== undefined && command !== "enroll") throw new UsageError("--wait is for enroll only");
  switch (command) {
    case "start":
      if (rest.length > 0) throw new UsageError(`start takes no arguments (got "${rest.join(" ")}")`);
      await start(values.config);
      return undefined;
    case "status": {
      if (rest.length > 0) throw new UsageError(`status takes no arguments (got "${rest.join(" ")}")`);
      // The token is not needed to read the disk, and an operator's shell may not have it.
      const settings = await config(values.config, false);
      process.stdout.write(`${JSON.stringify(await readStatus(settings.outboxDir))}\n`);
      return 0;
    }
    case "enroll": {
      const [code, ...extra] = rest;
      if (!code || extra.length > 0) throw new UsageError("enroll takes one employee code, e.g. enroll E-7");
      const wait = Number(values.wait ?? "120");
      if (values.wait?.trim() === "" || !Number.isFinite(wait) || wait < 0) {
        throw new UsageError(`--wait: expected a number of seconds, got "${values.wait}"`);
      }
      const settings = await config(values.config);
      return enroll(settings, code, { waitSeconds: wait });
    }
    case undefined:
      throw new UsageError("a command is required");
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: "string", short: "c" },
      wait: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

try {
  const code = await main(process.argv.slice(2));
  if (code !== undefined) process.exitCode = code;
} catch (error) {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) say(`roms-agent: ${error.file}: ${problem}`);
    process.exitCode = 2;
  } else if (error instanceof UsageError) {
    say(`roms-agent: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    say(`roms-agent: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
