import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { actingAs, bearer, call, makeOrder, problemOf, seedUser, tokenFor } from "./helpers";
import { join } from "./ws";

describe("order rooms", () => {
  it("two members see each other's messages, and one who joins after eviction still gets the history", async () => {
    const alice = await seedUser("staff");
    const orderId = (await makeOrder(actingAs(await tokenFor(alice)))).id;
    const path = `/api/v1/orders/${orderId}/room`;
    const bob = await seedUser("manager");
    const carol = await seedUser("admin");

    const a = await join(path, await tokenFor(alice));
    expect((await a.next("welcome")).history).toEqual([]);
    const b = await join(path, await tokenFor(bob));
    const bWelcome = await b.next("welcome");
    expect(bWelcome.present.map((m: { id: string }) => m.id).sort()).toEqual([alice.id, bob.id].sort());
    expect((await a.next("presence")).joined.map((m: { id: string }) => m.id)).toEqual([bob.id]);

    a.send({ type: "message", body: "Parcel is packed" });
    const atB = await b.next("message");
    expect(atB.message).toMatchObject({ body: "Parcel is packed", author: { id: alice.id } });
    expect((await a.next("message")).message.id).toBe(atB.message.id);

    b.send({ type: "message", body: "Thanks, shipping today" });
    expect((await a.next("message")).message.body).toBe("Thanks, shipping today");
    await b.next("message");

    // Tear the object down; its sockets hibernate and its memory is gone.
    await evictDurableObject(env.ORDER_ROOM.getByName(orderId));

    const c = await join(path, await tokenFor(carol));
    const history = (await c.next("welcome")).history as { body: string; author: { id: string } }[];
    expect(history.map((m) => [m.author.id, m.body])).toEqual([
      [alice.id, "Parcel is packed"],
      [bob.id, "Thanks, shipping today"],
    ]);

    // The hibernated sockets still work after eviction.
    a.send({ type: "message", body: "After the restart" });
    expect((await c.next("message")).message.body).toBe("After the restart");
    for (const client of [a, b, c]) client.close();
  });

  it("tells presence as changes: one joined per person however many tabs, left when their last one closes", async () => {
    const staffToken = await tokenFor(await seedUser("staff"));
    const path = `/api/v1/orders/${(await makeOrder(actingAs(staffToken))).id}/room`;
    const dana = await seedUser("manager");
    const danaToken = await tokenFor(dana);
    const watcher = await join(path, staffToken);
    await watcher.next("welcome");
    const tab1 = await join(path, danaToken);
    expect((await tab1.next("welcome")).present).toHaveLength(2);
    expect(await watcher.next("presence")).toEqual({
      type: "presence",
      joined: [{ id: dana.id, name: expect.any(String), role: "manager" }],
      left: [],
    });
    const tab2 = await join(path, danaToken);
    expect((await tab2.next("welcome")).present).toHaveLength(2);
    tab1.close();
    // Dana is still here in her second tab: the next change the watcher hears is someone else joining.
    const erin = await seedUser("staff");
    const probe = await join(path, await tokenFor(erin));
    await probe.next("welcome");
    expect(await watcher.next("presence")).toMatchObject({ joined: [{ id: erin.id }], left: [] });
    tab2.close();
    expect(await watcher.next("presence")).toMatchObject({ joined: [], left: [{ id: dana.id }] });
    // A crowd arriving together is told in one frame; someone who came and went within it, as gone.
    const crowd = await Promise.all([1, 2, 3].map(async () => seedUser("staff")));
    const tokens = await Promise.all(crowd.map((u) => tokenFor(u)));
    const sockets = await Promise.all(tokens.map((t) => join(path, t)));
    sockets[0]?.close();
    const told = new Map<string, string>();
    while (told.size < 3) {
      const frame = await watcher.next("presence");
      for (const m of frame.joined) told.set(m.id, "joined");
      for (const m of frame.left) told.set(m.id, "left");
    }
    expect(crowd.map((u) => told.get(u.id))).toEqual(["left", "joined", "joined"]);
    for (const client of [probe, watcher, ...sockets]) client.close();
  });

  it("refuses an empty or oversized message with an error frame and stores nothing", async () => {
    const staffToken = await tokenFor(await seedUser("staff"));
    const path = `/api/v1/orders/${(await makeOrder(actingAs(staffToken))).id}/room`;
    const a = await join(path, staffToken);
    await a.next("welcome");
    a.send({ type: "message", body: "" });
    expect((await a.next("error")).code).toBe("bad-message");
    a.send({ type: "message", body: "x".repeat(4001) });
    expect((await a.next("error")).detail).toMatch(/4000/);
    a.ws.send("not json at all");
    expect((await a.next("error")).code).toBe("bad-frame");
    a.send("a JSON string, not an object");
    expect((await a.next("error")).code).toBe("bad-frame");
    const again = await join(path, await tokenFor(await seedUser("staff")));
    expect((await again.next("welcome")).history).toEqual([]);
    a.close();
    again.close();
  });

  it("refuses a join without a valid token at the door", async () => {
    const path = `/api/v1/orders/${crypto.randomUUID()}/room`;
    const anonymous = await call(path, { headers: { upgrade: "websocket" } });
    expect(anonymous.status).toBe(401);
    await problemOf(anonymous);
    const forged = await call(`${path}?access_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.`, {
      headers: { upgrade: "websocket" },
    });
    expect(forged.status).toBe(401);
  });

  it("answers 400 to a plain GET on the room", async () => {
    const token = await tokenFor(await seedUser("staff"));
    const order = await makeOrder(actingAs(token));
    const res = await call(`/api/v1/orders/${order.id}/room`, { headers: bearer(token) });
    expect(res.status).toBe(400);
    const missing = await call(`/api/v1/orders/${crypto.randomUUID()}/room`, {
      headers: { ...bearer(token), upgrade: "websocket" },
    });
    expect(missing.status).toBe(404);
  });
});
