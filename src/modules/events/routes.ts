// The events module's REST door: subscriptions to signed events, their pings and their delivery logs.
// Integrations live under intake: reading needs intake:read, changing intake:write.
import { createRoute } from "@hono/zod-openapi";
import { IdempotencyHeader, idempotent } from "../../lib/idempotency";
import { createRouter, IdParam, json, jsonBody, problems } from "../../lib/openapi";
import { PageQuery, pageOf } from "../../lib/pagination";
import { principalOf, requirePermission } from "../auth/middleware";
import {
  CreatedSubscriptionSchema,
  DeliveryQuery,
  DeliverySchema,
  NewSubscriptionBody,
  PingResultSchema,
  SubscriptionPatchBody,
  SubscriptionSchema,
} from "./schemas";
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listDeliveries,
  listSubscriptions,
  pingSubscription,
  updateSubscription,
} from "./service";

const read = requirePermission("intake", "read");
const write = requirePermission("intake", "write");
const tags = ["event subscriptions"];

const routes = {
  create: createRoute({
    method: "post",
    path: "/event-subscriptions",
    tags,
    summary: "Subscribe a URL to signed events (the signing secret is shown once)",
    description:
      "Each event is POSTed as `{type, timestamp, data}` with the Standard Webhooks headers webhook-id, webhook-timestamp and webhook-signature; verify them with the secret, e.g. `new Webhook(secret).verify(body, headers)`. A failed delivery is retried with exponential backoff for about 68 hours; a 410 Gone switches the subscription off.",
    middleware: [write] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(NewSubscriptionBody) },
    responses: {
      201: json(CreatedSubscriptionSchema, "Subscribed; keep the secret now"),
      ...problems(400, 401, 403, 409, 422),
    },
  }),
  list: createRoute({
    method: "get",
    path: "/event-subscriptions",
    tags,
    summary: "Event subscriptions, newest first (never their secrets)",
    middleware: [read] as const,
    request: { query: PageQuery },
    responses: {
      200: json(pageOf(SubscriptionSchema), "A page of subscriptions"),
      ...problems(400, 401, 403),
    },
  }),
  get: createRoute({
    method: "get",
    path: "/event-subscriptions/{id}",
    tags,
    summary: "One event subscription (never its secret)",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(SubscriptionSchema, "The subscription"), ...problems(401, 403, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/event-subscriptions/{id}",
    tags,
    summary: "Change a subscription's url or event types, or switch it off and on",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(SubscriptionPatchBody) },
    responses: { 200: json(SubscriptionSchema, "Changed"), ...problems(400, 401, 403, 404) },
  }),
  remove: createRoute({
    method: "delete",
    path: "/event-subscriptions/{id}",
    tags,
    summary: "Delete a subscription; deliveries still waiting are cancelled",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...problems(401, 403, 404) },
  }),
  ping: createRoute({
    method: "post",
    path: "/event-subscriptions/{id}/ping",
    tags,
    summary: "Send a signed `ping` event to this subscription now, to test the receiver",
    description: "Answers at once; follow the delivery in /event-subscriptions/{id}/deliveries.",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: {
      202: json(PingResultSchema, "Queued for delivery"),
      ...problems(401, 403, 404, 409, 503),
    },
  }),
  deliveries: createRoute({
    method: "get",
    path: "/event-subscriptions/{id}/deliveries",
    tags,
    summary: "The subscription's deliveries, newest first, each with its attempts",
    middleware: [read] as const,
    request: { params: IdParam, query: DeliveryQuery },
    responses: {
      200: json(pageOf(DeliverySchema), "A page of deliveries"),
      ...problems(400, 401, 403, 404),
    },
  }),
};

export const eventRoutes = createRouter()
  .openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    c.header("cache-control", "no-store");
    return idempotent(c, async () => ({
      status: 201 as const,
      body: await createSubscription(c.env, principalOf(c), body),
    }));
  })
  .openapi(routes.list, async (c) => c.json(await listSubscriptions(c.env, c.req.valid("query")), 200))
  .openapi(routes.get, async (c) => c.json(await getSubscription(c.env, c.req.valid("param").id), 200))
  .openapi(routes.update, async (c) =>
    c.json(
      await updateSubscription(c.env, principalOf(c), c.req.valid("param").id, c.req.valid("json")),
      200,
    ),
  )
  .openapi(routes.remove, async (c) => {
    await deleteSubscription(c.env, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(routes.ping, async (c) => c.json(await pingSubscription(c.env, c.req.valid("param").id), 202))
  .openapi(routes.deliveries, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await listDeliveries(c.env, id, c.req.valid("query")), 200);
  });
