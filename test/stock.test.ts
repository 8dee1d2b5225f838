// Stock stays exactly true: levels equal the sum of their movements, whatever arrives at once.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, actingAs, expectLedgerAgrees, makeProduct, seedUser, tokenFor } from "./helpers";

let manager: ApiClient;
let managerToken: string;
let shop: string;
let warehouse: string;

beforeAll(async () => {
  managerToken = await tokenFor(await seedUser("manager"));
  manager = actingAs(managerToken);
  shop = (await manager.post("/api/v1/inventory/locations", { name: "Shop", kind: "shop" })).body.id;
  warehouse = (await manager.post("/api/v1/inventory/locations", { name: "Warehouse", kind: "warehouse" }))
    .body.id;
});

const level = async (productId: string, locationId: string) =>
  (await manager.get(`/api/v1/inventory/levels/${productId}/${locationId}`)).body;

const adjust = (productId: string, delta: number, kind = "adjust", headers: Record<string, string> = {}) =>
  manager.post(
    "/api/v1/inventory/adjustments",
    { product_id: productId, location_id: shop, delta, kind },
    headers,
  );

describe("stock levels", () => {
  it("fifty concurrent adjustments of random signs leave exactly the expected total and a ledger that sums to it", async () => {
    const product = await makeProduct(manager);
    expect((await adjust(product.id, 100, "receive")).status).toBe(201);
    const deltas = Array.from(
      { length: 50 },
      (_, i) => (i % 2 === 0 ? 1 : -1) * (1 + Math.floor(Math.random() * 12)),
    );
    const results = await Promise.all(deltas.map((d) => adjust(product.id, d)));
    const applied = results.reduce((sum, r, i) => (r.status === 201 ? sum + (deltas[i] as number) : sum), 0);
    for (const r of results) expect([201, 409]).toContain(r.status);

    const after = await level(product.id, shop);
    expect(after.on_hand).toBe(100 + applied);
    expect(after.version).toBe(1 + results.filter((r) => r.status === 201).length);
    const movements = await env.DB.prepare("SELECT count(*) AS n FROM stock_movements WHERE product_id = ?")
      .bind(product.id)
      .first("n");
    expect(movements).toBe(1 + results.filter((r) => r.status === 201).length);
    await expectLedgerAgrees(product.id);
  });

  it("never takes available stock below zero, even when many ask at once", async () => {
    const product = await makeProduct(manager);
    await adjust(product.id, 10, "receive");
    const results = await Promise.all(Array.from({ length: 20 }, () => adjust(product.id, -1)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    const refused = results.find((r) => r.status === 409);
    expect(refused?.body).toMatchObject({ type: "/problems/conflict", current: { available: 0 } });
    expect((await level(product.id, shop)).on_hand).toBe(0);
    await expectLedgerAgrees(product.id);
  });

  it("a count with a stale version answers 409 and changes nothing; with the current one it sets on_hand", async () => {
    const product = await makeProduct(manager);
    await adjust(product.id, 20, "receive");
    const seen = await level(product.id, shop);
    await adjust(product.id, -3); // someone else moves stock meanwhile
    const stale = await manager.post("/api/v1/inventory/counts", {
      product_id: product.id,
      location_id: shop,
      counted: 25,
      expected_version: seen.version,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.current).toMatchObject({ on_hand: 17, version: seen.version + 1 });
    expect((await level(product.id, shop)).on_hand).toBe(17);
    const movementsBefore = await env.DB.prepare(
      "SELECT count(*) AS n FROM stock_movements WHERE product_id = ?",
    )
      .bind(product.id)
      .first("n");
    expect(movementsBefore).toBe(2);

    const fresh = await manager.post("/api/v1/inventory/counts", {
      product_id: product.id,
      location_id: shop,
      counted: 25,
      expected_version: stale.body.current.version,
    });
    expect(fresh.status).toBe(201);
    expect(fresh.body.movement).toMatchObject({ kind: "count", quantity: 8 });
    expect(fresh.body.level).toMatchObject({ on_hand: 25, available: 25 });
    await expectLedgerAgrees(product.id);
  });

  it("a transfer is all or nothing", async () => {
    const product = await makeProduct(manager);
    await adjust(product.id, 5, "receive");
    const tooMuch = await manager.post("/api/v1/inventory/transfers", {
      product_id: product.id,
      from_location_id: shop,
      to_location_id: warehouse,
      quantity: 6,
    });
    expect(tooMuch.status).toBe(409);
    expect((await level(product.id, shop)).on_hand).toBe(5);
    expect((await level(product.id, warehouse)).on_hand).toBe(0);
    expect(
      await env.DB.prepare(
        "SELECT count(*) AS n FROM stock_movements WHERE product_id = ? AND kind = 'transfer'",
      )
        .bind(product.id)
        .first("n"),
    ).toBe(0);

    const ok = await manager.post("/api/v1/inventory/transfers", {
      product_id: product.id,
      from_location_id: shop,
      to_location_id: warehouse,
      quantity: 4,
    });
    expect(ok.status).toBe(201);
    expect(ok.body.from).toMatchObject({ on_hand: 1 });
    expect(ok.body.to).toMatchObject({ on_hand: 4 });
    expect(ok.body.movements.map((m: any) => [m.location_id, m.quantity])).toEqual([
      [shop, -4],
      [warehouse, 4],
    ]);
    expect(new Set(ok.body.movements.map((m: any) => m.transfer_id)).size).toBe(1);
    const same = await manager.post("/api/v1/inventory/transfers", {
      product_id: product.id,
      from_location_id: shop,
      to_location_id: shop,
      quantity: 1,
    });
    expect(same.status).toBe(400);
    await expectLedgerAgrees(product.id);
  });

  it("reservations hold stock: available falls, release gives it back; backorder allows going beyond", async () => {
    const product = await makeProduct(manager);
    await adjust(product.id, 5, "receive");
    const reserve = (quantity: number, productId = product.id) =>
      manager.post("/api/v1/inventory/reservations", {
        product_id: productId,
        location_id: shop,
        quantity,
        reference_type: "order",
        reference_id: "R-1",
      });
    expect((await reserve(3)).body.level).toMatchObject({ on_hand: 5, reserved: 3, available: 2 });
    expect((await reserve(3)).status).toBe(409);
    // Stock held by a reservation cannot be adjusted away.
    expect((await adjust(product.id, -3)).status).toBe(409);
    const release = await manager.post("/api/v1/inventory/releases", {
      product_id: product.id,
      location_id: shop,
      quantity: 2,
    });
    expect(release.body.level).toMatchObject({ reserved: 1, available: 4 });
    expect(
      (
        await manager.post("/api/v1/inventory/releases", {
          product_id: product.id,
          location_id: shop,
          quantity: 2,
        })
      ).status,
    ).toBe(409);

    const backorder = await makeProduct(manager, { allow_backorder: true });
    const over = await reserve(4, backorder.id);
    expect(over.status).toBe(201);
    expect(over.body.level).toMatchObject({ on_hand: 0, reserved: 4, available: -4 });
    await expectLedgerAgrees(product.id);
  });

  it("an Idempotency-Key makes a repeat change nothing, and refuses reuse for another request", async () => {
    const product = await makeProduct(manager);
    const key = { "idempotency-key": `adj-${crypto.randomUUID()}` };
    const first = await adjust(product.id, 7, "receive", key);
    const again = await adjust(product.id, 7, "receive", key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await level(product.id, shop)).on_hand).toBe(7);
    const reused = await adjust(product.id, 8, "receive", key);
    expect(reused.status).toBe(422);
    // Concurrent repeats: exactly one applies.
    const raceKey = { "idempotency-key": `race-${crypto.randomUUID()}` };
    const race = await Promise.all(
      Array.from({ length: 5 }, () => adjust(product.id, 1, "receive", raceKey)),
    );
    expect(race.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect((await level(product.id, shop)).on_hand).toBe(8);
  });

  it("refuses nonsense and unknown products or locations", async () => {
    const product = await makeProduct(manager);
    expect((await adjust(product.id, 0)).status).toBe(400);
    expect((await adjust(product.id, -1, "receive")).status).toBe(400);
    expect((await adjust(product.id, 1.5)).status).toBe(400);
    expect((await adjust("no-such-product", 1)).status).toBe(404);
    const nowhere = await manager.post("/api/v1/inventory/adjustments", {
      product_id: product.id,
      location_id: "nowhere",
      delta: 1,
    });
    expect(nowhere.status).toBe(404);
    const staffOnly = actingAs(await tokenFor(await seedUser("customer")));
    expect(
      (
        await staffOnly.post("/api/v1/inventory/adjustments", {
          product_id: product.id,
          location_id: shop,
          delta: 1,
        })
      ).status,
    ).toBe(403);
  });

  it("lists low stock by threshold and the movement ledger newest first", async () => {
    const product = await makeProduct(manager);
    await adjust(product.id, 10, "receive");
    const set = await manager.put(`/api/v1/inventory/levels/${product.id}/${shop}/threshold`, {
      low_stock_threshold: 5,
    });
    expect(set.body.low_stock_threshold).toBe(5);
    const lowIds = async () =>
      (await manager.get("/api/v1/inventory/low-stock?limit=200")).body.items.map((l: any) => l.product_id);
    expect(await lowIds()).not.toContain(product.id);
    await adjust(product.id, -5, "damage");
    expect(await lowIds()).toContain(product.id);
    const moves = await manager.get(`/api/v1/inventory/movements?product_id=${product.id}`);
    expect(moves.body.items.map((m: any) => m.kind)).toEqual(["damage", "receive"]);
  });
});
