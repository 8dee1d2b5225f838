// The one intake path: create, update, unchanged; out-of-order updates; integrations by API key.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, actingAs, makeProduct, seedUser, tokenFor } from "./helpers";

let admin: ApiClient;
let integration: ApiClient;
beforeAll(async () => {
  admin = actingAs(await tokenFor(await seedUser("admin")));
  const key = await admin.post("/api/v1/api-keys", { name: "Shop", scopes: ["orders:read", "orders:write"] });
  integration = actingAs(key.body.key);
});

const purchase = (ref: string, extra: Record<string, unknown> = {}) => ({
  source: "mail:retailer",
  external_ref: ref,
  kind: "purchase",
  merchant: "Big Retailer",
  currency: "EUR",
  lines: [{ sku: "TV-55", name: "Television 55", quantity: 1, unit_price: 49_900, tax_rate_bp: 1900 }],
  ...extra,
});

describe("order intake", () => {
  it("the same intake delivered twice makes one order and says the second changed nothing", async () => {
    const ref = `PO-${crypto.randomUUID().slice(0, 8)}`;
    const first = await integration.post("/api/v1/orders/intake", purchase(ref));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      outcome: "created",
      order: { kind: "purchase", merchant: "Big Retailer", status: "placed" },
    });
    const again = await integration.post("/api/v1/orders/intake", {
      ...purchase(ref),
      lines: purchase(ref).lines.map((l) => ({ ...l })),
    });
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe("unchanged");
    expect(again.body.order.id).toBe(first.body.order.id);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM orders WHERE external_ref = ?")
      .bind(ref)
      .first("n");
    expect(count).toBe(1);
    const events = (await admin.get(`/api/v1/orders/${first.body.order.id}/events`)).body.items;
    expect(events).toHaveLength(1);
  });

  it("an intake without lines updates an order (a shipping notice) and cannot create one", async () => {
    const ref = `PO-${crypto.randomUUID().slice(0, 8)}`;
    const notice = {
      source: "mail:retailer",
      external_ref: ref,
      status: "shipped",
      tracking: { number: "1Z999" },
    };
    const early = await integration.post("/api/v1/orders/intake", notice);
    expect(early.status).toBe(404);
    expect(early.body.detail).toMatch(/send the order with its lines and currency to create it/);
    expect(
      await env.DB.prepare("SELECT count(*) AS n FROM orders WHERE external_ref = ?").bind(ref).first("n"),
    ).toBe(0);
    // Lines come with their currency.
    const { currency: _c, ...noCurrency } = purchase(ref);
    expect((await integration.post("/api/v1/orders/intake", noCurrency)).body.errors[0].path).toBe(
      "currency",
    );

    const created = (
      await integration.post("/api/v1/orders/intake", purchase(ref, { buyer: { email: "Buyer@Shop.test" } }))
    ).body.order;
    const shipped = await integration.post("/api/v1/orders/intake", notice);
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({
      outcome: "updated",
      order: {
        id: created.id,
        status: "shipped",
        tracking: { number: "1Z999" },
        buyer: { email: "buyer@shop.test" },
      },
    });
    expect(shipped.body.order.lines).toHaveLength(1);
    expect(shipped.body.order.totals.total.amount).toBe(created.totals.total.amount);
  });

  it("concurrent deliveries of a new order still make one order", async () => {
    const ref = `PO-${crypto.randomUUID().slice(0, 8)}`;
    const results = await Promise.all(
      Array.from({ length: 4 }, () => integration.post("/api/v1/orders/intake", purchase(ref))),
    );
    expect(results.filter((r) => r.body.outcome === "created")).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.order.id)).size).toBe(1);
  });

  it("applies status, tracking and payment changes and records what changed", async () => {
    const ref = `PO-${crypto.randomUUID().slice(0, 8)}`;
    const created = (await integration.post("/api/v1/orders/intake", purchase(ref))).body.order;
    const shipped = await integration.post(
      "/api/v1/orders/intake",
      purchase(ref, {
        status: "shipped",
        tracking: { carrier: "DHL", number: "00340434161234567890" },
        payment_status: "paid",
      }),
    );
    expect(shipped.body.outcome).toBe("updated");
    expect(shipped.body.order).toMatchObject({
      status: "shipped",
      payment_status: "paid",
      tracking: { carrier: "DHL", number: "00340434161234567890" },
    });
    expect(shipped.body.changes).toEqual([
      "tracking",
      "payment unpaid -> paid",
      "status placed -> picking (inferred)",
      "status picking -> shipped",
    ]);
    const events = (await admin.get(`/api/v1/orders/${created.id}/events`)).body.items;
    expect(events.map((e: any) => e.type)).toEqual(["created", "updated", "status", "status"]);
    expect(events[2].details).toMatchObject({ inferred: true, reported: "shipped" });
  });

  it("handles updates out of order: a delivery before the shipping notice walks the steps; the late notice is ignored", async () => {
    const ref = `PO-${crypto.randomUUID().slice(0, 8)}`;
    await integration.post("/api/v1/orders/intake", purchase(ref));
    const delivered = await integration.post("/api/v1/orders/intake", purchase(ref, { status: "delivered" }));
    expect(delivered.body.order.status).toBe("delivered");
    expect(delivered.body.order.reached).toMatchObject({
      picking: expect.any(String),
      shipped: expect.any(String),
      delivered: expect.any(String),
    });
    const late = await integration.post(
      "/api/v1/orders/intake",
      purchase(ref, { status: "shipped", tracking: { carrier: "UPS", number: "1Z999" } }),
    );
    expect(late.body.outcome).toBe("updated");
    expect(late.body.order.status).toBe("delivered");
    expect(late.body.order.tracking).toMatchObject({ carrier: "UPS", number: "1Z999" });
    expect(late.body.changes).toContain("status shipped ignored (order is delivered)");
    const events = (await admin.get(`/api/v1/orders/${delivered.body.order.id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({
      type: "status_ignored",
      from_status: "delivered",
      to_status: "shipped",
    });
    // A cancellation after shipping cannot apply either.
    const cancel = await integration.post("/api/v1/orders/intake", purchase(ref, { status: "cancelled" }));
    expect(cancel.body.order.status).toBe("delivered");
  });

  it("replaces lines of an order that holds no stock, and recomputes totals", async () => {
    const ref = `PO-${crypto.randomUUID().slice(0, 8)}`;
    await integration.post("/api/v1/orders/intake", purchase(ref));
    const changed = await integration.post(
      "/api/v1/orders/intake",
      purchase(ref, {
        lines: [{ sku: "TV-55", name: "Television 55", quantity: 2, unit_price: 49_900, tax_rate_bp: 1900 }],
      }),
    );
    expect(changed.body.changes).toContain("lines");
    expect(changed.body.order.totals.subtotal.amount).toBe(99_800);
  });

  it("a sale from a store reserves stock for lines it can match by SKU", async () => {
    const manager = actingAs(await tokenFor(await seedUser("manager")));
    const shop = (await manager.post("/api/v1/inventory/locations", { name: "Shop", kind: "shop" })).body.id;
    const p = await makeProduct(manager, { sku: `WEB-${crypto.randomUUID().slice(0, 6)}` });
    await manager.post("/api/v1/inventory/adjustments", {
      product_id: p.id,
      location_id: shop,
      delta: 5,
      kind: "receive",
    });
    const res = await integration.post("/api/v1/orders/intake", {
      source: "shopify",
      external_ref: `#${crypto.randomUUID().slice(0, 6)}`,
      currency: "EUR",
      lines: [
        { sku: p.sku, name: p.name, quantity: 2, unit_price: 1000 },
        { sku: "GIFT-WRAP", name: "Gift wrap", quantity: 1, unit_price: 300 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.order.status).toBe("picking");
    expect(res.body.order.lines.map((l: any) => l.fill)).toEqual(["ok", "untracked"]);
    expect((await manager.get(`/api/v1/inventory/levels/${p.id}/${shop}`)).body).toMatchObject({
      reserved: 2,
    });
  });

  it("a sale the sender reports as only placed reserves its stock and waits outside picking until released", async () => {
    const manager = actingAs(await tokenFor(await seedUser("manager")));
    const shop = (await manager.post("/api/v1/inventory/locations", { name: "Shop", kind: "shop" })).body.id;
    const p = await makeProduct(manager, { sku: `HOLD-${crypto.randomUUID().slice(0, 6)}` });
    await manager.post("/api/v1/inventory/adjustments", {
      product_id: p.id,
      location_id: shop,
      delta: 5,
      kind: "receive",
    });
    const ref = `#${crypto.randomUUID().slice(0, 6)}`;
    const order = {
      source: "store-on-invoice",
      external_ref: ref,
      currency: "EUR",
      lines: [{ sku: p.sku, name: p.name, quantity: 2, unit_price: 1000 }],
    };
    const placed = await integration.post("/api/v1/orders/intake", { ...order, status: "placed" });
    expect(placed.body.order).toMatchObject({ status: "placed", lines: [{ fill: "ok", reserved: 2 }] });
    const released = await integration.post("/api/v1/orders/intake", { ...order, status: "picking" });
    expect(released.body.order.status).toBe("picking");
    expect((await manager.get(`/api/v1/inventory/levels/${p.id}/${shop}`)).body).toMatchObject({
      reserved: 2,
    });
  });

  it("keeps a status it cannot apply yet as a blocked report instead of failing the delivery", async () => {
    const manager = actingAs(await tokenFor(await seedUser("manager")));
    const p = await makeProduct(manager, {
      sku: `SHORT-${crypto.randomUUID().slice(0, 6)}`,
      category_id: null,
    });
    const delivery = {
      source: "shopify",
      external_ref: `#${crypto.randomUUID().slice(0, 6)}`,
      currency: "EUR",
      status: "shipped",
      lines: [{ sku: p.sku, name: p.name, quantity: 2, unit_price: 1000 }],
    };
    const res = await integration.post("/api/v1/orders/intake", delivery);
    expect(res.status).toBe(201);
    expect(res.body.order.status).toBe("under_risk");
    expect(res.body.changes.at(-1)).toMatch(/^status shipped blocked at under_risk/);
    const events = (await admin.get(`/api/v1/orders/${res.body.order.id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({
      type: "status_blocked",
      from_status: "under_risk",
      to_status: "shipped",
    });
    expect((await integration.post("/api/v1/orders/intake", delivery)).body.outcome).toBe("unchanged");
  });

  it("refuses bad input with field errors, customers at the door, and replays by Idempotency-Key", async () => {
    const bad = await integration.post("/api/v1/orders/intake", {
      ...purchase("x"),
      lines: [],
      currency: "EURO",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(["currency", "lines"]);
    const customer = actingAs(await tokenFor(await seedUser("customer")));
    expect((await customer.post("/api/v1/orders/intake", purchase("y"))).status).toBe(403);
    const readOnly = actingAs(
      (await admin.post("/api/v1/api-keys", { name: "ro", scopes: ["orders:read"] })).body.key,
    );
    expect((await readOnly.post("/api/v1/orders/intake", purchase("z"))).status).toBe(403);

    const key = { "idempotency-key": crypto.randomUUID() };
    const ref = `PO-${crypto.randomUUID().slice(0, 8)}`;
    const a = await integration.post("/api/v1/orders/intake", purchase(ref), key);
    const b = await integration.post("/api/v1/orders/intake", purchase(ref), key);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(b.body.order.id).toBe(a.body.order.id);
  });
});
