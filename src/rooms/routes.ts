// Joining a room: the Worker checks the caller, then forwards the upgrade with the member it vouches for.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { createRouter, problems } from "../lib/openapi";
import { badRequest, forbidden, notFound } from "../lib/problem";
import { principalOf, requirePermission } from "../modules/auth/middleware";
import { customerScope } from "../modules/auth/principal";
import { MEMBER_HEADER, type Member } from "./room";

const IdParam = z.object({ id: z.string().min(1).max(64) });

const upgradeResponses = {
  101: { description: "Switching to the room's WebSocket" },
  ...problems(400, 401, 403),
};

const orderRoom = createRoute({
  method: "get",
  path: "/orders/{id}/room",
  tags: ["rooms"],
  summary: "Join an order's live room (WebSocket; token as Bearer or ?access_token=)",
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

function forward(c: Context<AppEnv>, stub: DurableObjectStub): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw badRequest("This endpoint expects a WebSocket upgrade.");
  }
  const principal = principalOf(c);
  if (principal.kind !== "user") throw forbidden("Rooms are for signed-in people.");
  // Customers join their own orders' rooms once orders exist; until then no room is theirs to see.
  if (customerScope(principal) !== null) throw notFound("No such room.");
  const member: Member = { id: principal.id, name: principal.name, role: principal.role ?? principal.kind };
  const headers = new Headers(c.req.raw.headers);
  headers.set(MEMBER_HEADER, JSON.stringify(member));
  return stub.fetch(new Request(c.req.url, { headers }));
}

export const roomRoutes = createRouter()
  .openapi(orderRoom, (c) => forward(c, c.env.ORDER_ROOM.getByName(c.req.valid("param").id)) as never)
  .openapi(
    inventoryRoom,
    (c) => forward(c, c.env.INVENTORY_ROOM.getByName(c.req.valid("param").id)) as never,
  );
