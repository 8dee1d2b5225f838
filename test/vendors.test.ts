// Vendors (fulfilment partners): every order and its fulfilment, but not staff notes, the shop's money
// decisions or the conversation between the shop and its customer.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  actingAs,
  call,
  customerUser,
  makeProduct,
  seedUser,
  stockroom,
  tokenFor,
} from "./helpers";

let shop: Awaited<ReturnType<typeof stockroom>>;
let vendorToken: string;
let vendor: ApiClient;

beforeAll(async () => {
  shop = await stockroom();
  vendorToken = await tokenFor(await seedUser("vendor"));
  vendor = actingAs(vendorToken);
});

/** A sale placed from a customer's cart, reserved and in picking, with a staff note on it. */
async function orderInPicking(company: string) {
  const buyer = await customerUser(company);
  const p = await makeProduct(shop.manager);
  await shop.stock(p.id, 5);
  await buyer.api.post("/api/v1/cart/lines", { product_id: p.id, quantity: 2 });
  const order = (await buyer.api.post("/api/v1/orders/from-cart")).body;
  expect(order.status).toBe("picking");
  await shop.manager.patch(`/api/v1/orders/${order.id}`, { staff_notes: "Slow payer; ship after the 5th." });
  await buyer.api.post(`/api/v1/orders/${order.id}/messages`, { body: "Please leave it at the back door." });
  return { order, buyer, product: p };
}

describe("vendors fulfil orders", () => {
  it("see every customer's orders with where the stock sits, but not the shop's staff notes", async () => {
    const a = await orderInPicking("Vendor View A");
    const b = await orderInPicking("Vendor View B");
    const listed = (await vendor.get("/api/v1/orders?status=picking&limit=200")).body.items.map(
      (o: any) => o.id,
    );
    expect(listed).toEqual(expect.arrayContaining([a.order.id, b.order.id]));

    const seen = (await vendor.get(`/api/v1/orders/${a.order.id}`)).body;
    expect(seen.lines[0]).toMatchObject({ location_id: shop.shop, reserved: 2 });
    expect(seen).not.toHaveProperty("staff_notes");
    expect((await shop.manager.get(`/api/v1/orders/${a.order.id}`)).body.staff_notes).toBe(
      "Slow payer; ship after the 5th.",
    );
  });

  it("move an order through shipping and delivery and set its tracking, nothing else", async () => {
    const { order, product } = await orderInPicking("Vendor Moves");
    const tracked = await vendor.patch(`/api/v1/orders/${order.id}`, {
      tracking: { carrier: "DHL", number: "00340434161094042557" },
    });
    expect(tracked.status).toBe(200);
    expect(tracked.body.tracking).toMatchObject({ carrier: "DHL", number: "00340434161094042557" });

    const notes = await vendor.patch(`/api/v1/orders/${order.id}`, { staff_notes: "mine now" });
    expect(notes.status).toBe(403);
    expect(notes.body.detail).toMatch(/staff_notes/);
    expect((await vendor.patch(`/api/v1/orders/${order.id}`, { payment_status: "paid" })).status).toBe(403);

    const cancel = await vendor.post(`/api/v1/orders/${order.id}/transitions`, { to: "cancelled" });
    expect(cancel.status).toBe(403);
    expect(cancel.body.detail).toMatch(/cancelled is for the shop/);

    expect((await vendor.post(`/api/v1/orders/${order.id}/transitions`, { to: "shipped" })).status).toBe(200);
    const delivered = await vendor.post(`/api/v1/orders/${order.id}/transitions`, { to: "delivered" });
    expect(delivered.status).toBe(200);
    expect(delivered.body.status).toBe("delivered");
    expect(await shop.level(product.id)).toMatchObject({ on_hand: 3, reserved: 0 });

    const events = (await shop.manager.get(`/api/v1/orders/${order.id}/events`)).body.items;
    expect(events.filter((e: any) => e.source === "vendor").map((e: any) => e.to_status ?? e.type)).toEqual([
      "updated",
      "shipped",
      "delivered",
    ]);
  });

  it("neither read, post to nor join the order's chat, and cannot intake or substitute", async () => {
    const { order } = await orderInPicking("Vendor Chat");
    const read = await vendor.get(`/api/v1/orders/${order.id}/messages`);
    expect(read.status).toBe(403);
    expect(read.body.detail).toMatch(/between the customer and the shop/);
    expect((await vendor.post(`/api/v1/orders/${order.id}/messages`, { body: "Hi!" })).status).toBe(403);
    const join = await call(
      `/api/v1/orders/${order.id}/room?access_token=${encodeURIComponent(vendorToken)}`,
      { headers: { upgrade: "websocket" } },
    );
    expect(join.status).toBe(403);

    const intake = await vendor.post("/api/v1/orders/intake", {
      source: "vendor-test",
      external_ref: crypto.randomUUID(),
      currency: "EUR",
      lines: [{ sku: "X", name: "X", quantity: 1, unit_price: 100 }],
    });
    expect(intake.status).toBe(403);
    const line = order.lines[0].id;
    const sub = await vendor.post(`/api/v1/orders/${order.id}/lines/${line}/substitute`, {
      product_id: order.lines[0].product_id,
    });
    expect(sub.status).toBe(403);

    const history = (await shop.manager.get(`/api/v1/orders/${order.id}/messages`)).body.items;
    expect(history.map((m: any) => m.body)).toEqual(["Please leave it at the back door."]);
  });

  it("see today's work on the dashboard without the shop's revenue", async () => {
    const before = (await vendor.get("/api/v1/orders/dashboard")).body;
    await orderInPicking("Vendor Dashboard");
    const after = (await vendor.get("/api/v1/orders/dashboard")).body;
    expect(after.view).toBe("staff");
    expect(after).not.toHaveProperty("today_revenue");
    expect(after.counts.sale.picking - before.counts.sale.picking).toBe(1);
    expect((await shop.manager.get("/api/v1/orders/dashboard")).body).toHaveProperty("today_revenue");
  });
});

describe("chat is a write", () => {
  it("posting to an order's chat needs orders:write, reading it orders:read", async () => {
    const { order } = await orderInPicking("Chat Scope");
    const admin = actingAs(await tokenFor(await seedUser("admin")));
    const key = (
      await admin.post("/api/v1/api-keys", { name: "read-only reporter", scopes: ["orders:read"] })
    ).body;
    const reporter = actingAs(key.key);
    expect((await reporter.get(`/api/v1/orders/${order.id}/messages`)).status).toBe(200);
    const post = await reporter.post(`/api/v1/orders/${order.id}/messages`, { body: "Noted." });
    expect(post.status).toBe(403);
    expect(post.body.detail).toMatch(/orders:write/);
  });

  it("a customer still chats on their own order", async () => {
    const { order, buyer } = await orderInPicking("Chat Customer");
    const posted = await buyer.api.post(`/api/v1/orders/${order.id}/messages`, { body: "Any news?" });
    expect(posted.status).toBe(201);
  });
});
