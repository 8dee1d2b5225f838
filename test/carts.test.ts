// Carts, and the similar-product and fill-risk advice that goes with them.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  actingAs,
  customerUser,
  makeProduct,
  seedUser,
  stockroom,
  tokenFor,
} from "./helpers";

let manager: ApiClient;
let shop: string;
let stock: Awaited<ReturnType<typeof stockroom>>["stock"];
beforeAll(async () => {
  ({ manager, shop, stock } = await stockroom());
});

describe("carts", () => {
  it("holds lines at current prices with exact totals, tax and availability", async () => {
    const { api } = await customerUser("Cart Co");
    const a = await makeProduct(manager, { price: { amount: 1999, currency: "EUR" }, tax_rate_bp: 1900 });
    const b = await makeProduct(manager, { price: { amount: 333, currency: "EUR" }, tax_rate_bp: 700 });
    await stock(a.id, 2);
    expect((await api.post("/api/v1/cart/lines", { product_id: a.id, quantity: 3 })).status).toBe(200);
    const cart = (await api.post("/api/v1/cart/lines", { product_id: b.id, quantity: 1 })).body;
    const lineA = cart.lines.find((l: any) => l.product_id === a.id);
    expect(lineA).toMatchObject({
      quantity: 3,
      unit_price: { amount: 1999 },
      line_total: { amount: 5997, display: "59.97" },
      tax: { amount: 1139 }, // 5997 * 19 % = 1139.43
      availability: { available: 2, in_stock: false, backorder: false },
    });
    expect(cart.totals).toEqual([
      {
        currency: "EUR",
        subtotal: { amount: 6330, currency: "EUR", display: "63.30" },
        tax: { amount: 1162, currency: "EUR", display: "11.62" }, // 1139 + 23 (333 * 7 % = 23.31)
        total: { amount: 7492, currency: "EUR", display: "74.92" },
      },
    ]);

    // Adding again adds; a price change shows at once.
    await api.post("/api/v1/cart/lines", { product_id: a.id, quantity: 1 });
    await manager.patch(`/api/v1/products/${a.id}`, { price: { amount: 2000, currency: "EUR" } });
    const now = (await api.get("/api/v1/cart")).body;
    expect(now.lines.find((l: any) => l.product_id === a.id)).toMatchObject({
      quantity: 4,
      line_total: { amount: 8000 },
    });

    expect((await api.patch(`/api/v1/cart/lines/${a.id}`, { quantity: 1 })).body.lines[0].quantity).toBe(1);
    expect((await api.del(`/api/v1/cart/lines/${b.id}`)).body.lines).toHaveLength(1);
    expect((await api.del(`/api/v1/cart/lines/${b.id}`)).status).toBe(404);
    expect((await api.del("/api/v1/cart")).body.lines).toEqual([]);
  });

  it("keeps up to two distinct, visible substitutes per line", async () => {
    const { api } = await customerUser("Subs Co");
    const [main, s1, s2, s3] = await Promise.all([1, 2, 3, 4].map(() => makeProduct(manager)));
    const draft = await makeProduct(manager, {}, false);
    const ok = await api.post("/api/v1/cart/lines", {
      product_id: main!.id,
      quantity: 1,
      substitutes: [s1!.id, s2!.id],
    });
    expect(ok.body.lines[0].substitutes).toEqual([s1!.id, s2!.id]);
    for (const substitutes of [[s1!.id, s2!.id, s3!.id], [s1!.id, s1!.id], [main!.id], [draft.id]]) {
      const bad = await api.patch(`/api/v1/cart/lines/${main!.id}`, { substitutes });
      expect(bad.status, JSON.stringify(substitutes)).toBe(400);
    }
    expect(
      (await api.patch(`/api/v1/cart/lines/${main!.id}`, { substitutes: [s3!.id] })).body.lines[0]
        .substitutes,
    ).toEqual([s3!.id]);
  });

  it("refuses drafts, staff and unlinked customer users", async () => {
    const { api } = await customerUser("Draft Co");
    const draft = await makeProduct(manager, {}, false);
    expect((await api.post("/api/v1/cart/lines", { product_id: draft.id, quantity: 1 })).status).toBe(404);
    expect((await manager.get("/api/v1/cart")).status).toBe(403);
    const unlinked = actingAs(await tokenFor(await seedUser("customer")));
    expect((await unlinked.get("/api/v1/cart")).status).toBe(403);
  });

  it("a customer cannot read another customer's cart (404); staff can", async () => {
    const alice = await customerUser("Alice Co");
    const bob = await customerUser("Bob Co");
    const p = await makeProduct(manager);
    const aliceCart = (await alice.api.post("/api/v1/cart/lines", { product_id: p.id, quantity: 1 })).body;
    const bobCart = (await bob.api.get("/api/v1/cart")).body;
    expect(aliceCart.id).not.toBe(bobCart.id);
    expect((await bob.api.get(`/api/v1/carts/${aliceCart.id}`)).status).toBe(404);
    expect((await alice.api.get(`/api/v1/carts/${aliceCart.id}`)).status).toBe(200);
    expect((await manager.get(`/api/v1/carts/${aliceCart.id}`)).body.lines).toHaveLength(1);
  });
});

describe("similar products and fill risk", () => {
  it("ranks in-stock products of the same category by price and attributes, with reasons", async () => {
    const cat = (
      await manager.post("/api/v1/categories", { name: `Chairs ${crypto.randomUUID().slice(0, 4)}` })
    ).body.id;
    const base = await makeProduct(manager, {
      category_id: cat,
      price: { amount: 10_000, currency: "EUR" },
      attributes: { color: "red", legs: 4 },
    });
    const twin = await makeProduct(manager, {
      category_id: cat,
      price: { amount: 10_500, currency: "EUR" },
      attributes: { color: "red", legs: 4 },
    });
    const cheap = await makeProduct(manager, {
      category_id: cat,
      price: { amount: 10_000, currency: "EUR" },
      attributes: { color: "blue", legs: 3 },
    });
    const far = await makeProduct(manager, {
      category_id: cat,
      price: { amount: 30_000, currency: "EUR" },
      attributes: { color: "red", legs: 4 },
    });
    const empty = await makeProduct(manager, {
      category_id: cat,
      price: { amount: 10_000, currency: "EUR" },
      attributes: { color: "red", legs: 4 },
    });
    const hidden = await makeProduct(
      manager,
      { category_id: cat, price: { amount: 10_000, currency: "EUR" }, attributes: { color: "red", legs: 4 } },
      false,
    );
    for (const p of [twin, cheap, far, hidden]) await stock(p.id, 5);

    const res = await actingAs().get(`/api/v1/products/${base.id}/similar`);
    expect(res.status).toBe(200);
    const ids = res.body.items.map((i: any) => i.product.id);
    expect(ids).toEqual([twin.id, cheap.id, far.id]);
    expect(ids).not.toContain(empty.id);
    expect(ids).not.toContain(hidden.id);
    expect(res.body.items[0].reasons).toEqual([
      "same category",
      "price 5% higher (5.00)",
      "shares color=red, legs=4",
      "5 in stock",
    ]);
    // Deterministic: the same question gets the same answer.
    expect((await actingAs().get(`/api/v1/products/${base.id}/similar`)).body).toEqual(res.body);
  });

  it("rates fill risk low, medium or high with the reason", async () => {
    const p = await makeProduct(manager);
    await stock(p.id, 10);
    const risk = async (q: number) =>
      (await actingAs().get(`/api/v1/products/${p.id}/risk?quantity=${q}`)).body;
    expect(await risk(2)).toMatchObject({ risk: "low", reason: "10 available covers 2 with 8 to spare." });
    expect(await risk(11)).toMatchObject({ risk: "high", reason: "Only 10 available for 11 requested." });
    // Recent demand: 7 sold in the last days means a week uses about 4 more.
    await manager.post("/api/v1/inventory/reservations", {
      product_id: p.id,
      location_id: shop,
      quantity: 7,
    });
    const medium = await risk(2);
    expect(medium).toMatchObject({ risk: "medium", figures: { available: 3, demand_last_14_days: 7 } });
    expect(medium.reason).toMatch(/1 would remain/);
    const backorder = await makeProduct(manager, { allow_backorder: true });
    expect((await actingAs().get(`/api/v1/products/${backorder.id}/risk?quantity=3`)).body).toMatchObject({
      risk: "medium",
      reason: "Only 0 available; 3 would be backordered.",
    });
    expect((await actingAs().get(`/api/v1/products/${p.id}/risk?quantity=0`)).status).toBe(400);
  });
});
