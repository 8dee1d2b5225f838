// The seams of the spine: intake cannot lose a status, every order write is guarded by the version it read,
// lines intake replaces are planned and held like a cart's, and stock moved by orders reaches the rooms.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  actingAs,
  customerUser,
  expectLedgerAgrees,
  makeProduct,
  seedUser,
  stockroom,
  tokenFor,
} from "./helpers";
import { join } from "./ws";

let shop: Awaited<ReturnType<typeof stockroom>>;
let managerToken: string;
beforeAll(async () => {
  shop = await stockroom();
  managerToken = await tokenFor(await seedUser("manager"));
});

const sale = (ref: string, lines: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  source: "shop:spine",
  external_ref: ref,
  kind: "sale",
  currency: "EUR",
  lines,
  ...extra,
});

/** What an order holds by its lines, and what its stock movements say it holds: always the same. */
async function expectOrderHoldsWhatItsMovementsSay(orderId: string) {
  const held = await env.DB.prepare(
    "SELECT coalesce(SUM(reserved), 0) AS n FROM order_lines WHERE order_id = ?",
  )
    .bind(orderId)
    .first<number>("n");
  const moved = await env.DB.prepare(
    "SELECT coalesce(SUM(reserved_delta), 0) AS n FROM stock_movements WHERE reference_type = 'order' AND reference_id = ?",
  )
    .bind(orderId)
    .first<number>("n");
  expect(held).toBe(moved);
}

describe("intake cannot lose a status", () => {
  it("a report that could not be applied stores nothing, so the sender's retry applies it", async () => {
    // Sold short on purpose: the product allows backorder, so the order holds 2 of the 0 on hand.
    const p = await makeProduct(shop.manager, { allow_backorder: true });
    await shop.stock(p.id, 1);
    await shop.stock(p.id, -1);
    const ref = `SP-${crypto.randomUUID().slice(0, 8)}`;
    const line = { sku: p.sku, name: p.name, quantity: 2, unit_price: 1000 };
    const created = await shop.manager.post("/api/v1/orders/intake", sale(ref, [line]));
    expect(created.body.order).toMatchObject({ status: "picking", lines: [{ fill: "ok", reserved: 2 }] });

    // Shipping 2 that are not on hand cannot apply: the whole report is refused, its hash not kept.
    const shipped = sale(ref, [line], { status: "shipped", tracking: { carrier: "UPS", number: "1Z999" } });
    const refused = await shop.manager.post("/api/v1/orders/intake", shipped);
    expect(refused.status).toBe(409);
    const after = (await shop.manager.get(`/api/v1/orders/${created.body.order.id}`)).body;
    expect(after).toMatchObject({ status: "picking", tracking: { carrier: null, number: null } });

    await shop.stock(p.id, 2);
    const retried = await shop.manager.post("/api/v1/orders/intake", shipped);
    expect(retried.status).toBe(200);
    expect(retried.body.outcome).toBe("updated");
    expect(retried.body.order).toMatchObject({ status: "shipped", tracking: { carrier: "UPS" } });
    expect(await shop.level(p.id)).toMatchObject({ on_hand: 0, reserved: 0 });
    await expectLedgerAgrees(p.id);
  });
});

describe("order writes are guarded by the version they read", () => {
  it("an intake update racing a substitution never leaves stock held that the order does not know of", async () => {
    for (let round = 0; round < 3; round++) {
      const scarce = await makeProduct(shop.manager);
      await shop.stock(scarce.id, 1);
      const plenty = await makeProduct(shop.manager);
      await shop.stock(plenty.id, 50);
      const ref = `SP-${crypto.randomUUID().slice(0, 8)}`;
      const created = await shop.manager.post(
        "/api/v1/orders/intake",
        sale(ref, [{ sku: scarce.sku, name: scarce.name, quantity: 3, unit_price: 1000 }]),
      );
      const order = created.body.order;
      expect(order.lines[0].fill).toBe("short");
      const [substituted, updated] = await Promise.all([
        shop.manager.post(`/api/v1/orders/${order.id}/lines/${order.lines[0].id}/substitute`, {
          product_id: plenty.id,
        }),
        shop.manager.post(
          "/api/v1/orders/intake",
          sale(ref, [{ sku: plenty.sku, name: plenty.name, quantity: 2, unit_price: 900 }], {
            notes: `r${round}`,
          }),
        ),
      ]);
      expect([200, 409]).toContain(substituted.status);
      expect(updated.status).toBe(200);
      await expectOrderHoldsWhatItsMovementsSay(order.id);
      await expectLedgerAgrees(plenty.id);
    }
  });
});

describe("lines replaced by intake", () => {
  it("are planned and held like a cart's lines, not left untracked", async () => {
    const ref = `SP-${crypto.randomUUID().slice(0, 8)}`;
    const sku = `LATE-${crypto.randomUUID().slice(0, 6)}`;
    const first = await shop.manager.post(
      "/api/v1/orders/intake",
      sale(ref, [{ sku, name: "Not in the catalog yet", quantity: 1, unit_price: 500 }]),
    );
    expect(first.body.order.lines[0]).toMatchObject({ fill: "untracked", reserved: 0 });

    const p = await makeProduct(shop.manager, { sku });
    await shop.stock(p.id, 10);
    const second = await shop.manager.post(
      "/api/v1/orders/intake",
      sale(ref, [{ sku, name: "Now in the catalog", quantity: 4, unit_price: 500 }]),
    );
    expect(second.body.changes).toContain("lines");
    expect(second.body.order.lines[0]).toMatchObject({
      product_id: p.id,
      fill: "ok",
      reserved: 4,
      location_id: shop.shop,
    });
    expect(await shop.level(p.id)).toMatchObject({ on_hand: 10, reserved: 4 });
    await expectOrderHoldsWhatItsMovementsSay(first.body.order.id);
  });

  it("links 120 lines to their products and plans them from one read", async () => {
    const products = await Promise.all(Array.from({ length: 3 }, () => makeProduct(shop.manager)));
    for (const p of products) await shop.stock(p.id, 1000);
    const lines = Array.from({ length: 120 }, (_, i) => {
      const p = products[i % 3] as Record<string, any>;
      return { sku: p.sku, name: p.name, quantity: 2, unit_price: 100 };
    });
    const res = await shop.manager.post("/api/v1/orders/intake", sale(`SP-${crypto.randomUUID()}`, lines));
    expect(res.status).toBe(201);
    expect(res.body.order.status).toBe("picking");
    expect(res.body.order.lines.every((l: any) => l.fill === "ok" && l.reserved === 2)).toBe(true);
    for (const p of products) expect((await shop.level(p.id)).reserved).toBe(80);
  });
});

describe("stock moved by orders reaches the location's room", () => {
  it("reservations on placing and releases on cancelling arrive live, in order", async () => {
    const own = await stockroom(); // a location of its own: no other test's movements
    const p = await makeProduct(own.manager);
    await own.stock(p.id, 5);
    const room = await join(`/api/v1/inventory/locations/${own.shop}/room`, managerToken);
    await room.next("welcome");
    const buyer = await customerUser(`Room Buyer ${crypto.randomUUID().slice(0, 4)}`);
    await buyer.api.post("/api/v1/cart/lines", { product_id: p.id, quantity: 2 });
    const order = (await buyer.api.post("/api/v1/orders/from-cart")).body;
    // The receipt above came before the join (it is in the welcome's head): only the order's movements follow.
    const movementOf = async (kind: string) => {
      for (;;) {
        const frame = await room.next("movement");
        if (frame.movement.kind === kind) return frame;
      }
    };
    const reserved = await movementOf("reserve");
    expect(reserved).toMatchObject({
      type: "movement",
      movement: {
        product_id: p.id,
        kind: "reserve",
        reserved_delta: 2,
        reference_id: order.id,
        reason: `Order ${order.number}`,
      },
    });
    await actingAs(managerToken).post(`/api/v1/orders/${order.id}/transitions`, { to: "cancelled" });
    const released = await movementOf("release");
    expect(released).toMatchObject({ type: "movement", movement: { kind: "release", reserved_delta: -2 } });
    room.close();
  });
});

describe("every body goes through its schema", () => {
  it("a reversal note and from-cart notes are validated; leaving the body out is fine", async () => {
    const customer = await customerUser(`Bodies ${crypto.randomUUID().slice(0, 4)}`);
    const posted = await shop.manager.post(`/api/v1/customers/${customer.customerId}/ledger`, {
      direction: "debit",
      amount: { amount: 500, currency: "EUR" },
      reference_type: "invoice",
    });
    const reverse = `/api/v1/customers/${customer.customerId}/ledger/${posted.body.id}/reverse`;
    const wrong = await shop.manager.post(reverse, { note: 42 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ in: "body", path: "note" })]);
    expect((await shop.manager.post(reverse, { note: "x".repeat(1001) })).status).toBe(400);
    const reversed = await shop.manager.post(reverse);
    expect(reversed.status).toBe(201);
    expect(reversed.body.note).toBe(`Reverses ${posted.body.id}`);

    const p = await makeProduct(shop.manager);
    await shop.stock(p.id, 3);
    await customer.api.post("/api/v1/cart/lines", { product_id: p.id, quantity: 1 });
    const tooLong = await customer.api.post("/api/v1/orders/from-cart", { notes: "n".repeat(2001) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ path: "notes" })]);
    const placed = await customer.api.post("/api/v1/orders/from-cart", { notes: "Ring twice" });
    expect(placed.status).toBe(201);
    expect(placed.body.notes).toBe("Ring twice");
  });
});
