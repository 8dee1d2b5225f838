import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import confirmation from "./fixtures/mail/order-confirmation.eml?raw";
import { bearer, call, seedUser, tokenFor } from "./helpers";
import {
  deliverMail,
  inboundMail,
  mailBytes,
  readingOf,
  recordsOf,
  seedMailbox,
  sha256,
} from "./ingest-helpers";

describe("the email door", () => {
  let token: string;
  beforeAll(async () => {
    token = await tokenFor(await seedUser("staff"));
    await seedMailbox("purchases@roms.test");
  });

  it("keeps the raw message in R2 byte for byte and records it, then reads it", async () => {
    const raw = mailBytes(confirmation);
    expect(await deliverMail(raw)).toEqual([]);

    const items = await recordsOf(token, "purchases@roms.test");
    const row = items.find((m) => m.delivery_id === "<po-4711.confirm@retailer.test>");
    expect(row).toMatchObject({
      door: "email",
      verdict: "accepted",
      sender: "orders@retailer.test",
      source: "purchases@roms.test",
      subject: "=?UTF-8?Q?Your_order_PO-4711_is_confirmed_=E2=9C=93?=",
      size: raw.byteLength,
      sha256: await sha256(raw),
      content_type: "message/rfc822",
    });

    const stored = await env.FILES.get(`mail/inbound/${row?.sha256}.eml`);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(raw);
    const download = await call(row?.raw_url, { headers: bearer(token) });
    expect(download.headers.get("content-type")).toBe("message/rfc822");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(raw);

    // No markup and no template for this sender: kept for review, nothing created.
    const read = await readingOf(token, row?.id);
    expect(read).toMatchObject({
      outcome: "no_order",
      attempts: 1,
      order_id: null,
      subject: "Your order PO-4711 is confirmed ✓",
    });
    expect(read.detail).toMatch(/no template|markup/i);
  });

  it("records a redelivery as a duplicate of the first, and reads it once", async () => {
    const raw = mailBytes(confirmation.replace("po-4711.confirm", "po-9.confirm"));
    await deliverMail(raw);
    await deliverMail(raw);
    const rows = (await recordsOf(token, "purchases@roms.test")).filter(
      (r) => r.delivery_id === "<po-9.confirm@retailer.test>",
    );
    expect(rows.map((r) => r.verdict).sort()).toEqual(["accepted", "duplicate"]);
    const [first, repeat] = [
      rows.find((r) => r.verdict === "accepted"),
      rows.find((r) => r.verdict === "duplicate"),
    ];
    expect(repeat).toMatchObject({ duplicate_of: first?.id, outcome: null });
    expect((await readingOf(token, first?.id)).attempts).toBe(1);
  });

  it("keeps a message it cannot read, and records why reading failed", async () => {
    // postal-mime refuses MIME parts nested more than 256 deep (its guard against crafted mail), so this
    // small message cannot be read. Any bytes at all parse as "some headers": it takes a message like this.
    let nested = "From: orders@retailer.test\nMessage-ID: <too-deep@retailer.test>\nSubject: Nested\n";
    for (let depth = 0; depth <= 256; depth++) {
      nested += `Content-Type: multipart/mixed; boundary="b${depth}"\n\n--b${depth}\n`;
    }
    const raw = mailBytes(`${nested}Content-Type: text/plain\n\nPO-4711\n`);
    expect(await deliverMail(raw)).toEqual([]);

    const row = (await recordsOf(token, "purchases@roms.test")).find(
      (r) => r.delivery_id === "<too-deep@retailer.test>",
    );
    const read = await readingOf(token, row?.id);
    expect(read).toMatchObject({ verdict: "accepted", outcome: "failed", size: raw.byteLength });
    expect(read.detail).toMatch(/not readable MIME: .*nesting depth/);
    const download = await call(read.raw_url, { headers: bearer(token) });
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(raw);
  });

  it("keeps mail for a mailbox nobody set up, and says what to do", async () => {
    const raw = mailBytes(confirmation.replace("po-4711.confirm", "po-77.confirm"));
    await deliverMail(raw, "orders@retailer.test", "unknown-box@roms.test");
    const [row] = await recordsOf(token, "unknown-box@roms.test");
    const read = await readingOf(token, row?.id);
    expect(read).toMatchObject({ outcome: "no_order" });
    expect(read.detail).toMatch(/No mailbox is set up for unknown-box@roms\.test/);
  });

  it("refuses a message over the size limit without storing it", async () => {
    const { message, rejected } = inboundMail(new Uint8Array(8));
    Object.defineProperty(message, "rawSize", { value: 26 * 1024 * 1024 });
    const count = () => env.DB.prepare("SELECT count(*) AS n FROM ingest_records").first<{ n: number }>();
    const before = await count();
    await worker.email(message, env, createExecutionContext());
    expect(rejected[0]).toMatch(/too large/);
    expect((await count())?.n).toBe(before?.n);
  });
});
