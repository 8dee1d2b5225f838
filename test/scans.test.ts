// POST /scans: a code read by a person or a device, resolved to what it names, with what its context allows.
import { describe, expect, it } from "vitest";
import { gs1CheckDigit } from "../src/lib/gs1";
import { actingAs, makeOrder, makeProduct, seedUser, stockroom, tokenFor } from "./helpers";

/** A valid EAN-13 of our own (in-store prefix 2). */
const anEan = () => {
  const data = `2${String(Math.floor(Math.random() * 1e11)).padStart(11, "0")}`;
  return `${data}${gs1CheckDigit(data)}`;
};

describe("scanning", () => {
  it("resolves barcodes, SKUs, order numbers, pick lists and location and bin labels, with the actions allowed", async () => {
    const { manager, shop, stock } = await stockroom();
    const ean = anEan();
    const label = `INT-${crypto.randomUUID().slice(0, 8)}`;
    const product = await makeProduct(manager, {
      barcodes: [
        { barcode: ean, kind: "ean13" },
        { barcode: label, kind: "internal" },
      ],
    });
    await stock(product.id, 3);
    const order = await makeOrder(manager, {
      kind: "sale",
      merchant: undefined,
      lines: [{ sku: product.sku, name: product.name, quantity: 1, unit_price: 1000 }],
    });
    const [list] = (await manager.post("/api/v1/pick-lists", { order_ids: [order.id] })).body.items;
    const scan = (body: Record<string, unknown>) => manager.post("/api/v1/scans", body);

    const bySku = await scan({ code: product.sku, location_id: shop });
    expect(bySku.status).toBe(200);
    expect(bySku.body).toMatchObject({
      target: { kind: "product", id: product.id, via: "sku", label: `${product.sku} ${product.name}` },
      actions: ["look_up", "receive"],
      action: "look_up",
      result: null,
    });
    for (const code of [ean, label]) {
      expect((await scan({ code })).body.target).toMatchObject({
        kind: "product",
        id: product.id,
        via: "barcode",
      });
    }
    expect((await scan({ code: order.number })).body.target).toMatchObject({
      kind: "order",
      id: order.id,
      status: "picking",
    });
    expect((await scan({ code: list.id })).body.target).toMatchObject({
      kind: "pick_list",
      location_id: shop,
    });
    expect((await scan({ code: `LOC:${shop}` })).body.target).toMatchObject({
      kind: "location",
      id: shop,
      label: "Shop",
    });
    expect((await scan({ code: `BIN:${shop}:A-03-2` })).body.target).toMatchObject({
      kind: "bin",
      location_id: shop,
      bin: "A-03-2",
      label: "Shop bin A-03-2",
    });
    // An order cannot be counted; a product cannot be received without a location.
    const notProduct = await scan({ code: order.number, action: "receive", location_id: shop });
    expect(notProduct.status).toBe(422);
    expect(notProduct.body.detail).toBe(`${order.number} is an order; only a product can be received.`);
    const noPlace = await scan({ code: product.sku, action: "receive" });
    expect(noPlace.status).toBe(422);
    expect(noPlace.body.detail).toContain("location_id");
  });

  it("an unknown code answers 404 naming it and is still recorded", async () => {
    const staff = actingAs(await tokenFor(await seedUser("staff")));
    const code = `GHOST-${crypto.randomUUID().slice(0, 6)}`;
    const res = await staff.post("/api/v1/scans", { code, scan_id: code });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.detail).toContain(`"${code}"`);
    const again = await staff.post("/api/v1/scans", { code, scan_id: code });
    expect(again.status).toBe(404);
    const logged = (await staff.get("/api/v1/scans?outcome=unknown&limit=200")).body.items.filter(
      (s: any) => s.code === code,
    );
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ outcome: "unknown", target: null, action: "look_up" });
  });

  it("receiving by scan adds stock once per scan_id", async () => {
    const { manager, shop, level } = await stockroom();
    const product = await makeProduct(manager);
    const receive = (scan_id: string) =>
      manager.post("/api/v1/scans", {
        code: product.sku,
        location_id: shop,
        action: "receive",
        quantity: 4,
        scan_id,
      });
    const first = await receive("r-1");
    expect(first.status).toBe(200);
    expect(first.body.result.level).toMatchObject({ on_hand: 4 });
    expect((await receive("r-1")).body).toEqual(first.body);
    await receive("r-2");
    expect((await level(product.id)).on_hand).toBe(8);
    const moves = (await manager.get(`/api/v1/inventory/movements?product_id=${product.id}`)).body.items;
    expect(moves.map((m: any) => [m.kind, m.quantity, m.reference_type])).toEqual([
      ["receive", 4, "scan"],
      ["receive", 4, "scan"],
    ]);
  });

  it("a device scanning into a count adds one per read; customers may not scan", async () => {
    const { manager, shop, stock } = await stockroom();
    const product = await makeProduct(manager);
    await stock(product.id, 2);
    const session = (await manager.post("/api/v1/inventory/count-sessions", { location_id: shop })).body.id;
    const admin = actingAs(await tokenFor(await seedUser("admin")));
    const device = actingAs((await admin.post("/api/v1/devices", { name: "Stockroom gun" })).body.token);
    const reads = await Promise.all(
      [1, 2, 3].map((n) =>
        device.post("/api/v1/scans", {
          code: product.sku,
          count_session_id: session,
          action: "count",
          scan_id: `d-${n}`,
        }),
      ),
    );
    expect(reads.map((r) => r.status)).toEqual([200, 200, 200]);
    await device.post("/api/v1/scans", {
      code: product.sku,
      count_session_id: session,
      action: "count",
      scan_id: "d-1",
    });
    const review = await manager.get(`/api/v1/inventory/count-sessions/${session}`);
    expect(review.body.lines[0]).toMatchObject({
      counted: 3,
      counted_by: { name: "Stockroom gun", role: "device" },
    });
    const customer = actingAs(await tokenFor(await seedUser("customer")));
    expect((await customer.post("/api/v1/scans", { code: product.sku })).status).toBe(403);
  });
});
