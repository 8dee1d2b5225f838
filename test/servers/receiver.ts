// Receivers of ROMS's outbound events for the tests' loopback server (test/global-setup.ts): each verifies
// every request as a subscriber would, with the standardwebhooks library, and remembers what it got.
//   POST /receiver/<name>/secret   {"secret": "whsec_..."}: the subscription's secret (starts a fresh log)
//   POST /receiver/<name>          a delivery. ?fail=N answers 500 to the first N requests, then 200;
//                                  ?gone=1 answers 410 Gone. A request that fails verification gets 401.
//   GET  /receiver/<name>/log      every request that arrived, verified or not, in order
import type { IncomingMessage, ServerResponse } from "node:http";
import { Webhook } from "standardwebhooks";

export interface ReceivedRequest {
  /** 1 for the first request to this receiver. */
  attempt: number;
  at: string;
  verified: boolean;
  /** Why verification failed. */
  error: string | null;
  /** The status the receiver answered. */
  answered: number;
  headers: Record<string, string>;
  body: string;
  /** The body as `verify` returned it (parsed JSON), when verified. */
  payload: unknown;
}

const receivers = new Map<string, { secret: string | null; log: ReceivedRequest[] }>();

const PATH = /^\/receiver\/([\w-]{1,100})(\/secret|\/log)?$/;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const reply = (res: ServerResponse, status: number, body: unknown) =>
  res
    .writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json" })
    .end(typeof body === "string" ? body : JSON.stringify(body));

export async function receiverServer(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const match = PATH.exec(url.pathname);
  if (!match) return false;
  const name = match[1] as string;
  const action = match[2];
  const receiver = receivers.get(name) ?? { secret: null, log: [] };
  receivers.set(name, receiver);

  if (action === "/secret" && req.method === "POST") {
    const { secret } = JSON.parse(await readBody(req)) as { secret: string };
    receivers.set(name, { secret, log: [] });
    reply(res, 204, "");
    return true;
  }
  if (action === "/log" && req.method === "GET") {
    reply(res, 200, { name, requests: receiver.log });
    return true;
  }
  if (action !== undefined || req.method !== "POST") {
    reply(res, 405, "POST /receiver/<name>, POST /receiver/<name>/secret, GET /receiver/<name>/log");
    return true;
  }

  const body = await readBody(req);
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.join(", ") : (value ?? ""),
    ]),
  );
  const attempt = receiver.log.length + 1;
  let verified = false;
  let error: string | null = null;
  let payload: unknown = null;
  try {
    if (receiver.secret === null) throw new Error("no secret registered for this receiver");
    payload = new Webhook(receiver.secret).verify(body, headers);
    verified = true;
  } catch (e) {
    error = String(e);
  }
  const failFirst = Number(url.searchParams.get("fail") ?? 0);
  const answered = !verified ? 401 : url.searchParams.has("gone") ? 410 : attempt <= failFirst ? 500 : 200;
  receiver.log.push({
    attempt,
    at: new Date().toISOString(),
    verified,
    error,
    answered,
    headers,
    body,
    payload,
  });
  reply(
    res,
    answered,
    answered === 200
      ? `received ${name} #${attempt}`
      : answered === 500
        ? `failing on purpose (${attempt} of ${failFirst})`
        : answered === 410
          ? "this endpoint is gone"
          : `verification failed: ${error}`,
  );
  return true;
}
