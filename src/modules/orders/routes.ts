import { createRoute, z } from "@hono/zod-openapi";
import { ORDER_STATUSES } from "../../db/schema/orders";
import { IdempotencyHeader, idempotent } from "../../lib/idempotency";
import { MoneySchema } from "../../lib/money";
import { createRouter, json, jsonBody, problems } from "../../lib/openapi";
import { PageQuery, pageOf } from "../../lib/pagination";
import { badRequest, forbidden, tooManyRequests } from "../../lib/problem";
import type { PostResult } from "../../rooms/room";
import { memberOf } from "../../rooms/routes";
import { principalOf, requirePermission } from "../auth/middleware";
import { audienceOf } from "../auth/principal";
import { OrderIntakeSchema, upsertIntake } from "./intake";
import {
  assertInConversation,
  chooseSubstitute,
  dashboard,
  getOrder,
  listEvents,
  listOrders,
  moveOrder,
  placeFromCart,
  updateOrder,
  visibleOrder,
} from "./service";

const StatusEnum = z.enum(ORDER_STATUSES);
const Id = z.string().min(1).max(64);
const IdParam = z.object({ id: Id });

const LineSchema = z.object({
  id: z.string(),
  line_no: z.number().int(),
  product_id: z.string().nullable(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  unit_price: MoneySchema,
  tax_rate_bp: z.number().int(),
  line_total: MoneySchema,
  fill: z.enum(["ok", "short", "untracked"]),
  risk_reason: z.string().nullable(),
  substitutes: z.array(z.string()),
  replaced_product_id: z.string().nullable(),
  location_id: z.string().nullable().optional(),
  reserved: z.number().int().optional(),
});

const OrderBase = z.object({
  id: z.string(),
  number: z.string().openapi({ example: "R-2026-000123" }),
  kind: z.enum(["sale", "purchase"]),
  status: StatusEnum,
  allowed_transitions: z.array(StatusEnum),
  source: z.string(),
  external_ref: z.string().nullable(),
  customer_id: z.string().nullable(),
  merchant: z.string().nullable(),
  currency: z.string(),
  totals: z.object({
    subtotal: MoneySchema,
    tax: MoneySchema,
    shipping: MoneySchema,
    discount: MoneySchema,
    total: MoneySchema,
  }),
  payment_status: z.enum(["unpaid", "partial", "paid", "refunded"]),
  tracking: z.object({
    carrier: z.string().nullable(),
    number: z.string().nullable(),
    url: z.string().nullable(),
  }),
  notes: z.string().nullable(),
  staff_notes: z.string().nullable().optional(),
  reached: z.record(z.string(), z.string().nullable()),
  version: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
const OrderSchema = OrderBase.extend({ lines: z.array(LineSchema) }).openapi("Order");
const OrderSummary = OrderBase.openapi("OrderSummary");

const EventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    from_status: z.string().nullable(),
    to_status: z.string().nullable(),
    source: z.string(),
    actor_id: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.string(),
  })
  .openapi("OrderEvent");

const MessageSchema = z
  .object({
    id: z.string(),
    author: z.object({ id: z.string(), name: z.string(), role: z.string() }),
    body: z.string(),
    at: z.string(),
  })
  .openapi("OrderMessage");

const StatusCounts = z.record(StatusEnum, z.number().int()).openapi("OrderStatusCounts");
const DashboardOrder = z.object({
  id: z.string(),
  number: z.string(),
  status: StatusEnum,
  total: MoneySchema,
  placed_at: z.string(),
});
const DashboardSchema = z
  .discriminatedUnion("view", [
    z
      .object({
        view: z.literal("customer"),
        counts: StatusCounts,
        in_progress: z.array(DashboardOrder),
        needs_your_action: z.array(DashboardOrder),
        recent: z.array(DashboardOrder),
      })
      .openapi("CustomerDashboard"),
    z
      .object({
        view: z.literal("staff"),
        time_zone: z.string(),
        today_since: z.string().openapi({ description: "Start of today in `time_zone`, as UTC" }),
        today_orders: z.number().int().openapi({ description: "Sales placed today" }),
        today_revenue: z
          .array(MoneySchema)
          .optional()
          .openapi({ description: "Today's sales not cancelled, per currency (not shown to vendors)" }),
        today_purchases: z.number().int().openapi({ description: "Purchases placed today" }),
        counts: z.object({ sale: StatusCounts, purchase: StatusCounts }),
      })
      .openapi("StaffDashboard"),
  ])
  .openapi("OrderDashboard");

const IntakeResultSchema = z
  .object({
    outcome: z.enum(["created", "updated", "unchanged"]),
    order: OrderSchema,
    changes: z.array(z.string()),
  })
  .openapi("IntakeResult");

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
      query: PageQuery.extend({
        status: StatusEnum.optional(),
        kind: z.enum(["sale", "purchase"]).optional(),
        source: z.string().max(50).optional(),
        customer_id: Id.optional(),
        from: z.iso.datetime({ offset: true }).optional().openapi({ description: "placed_at at or after" }),
        to: z.iso.datetime({ offset: true }).optional().openapi({ description: "placed_at before" }),
        q: z
          .string()
          .trim()
          .min(1)
          .max(100)
          .optional()
          .openapi({ description: "Number, external ref, customer or merchant" }),
      }),
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
      query: z.object({
        tz: z.string().max(64).default("UTC").openapi({ description: "IANA time zone for 'today'" }),
      }),
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
      200: json(z.object({ items: z.array(EventSchema) }), "Events, oldest first"),
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
      body: {
        required: false,
        content: {
          "application/json": { schema: z.strictObject({ notes: z.string().max(2000).optional() }) },
        },
      },
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
      body: jsonBody(
        z
          .strictObject({
            notes: z.string().max(2000).nullable().optional(),
            staff_notes: z.string().max(2000).nullable().optional(),
            payment_status: z.enum(["unpaid", "partial", "paid", "refunded"]).optional(),
            tracking: z
              .strictObject({
                carrier: z.string().max(50).nullable().optional(),
                number: z.string().max(100).nullable().optional(),
                url: z.url().max(500).nullable().optional(),
              })
              .optional(),
          })
          .openapi("OrderPatch"),
      ),
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
      body: jsonBody(z.strictObject({ to: StatusEnum, note: z.string().max(1000).optional() })),
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
      params: z.object({ id: Id, line_id: Id }),
      body: jsonBody(z.strictObject({ product_id: Id })),
    },
    responses: { 200: json(OrderSchema, "Updated"), ...problems(400, 401, 403, 404, 409) },
  }),
  intake: createRoute({
    method: "post",
    path: "/orders/intake",
    tags: ["orders"],
    summary: "Create or update an order by (source, external_ref); answers created, updated or unchanged",
    middleware: [write] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(OrderIntakeSchema) },
    responses: {
      200: json(IntakeResultSchema, "Updated or unchanged"),
      201: json(IntakeResultSchema, "Created"),
      ...problems(400, 401, 403, 409, 422),
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
      200: json(z.object({ items: z.array(MessageSchema) }), "Messages, oldest first"),
      ...problems(401, 403, 404),
    },
  }),
  postMessage: createRoute({
    method: "post",
    path: "/orders/{id}/messages",
    tags: ["orders"],
    summary: "Post to the order room (everyone connected sees it live)",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(z.strictObject({ body: z.string().min(1).max(4000) })) },
    responses: { 201: json(MessageSchema, "Posted"), ...problems(400, 401, 403, 404, 429) },
  }),
};

const staffOnly = (c: Parameters<typeof principalOf>[0]) => {
  if (audienceOf(principalOf(c)) !== "shop") throw forbidden("This is for staff and integrations.");
};

export const orderRoutes = createRouter()
  .openapi(routes.list, async (c) =>
    c.json(await listOrders(c.env, principalOf(c), c.req.valid("query")), 200),
  )
  .openapi(routes.dashboard, async (c) => {
    const { tz } = c.req.valid("query");
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
    } catch {
      throw badRequest("Unknown time zone.", [
        { in: "query", path: "tz", message: "An IANA time zone, e.g. Europe/Berlin" },
      ]);
    }
    return c.json(await dashboard(c.env, principalOf(c), tz), 200);
  })
  .openapi(routes.get, async (c) =>
    c.json(await getOrder(c.env, principalOf(c), c.req.valid("param").id), 200),
  )
  .openapi(routes.events, async (c) =>
    c.json({ items: await listEvents(c.env, principalOf(c), c.req.valid("param").id) }, 200),
  )
  .openapi(routes.fromCart, async (c) => {
    const text = await c.req.text();
    const notes = text.trim() ? (JSON.parse(text) as { notes?: string }).notes : undefined;
    return idempotent(c, async () => ({
      status: 201,
      body: await placeFromCart(c.env, principalOf(c), { notes }),
    })) as never;
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
    staffOnly(c);
    const intake = c.req.valid("json");
    return idempotent(c, async () => {
      const result = await upsertIntake(c.env, principalOf(c).id, intake);
      return { status: result.outcome === "created" ? 201 : 200, body: result };
    }) as never;
  })
  .openapi(routes.messages, async (c) => {
    const { id } = c.req.valid("param");
    assertInConversation(principalOf(c));
    await visibleOrder(c.env, principalOf(c), id);
    return c.json({ items: await c.env.ORDER_ROOM.getByName(id).history() }, 200);
  })
  .openapi(routes.postMessage, async (c) => {
    const { id } = c.req.valid("param");
    const member = memberOf(c);
    assertInConversation(principalOf(c));
    await visibleOrder(c.env, principalOf(c), id);
    const result = (await c.env.ORDER_ROOM.getByName(id).post(
      member,
      c.req.valid("json").body,
    )) as unknown as PostResult;
    if ("error" in result) {
      if (result.code === "rate-limited") throw tooManyRequests(10, result.error);
      throw badRequest(result.error);
    }
    return c.json(result, 201);
  });
