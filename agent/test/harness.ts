// Real serial ports (socat pty pairs) and a loopback HTTP server standing in for the ROMS API.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, open } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ScanEvent } from "../src/outbox.ts";

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

/** An event the API took (accepted; not a duplicate), with the request it came in. */
export interface Received {
  authorization: string | undefined;
  agentVersion: string | undefined;
  event: ScanEvent;
}

/** One request that reached the API, and what it answered. */
export interface Request {
  /** Date.now() when the request arrived. */
  at: number;
  status: number;
  authorization: string | undefined;
  agentVersion: string | undefined;
  /** The ids of the events sent, in the order sent (empty if the body was unreadable). */
  ids: string[];
}

export interface FakeApi {
  url: string;
  /** Events taken, in order of arrival, once each. */
  received: Received[];
  /** Every request, in order of arrival, with the status answered. */
  requests: Request[];
  /** Status for a whole batch; 200 (per-event verdicts) unless set. */
  status: number;
  /** Event ids the API already has: answered "duplicate". */
  seen: Set<string>;
  /** Event ids to refuse, with the reason. */
  refuse: Map<string, string>;
  /** Answers the next request 429 with this Retry-After (seconds), then as usual. */
  rateLimitOnce(retryAfterSeconds: number): void;
  /** Answers the next request 400 (malformed request), then as usual. */
  badRequestOnce(): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The events of a well-formed request body ({ events: [1 to 200 ScanEvents] }), or undefined. */
function eventsOf(text: string): ScanEvent[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events) || events.length < 1 || events.length > 200) return undefined;
  const wellFormed = (e: Partial<ScanEvent>) =>
    typeof e?.id === "string" &&
    (e.kind === "card" || e.kind === "barcode") &&
    typeof e.value === "string" &&
    typeof e.source === "string" &&
    typeof e.at === "string";
  return events.every(wellFormed) ? (events as ScanEvent[]) : undefined;
}

/**
 * Speaks POST /api/v1/devices/events: one verdict per event (accepted, duplicate, refused with a reason),
 * or a whole-batch status. Listens on a fixed loopback port so it can go down and come back at the same
 * address.
 */
export async function fakeApi(): Promise<FakeApi> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));

  let server: Server | undefined;
  const once: { status: number; headers: Record<string, string> }[] = [];
  const api: FakeApi = {
    url: `http://127.0.0.1:${port}`,
    received: [],
    requests: [],
    status: 200,
    seen: new Set(),
    refuse: new Map(),
    rateLimitOnce(retryAfterSeconds) {
      once.push({ status: 429, headers: { "retry-after": String(retryAfterSeconds) } });
    },
    badRequestOnce() {
      once.push({ status: 400, headers: {} });
    },
    async start() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const authorization = req.headers.authorization;
          const agentVersion = req.headers["x-agent-version"] as string | undefined;
          const events = eventsOf(Buffer.concat(chunks).toString("utf8"));
          const forced = events ? once.shift() : undefined;
          const status =
            req.method !== "POST" || req.url !== "/api/v1/devices/events" || !events
              ? 400
              : (forced?.status ?? api.status);
          api.requests.push({
            at: Date.now(),
            status,
            authorization,
            agentVersion,
            ids: events?.map((e) => e.id) ?? [],
          });
          if (status !== 200 || !events) {
            res
              .writeHead(status, { "content-type": "application/json", ...forced?.headers })
              .end(JSON.stringify({ error: `answered ${status}` }));
            return;
          }
          const results = events.map((event) => {
            const reason = api.refuse.get(event.id);
            if (reason !== undefined) return { id: event.id, verdict: "refused", reason };
            if (api.seen.has(event.id)) return { id: event.id, verdict: "duplicate" };
            api.seen.add(event.id);
            api.received.push({ authorization, agentVersion, event });
            return { id: event.id, verdict: "accepted" };
          });
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results }));
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
