// Verifying signed webhook deliveries: signatures made by independent code (the standardwebhooks library,
// node:crypto) must verify, and every way a delivery can be wrong is refused with a reason a person can act on.
import { createHash, createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "../src/intake/webhooks/verify";

const NOW = Date.parse("2024-03-05T09:15:00Z");
const MINUTE = 60_000;

const bytes = (text: string): ArrayBuffer => {
  const encoded = new TextEncoder().encode(text);
  return encoded.buffer.slice(encoded.byteOffset, encoded.byteOffset + encoded.byteLength) as ArrayBuffer;
};

describe("a Standard Webhooks delivery", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const otherSecret = "whsec_c2VjcmV0LW9mLWFub3RoZXItc2VuZGVyLTEyMzQ=";
  const body = JSON.stringify({
    type: "order.created",
    timestamp: "2024-03-05T09:14:58Z",
    data: { external_ref: "SO-1", notes: "Grüße, 5 €" },
  });

  /** Headers as a Standard Webhooks sender makes them, signed by the reference library. */
  const signed = (options: { id?: string; atMs?: number; by?: string; payload?: string } = {}) => {
    const id = options.id ?? "msg_2cPYmPyt1sZbvVbLTRNy5ZsK7XB";
    const at = new Date(options.atMs ?? NOW - 2_000);
    const signature = new Webhook(options.by ?? secret).sign(id, at, options.payload ?? body);
    return new Headers({
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": signature,
    });
  };
  const verify = (headers: Headers, secrets = [secret], payload = body, nowMs = NOW) =>
    verifyWebhook("standard", secrets, headers, bytes(payload), nowMs);

  it("accepts a delivery signed by the standardwebhooks library, body with non-ASCII text included", async () => {
    expect(await verify(signed())).toEqual({
      ok: true,
      deliveryId: "msg_2cPYmPyt1sZbvVbLTRNy5ZsK7XB",
      topic: null,
    });
  });

  it("takes a secret without the whsec_ prefix as base64, as the reference libraries do", async () => {
    const bare = secret.slice("whsec_".length);
    expect(await verify(signed({ by: bare }), [bare])).toMatchObject({ ok: true });
  });

  it("accepts the second secret of a source while its secrets are rotated", async () => {
    expect(await verify(signed({ by: secret }), [otherSecret, secret])).toMatchObject({ ok: true });
  });

  it("accepts several v1 entries when only the second one matches", async () => {
    const wrong = signed({ by: otherSecret }).get("webhook-signature");
    const right = signed().get("webhook-signature");
    const headers = signed();
    headers.set("webhook-signature", `${wrong} ${right}`);
    expect(await verify(headers)).toMatchObject({ ok: true });
  });

  it("ignores signatures of other versions beside a matching v1", async () => {
    const headers = signed();
    headers.set("webhook-signature", `v1a,c29tZXRoaW5nIGVsc2U= ${headers.get("webhook-signature")}`);
    expect(await verify(headers)).toMatchObject({ ok: true });
  });

  it("refuses a tampered body", async () => {
    const tampered = body.replace("SO-1", "SO-2");
    expect(await verify(signed(), [secret], tampered)).toEqual({
      ok: false,
      reason: "no webhook-signature v1 entry matches under the source's secret",
    });
  });

  it("refuses a delivery signed with a secret the source does not hold", async () => {
    expect(await verify(signed({ by: otherSecret }), [secret])).toEqual({
      ok: false,
      reason: "no webhook-signature v1 entry matches under the source's secret",
    });
  });

  it("refuses a timestamp 6 minutes old, a replay or a skewed clock", async () => {
    const verdict = await verify(signed({ atMs: NOW - 6 * MINUTE }));
    expect(verdict).toEqual({
      ok: false,
      reason:
        "webhook-timestamp is 360 s in the past (at most 300 s either way): a replay, or the sender's clock is off",
    });
  });

  it("refuses a timestamp 6 minutes in the future", async () => {
    const verdict = await verify(signed({ atMs: NOW + 6 * MINUTE }));
    expect(verdict).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^webhook-timestamp is 360 s in the future/),
    });
  });

  it("accepts a timestamp exactly 5 minutes either way", async () => {
    expect(await verify(signed({ atMs: NOW - 5 * MINUTE }))).toMatchObject({ ok: true });
    expect(await verify(signed({ atMs: NOW + 5 * MINUTE }))).toMatchObject({ ok: true });
  });

  it.each(["webhook-id", "webhook-timestamp", "webhook-signature"])(
    "refuses a delivery without %s",
    async (name) => {
      const headers = signed();
      headers.delete(name);
      expect(await verify(headers)).toEqual({ ok: false, reason: `missing ${name} header` });
    },
  );

  it("refuses a timestamp that is not unix seconds", async () => {
    const headers = signed();
    headers.set("webhook-timestamp", "2024-03-05T09:15:00Z");
    expect(await verify(headers)).toEqual({
      ok: false,
      reason: "webhook-timestamp is not a unix time in seconds",
    });
  });

  it("refuses a garbled signature entry and says which", async () => {
    const headers = signed();
    headers.set("webhook-signature", "v1,%%not*base64%%");
    expect(await verify(headers)).toEqual({
      ok: false,
      reason: "webhook-signature entry 1 is not v1,<base64 of a 32-byte HMAC-SHA256>",
    });
  });

  it("refuses a signature header with no v1 entry", async () => {
    const headers = signed();
    headers.set("webhook-signature", "v1a,c29tZXRoaW5nIGVsc2U=");
    expect(await verify(headers)).toEqual({ ok: false, reason: "webhook-signature has no v1 entry" });
  });

  it("refuses when the source has no secret, and never echoes a secret", async () => {
    expect(await verify(signed(), [])).toEqual({
      ok: false,
      reason: "the source has no secret to verify with",
    });
    const refusals = await Promise.all([
      verify(signed({ by: otherSecret }), [secret, "whsec_!!!"]),
      verify(signed(), ["not base64 at all!"]),
    ]);
    expect(refusals.map((r) => (r.ok ? "" : r.reason))).toEqual([
      "no webhook-signature v1 entry matches under the source's secret",
      "the source's secret is not a whsec_<base64> key",
    ]);
    for (const refusal of refusals) expect(JSON.stringify(refusal)).not.toContain("MfKQ9r8GKYqr");
  });
});

/** What Shopify and WooCommerce send: base64 HMAC-SHA256 of the raw body, keyed by the secret's text. */
const bodyHmac = (key: string, payload: string) =>
  createHmac("sha256", key).update(payload, "utf8").digest("base64");
const sha256Of = (payload: string) => createHash("sha256").update(payload, "utf8").digest("hex");

describe("a Shopify delivery", () => {
  const secret = "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";
  const body = JSON.stringify({ id: 5880123456789, name: "#1001", note: "Grüße" });
  const headers = (hmac = bodyHmac(secret, body), extra: Record<string, string> = {}) =>
    new Headers({
      "X-Shopify-Hmac-Sha256": hmac,
      "X-Shopify-Topic": "orders/create",
      "X-Shopify-Shop-Domain": "trailwear.myshopify.com",
      "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
      "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
      ...extra,
    });
  const verify = (h: Headers, secrets = [secret], payload = body) =>
    verifyWebhook("shopify", secrets, h, bytes(payload), NOW);

  it("accepts a body signed with the secret, naming the delivery and its topic", async () => {
    expect(await verify(headers())).toEqual({
      ok: true,
      deliveryId: "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
      topic: "orders/create",
    });
  });

  it("falls back to X-Shopify-Event-Id, then to the body's hash, for the delivery id", async () => {
    const withoutWebhookId = headers();
    withoutWebhookId.delete("X-Shopify-Webhook-Id");
    expect(await verify(withoutWebhookId)).toMatchObject({
      deliveryId: "98880550-7158-44d4-b7cd-2c97c8a091b5",
    });
    withoutWebhookId.delete("X-Shopify-Event-Id");
    expect(await verify(withoutWebhookId)).toMatchObject({
      ok: true,
      deliveryId: `sha256:${sha256Of(body)}`,
    });
  });

  it("accepts the second secret of a rotating source", async () => {
    expect(await verify(headers(), ["shpss_retired", secret])).toMatchObject({ ok: true });
  });

  it("refuses a tampered body", async () => {
    expect(await verify(headers(), [secret], body.replace("#1001", "#1002"))).toEqual({
      ok: false,
      reason: "X-Shopify-Hmac-Sha256 does not match the body under the source's secret",
    });
  });

  it("refuses a wrong secret, whichever of several", async () => {
    expect(await verify(headers(bodyHmac("shpss_other", body)), ["shpss_a", "shpss_b"])).toEqual({
      ok: false,
      reason: "X-Shopify-Hmac-Sha256 does not match the body under any of the source's 2 secrets",
    });
  });

  it("refuses a missing or garbled signature header", async () => {
    const missing = headers();
    missing.delete("X-Shopify-Hmac-Sha256");
    expect(await verify(missing)).toEqual({ ok: false, reason: "missing X-Shopify-Hmac-Sha256 header" });
    expect(await verify(headers("c2hvcnQ="))).toEqual({
      ok: false,
      reason: "X-Shopify-Hmac-Sha256 is not base64 of a 32-byte HMAC-SHA256",
    });
  });
});

describe("a WooCommerce delivery", () => {
  const secret = "n;Wq8]k@9XnP<d?4jR#2vL!mT6";
  const body = JSON.stringify({ id: 727, number: "727", status: "processing" });
  const headers = (hmac = bodyHmac(secret, body)) =>
    new Headers({
      "X-WC-Webhook-Signature": hmac,
      "X-WC-Webhook-Topic": "order.created",
      "X-WC-Webhook-Resource": "order",
      "X-WC-Webhook-Event": "created",
      "X-WC-Webhook-ID": "12",
      "X-WC-Webhook-Delivery-ID": "4f1b1c0a2d6e8c1d9e0f2a3b4c5d6e7f",
      "X-WC-Webhook-Source": "https://shop.example/",
    });
  const verify = (h: Headers, secrets = [secret], payload = body) =>
    verifyWebhook("woocommerce", secrets, h, bytes(payload), NOW);

  it("accepts a body signed with the secret, naming the delivery and its topic", async () => {
    expect(await verify(headers())).toEqual({
      ok: true,
      deliveryId: "4f1b1c0a2d6e8c1d9e0f2a3b4c5d6e7f",
      topic: "order.created",
    });
  });

  it("names a delivery without X-WC-Webhook-Delivery-ID by its body's hash, so a redelivery still dedupes", async () => {
    const h = headers();
    h.delete("X-WC-Webhook-Delivery-ID");
    expect(await verify(h)).toEqual({
      ok: true,
      deliveryId: `sha256:${sha256Of(body)}`,
      topic: "order.created",
    });
  });

  it("accepts the second secret of a rotating source", async () => {
    expect(await verify(headers(), ["retired-secret", secret])).toMatchObject({ ok: true });
  });

  it("refuses a tampered body and a wrong secret", async () => {
    const refusal = {
      ok: false,
      reason: "X-WC-Webhook-Signature does not match the body under the source's secret",
    };
    expect(await verify(headers(), [secret], body.replace("processing", "completed"))).toEqual(refusal);
    expect(await verify(headers(bodyHmac("another secret", body)))).toEqual(refusal);
  });

  it("refuses the unsigned ping WooCommerce sends on saving a webhook, saying what it is", async () => {
    expect(
      await verify(
        new Headers({ "Content-Type": "application/x-www-form-urlencoded" }),
        [secret],
        "webhook_id=12",
      ),
    ).toEqual({
      ok: false,
      reason:
        "missing X-WC-Webhook-Signature header: WooCommerce's unsigned ping on saving webhook 12, nothing to take",
    });
  });

  it("refuses a garbled signature", async () => {
    expect(await verify(headers("not base64!"))).toEqual({
      ok: false,
      reason: "X-WC-Webhook-Signature is not base64 of a 32-byte HMAC-SHA256",
    });
  });
});
