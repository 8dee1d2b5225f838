// The signed-webhook door end to end: signatures made by the independent standardwebhooks library and by
// hand-computed HMACs, kept raw before the answer, read into orders by the INGEST queue, exactly once.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import { type ApiClient, actingAs, bearer, call, problemOf, seedUser, tokenFor } from "./helpers";
import { readingOf, recordsOf, seedWebhookSource } from "./ingest-helpers";

const SECRET_A = `whsec_${btoa("a-first-secret-of-thirty-two-bytes!!")}`;
const SECRET_B = `whsec_${btoa("the-second-secret-for-rotation-123")}`;

const intakeOf = (ref: string, extra: Record<string, unknown> = {}) => ({
  source: "ignored-the-source-decides",
  external_ref: ref,
  currency: "EUR",
  buyer: { name: "Ada Lovelace", email: "Ada@Example.test", phone: "+49 30 1234" },
  shipping_address: {
    name: "Ada Lovelace",
    line1: "Hauptstr. 1",
    city: "Berlin",
    postal_code: "10115",
    country: "DE",
  },
  lines: [{ sku: "MUG-1", name: "Mug", quantity: 2, unit_price: 1250 }],
  ...extra,
});

/** A Standard Webhooks delivery signed by the standardwebhooks library. */
function standardDelivery(
  secret: string,
  payload: unknown,
  options: { id?: string; at?: Date; tamper?: (body: string) => string } = {},
) {
  const id = options.id ?? `msg_${crypto.randomUUID()}`;
  const at = options.at ?? new Date();
  const body = JSON.stringify(payload);
  const signature = new Webhook(secret).sign(id, at, body);
  return {
    id,
    init: {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body: options.tamper ? options.tamper(body) : body,
    } satisfies RequestInit,
  };
}

const hmacBase64 = (secret: string, body: string) =>
  createHmac("sha256", secret).update(body).digest("base64");

describe("the webhook door", () => {
  let token: string;
  let staff: ApiClient;
  beforeAll(async () => {
    token = await tokenFor(await seedUser("staff"));
    staff = actingAs(token);
    await seedWebhookSource("shop-std", "standard", [SECRET_A, SECRET_B]);
  });

  const ordersByRef = async (source: string, ref: string) =>
    (
      await env.DB.prepare("SELECT id, status, buyer_email FROM orders WHERE source = ? AND external_ref = ?")
        .bind(source, ref)
        .all<Record<string, any>>()
    ).results;

  it("accepts a delivery signed by the standardwebhooks library and reads it into an order once", async () => {
    const ref = `STD-${crypto.randomUUID().slice(0, 8)}`;
    const delivery = standardDelivery(SECRET_A, {
      type: "order.created",
      timestamp: new Date().toISOString(),
      data: intakeOf(ref),
    });
    const res = await call("/api/v1/webhooks/shop-std", delivery.init);
    expect(res.status).toBe(202);
    const receipt = (await res.json()) as Record<string, any>;
    expect(receipt).toMatchObject({ verdict: "accepted", duplicate_of: null });

    const read = await readingOf(token, receipt.id);
    expect(read).toMatchObject({
      door: "webhook",
      source: "shop-std",
      outcome: "created",
      delivery_id: delivery.id,
    });
    const order = (await staff.get(`/api/v1/orders/${read.order_id}`)).body;
    expect(order).toMatchObject({
      source: "shop-std",
      external_ref: ref,
      buyer: { name: "Ada Lovelace", email: "ada@example.test", phone: "+49 30 1234" },
      shipping_address: { line1: "Hauptstr. 1", city: "Berlin", country: "DE" },
    });
    // The raw request is kept byte for byte.
    const raw = await call(read.raw_url, { headers: bearer(token) });
    expect(await raw.text()).toBe(delivery.init.body);

    // A redelivery (same webhook-id) answers 2xx and changes nothing.
    const again = await call(
      "/api/v1/webhooks/shop-std",
      standardDelivery(SECRET_A, JSON.parse(delivery.init.body), { id: delivery.id }).init,
    );
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ verdict: "duplicate", duplicate_of: receipt.id });
    expect(await ordersByRef("shop-std", ref)).toHaveLength(1);
    expect((await readingOf(token, receipt.id)).attempts).toBe(1);

    // Search finds the order by the buyer's email.
    const found = await staff.get(`/api/v1/orders?q=${encodeURIComponent("ada@example.test")}`);
    expect(found.body.items.map((o: any) => o.id)).toContain(read.order_id);
  });

  it("takes the second secret of a rotating source", async () => {
    const ref = `ROT-${crypto.randomUUID().slice(0, 8)}`;
    const res = await call(
      "/api/v1/webhooks/shop-std",
      standardDelivery(SECRET_B, { type: "order.created", data: intakeOf(ref) }).init,
    );
    expect(res.status).toBe(202);
    expect((await readingOf(token, ((await res.json()) as any).id)).outcome).toBe("created");
  });

  it.each([
    ["a tampered body", { tamper: (b: string) => b.replace("Mug", "Jug") }, SECRET_A, /signature/i],
    ["a wrong secret", {}, `whsec_${btoa("somebody-else's-secret-entirely!!")}`, /signature/i],
    ["a timestamp 6 minutes old", { at: new Date(Date.now() - 6 * 60_000) }, SECRET_A, /timestamp/i],
  ])(
    "refuses %s with a 401 problem, records why, and creates nothing",
    async (_name, options, secret, reason) => {
      const ref = `BAD-${crypto.randomUUID().slice(0, 8)}`;
      const delivery = standardDelivery(secret, { type: "order.created", data: intakeOf(ref) }, options);
      const res = await call("/api/v1/webhooks/shop-std", delivery.init);
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect((await problemOf(res)).detail).toMatch(reason);
      const refused = (await recordsOf(token, "shop-std", "webhook")).find(
        (r) =>
          r.verdict === "refused" &&
          r.received_at >= new Date(Date.now() - 60_000).toISOString() &&
          reason.test(r.reason),
      );
      expect(refused).toMatchObject({ outcome: null, raw_url: null, sha256: null });
      expect(await ordersByRef("shop-std", ref)).toHaveLength(0);
    },
  );

  it("refuses an unknown source without recording anything", async () => {
    const res = await call(
      "/api/v1/webhooks/nobody",
      standardDelivery(SECRET_A, { type: "order.created", data: intakeOf("X") }).init,
    );
    expect(res.status).toBe(401);
    expect((await problemOf(res)).detail).toMatch(/No webhook source is called nobody/);
    expect(await recordsOf(token, "nobody", "webhook")).toHaveLength(0);
  });

  it("verifies Shopify's HMAC over the raw body, maps the order, and applies a later cancellation", async () => {
    const secret = "shpss_a-shopify-app-secret-0123456789";
    await seedWebhookSource("shopify-main", "shopify", [secret]);
    const id = 5_550_000 + Math.floor(Math.random() * 1000);
    const order = {
      id,
      name: `#${id}`,
      currency: "EUR",
      created_at: "2026-11-20T10:00:00+01:00",
      email: "grace@example.test",
      financial_status: "paid",
      fulfillment_status: null,
      cancelled_at: null,
      total_discounts: "0.00",
      customer: { first_name: "Grace", last_name: "Hopper", email: "grace@example.test", phone: null },
      line_items: [{ sku: "CUP-9", title: "Cup", quantity: 3, price: "4.50", tax_lines: [] }],
      shipping_lines: [{ price: "4.90" }],
      shipping_address: {
        name: "Grace Hopper",
        address1: "1 Navy Way",
        city: "Arlington",
        zip: "22201",
        province: "VA",
        country_code: "US",
      },
    };
    const send = (topic: string, payload: unknown, deliveryId: string, signWith = secret) => {
      const body = JSON.stringify(payload);
      return call("/api/v1/webhooks/shopify-main", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-shopify-topic": topic,
          "x-shopify-webhook-id": deliveryId,
          "x-shopify-hmac-sha256": hmacBase64(signWith, body),
        },
        body,
      });
    };
    const created = await send("orders/create", order, crypto.randomUUID());
    expect(created.status).toBe(202);
    const first = await readingOf(token, ((await created.json()) as any).id);
    expect(first.outcome).toBe("created");
    const view = (await staff.get(`/api/v1/orders/${first.order_id}`)).body;
    expect(view).toMatchObject({
      external_ref: `#${id}`,
      payment_status: "paid",
      buyer: { name: "Grace Hopper", email: "grace@example.test" },
      totals: { subtotal: { amount: 1350 }, shipping: { amount: 490 }, total: { amount: 1840 } },
    });

    expect((await send("orders/cancelled", order, crypto.randomUUID(), "not-the-secret-at-all")).status).toBe(
      401,
    );
    const cancelled = await send(
      "orders/cancelled",
      { ...order, cancelled_at: "2026-11-21T09:00:00+01:00" },
      crypto.randomUUID(),
    );
    const second = await readingOf(token, ((await cancelled.json()) as any).id);
    expect(second).toMatchObject({ outcome: "updated", order_id: first.order_id });
    expect((await staff.get(`/api/v1/orders/${first.order_id}`)).body.status).toBe("cancelled");
  });

  it("verifies WooCommerce's signature and keeps its creation ping without creating anything", async () => {
    const secret = "woo-webhook-secret-0123456789";
    await seedWebhookSource("woo", "woocommerce", [secret]);
    const body = "webhook_id=12";
    const res = await call("/api/v1/webhooks/woo", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-wc-webhook-signature": hmacBase64(secret, body),
        "x-wc-webhook-delivery-id": "ping-1",
      },
      body,
    });
    expect(res.status).toBe(202);
    const read = await readingOf(token, ((await res.json()) as any).id);
    expect(read).toMatchObject({ outcome: "no_order", results: [] });
  });
});

describe("the webhook door's rate limit", () => {
  it("answers 429 with Retry-After once the source's budget is spent, and keeps nothing", async () => {
    await seedWebhookSource("busy-shop", "standard", [SECRET_A]);
    // The limiter is the platform's (WEBHOOK_LIMITER); what ROMS owes is asking it per source and answering.
    const asked: string[] = [];
    const spent = {
      limit: async ({ key }: { key: string }) => {
        asked.push(key);
        return { success: false };
      },
    } as unknown as RateLimit;
    const delivery = standardDelivery(SECRET_A, { type: "order.created", data: intakeOf("RL-1") });
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request("http://roms.test/api/v1/webhooks/busy-shop", delivery.init),
      { ...env, WEBHOOK_LIMITER: spent },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(asked).toEqual(["source:busy-shop"]);
    const token = await tokenFor(await seedUser("staff"));
    expect(await recordsOf(token, "busy-shop", "webhook")).toHaveLength(0);
  });
});
