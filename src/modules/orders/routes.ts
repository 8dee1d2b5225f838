// The orders module's REST door: lists, dashboards, one order, its timeline, placing from the cart,
// edits, moves, substitutes, intake and the order's chat.
import { createRoute } from "@hono/zod-openapi";
import { IdempotencyHeader, idempotent } from "../../lib/idempotency";
import { createRouter, IdParam, json, jsonBody, optionalJsonBody, problems } from "../../lib/openapi";
import { pageOf } from "../../lib/pagination";
import { joinRoom, memberOf, postToRoom, upgradeResponses } from "../../rooms/join";
import { orderRoom } from "../../rooms/stubs";
import { principalOf, requirePermission, requireShop } from "../auth/middleware";
import { audienceOf } from "../auth/principal";
import { upsertIntake } from "./intake";
import { placeFromCart } from "./place";
import { dashboard, listEvents, listOrders } from "./queries";
import {
  DashboardQuery,
  DashboardSchema,
  EventList,
  FromCartBody,
  IntakeResultSchema,
  LineParam,
  MessageBody,
  MessageList,
  MessageSchema,
  OrderIntakeSchema,
  OrderListQuery,
  OrderPatchSchema,
  OrderSchema,
  OrderSummary,
  SubstituteBody,
  TransitionBody,
} from "./schemas";
import { assertInConversation, visibleOrder } from "./store";
import { chooseSubstitute } from "./substitute";
import { moveOrder } from "./transition";
import { updateOrder } from "./update";
import { toOrderView } from "./view";

const read = requirePermission("orders", "read");
const write = requirePermission("orders", "write");

const routes = {
  list: createRoute({
    method: "get",
    path: "/orders",
    tags: ["orders"],
    summary: "Orders, newest placed first (customers see only their own)",
    middleware: [read] as const,
    request: {
      query: OrderListQuery,
    },
    responses: { 200: json(pageOf(OrderSummary), "A page of orders"), ...problems(400, 401, 403) },
  }),
  dashboard: createRoute({
    method: "get",
    path: "/orders/dashboard",
    tags: ["orders"],
    summary:
      "Customers: counts, orders in progress, orders needing their action, recent. Staff: today, and sales and purchases by status",
    middleware: [read] as const,
    request: {
      query: DashboardQuery,
    },
    responses: {
      200: json(DashboardSchema, "The dashboard"),
      ...problems(400, 401, 403),
    },
  }),
  get: createRoute({
    method: "get",
    path: "/orders/{id}",
    tags: ["orders"],
    summary: "One order",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(OrderSchema, "The order"), ...problems(401, 403, 404) },
  }),
  events: createRoute({
    method: "get",
    path: "/orders/{id}/events",
    tags: ["orders"],
    summary: "The order's timeline",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: {
      200: json(EventList, "Events, oldest first"),
      ...problems(401, 403, 404),
    },
  }),
  fromCart: createRoute({
    method: "post",
    path: "/orders/from-cart",
    tags: ["orders"],
    summary: "Place your cart as an order: prices snapshot, stock reserved; short lines put it at risk",
    middleware: [write] as const,
    request: {
      headers: IdempotencyHeader,
      body: optionalJsonBody(FromCartBody),
    },
    responses: { 201: json(OrderSchema, "Placed"), ...problems(400, 401, 403, 409, 422) },
  }),
  update: createRoute({
    method: "patch",
    path: "/orders/{id}",
    tags: ["orders"],
    summary: "Edit notes, staff-only notes, payment status and tracking (staff); vendors set tracking only",
    middleware: [write] as const,
    request: {
      params: IdParam,
      body: jsonBody(OrderPatchSchema),
    },
    responses: { 200: json(OrderSchema, "Updated"), ...problems(400, 401, 403, 404, 409) },
  }),
  transition: createRoute({
    method: "post",
    path: "/orders/{id}/transitions",
    tags: ["orders"],
    summary: "Move an order to another status (409 names the statuses allowed from here)",
    middleware: [write] as const,
    request: {
      params: IdParam,
      body: jsonBody(TransitionBody),
    },
    responses: { 200: json(OrderSchema, "Moved"), ...problems(400, 401, 403, 404, 409) },
  }),
  substitute: createRoute({
    method: "post",
    path: "/orders/{id}/lines/{line_id}/substitute",
    tags: ["orders"],
    summary: "Fill a short line with a substitute (customers: one of those offered; staff: any product)",
    middleware: [write] as const,
    request: {
      params: LineParam,
      body: jsonBody(SubstituteBody),
    },
    responses: { 200: json(OrderSchema, "Updated"), ...problems(400, 401, 403, 404, 409) },
  }),
  intake: createRoute({
    method: "post",
    path: "/orders/intake",
    tags: ["orders"],
    summary: "Create or update an order by (source, external_ref); answers created, updated or unchanged",
    middleware: [write, requireShop()] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(OrderIntakeSchema) },
    responses: {
      200: json(IntakeResultSchema, "Updated or unchanged"),
      201: json(IntakeResultSchema, "Created"),
      ...problems(400, 401, 403, 404, 409, 422),
    },
  }),
  messages: createRoute({
    method: "get",
    path: "/orders/{id}/messages",
    tags: ["orders"],
    summary: "The order room's chat history",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: {
      200: json(MessageList, "Messages, oldest first"),
      ...problems(401, 403, 404),
    },
  }),
  room: createRoute({
    method: "get",
    path: "/orders/{id}/room",
    tags: ["rooms"],
    summary:
      "Join an order's live room: chat, presence, status (WebSocket; token as Bearer or ?access_token=)",
    description:
      "Staff, and the users of the order's customer; vendors get 403 (the chat is between the customer and the shop); anyone else gets 404 as for a missing order.",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: upgradeResponses,
  }),
  postMessage: createRoute({
    method: "post",
    path: "/orders/{id}/messages",
    tags: ["orders"],
    summary: "Post to the order room (everyone connected sees it live)",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(MessageBody) },
    responses: { 201: json(MessageSchema, "Posted"), ...problems(400, 401, 403, 404, 429) },
  }),
};

export const orderRoutes = createRouter()
  .openapi(routes.list, async (c) =>
    c.json(await listOrders(c.env, principalOf(c), c.req.valid("query")), 200),
  )
  .openapi(routes.dashboard, async (c) => {
    return c.json(await dashboard(c.env, principalOf(c), c.req.valid("query").tz), 200);
  })
  .openapi(routes.get, async (c) => {
    const principal = principalOf(c);
    const { order, lines } = await visibleOrder(c.env, principal, c.req.valid("param").id);
    return c.json(toOrderView(order, lines, audienceOf(principal)), 200);
  })
  .openapi(routes.events, async (c) =>
    c.json({ items: await listEvents(c.env, principalOf(c), c.req.valid("param").id) }, 200),
  )
  .openapi(routes.fromCart, async (c) => {
    const { notes } = c.req.valid("json");
    return idempotent(c, async () => {
      const { order, lines } = await placeFromCart(c.env, principalOf(c), { notes });
      return { status: 201 as const, body: toOrderView(order, lines, "customer") };
    });
  })
  .openapi(routes.update, async (c) =>
    c.json(await updateOrder(c.env, principalOf(c), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(routes.transition, async (c) => {
    const { to, note } = c.req.valid("json");
    return c.json(await moveOrder(c.env, principalOf(c), c.req.valid("param").id, to, note), 200);
  })
  .openapi(routes.substitute, async (c) => {
    const { id, line_id } = c.req.valid("param");
    return c.json(
      await chooseSubstitute(c.env, principalOf(c), id, line_id, c.req.valid("json").product_id),
      200,
    );
  })
  .openapi(routes.intake, async (c) => {
    const intake = c.req.valid("json");
    return idempotent(c, async () => {
      const result = await upsertIntake(c.env, principalOf(c).id, intake);
      return { status: result.outcome === "created" ? (201 as const) : (200 as const), body: result };
    });
  })
  .openapi(routes.messages, async (c) => {
    const { id } = c.req.valid("param");
    assertInConversation(principalOf(c));
    await visibleOrder(c.env, principalOf(c), id);
    return c.json({ items: await orderRoom(c.env, id).history() }, 200);
  })
  .openapi(routes.room, async (c) => {
    const member = memberOf(c);
    const { id } = c.req.valid("param");
    assertInConversation(principalOf(c));
    await visibleOrder(c.env, principalOf(c), id);
    return joinRoom(c, orderRoom(c.env, id), member);
  })
  .openapi(routes.postMessage, async (c) => {
    const { id } = c.req.valid("param");
    const member = memberOf(c);
    assertInConversation(principalOf(c));
    await visibleOrder(c.env, principalOf(c), id);
    return c.json(await postToRoom(orderRoom(c.env, id), member, c.req.valid("json").body), 201);
  });
