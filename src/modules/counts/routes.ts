// The count sessions' REST door: open, list, review, enter a typed count, post, cancel, and join the room.
import { createRoute, z } from "@hono/zod-openapi";
import { IdempotencyHeader, idempotent } from "../../lib/idempotency";
import { createRouter, Id, IdParam, json, jsonBody, problems } from "../../lib/openapi";
import { pageOf } from "../../lib/pagination";
import { COUNT_HEADER } from "../../rooms/inventory-room";
import { joinRoom, memberOf, upgradeResponses } from "../../rooms/join";
import { CountLine } from "../../rooms/stock-frames";
import { countRoom } from "../../rooms/stubs";
import { principalOf, requirePermission } from "../auth/middleware";
import {
  CountOpenBody,
  CountPostResultSchema,
  CountQuery,
  CountReviewSchema,
  CountSessionSchema,
  TypedCountBody,
} from "./schemas";
import {
  cancelCount,
  enterCount,
  getCount,
  listCounts,
  openCount,
  postCount,
  reviewCount,
  toCountSessionView,
} from "./sessions";

const read = requirePermission("inventory", "read");
const write = requirePermission("inventory", "write");
const tags = ["counts"];

const routes = {
  open: createRoute({
    method: "post",
    path: "/inventory/count-sessions",
    tags,
    summary: "Open a count of a location (all of it, one shelf or one category)",
    description:
      "Counters then join its room (GET /inventory/count-sessions/{id}/room), claim products, and count them by scanning (+1 each) or typing; a manager reviews and posts.",
    middleware: [write] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(CountOpenBody) },
    responses: { 201: json(CountSessionSchema, "Opened"), ...problems(400, 401, 403, 404, 422) },
  }),
  list: createRoute({
    method: "get",
    path: "/inventory/count-sessions",
    tags,
    summary: "Count sessions, newest first",
    middleware: [read] as const,
    request: { query: CountQuery },
    responses: { 200: json(pageOf(CountSessionSchema), "A page of counts"), ...problems(400, 401, 403) },
  }),
  review: createRoute({
    method: "get",
    path: "/inventory/count-sessions/{id}",
    tags,
    summary:
      "A count as it stands: every line (expected, counted, difference and its value, who holds it) and totals",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(CountReviewSchema, "The count"), ...problems(401, 403, 404) },
  }),
  enter: createRoute({
    method: "put",
    path: "/inventory/count-sessions/{id}/lines/{product_id}",
    tags,
    summary: "Enter a typed count of one product (claims it for you)",
    middleware: [write] as const,
    request: { params: z.object({ id: Id, product_id: Id }), body: jsonBody(TypedCountBody) },
    responses: { 200: json(CountLine, "The line"), ...problems(400, 401, 403, 404, 409) },
  }),
  post: createRoute({
    method: "post",
    path: "/inventory/count-sessions/{id}/post",
    tags,
    summary: "Post the counted differences as count movements (managers)",
    description:
      "Every counted line not yet posted becomes a `count` movement, valid only if its level is still at the version its counter saw. Lines whose level moved meanwhile (a sale, a reservation) are not posted and go back to be counted again (`recount`); the session is `posted` once nothing counted is left unposted. Lines never counted are left as they are.",
    middleware: [write] as const,
    request: { headers: IdempotencyHeader, params: IdParam },
    responses: { 200: json(CountPostResultSchema, "Posted"), ...problems(401, 403, 404, 409) },
  }),
  cancel: createRoute({
    method: "post",
    path: "/inventory/count-sessions/{id}/cancel",
    tags,
    summary: "Cancel an open count (nothing is posted)",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 200: json(CountSessionSchema, "Cancelled"), ...problems(401, 403, 404, 409) },
  }),
  room: createRoute({
    method: "get",
    path: "/inventory/count-sessions/{id}/room",
    tags: ["rooms"],
    summary: "Join a count's room (WebSocket): claim, scan, type counts, see everyone's progress",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: upgradeResponses,
  }),
};

export const countRoutes = createRouter()
  .openapi(routes.open, (c) =>
    idempotent(c, async () => ({
      status: 201 as const,
      body: await openCount(c.env, principalOf(c), c.req.valid("json")),
    })),
  )
  .openapi(routes.list, async (c) => c.json(await listCounts(c.env, c.req.valid("query")), 200))
  .openapi(routes.review, async (c) => c.json(await reviewCount(c.env, c.req.valid("param").id), 200))
  .openapi(routes.enter, async (c) => {
    const { id, product_id } = c.req.valid("param");
    const { counted, op } = c.req.valid("json");
    return c.json(await enterCount(c.env, id, memberOf(c), product_id, counted, op ?? null), 200);
  })
  .openapi(routes.post, (c) =>
    idempotent(c, async () => ({
      status: 200 as const,
      body: await postCount(c.env, principalOf(c), c.req.valid("param").id),
    })),
  )
  .openapi(routes.cancel, async (c) => c.json(await cancelCount(c.env, c.req.valid("param").id), 200))
  .openapi(routes.room, async (c) => {
    const member = memberOf(c);
    const session = toCountSessionView(await getCount(c.env, c.req.valid("param").id));
    return joinRoom(c, countRoom(c.env, session.id), member, { [COUNT_HEADER]: session.id });
  });
