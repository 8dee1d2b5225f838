// A loopback HTTP server standing in for the ROMS API's device door: events, heartbeats and enrollment.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EnrollmentRecord } from "../src/enroll.ts";
import type { HeartbeatBody } from "../src/heartbeat.ts";
import type { ScanEvent } from "../src/outbox.ts";

/** An event the API took (accepted; not a duplicate), with the request it came in. */
export interface Received {
  authorization: string | undefined;
  agentVersion: string | undefined;
  event: ScanEvent;
}

/** One request that reached the events endpoint, and what it answered. */
export interface Request {
  /** Date.now() when the request arrived. */
  at: number;
  status: number;
  authorization: string | undefined;
  agentVersion: string | undefined;
  /** The ids of the events sent, in the order sent (empty if the body was unreadable). */
  ids: string[];
}

export interface HeartbeatRequest {
  status: number;
  authorization: string | undefined;
  body: HeartbeatBody;
}

export interface Employee {
  id: string;
  code: string;
  name: string;
}

export interface FakeApi {
  url: string;
  /** Events taken, in order of arrival, once each. */
  received: Received[];
  /** Every events request, in order of arrival, with the status answered. */
  requests: Request[];
  /** Status for a whole batch; 200 (per-event verdicts) unless set. */
  status: number;
  /** Event ids the API already has: answered "duplicate". */
  seen: Set<string>;
  /** Event ids to refuse, with the reason. */
  refuse: Map<string, string>;
  /** More to say in an event's result, by event id: a notice, an enrollment outcome. */
  annotate: Map<string, Record<string, unknown>>;
  /** Answers the next events request 429 with this Retry-After (seconds), then as usual. */
  rateLimitOnce(retryAfterSeconds: number): void;
  /** Answers the next events request 400 (malformed request), then as usual. */
  badRequestOnce(): void;
  /** Every heartbeat, in order of arrival. */
  heartbeats: HeartbeatRequest[];
  /** Status for heartbeats; 200 unless set. */
  heartbeatStatus: number;
  /** The interval_seconds heartbeats are answered with. */
  intervalSeconds: number;
  /** Employees by code, for POST /devices/enrollment. */
  employees: Map<string, Employee>;
  /** Every enrollment request (POST to arm, GET to follow), in order of arrival. */
  enrollmentRequests: { method: string; authorization: string | undefined }[];
  /** The device's latest enrollment, as GET /devices/enrollment answers it; tests settle it by hand. */
  enrollment: EnrollmentRecord | undefined;
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

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

const problem = (res: ServerResponse, status: number, title: string, detail: string) =>
  res
    .writeHead(status, { "content-type": "application/problem+json" })
    .end(JSON.stringify({ type: "about:blank", title, status, detail }));

/**
 * Speaks the device door: POST /api/v1/devices/events (one verdict per event: accepted, duplicate, refused
 * with a reason; or a whole-batch status), POST /api/v1/devices/heartbeat, and POST/GET
 * /api/v1/devices/enrollment. Listens on a fixed loopback port so it can go down and come back at the same
 * address.
 */
export async function fakeApi(): Promise<FakeApi> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));

  let server: Server | undefined;
  let enrollments = 0;
  const once: { status: number; headers: Record<string, string> }[] = [];
  const api: FakeApi = {
    url: `http://127.0.0.1:${port}`,
    received: [],
    requests: [],
    status: 200,
    seen: new Set(),
    refuse: new Map(),
    annotate: new Map(),
    rateLimitOnce(retryAfterSeconds) {
      once.push({ status: 429, headers: { "retry-after": String(retryAfterSeconds) } });
    },
    badRequestOnce() {
      once.push({ status: 400, headers: {} });
    },
    heartbeats: [],
    heartbeatStatus: 200,
    intervalSeconds: 60,
    employees: new Map([["E-7", { id: "emp_7", code: "E-7", name: "Ana Lima" }]]),
    enrollmentRequests: [],
    enrollment: undefined,
    async start() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => route(req, res, Buffer.concat(chunks).toString("utf8")));
      });
      await new Promise<void>((r) => server?.listen(port, "127.0.0.1", r));
    },
    async stop() {
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server?.closeAllConnections();
      server = undefined;
    },
  };

  function events(req: IncomingMessage, res: ServerResponse, text: string) {
    const authorization = req.headers.authorization;
    const agentVersion = req.headers["x-agent-version"] as string | undefined;
    const batch = eventsOf(text);
    const forced = batch ? once.shift() : undefined;
    const status = !batch ? 400 : (forced?.status ?? api.status);
    api.requests.push({
      at: Date.now(),
      status,
      authorization,
      agentVersion,
      ids: batch?.map((e) => e.id) ?? [],
    });
    if (status !== 200 || !batch) return json(res, status, { error: `answered ${status}` }, forced?.headers);
    const results = batch.map((event) => {
      const extra = api.annotate.get(event.id);
      const reason = api.refuse.get(event.id);
      if (reason !== undefined) return { id: event.id, verdict: "refused", reason, ...extra };
      if (api.seen.has(event.id)) return { id: event.id, verdict: "duplicate", ...extra };
      api.seen.add(event.id);
      api.received.push({ authorization, agentVersion, event });
      return { id: event.id, verdict: "accepted", ...extra };
    });
    json(res, 200, { results });
  }

  function heartbeat(req: IncomingMessage, res: ServerResponse, text: string) {
    const status = api.heartbeatStatus;
    api.heartbeats.push({ status, authorization: req.headers.authorization, body: JSON.parse(text) });
    if (status !== 200) return problem(res, status, "Refused", `heartbeat answered ${status}`);
    const e = api.enrollment;
    json(res, 200, {
      device_id: "dev_shop_1",
      interval_seconds: api.intervalSeconds,
      enrollment:
        e?.state === "armed"
          ? { id: e.id, employee: e.employee, armed_at: e.armed_at, expires_at: e.expires_at }
          : null,
    });
  }

  function arm(res: ServerResponse, text: string) {
    const code = (JSON.parse(text) as { employee_code?: string }).employee_code ?? "";
    const employee = api.employees.get(code);
    if (!employee) return problem(res, 404, "Not Found", `No employee with code ${code}`);
    const now = Date.now();
    api.enrollment = {
      id: `enr_${++enrollments}`,
      device_id: "dev_shop_1",
      employee,
      state: "armed",
      armed_by: "dev_shop_1",
      armed_at: new Date(now).toISOString(),
      expires_at: new Date(now + 120_000).toISOString(),
      card_uid: null,
      reason: null,
      settled_at: null,
    };
    json(res, 201, api.enrollment);
  }

  function route(req: IncomingMessage, res: ServerResponse, text: string) {
    const where = `${req.method} ${req.url}`;
    if (where === "POST /api/v1/devices/events") return events(req, res, text);
    if (where === "POST /api/v1/devices/heartbeat") return heartbeat(req, res, text);
    if (req.url === "/api/v1/devices/enrollment") {
      api.enrollmentRequests.push({ method: req.method ?? "", authorization: req.headers.authorization });
    }
    if (where === "POST /api/v1/devices/enrollment") return arm(res, text);
    if (where === "GET /api/v1/devices/enrollment") {
      if (!api.enrollment) return problem(res, 404, "Not Found", "No enrollment at this device");
      return json(res, 200, api.enrollment);
    }
    problem(res, 404, "Not Found", `No route ${where}`);
  }

  return api;
}
