// The door to the shop's live feed (src/rooms/feed-room.ts): staff dashboards join it by WebSocket.
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, problems } from "../../lib/openapi";
import { joinRoom, memberOf, upgradeResponses } from "../../rooms/join";
import { feedRoom } from "../../rooms/stubs";
import { requirePermission, requireShop } from "../auth/middleware";

const FeedQuery = z.object({
  after: z.coerce.number().int().min(0).optional().openapi({
    description:
      "Resume: the seq of the last event you saw. The events after it come first, then live ones; the welcome says `gap: true` when some are no longer kept.",
    example: 1042,
  }),
});

const join = createRoute({
  method: "get",
  path: "/feed",
  tags: ["rooms"],
  summary:
    "Join the shop's live feed: every order event as it happens, resumable by seq (WebSocket; token as Bearer or ?access_token=)",
  description:
    "For the shop's staff (admin, manager, staff with orders:read): the feed shows every customer's orders, so customers, vendors, API keys and devices get 403. Read-only: members see who else is watching but cannot post. The frames are in /asyncapi.json (channel `feed`).",
  middleware: [
    requirePermission("orders", "read"),
    requireShop("The feed shows every customer's orders; it is for the shop's staff."),
  ] as const,
  request: { query: FeedQuery },
  responses: { 101: upgradeResponses[101], ...problems(400, 401, 403) },
});

export const feedRoutes = createRouter().openapi(join, async (c) => {
  const member = memberOf(c);
  return joinRoom(c, feedRoom(c.env), member);
});
