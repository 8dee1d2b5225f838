// Real serial ports (socat pty pairs), outboxes and config files, polling for a condition, and the CLI
// run as a process.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { mkdtemp, open, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Outbox } from "../src/outbox.ts";

/** Every directory a test file made, removed when its process ends (each test file runs in its own). */
const made: string[] = [];
process.once("exit", () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the system's temp directory, gone when the test file's process ends. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `roms-${prefix}-`));
  made.push(dir);
  return dir;
}

/** An outbox holding n events already read (as if the API had been away), oldest first. */
export async function filledOutbox(n: number): Promise<Outbox> {
  const outbox = await new Outbox(await tempDir("outbox")).init();
  for (let i = 0; i < n; i++) {
    await outbox.put({
      id: `${String(1_000 + i).padStart(15, "0")}-000000-e${i}`,
      kind: "barcode",
      value: `59012341${String(i).padStart(5, "0")}`,
      source: "stockroom",
      at: new Date(Date.UTC(2026, 10, 22, 9, 0, i)).toISOString(),
    });
  }
  return outbox;
}

/** Writes a roms-agent.json into the directory given, or a fresh one; returns its path. */
export async function writeConfig(config: Record<string, unknown>, dir?: string): Promise<string> {
  const file = path.join(dir ?? (await tempDir("config")), "roms-agent.json");
  await writeFile(file, JSON.stringify(config, null, 2));
  return file;
}

export interface PortPair {
  /** The end the agent opens. */
  device: string;
  /** The end the test writes into, as the card reader or scanner would. */
  wire: string;
  write(text: string): Promise<void>;
  /** Pulls the device out: both ends disappear, as a USB adapter's does. */
  unplug(): Promise<void>;
  /** Plugs it (back) in at the same paths. */
  plugIn(): Promise<void>;
  close(): Promise<void>;
}

/** A serial port pair; `{ plugged: false }` gives its paths with nothing there yet. */
export async function portPair({ plugged = true } = {}): Promise<PortPair> {
  const dir = await tempDir("tty");
  const device = path.join(dir, "device");
  const wire = path.join(dir, "wire");
  let socat: ChildProcess | undefined;
  const pair: PortPair = {
    device,
    wire,
    async write(text) {
      const handle = await open(wire, "w");
      try {
        await handle.write(text);
      } finally {
        await handle.close();
      }
    },
    async unplug() {
      const running = socat;
      socat = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((r) => running.once("exit", r));
      running.kill();
      await exited;
      // socat removes its links on the way out.
      await until(() => !existsSync(device) && !existsSync(wire), 5000);
    },
    async plugIn() {
      socat = spawn("socat", [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${wire}`], {
        stdio: "ignore",
      });
      await until(() => existsSync(device) && existsSync(wire), 5000).catch(() => {
        throw new Error("socat did not create the port pair");
      });
    },
    close: () => pair.unplug(),
  };
  if (plugged) await pair.plugIn();
  return pair;
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface CliRun {
  /** stdout so far. */
  readonly stdout: string;
  /** stderr so far. */
  readonly stderr: string;
  /** stdout's whole lines so far, each parsed as JSON (a line that is not JSON fails the test here). */
  lines(): Record<string, any>[];
  /** The exit code, once it has exited. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** Runs `node src/cli.ts ...args` as its own process, with ROMS_* variables only as given. */
export function cli(args: string[], env: Record<string, string> = {}): CliRun {
  const { ROMS_DEVICE_TOKEN: _token, ROMS_AGENT_CONFIG: _config, ...inherited } = process.env;
  const child = spawn(process.execPath, [path.join(import.meta.dirname, "../src/cli.ts"), ...args], {
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    // Whole lines only: the last one may still be on its way.
    lines: () =>
      stdout
        .split("\n")
        .slice(0, -1)
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line)),
    exited,
    kill: (signal) => child.kill(signal),
  };
}
