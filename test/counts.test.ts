// Counting a location together through its count's room, and posting what was counted.
import { describe, expect, it } from "vitest";
import { actingAs, expectLedgerAgrees, makeProduct, seedUser, stockroom, tokenFor } from "./helpers";
import { type Client, join } from "./ws";

const countRoomOf = (id: string) => `/api/v1/inventory/count-sessions/${id}/room`;

/** Sends a change with an op and waits for the room's word on it (the line, or a refusal). */
const ack = (client: Client, op: string) => client.until((f) => f.op === op);

async function counter(role: "staff" | "manager" = "staff") {
  const user = await seedUser(role);
  const token = await tokenFor(user);
  return { user, token, api: actingAs(token) };
}

describe("counting a location", () => {
  it("twenty clients scanning and typing at once end with levels equal to the counts entered and to the movements", async () => {
    const { manager, shop, stock, level } = await stockroom();
    const products: Record<string, any>[] = [];
    for (let i = 0; i < 6; i++) {
      const p = await makeProduct(manager);
      await stock(p.id, 10 + i);
      products.push(p);
    }
    const opened = await manager.post("/api/v1/inventory/count-sessions", { location_id: shop });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: "open", lines: 6 });
    const session = opened.body.id as string;

    // Five counters with four sockets each: counters 0-3 scan products 0-3 (+1 per scan, all four sockets of
    // one counter on the same product at once); counter 4 types counts of products 4 and 5.
    const people = await Promise.all([0, 1, 2, 3, 4].map(() => counter()));
    const clients: Client[][] = [];
    for (const person of people) {
      const sockets: Client[] = [];
      for (let s = 0; s < 4; s++) sockets.push(await join(countRoomOf(session), person.token));
      for (const socket of sockets) expect((await socket.next("welcome")).lines).toHaveLength(6);
      clients.push(sockets);
    }
    const scansPerSocket = (k: number) => 3 + k;
    const work: Promise<unknown>[] = [];
    for (let k = 0; k < 4; k++) {
      const sku = products[k]?.sku as string;
      clients[k]?.forEach((socket, s) => {
        // Counter 0's first socket drops after three scans; it comes back below.
        const sent = k === 0 && s === 0 ? 3 : scansPerSocket(k);
        for (let i = 0; i < sent; i++) socket.send({ type: "scan", code: sku, op: `${s}-${i}` });
        work.push(Promise.all(Array.from({ length: sent }, (_, i) => ack(socket, `${s}-${i}`))));
      });
    }
    const typist = clients[4] as Client[];
    typist[0]?.send({ type: "count", product_id: products[4]?.id, counted: 17, op: "typed-4" });
    typist[1]?.send({ type: "count", product_id: products[5]?.id, counted: 0, op: "typed-5" });
    work.push(ack(typist[0] as Client, "typed-4"), ack(typist[1] as Client, "typed-5"));
    await Promise.all(work);

    // The dropped socket reconnects and sends all its scans again, not knowing which were applied.
    clients[0]?.[0]?.close();
    const back = await join(countRoomOf(session), people[0]?.token as string);
    const rejoined = await back.next("welcome");
    expect(rejoined.lines.find((l: any) => l.product_id === products[0]?.id)).toMatchObject({
      counted: 3 * scansPerSocket(0) + 3,
      claimed_by: { id: people[0]?.user.id },
    });
    for (let i = 0; i < scansPerSocket(0); i++)
      back.send({ type: "scan", code: products[0]?.sku, op: `0-${i}` });
    await Promise.all(Array.from({ length: scansPerSocket(0) }, (_, i) => ack(back, `0-${i}`)));

    const expected = [0, 1, 2, 3].map((k) => 4 * scansPerSocket(k)).concat([17, 0]);
    const review = await manager.get(`/api/v1/inventory/count-sessions/${session}`);
    expect(review.body.lines.map((l: any) => [l.product_id, l.counted])).toEqual(
      products.map((p, i) => [p.id, expected[i]]),
    );
    expect(review.body.totals).toMatchObject({ lines: 6, to_count: 0, posted: 0 });
    expect(review.body.totals.difference_units).toBe(expected.reduce((sum, n, i) => sum + n - (10 + i), 0));

    const posted = await manager.post(`/api/v1/inventory/count-sessions/${session}/post`);
    expect(posted.status).toBe(200);
    expect(posted.body.session.status).toBe("posted");
    expect(posted.body.recount).toEqual([]);
    expect(posted.body.posted).toHaveLength(6);
    for (const [i, p] of products.entries()) {
      expect((await level(p.id)).on_hand).toBe(expected[i]);
      await expectLedgerAgrees(p.id);
    }
    // Everyone counting hears the lines posted and the count closed.
    await back.until((f) => f.type === "count" && f.session.status === "posted");
    for (const socket of [...clients.flat(), back]) socket.close();
  });

  it("a product someone holds is refused to others; an op sent twice counts once; unknown codes are named", async () => {
    const { manager, shop, stock } = await stockroom();
    const [mug, cup] = [await makeProduct(manager), await makeProduct(manager)];
    await stock(mug.id, 2);
    await manager.put(`/api/v1/inventory/levels/${mug.id}/${shop}/bin`, { bin: "A-03-1" });
    const shelf = await manager.post("/api/v1/inventory/count-sessions", {
      location_id: shop,
      shelf: "A-03",
    });
    expect(shelf.body.lines).toBe(1);
    const [ana, bob] = [await counter(), await counter()];
    const a = await join(countRoomOf(shelf.body.id), ana.token);
    const b = await join(countRoomOf(shelf.body.id), bob.token);
    await a.next("welcome");
    await b.next("welcome");
    a.send({ type: "claim", product_id: mug.id });
    const claimed = await b.until((f) => f.type === "line" && f.line.status === "claimed");
    expect(claimed.line.claimed_by.id).toBe(ana.user.id);
    b.send({ type: "scan", code: mug.sku, op: "b1" });
    const refused = await ack(b, "b1");
    expect(refused).toMatchObject({ type: "error", code: "refused" });
    expect(refused.detail).toContain("is being counted by");
    a.send({ type: "scan", code: mug.sku, op: "a1" });
    a.send({ type: "scan", code: mug.sku, op: "a1" });
    a.send({ type: "scan", code: cup.sku, op: "a2" });
    expect((await ack(a, "a1")).line.counted).toBe(1);
    expect((await ack(a, "a1")).line.counted).toBe(1);
    expect(await ack(a, "a2")).toMatchObject({
      code: "refused",
      detail: `No product of this count has the code ${cup.sku}.`,
    });

    // A count of the whole location takes a product found there that it did not list.
    const all = await manager.post("/api/v1/inventory/count-sessions", { location_id: shop });
    const c = await join(countRoomOf(all.body.id), ana.token);
    expect((await c.next("welcome")).lines).toHaveLength(1);
    c.send({ type: "scan", code: cup.sku, op: "found" });
    expect((await ack(c, "found")).line).toMatchObject({ product_id: cup.id, expected: 0, counted: 1 });
    c.send({ type: "scan", code: "NO-SUCH-CODE", op: "nothing" });
    expect((await ack(c, "nothing")).detail).toBe("No product has the code NO-SUCH-CODE.");
    for (const client of [a, b, c]) client.close();
  });

  it("a line whose level moved after it was counted is not posted but counted again; the rest is posted", async () => {
    const { manager, shop, stock, level } = await stockroom();
    const [mug, cup] = [await makeProduct(manager), await makeProduct(manager)];
    await stock(mug.id, 5);
    await stock(cup.id, 5);
    const session = (await manager.post("/api/v1/inventory/count-sessions", { location_id: shop })).body.id;
    const ana = await counter();
    const typed = (product: string, counted: number) =>
      ana.api.put(`/api/v1/inventory/count-sessions/${session}/lines/${product}`, { counted });
    expect((await typed(mug.id, 4)).body).toMatchObject({ counted: 4, difference: -1, value_minor: -1000 });
    expect((await typed(cup.id, 6)).status).toBe(200);
    // Meanwhile a reservation moves the mug's level.
    await manager.post("/api/v1/inventory/reservations", {
      product_id: mug.id,
      location_id: shop,
      quantity: 1,
    });

    const staffTry = await ana.api.post(`/api/v1/inventory/count-sessions/${session}/post`);
    expect(staffTry.status).toBe(403);
    const first = await manager.post(`/api/v1/inventory/count-sessions/${session}/post`);
    expect(first.status).toBe(200);
    expect(first.body.session.status).toBe("open");
    expect(first.body.posted.map((m: any) => m.product_id)).toEqual([cup.id]);
    expect(first.body.recount).toEqual([{ product_id: mug.id, version_seen: 1, version_now: 2 }]);
    expect((await level(cup.id)).on_hand).toBe(6);
    expect((await level(mug.id)).on_hand).toBe(5);
    const review = await manager.get(`/api/v1/inventory/count-sessions/${session}`);
    expect(review.body.lines.find((l: any) => l.product_id === mug.id)).toMatchObject({
      status: "recount",
      counted: null,
    });

    expect((await typed(mug.id, 4)).body.version_seen).toBe(2);
    const second = await manager.post(`/api/v1/inventory/count-sessions/${session}/post`);
    expect(second.body.session.status).toBe("posted");
    expect(await level(mug.id)).toMatchObject({ on_hand: 4, reserved: 1 });
    expect((await typed(cup.id, 1)).status).toBe(409);
    await expectLedgerAgrees(mug.id);
  });

  it("opening a count of nothing, or of a location that does not exist, is refused and opens nothing", async () => {
    const { manager, shop } = await stockroom();
    const empty = await manager.post("/api/v1/inventory/count-sessions", { location_id: shop, shelf: "Z" });
    expect(empty.status).toBe(422);
    expect(empty.headers.get("content-type")).toContain("application/problem+json");
    expect((await manager.post("/api/v1/inventory/count-sessions", { location_id: "nowhere" })).status).toBe(
      404,
    );
    const listed = await manager.get(`/api/v1/inventory/count-sessions?location_id=${shop}`);
    expect(listed.body.items).toEqual([]);
  });
});
