import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import confirmation from "./fixtures/mail/order-confirmation.eml?raw";
import { bearer, call, seedUser, tokenFor } from "./helpers";

/** A message as Email Routing hands it to the Worker's `email` entry point. */
function inbound(raw: Uint8Array, from = "orders@retailer.test", to = "purchases@roms.test") {
  const rejected: string[] = [];
  const message = {
    from,
    to,
    raw: new Blob([raw]).stream(),
    rawSize: raw.byteLength,
    headers: new Headers(),
    setReject: (reason: string) => rejected.push(reason),
    forward: async () => ({ messageId: "" }),
    reply: async () => ({ messageId: "" }),
  } as unknown as ForwardableEmailMessage;
  return { message, rejected };
}

async function deliver(raw: Uint8Array) {
  const { message, rejected } = inbound(raw);
  const ctx = createExecutionContext();
  await worker.email(message, env, ctx);
  await waitOnExecutionContext(ctx);
  return rejected;
}

const bytes = (text: string) => new TextEncoder().encode(text.replaceAll("\n", "\r\n"));

describe("the email door", () => {
  let token: string;
  beforeAll(async () => {
    token = await tokenFor(await seedUser("staff"));
  });

  it("keeps the raw message in R2 byte for byte and records it", async () => {
    const raw = bytes(confirmation);
    expect(await deliver(raw)).toEqual([]);

    const list = await call("/api/v1/inbound-messages", { headers: bearer(token) });
    const { items } = (await list.json()) as { items: Record<string, any>[] };
    const row = items.find((m) => m.message_id === "<po-4711.confirm@retailer.test>");
    expect(row).toMatchObject({
      mail_from: "orders@retailer.test",
      rcpt_to: "purchases@roms.test",
      subject: "Your order PO-4711 is confirmed ✓",
      size: raw.byteLength,
      status: "parsed",
    });

    const stored = await env.FILES.get(`mail/inbound/${row?.sha256}.eml`);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(raw);

    const download = await call(`/api/v1/inbound-messages/${row?.id}/raw`, { headers: bearer(token) });
    expect(download.headers.get("content-type")).toBe("message/rfc822");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(raw);
  });

  it("records a redelivery once", async () => {
    const raw = bytes(confirmation.replace("po-4711.confirm", "po-9.confirm"));
    await deliver(raw);
    await deliver(raw);
    const { results } = await env.DB.prepare("SELECT id FROM inbound_messages WHERE message_id = ?")
      .bind("<po-9.confirm@retailer.test>")
      .all();
    expect(results).toHaveLength(1);
  });

  it("keeps a message it cannot read, marked failed, rather than losing it", async () => {
    // postal-mime refuses MIME parts nested more than 256 deep (its guard against crafted mail), so this
    // small message cannot be read. Any bytes at all parse as "some headers": it takes a message like this.
    let nested = "From: orders@retailer.test\nMessage-ID: <too-deep@retailer.test>\nSubject: Nested\n";
    for (let depth = 0; depth <= 256; depth++) {
      nested += `Content-Type: multipart/mixed; boundary="b${depth}"\n\n--b${depth}\n`;
    }
    const raw = bytes(`${nested}Content-Type: text/plain\n\nPO-4711\n`);
    expect(await deliver(raw)).toEqual([]);

    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
    const sha256 = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
    const row = await env.DB.prepare(
      "SELECT id, status, error, message_id, subject, r2_key, size FROM inbound_messages WHERE sha256 = ?",
    )
      .bind(sha256)
      .first<Record<string, any>>();
    expect(row).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^unreadable MIME: .*nesting depth/),
      message_id: null,
      subject: null,
      size: raw.byteLength,
    });

    const stored = await env.FILES.get(row?.r2_key);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(raw);
    const download = await call(`/api/v1/inbound-messages/${row?.id}/raw`, { headers: bearer(token) });
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(raw);
  });

  it("rejects a message over 25 MiB without storing it", async () => {
    const { message, rejected } = inbound(new Uint8Array(8));
    Object.defineProperty(message, "rawSize", { value: 26 * 1024 * 1024 });
    const before = await env.DB.prepare("SELECT count(*) AS n FROM inbound_messages").first<{ n: number }>();
    await worker.email(message, env, createExecutionContext());
    expect(rejected[0]).toMatch(/too large/);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM inbound_messages").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });
});
