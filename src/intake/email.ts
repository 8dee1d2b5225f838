// The `email` door: keep the raw message first (R2, then its ingest record), then let the INGEST queue read
// orders out of it — so nothing received is lost when reading fails, and the door stays as fast as storing.
import type { Env } from "../env";
import { type IngestRow, keep } from "../modules/ingest/store";

/** Email Routing refuses messages above 25 MiB; MAX_EMAIL_BYTES may set a lower limit. */
export const MAX_EMAIL_BYTES = 25 * 1024 * 1024;

export interface InboundEmail {
  from: string;
  to: string;
  raw: ReadableStream<Uint8Array>;
  rawSize: number;
  headers: Headers;
}

const limitOf = (env: Env) => Math.min(Number(env.MAX_EMAIL_BYTES) || MAX_EMAIL_BYTES, MAX_EMAIL_BYTES);

/** Keeps one message and queues it to be read; a repeat is recorded as a duplicate and not read again. */
export async function receiveEmail(message: InboundEmail, env: Env): Promise<IngestRow> {
  const raw = await new Response(message.raw).arrayBuffer();
  const record = await keep(env, {
    door: "email",
    source: message.to.toLowerCase(),
    bytes: raw,
    contentType: "message/rfc822",
    // Read from the headers Email Routing parsed, so the door does not parse MIME itself.
    deliveryId: message.headers.get("message-id")?.trim() || null,
    sender: message.from,
    subject: message.headers.get("subject")?.slice(0, 500) ?? null,
    metadata: { from: message.from, to: message.to },
  });
  // The record is the log of what arrived (GET /api/v1/ingest): no log line per message.
  if (record.verdict === "accepted") await env.INGEST.send({ record_id: record.id });
  return record;
}

/** The Worker's `email` entry point. */
export async function handleEmail(
  message: ForwardableEmailMessage,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  const limit = limitOf(env);
  if (message.rawSize > limit) {
    message.setReject(`Message too large: ${message.rawSize} bytes, limit ${limit}`);
    return;
  }
  // An exception here fails the delivery, so the sending server retries: better than losing the message.
  await receiveEmail(message, env);
}
