// What the door tests share: mail as Email Routing hands it to the Worker, mailboxes and webhook sources
// seeded straight into D1, and waiting for the INGEST queue to read a record.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import worker from "../src/index";
import { actingAs } from "./helpers";

/** The header block of a raw message, unfolded, as Email Routing exposes it on `message.headers`. */
export function headersOf(raw: Uint8Array): Headers {
  const text = new TextDecoder("latin1").decode(raw);
  const end = text.search(/\r?\n\r?\n/);
  const block = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  const headers = new Headers();
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    try {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch {
      // a header Headers cannot hold (non-ASCII): Email Routing would not expose it either
    }
  }
  return headers;
}

/** A message as Email Routing hands it to the Worker's `email` entry point. */
export function inboundMail(raw: Uint8Array, from = "orders@retailer.test", to = "purchases@roms.test") {
  const rejected: string[] = [];
  const message = {
    from,
    to,
    raw: new Blob([raw]).stream(),
    rawSize: raw.byteLength,
    headers: headersOf(raw),
    setReject: (reason: string) => rejected.push(reason),
    forward: async () => ({ messageId: "" }),
    reply: async () => ({ messageId: "" }),
  } as unknown as ForwardableEmailMessage;
  return { message, rejected };
}

/** Sends one message through the real `email` handler; answers what it rejected. */
export async function deliverMail(raw: Uint8Array, from?: string, to?: string): Promise<string[]> {
  const { message, rejected } = inboundMail(raw, from, to);
  const ctx = createExecutionContext();
  await worker.email(message, env, ctx);
  await waitOnExecutionContext(ctx);
  return rejected;
}

/** CRLF line ends, as mail travels. */
export const mailBytes = (text: string) => new TextEncoder().encode(text.replaceAll("\n", "\r\n"));

export async function sha256(bytes: Uint8Array | ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function seedMailbox(
  address: string,
  options: { senders?: string[]; kind?: "sale" | "purchase"; source?: string; currency?: string } = {},
) {
  await env.DB.prepare(
    `INSERT INTO mailboxes (id, address, order_kind, source, allowed_senders, default_currency)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET allowed_senders = excluded.allowed_senders`,
  )
    .bind(
      crypto.randomUUID(),
      address,
      options.kind ?? "purchase",
      options.source ?? "mail:retailer",
      JSON.stringify(options.senders ?? ["@retailer.test"]),
      options.currency ?? "EUR",
    )
    .run();
}

export async function seedWebhookSource(
  name: string,
  kind: "standard" | "shopify" | "woocommerce",
  secrets: string[],
  orderKind: "sale" | "purchase" = "sale",
) {
  const id = crypto.randomUUID();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO webhook_sources (id, name, kind, order_kind) VALUES (?, ?, ?, ?)").bind(
      id,
      name,
      kind,
      orderKind,
    ),
    ...secrets.map((secret) =>
      env.DB.prepare("INSERT INTO webhook_secrets (id, source_id, secret) VALUES (?, ?, ?)").bind(
        crypto.randomUUID(),
        id,
        secret,
      ),
    ),
  ]);
  return id;
}

/** The ingest records of one source, newest first, as staff see them. */
export async function recordsOf(token: string, source: string, door = "email") {
  const res = await actingAs(token).get<{ items: Record<string, any>[] }>(
    `/api/v1/ingest?door=${door}&source=${encodeURIComponent(source)}&limit=200`,
  );
  expect(res.status).toBe(200);
  return res.body.items;
}

/** Waits until the INGEST queue has read the record, and answers it. */
export async function readingOf(token: string, id: string): Promise<Record<string, any>> {
  return vi.waitFor(
    async () => {
      const res = await actingAs(token).get(`/api/v1/ingest/${id}`);
      expect(res.status).toBe(200);
      expect(res.body.outcome).not.toBe("pending");
      return res.body as Record<string, any>;
    },
    { timeout: 15_000, interval: 50 },
  );
}
