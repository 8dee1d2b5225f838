// Real serial ports (socat pty pairs) and a loopback HTTP server standing in for the ROMS API.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, open } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface PortPair {
  /** The end the agent opens. */
  device: string;
  /** The end the test writes into, as the card reader or scanner would. */
  wire: string;
  write(text: string): Promise<void>;
  close(): void;
}

export async function portPair(): Promise<PortPair> {
  const dir = await mkdtemp(path.join(tmpdir(), "roms-tty-"));
  const device = path.join(dir, "device");
  const wire = path.join(dir, "wire");
  const socat: ChildProcess = spawn(
    "socat",
    [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${wire}`],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 5000;
  while (!(existsSync(device) && existsSync(wire))) {
    if (Date.now() > deadline) throw new Error("socat did not create the port pair");
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
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
    close: () => socat.kill(),
  };
}

export interface Received {
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  body: Record<string, string>;
}

export interface FakeApi {
  url: string;
  received: Received[];
  /** Status to answer with; default 201. */
  status: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Listens on a fixed loopback port so it can go down and come back at the same address. */
export async function fakeApi(): Promise<FakeApi> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));

  let server: Server | undefined;
  const api: FakeApi = {
    url: `http://127.0.0.1:${port}`,
    received: [],
    status: 201,
    async start() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          if (api.status < 300) {
            api.received.push({
              idempotencyKey: req.headers["idempotency-key"] as string | undefined,
              authorization: req.headers.authorization,
              body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
            });
          }
          res.writeHead(api.status, { "content-type": "application/json" }).end("{}");
        });
      });
      await new Promise<void>((r) => server?.listen(port, "127.0.0.1", r));
    },
    async stop() {
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server?.closeAllConnections();
      server = undefined;
    },
  };
  return api;
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}
