// The `email` door: keep the raw message first, then read it, so nothing received is lost when parsing fails.
import PostalMime from "postal-mime";
import type { Env } from "../env";
import { sha256Hex } from "../lib/hash";
import { newId } from "../lib/ids";

/** Email Routing refuses messages above 25 MiB; we refuse the same, before buffering more. */
export const MAX_EMAIL_BYTES = 25 * 1024 * 1024;

export interface InboundEmail {
  from: string;
  to: string;
  raw: ReadableStream<Uint8Array>;
  rawSize: number;
}

export type StoredEmail =
  | { outcome: "stored"; id: string; r2Key: string; status: "parsed" | "failed" }
  | { outcome: "duplicate"; id: string; r2Key: string };

/** The R2 key is the content hash: a redelivery of the same bytes overwrites nothing new. */
export const rawEmailKey = (sha256: string) => `mail/inbound/${sha256}.eml`;

export async function receiveEmail(message: InboundEmail, env: Env): Promise<StoredEmail> {
  const raw = await new Response(message.raw).arrayBuffer();
  const sha256 = await sha256Hex(raw);
  const r2Key = rawEmailKey(sha256);
  const receivedAt = new Date().toISOString();

  await env.FILES.put(r2Key, raw, {
    httpMetadata: { contentType: "message/rfc822" },
    customMetadata: { from: message.from, to: message.to, received_at: receivedAt },
  });

  let messageId: string | null = null;
  let subject: string | null = null;
  let error: string | null = null;
  try {
    const parsed = await PostalMime.parse(raw);
    messageId = parsed.messageId?.trim() || null;
    subject = parsed.subject ?? null;
  } catch (cause) {
    error = `unreadable MIME: ${String(cause).slice(0, 500)}`;
  }

  const id = newId();
  const status = error === null ? "parsed" : "failed";
  // Both the content hash and the Message-ID identify a repeat; either one makes the insert a no-op.
  const inserted = await env.DB.prepare(
    `INSERT INTO inbound_messages (id, received_at, mail_from, rcpt_to, message_id, subject, sha256, r2_key, size, status, error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING RETURNING id`,
  )
    .bind(
      id,
      receivedAt,
      message.from,
      message.to,
      messageId,
      subject,
      sha256,
      r2Key,
      raw.byteLength,
      status,
      error,
    )
    .first<{ id: string }>();

  if (inserted === null) {
    const existing = await env.DB.prepare(
      "SELECT id, r2_key FROM inbound_messages WHERE sha256 = ? OR (message_id IS NOT NULL AND message_id = ?) LIMIT 1",
    )
      .bind(sha256, messageId)
      .first<{ id: string; r2_key: string }>();
    console.log(
      JSON.stringify({
        level: "info",
        msg: "duplicate email ignored",
        id: existing?.id,
        message_id: messageId,
      }),
    );
    return { outcome: "duplicate", id: existing?.id ?? id, r2Key: existing?.r2_key ?? r2Key };
  }
  console.log(JSON.stringify({ level: "info", msg: "email stored", id, status, size: raw.byteLength }));
  return { outcome: "stored", id, r2Key, status };
}

/** The Worker's `email` entry point. */
export async function handleEmail(
  message: ForwardableEmailMessage,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  if (message.rawSize > MAX_EMAIL_BYTES) {
    message.setReject(`Message too large: ${message.rawSize} bytes, limit ${MAX_EMAIL_BYTES}`);
    return;
  }
  // An exception here fails the delivery, so the sending server retries: better than losing the message.
  await receiveEmail(message, env);
}
