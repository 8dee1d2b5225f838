// Joining a room: the Worker checks the caller, then forwards the upgrade with the member it vouches for.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { createRouter, problems } from "../lib/openapi";
import { badRequest, forbidden } from "../lib/problem";
import { principalOf, requirePermission } from "../modules/auth/middleware";
import { assertInConversation, visibleOrder } from "../modules/orders/store";
import { MEMBER_HEADER, type Member } from "./room";

const IdParam = z.object({ id: z.string().min(1).max(64) });

const upgradeResponses = {
  101: { description: "Switching to the room's WebSocket" },
  ...problems(400, 401, 403, 404),
};

const orderRoom = createRoute({
  method: "get",
  path: "/orders/{id}/room",
  tags: ["rooms"],
  summary: "Join an order's live room: chat, presence, status (WebSocket; token as Bearer or ?access_token=)",
  description:
    "Staff, and the users of the order's customer; vendors get 403 (the chat is between the customer and the shop); anyone else gets 404 as for a missing order.",
  middleware: [requirePermission("orders", "read")] as const,
  request: { params: IdParam },
  responses: upgradeResponses,
});

const inventoryRoom = createRoute({
  method: "get",
  path: "/inventory/locations/{id}/room",
  tags: ["rooms"],
  summary: "Join a stock location's live room (WebSocket)",
  middleware: [requirePermission("inventory", "read")] as const,
  request: { params: IdParam },
  responses: upgradeResponses,
});

/** The member a person joins as. */
export function memberOf(c: Context<AppEnv>): Member {
  const principal = principalOf(c);
  if (principal.kind !== "user") throw forbidden("Rooms are for signed-in people.");
  return { id: principal.id, name: principal.name, role: principal.role ?? principal.kind };
}

function forward(c: Context<AppEnv>, stub: DurableObjectStub, member: Member): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw badRequest("This endpoint expects a WebSocket upgrade.");
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set(MEMBER_HEADER, JSON.stringify(member));
  return stub.fetch(new Request(c.req.url, { headers }));
}

export const roomRoutes = createRouter()
  .openapi(orderRoom, async (c) => {
    const member = memberOf(c);
    const { id } = c.req.valid("param");
    assertInConversation(principalOf(c));
    await visibleOrder(c.env, principalOf(c), id);
    return forward(c, c.env.ORDER_ROOM.getByName(id), member) as never;
  })
  .openapi(inventoryRoom, async (c) => {
    const member = memberOf(c);
    return forward(c, c.env.INVENTORY_ROOM.getByName(c.req.valid("param").id), member) as never;
  });
