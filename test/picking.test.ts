// Pick & pack through the HTTP door: pick lists walked by bin, picks checked against the list, short picks,
// parcels and the shipment, with the stock they leave behind.
import { beforeAll, describe, expect, it } from "vitest";
import { InventoryEventFrame, OrderEventFrame } from "../src/rooms/frames";
import {
  type ApiClient,
  actingAs,
  customerUser,
  expectLedgerAgrees,
  makeOrder,
  makeProduct,
  seedUser,
  tokenFor,
} from "./helpers";
import { join } from "./ws";

let manager: ApiClient;
let managerToken: string;
beforeAll(async () => {
  managerToken = await tokenFor(await seedUser("manager"));
  manager = actingAs(managerToken);
});

const newLocation = async (name = "Warehouse"): Promise<string> =>
  (await manager.post("/api/v1/inventory/locations", { name, kind: "warehouse" })).body.id;

/** A product with `quantity` received at the location, sitting in `bin` there. */
async function stocked(
  locationId: string,
  quantity: number,
  bin: string | null,
  extra: Record<string, unknown> = {},
) {
  const product = await makeProduct(manager, extra);
  const received = await manager.post("/api/v1/inventory/adjustments", {
    product_id: product.id,
    location_id: locationId,
    delta: quantity,
    kind: "receive",
  });
  expect(received.status).toBe(201);
  if (bin !== null) {
    const placed = await manager.put(`/api/v1/inventory/levels/${product.id}/${locationId}/bin`, { bin });
    expect(placed.status).toBe(200);
  }
  return product;
}

/** A sale whose lines are all held: it goes straight to picking. */
async function sale(lines: [product: Record<string, any>, quantity: number][]) {
  const order = await makeOrder(manager, {
    kind: "sale",
    merchant: undefined,
    lines: lines.map(([p, quantity]) => ({ sku: p.sku, name: p.name, quantity, unit_price: 1000 })),
  });
  expect(order.status).toBe("picking");
  return order;
}

/** The one pick list made for these orders. */
async function listFor(...orders: Record<string, any>[]) {
  const made = await manager.post("/api/v1/pick-lists", { order_ids: orders.map((o) => o.id) });
  expect(made.status).toBe(201);
  expect(made.body.items).toHaveLength(1);
  return made.body.items[0];
}

const pick = (listId: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  manager.post(`/api/v1/pick-lists/${listId}/picks`, body, headers);
const level = async (productId: string, locationId: string) =>
  (await manager.get(`/api/v1/inventory/levels/${productId}/${locationId}`)).body;

describe("pick lists", () => {
  it("a pick list groups lines of orders in picking by location and sorts them by bin", async () => {
    const north = await newLocation("North");
    const south = await newLocation("South");
    const b01 = await stocked(north, 5, "B-01");
    const a02 = await stocked(north, 5, "A-02");
    const noBin = await stocked(north, 5, null);
    const a01 = await stocked(north, 5, "A-01");
    const there = await stocked(south, 5, "Z-9");
    const first = await sale([
      [b01, 1],
      [there, 2],
    ]);
    const second = await sale([
      [noBin, 1],
      [a02, 1],
      [a01, 3],
    ]);

    const made = await manager.post("/api/v1/pick-lists", { order_ids: [first.id, second.id] });
    expect(made.status).toBe(201);
    const byLocation = Object.fromEntries(made.body.items.map((l: any) => [l.location_id, l]));
    expect(Object.keys(byLocation).sort()).toEqual([north, south].sort());
    const walk = byLocation[north];
    expect(walk.lines.map((l: any) => [l.position, l.sku, l.bin])).toEqual([
      [1, a01.sku, "A-01"],
      [2, a02.sku, "A-02"],
      [3, b01.sku, "B-01"],
      [4, noBin.sku, null],
    ]);
    expect(walk.lines[0]).toMatchObject({
      order_id: second.id,
      order_number: second.number,
      order_line_id: second.lines[2].id,
      product_id: a01.id,
      name: a01.name,
      quantity: 3,
      picked: 0,
      short_quantity: null,
      short_reason: null,
      done: false,
    });
    expect(walk).toMatchObject({
      status: "open",
      picker_id: null,
      counts: { lines: 4, done: 0, short: 0 },
      next: walk.lines[0],
    });
    expect(byLocation[south].lines.map((l: any) => [l.sku, l.quantity, l.order_id])).toEqual([
      [there.sku, 2, first.id],
    ]);

    // Every line is on a list now: asking again makes none.
    const again = await manager.post("/api/v1/pick-lists", { location_id: north });
    expect(again.status).toBe(200);
    expect(again.body.items).toEqual([]);
    const listed = (await manager.get(`/api/v1/pick-lists?location_id=${north}&status=open`)).body;
    expect(listed.items.map((l: any) => [l.id, l.counts])).toEqual([
      [walk.id, { lines: 4, done: 0, short: 0 }],
    ]);
  });

  it("calls at once never put a line on two lists, and each list is numbered 1..n", async () => {
    const here = await newLocation();
    const p = await stocked(here, 20, "A-1");
    const q = await stocked(here, 20, "A-2");
    const orders = [await sale([[p, 1]]), await sale([[q, 2]]), await sale([[p, 3]])];
    const [o1, o2, o3] = orders.map((o) => o.id);
    // Overlapping asks: whichever batch runs later finds some of its lines taken.
    const results = await Promise.all([
      manager.post("/api/v1/pick-lists", { order_ids: [o1] }),
      manager.post("/api/v1/pick-lists", { order_ids: [o1, o2, o3] }),
      manager.post("/api/v1/pick-lists", { location_id: here }),
    ]);
    const lists = results.flatMap((r) => r.body.items);
    const lines = lists.flatMap((l: any) => l.lines);
    expect(lines.map((l: any) => l.order_line_id).sort()).toEqual(orders.map((o) => o.lines[0].id).sort());
    for (const list of lists) {
      expect(list.lines.map((l: any) => l.position)).toEqual(
        list.lines.map((_: unknown, i: number) => i + 1),
      );
    }
    const open = (await manager.get(`/api/v1/pick-lists?location_id=${here}`)).body.items;
    expect(open.map((l: any) => l.id).sort()).toEqual(lists.map((l: any) => l.id).sort());
  });

  it("a named order that is not picking is refused, naming it and its status", async () => {
    const purchase = await makeOrder(manager);
    const res = await manager.post("/api/v1/pick-lists", { order_ids: [purchase.id] });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain(`${purchase.number} is placed`);
    expect(res.body.orders).toEqual([{ id: purchase.id, number: purchase.number, status: "placed" }]);
    expect((await manager.post("/api/v1/pick-lists", { order_ids: ["nope"] })).status).toBe(404);
  });

  it("is for the shop: a customer is refused", async () => {
    const { api } = await customerUser("Curious Co");
    expect((await api.get("/api/v1/pick-lists")).status).toBe(403);
    expect((await api.post("/api/v1/pick-lists", {})).status).toBe(403);
  });
});

describe("picking", () => {
  it("a wrong scan during picking is refused with 422 and never changes stock nor the pick list", async () => {
    const here = await newLocation();
    const mug = await stocked(here, 5, "A-03-2");
    const stray = await stocked(here, 5, "Q-1");
    const order = await sale([[mug, 2]]);
    const list = await listFor(order);
    const before = {
      list: (await manager.get(`/api/v1/pick-lists/${list.id}`)).body,
      mug: await level(mug.id, here),
      stray: await level(stray.id, here),
      movements: (await manager.get(`/api/v1/inventory/movements?location_id=${here}`)).body,
    };

    const wrong = await pick(list.id, { product_id: stray.id });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({
      type: "/problems/wrong-item",
      detail: `${stray.sku} (${stray.name}) is not on this pick list; the next item is ${mug.sku} at bin A-03-2.`,
      next: { sku: mug.sku, bin: "A-03-2" },
    });
    const tooMany = await pick(list.id, { product_id: mug.id, quantity: 3 });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.detail).toContain(`At most 2 of ${mug.sku} (${mug.name}) are left to pick`);
    const scanned = (code: string) =>
      manager.post("/api/v1/scans", { code, pick_list_id: list.id, action: "pick" });
    const unknown = await scanned("NO-SUCH-CODE");
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('"NO-SUCH-CODE"');
    const strayScan = await scanned(stray.sku);
    expect(strayScan.status).toBe(422);
    expect(strayScan.body.detail).toContain(`${stray.sku} (${stray.name}) is not on this pick list`);
    expect((await pick(list.id, { product_id: mug.id, code: mug.sku })).status).toBe(400);

    expect((await manager.get(`/api/v1/pick-lists/${list.id}`)).body).toEqual(before.list);
    expect(await level(mug.id, here)).toEqual(before.mug);
    expect(await level(stray.id, here)).toEqual(before.stray);
    expect((await manager.get(`/api/v1/inventory/movements?location_id=${here}`)).body).toEqual(
      before.movements,
    );
  });

  it("a repeated scan (same scan_id) does not pick twice", async () => {
    const here = await newLocation();
    const barcode = `PCK-${crypto.randomUUID().slice(0, 8)}`;
    const p = await stocked(here, 5, "C-1", { barcodes: [{ barcode, kind: "internal" }] });
    const list = await listFor(await sale([[p, 3]]));

    const scan = (scan_id: string) =>
      manager.post("/api/v1/scans", { code: barcode, pick_list_id: list.id, action: "pick", scan_id });
    const first = await scan("scan-1");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      target: { kind: "product", id: p.id, via: "barcode" },
      action: "pick",
    });
    expect(first.body.result.pick_list.lines[0]).toMatchObject({ picked: 1, done: false });
    const repeat = await scan("scan-1");
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    // So does a repeat under an Idempotency-Key; another read of the same code picks again.
    const keyed = await pick(list.id, { product_id: p.id }, { "idempotency-key": "pick-k1" });
    const keyedAgain = await pick(list.id, { product_id: p.id }, { "idempotency-key": "pick-k1" });
    expect(keyedAgain.headers.get("idempotent-replayed")).toBe("true");
    expect(keyedAgain.body).toEqual(keyed.body);
    const after = (await manager.get(`/api/v1/pick-lists/${list.id}`)).body;
    expect(after.lines[0].picked).toBe(2);
    expect(after.picker_id).toEqual(expect.any(String));
  });

  it("concurrent picks never over-pick", async () => {
    const here = await newLocation();
    const p = await stocked(here, 10, "D-1");
    const list = await listFor(await sale([[p, 3]]));
    const results = await Promise.all(Array.from({ length: 6 }, () => pick(list.id, { product_id: p.id })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    for (const s of statuses.filter((s) => s !== 200)) expect([409, 422]).toContain(s);
    const after = (await manager.get(`/api/v1/pick-lists/${list.id}`)).body;
    expect(after.lines[0]).toMatchObject({ quantity: 3, picked: 3, done: true });
    expect(after).toMatchObject({ status: "picked", next: null, counts: { lines: 1, done: 1, short: 0 } });
  });

  it("rejoining (reading the list again, as a dropped device does) shows next exactly where the picker was", async () => {
    const here = await newLocation();
    const a = await stocked(here, 5, "A-1");
    const b = await stocked(here, 5, "B-1");
    const c = await stocked(here, 5, "C-1");
    const list = await listFor(
      await sale([
        [c, 1],
        [a, 2],
        [b, 1],
      ]),
    );
    const rejoin = async () => (await manager.get(`/api/v1/pick-lists/${list.id}`)).body;

    const once = await pick(list.id, { product_id: a.id });
    const dropped = await rejoin();
    expect(dropped.next).toEqual(once.body.next);
    expect(dropped.next).toMatchObject({ position: 1, sku: a.sku, picked: 1, quantity: 2 });
    await pick(list.id, { product_id: a.id });
    const last = await pick(list.id, { product_id: b.id });
    const rejoined = await rejoin();
    expect(rejoined.next).toEqual(last.body.next);
    expect(rejoined.next).toMatchObject({ position: 3, sku: c.sku, picked: 0 });
    expect(rejoined.counts).toEqual({ lines: 3, done: 2, short: 0 });
  });

  it("a short pick records the reason and puts the order under_risk with that reason", async () => {
    const here = await newLocation();
    const gone = await stocked(here, 5, "E-1");
    const fine = await stocked(here, 5, "E-2");
    const order = await sale([
      [gone, 2],
      [fine, 1],
    ]);
    const list = await listFor(order);
    await pick(list.id, { product_id: gone.id });
    const before = await level(gone.id, here);

    const line = list.lines[0];
    const orderRoom = await join(`/api/v1/orders/${order.id}/room`, managerToken);
    const floor = await join(`/api/v1/inventory/locations/${here}/room`, managerToken);
    await orderRoom.next("welcome");
    await floor.next("welcome");
    expect(
      (await manager.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, { found: 2, reason: "x" }))
        .status,
    ).toBe(400);
    const short = await manager.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, {
      found: 1,
      reason: "Bin empty",
    });
    expect(short.status).toBe(200);
    expect(short.body.lines[0]).toMatchObject({
      picked: 1,
      short_quantity: 1,
      short_reason: "Bin empty",
      done: true,
    });
    // The order left picking, so its other line leaves the list too.
    expect(short.body.lines[1]).toMatchObject({ sku: fine.sku, picked: 0, done: true });
    expect(short.body).toMatchObject({
      status: "picked",
      next: null,
      counts: { lines: 2, done: 2, short: 1 },
    });

    expect((await manager.get(`/api/v1/orders/${order.id}`)).body.status).toBe("under_risk");
    const events = (await manager.get(`/api/v1/orders/${order.id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({
      type: "status",
      from_status: "picking",
      to_status: "under_risk",
      source: "staff",
      details: { reason: "Bin empty", note: "Bin empty", pick_list_id: list.id, sku: gone.sku, missing: 1 },
    });
    // Both rooms hear of it, in the frames the protocol document describes.
    const heard = await floor.until((f) => f.event?.type === "short_pick");
    expect(InventoryEventFrame.parse(heard).event).toMatchObject({
      line_id: line.id,
      found: 1,
      missing: 1,
      reason: "Bin empty",
    });
    const told = await orderRoom.until((f) => f.event?.type === "short_pick");
    expect(OrderEventFrame.parse(told).event).toMatchObject({ order_id: order.id, missing: 1 });
    expect((await orderRoom.until((f) => f.event?.type === "status")).event).toMatchObject({
      to: "under_risk",
    });
    orderRoom.close();
    floor.close();
    // Stock is left to a count: the reservation and the level stand.
    expect(await level(gone.id, here)).toEqual(before);
    expect(
      (
        await manager.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, {
          found: 0,
          reason: "again",
        })
      ).status,
    ).toBe(409);
  });
});

describe("packing and shipping", () => {
  it("packing before everything is picked is refused; shipping before packing is refused", async () => {
    const here = await newLocation();
    const a = await stocked(here, 5, "F-1");
    const b = await stocked(here, 5, "F-2");
    const order = await sale([
      [a, 2],
      [b, 1],
    ]);
    const list = await listFor(order);
    await pick(list.id, { product_id: a.id, quantity: 2 });

    const early = await manager.post(`/api/v1/orders/${order.id}/parcels`, { weight_grams: 900 });
    expect(early.status).toBe(409);
    expect(early.body.unpicked).toEqual([{ line_no: 2, sku: b.sku, quantity: 1, picked: 0 }]);
    const unpacked = await manager.post(`/api/v1/orders/${order.id}/shipment`, {
      carrier: "DPD",
      tracking_number: "1",
    });
    expect(unpacked.status).toBe(409);
    expect(unpacked.body.detail).toMatch(/pack it first/i);
    expect((await manager.get(`/api/v1/orders/${order.id}/parcels`)).body.items).toEqual([]);
    expect((await manager.get(`/api/v1/orders/${order.id}`)).body.status).toBe("picking");
  });

  it("shipping a packed order leaves reserved at zero and on_hand reduced by exactly the shipped quantities", async () => {
    const here = await newLocation();
    const a = await stocked(here, 10, "G-1");
    const b = await stocked(here, 5, "G-2");
    const order = await sale([
      [a, 3],
      [b, 2],
    ]);
    expect(await level(a.id, here)).toMatchObject({ on_hand: 10, reserved: 3 });
    const list = await listFor(order);
    await pick(list.id, { product_id: a.id, quantity: 3 });
    const done = await pick(list.id, { product_id: b.id, quantity: 2 });
    expect(done.body.status).toBe("picked");

    const parcel = await manager.post(`/api/v1/orders/${order.id}/parcels`, {
      weight_grams: 1200,
      length_mm: 300,
      width_mm: 200,
      height_mm: 100,
    });
    expect(parcel.status).toBe(201);
    expect(parcel.body).toMatchObject({ order_id: order.id, weight_grams: 1200, height_mm: 100 });
    expect((await manager.get(`/api/v1/orders/${order.id}/parcels`)).body.items).toEqual([parcel.body]);

    const shipment = { carrier: "DHL", tracking_number: "JD0001", tracking_url: "https://track.test/JD0001" };
    const shipped = await manager.post(`/api/v1/orders/${order.id}/shipment`, shipment, {
      "idempotency-key": "ship-1",
    });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({
      status: "shipped",
      tracking: { carrier: "DHL", number: "JD0001", url: "https://track.test/JD0001" },
    });
    const replayed = await manager.post(`/api/v1/orders/${order.id}/shipment`, shipment, {
      "idempotency-key": "ship-1",
    });
    expect(replayed.body).toEqual(shipped.body);

    expect(await level(a.id, here)).toMatchObject({ on_hand: 7, reserved: 0, available: 7 });
    expect(await level(b.id, here)).toMatchObject({ on_hand: 3, reserved: 0, available: 3 });
    for (const [p, quantity] of [
      [a, 3],
      [b, 2],
    ] as const) {
      const moved = (await manager.get(`/api/v1/inventory/movements?product_id=${p.id}`)).body.items;
      expect(moved.map((m: any) => [m.kind, m.quantity, m.reserved_delta, m.reference_id])).toEqual([
        ["sale", -quantity, -quantity, order.id],
        ["reserve", 0, quantity, order.id],
        ["receive", quantity === 3 ? 10 : 5, 0, null],
      ]);
      await expectLedgerAgrees(p.id);
    }
    const events = (await manager.get(`/api/v1/orders/${order.id}/events`)).body.items;
    expect(events.map((e: any) => [e.type, e.to_status])).toEqual([
      ["created", "placed"],
      ["status", "picking"],
      ["packed", null],
      ["status", "shipped"],
    ]);
  });
});
