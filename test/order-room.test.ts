// The order room: the customer and staff chat live, strangers are refused, REST changes arrive on the socket.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  actingAs,
  call,
  makeOrder,
  makeProduct,
  problemOf,
  seedCustomer,
  seedUser,
  tokenFor,
} from "./helpers";
import { join } from "./ws";

let managerToken: string;
let manager: ApiClient;
beforeAll(async () => {
  managerToken = await tokenFor(await seedUser("manager"));
  manager = actingAs(managerToken);
});

async function customerOrder() {
  const customerId = await seedCustomer(`Room Co ${crypto.randomUUID().slice(0, 4)}`);
  const token = await tokenFor(await seedUser("customer", { customerId }));
  const shop = (await manager.post("/api/v1/inventory/locations", { name: "Shop", kind: "shop" })).body.id;
  const p = await makeProduct(manager);
  await manager.post("/api/v1/inventory/adjustments", {
    product_id: p.id,
    location_id: shop,
    delta: 5,
    kind: "receive",
  });
  await actingAs(token).post("/api/v1/cart/lines", { product_id: p.id, quantity: 1 });
  const order = (await actingAs(token).post("/api/v1/orders/from-cart")).body;
  return { order, token };
}

describe("order rooms", () => {
  it("the customer and staff chat live; REST messages and status changes arrive on the open sockets", async () => {
    const { order, token } = await customerOrder();
    const path = `/api/v1/orders/${order.id}/room`;
    const buyer = await join(path, token);
    await buyer.next("welcome");
    const clerk = await join(path, managerToken);
    const welcome = await clerk.next("welcome");
    expect(welcome.present).toHaveLength(2);

    buyer.send({ type: "message", body: "Can you ship today?" });
    expect((await clerk.next("message")).message).toMatchObject({
      body: "Can you ship today?",
      author: { role: "customer" },
    });
    await buyer.next("message");

    const posted = await manager.post(`/api/v1/orders/${order.id}/messages`, {
      body: "Yes, this afternoon.",
    });
    expect(posted.status).toBe(201);
    expect((await buyer.next("message")).message.body).toBe("Yes, this afternoon.");

    await manager.post(`/api/v1/orders/${order.id}/transitions`, { to: "shipped" });
    const event = await buyer.next("event");
    expect(event.event).toMatchObject({ type: "status", from: "picking", to: "shipped" });

    const history = (await actingAs(token).get(`/api/v1/orders/${order.id}/messages`)).body.items.map(
      (m: any) => m.body,
    );
    expect(history).toEqual(["Can you ship today?", "Yes, this afternoon."]);
    buyer.close();
    clerk.close();
  });

  it("refuses another customer's token at the door, exactly as a missing order", async () => {
    const { order } = await customerOrder();
    const strangerId = await seedCustomer("Stranger Ltd");
    const stranger = await tokenFor(await seedUser("customer", { customerId: strangerId }));
    const knock = (orderId: string) =>
      call(`/api/v1/orders/${orderId}/room?access_token=${stranger}`, { headers: { upgrade: "websocket" } });
    const res = await knock(order.id);
    const missing = await knock(crypto.randomUUID());
    expect(res.status).toBe(404);
    expect(missing.status).toBe(404);
    const [refused, absent] = [await problemOf(res), await problemOf(missing)];
    expect({ ...refused, request_id: null }).toEqual({ ...absent, request_id: null });
    await expect(join(`/api/v1/orders/${order.id}/room`, stranger)).rejects.toThrow(/404/);
  });

  it("limits message size and rate with a clear error", async () => {
    const order = await makeOrder(manager);
    const tooLong = await manager.post(`/api/v1/orders/${order.id}/messages`, { body: "x".repeat(4001) });
    expect(tooLong.status).toBe(400);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await manager.post(`/api/v1/orders/${order.id}/messages`, { body: `m${i}` })).status);
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const room = await join(`/api/v1/orders/${order.id}/room`, managerToken);
    await room.next("welcome");
    room.send({ type: "message", body: "one more" });
    expect((await room.next("error")).code).toBe("rate-limited");
    room.close();
  });
});
