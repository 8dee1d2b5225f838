// A location's room: every movement there, whoever wrote it, numbered to resume by; who may join.
import { describe, expect, it } from "vitest";
import { call, makeOrder, makeProduct, seedUser, stockroom, tokenFor } from "./helpers";
import { join } from "./ws";

const roomOf = (location: string) => `/api/v1/inventory/locations/${location}/room`;

describe("a stock location's room", () => {
  it("pushes each movement with its seq and the level after it", async () => {
    const { manager, shop, stock } = await stockroom();
    const product = await makeProduct(manager);
    const token = await tokenFor(await seedUser("staff"));
    const client = await join(roomOf(shop), token);
    const welcome = await client.next("welcome");
    expect(welcome).toMatchObject({ head: 0, gap: false, oldest: null });

    await stock(product.id, 7);
    const frame = await client.next("movement");
    expect(frame).toMatchObject({
      seq: 1,
      movement: { kind: "receive", quantity: 7, product_id: product.id, location_id: shop, seq: 1 },
      level: { on_hand: 7, reserved: 0, available: 7, version: 1 },
    });
    client.close();
  });

  it("a client resuming from its last seq receives exactly the movements it missed, then live ones", async () => {
    const { manager, shop, stock } = await stockroom();
    const [a, b] = [await makeProduct(manager), await makeProduct(manager)];
    await stock(a.id, 10);
    const token = await tokenFor(await seedUser("staff"));
    const first = await join(roomOf(shop), token);
    const { head } = await first.next("welcome");
    expect(head).toBe(1);
    first.close();

    await stock(b.id, 4);
    await manager.post("/api/v1/inventory/adjustments", {
      product_id: a.id,
      location_id: shop,
      delta: -3,
      kind: "damage",
    });
    await manager.post("/api/v1/inventory/reservations", {
      product_id: b.id,
      location_id: shop,
      quantity: 2,
    });

    const back = await join(`${roomOf(shop)}?after=${head}`, token);
    expect(await back.next("welcome")).toMatchObject({ head: 4, gap: false });
    const missed = [await back.next("movement"), await back.next("movement"), await back.next("movement")];
    expect(missed.map((f) => [f.seq, f.movement.kind, f.level.available])).toEqual([
      [2, "receive", 4],
      [3, "damage", 7],
      [4, "reserve", 2],
    ]);
    // No more than that: the next frame is the next movement written, live.
    await stock(a.id, 1);
    expect((await back.next("movement")).seq).toBe(5);
    // Asking for a seq the location never reached is a gap: reload over REST.
    const ahead = await join(`${roomOf(shop)}?after=99`, token);
    expect(await ahead.next("welcome")).toMatchObject({ gap: true, head: 5 });
    for (const c of [back, ahead]) c.close();
  });

  it("a reservation made by an order, and its release on cancelling, appear in the location's room", async () => {
    const { manager, shop, stock } = await stockroom();
    const product = await makeProduct(manager);
    await stock(product.id, 5);
    const client = await join(roomOf(shop), await tokenFor(await seedUser("staff")));
    // The receipt was written before the join: it is in the welcome's head, not sent.
    expect((await client.next("welcome")).head).toBe(1);
    const order = await makeOrder(manager, {
      kind: "sale",
      merchant: undefined,
      lines: [{ sku: product.sku, name: product.name, quantity: 2, unit_price: 1000 }],
    });
    const reserved = await client.next("movement");
    expect(reserved).toMatchObject({
      movement: { kind: "reserve", reserved_delta: 2, reference_id: order.id },
      level: { on_hand: 5, reserved: 2, available: 3 },
    });
    expect((await manager.post(`/api/v1/orders/${order.id}/transitions`, { to: "cancelled" })).status).toBe(
      200,
    );
    expect(await client.next("movement")).toMatchObject({
      seq: reserved.seq + 1,
      movement: { kind: "release", reserved_delta: -2 },
      level: { reserved: 0, available: 5 },
    });
    client.close();
  });

  it("only those who may read stock join, and only rooms of locations that exist", async () => {
    const { shop } = await stockroom();
    const customer = await tokenFor(await seedUser("customer"));
    const upgrade = { headers: { upgrade: "websocket" } };
    const asCustomer = await call(`${roomOf(shop)}?access_token=${customer}`, upgrade);
    expect(asCustomer.status).toBe(404);
    expect(asCustomer.headers.get("content-type")).toContain("application/problem+json");
    const staff = await tokenFor(await seedUser("staff"));
    expect((await call(`${roomOf("no-such-location")}?access_token=${staff}`, upgrade)).status).toBe(404);
    // A token signed with someone else's key.
    const [head, payload] = staff.split(".");
    const forged = `${head}.${payload}.${"A".repeat(43)}`;
    expect((await call(`${roomOf(shop)}?access_token=${forged}`, upgrade)).status).toBe(401);
  });

  it("presence says what each person is working on", async () => {
    const { shop } = await stockroom();
    const ana = await seedUser("staff");
    const a = await join(roomOf(shop), await tokenFor(ana));
    await a.next("welcome");
    a.send({ type: "focus", shelf: "A-03", product_id: null });
    expect(await a.next("working")).toEqual({
      type: "working",
      member_id: ana.id,
      focus: { shelf: "A-03", product_id: null },
    });
    const b = await join(roomOf(shop), await tokenFor(await seedUser("staff")));
    const welcome = await b.next("welcome");
    expect(welcome.working).toEqual([{ member_id: ana.id, focus: { shelf: "A-03", product_id: null } }]);
    a.send({ type: "focus", shelf: 7 });
    expect((await a.next("error")).code).toBe("bad-frame");
    for (const c of [a, b]) c.close();
  });
});
