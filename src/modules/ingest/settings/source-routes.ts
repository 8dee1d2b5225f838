// The REST door of webhook sources and their secrets. A secret is in the answer that makes it, only there.
import { createRoute, z } from "@hono/zod-openapi";
import { IdempotencyHeader, idempotent } from "../../../lib/idempotency";
import { createRouter, IdParam, json, jsonBody, optionalJsonBody, problems } from "../../../lib/openapi";
import { requirePermission } from "../../auth/middleware";
import {
  CreatedWebhookSecretSchema,
  CreatedWebhookSourceSchema,
  NewWebhookSecretBody,
  NewWebhookSourceBody,
  SecretParam,
  WebhookSourcePatchBody,
  WebhookSourceSchema,
} from "./schemas";
import {
  addSecret,
  createSource,
  deleteSource,
  getSource,
  listSources,
  removeSecret,
  updateSource,
} from "./sources";

const read = requirePermission("intake", "read");
const write = requirePermission("intake", "write");
const tags = ["webhook sources"];

const routes = {
  create: createRoute({
    method: "post",
    path: "/webhook-sources",
    tags,
    summary: "Set up a shop or system that posts signed webhooks (its secret is shown once)",
    description:
      "The answer carries the `url` to configure in the sender, /api/v1/webhooks/{name}, and the secret: for kind standard ROMS makes one (whsec_ and 32 random bytes in base64) unless you give one; Shopify and WooCommerce make their own, so give theirs.",
    middleware: [write] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(NewWebhookSourceBody) },
    responses: {
      201: json(CreatedWebhookSourceSchema, "Set up; keep the secret now"),
      ...problems(400, 401, 403, 409, 422),
    },
  }),
  list: createRoute({
    method: "get",
    path: "/webhook-sources",
    tags,
    summary: "Every webhook source, newest first, with its secrets' hints (never a secret)",
    middleware: [read] as const,
    responses: {
      200: json(z.object({ items: z.array(WebhookSourceSchema) }), "Webhook sources"),
      ...problems(401, 403),
    },
  }),
  get: createRoute({
    method: "get",
    path: "/webhook-sources/{id}",
    tags,
    summary: "One webhook source (never a secret)",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(WebhookSourceSchema, "The webhook source"), ...problems(401, 403, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/webhook-sources/{id}",
    tags,
    summary: "Switch a source off or on, or change what its orders are (sale or purchase)",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(WebhookSourcePatchBody) },
    responses: { 200: json(WebhookSourceSchema, "Changed"), ...problems(400, 401, 403, 404) },
  }),
  remove: createRoute({
    method: "delete",
    path: "/webhook-sources/{id}",
    tags,
    summary: "Delete a source and its secrets; its deliveries stay in the ingest log",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...problems(401, 403, 404) },
  }),
  addSecret: createRoute({
    method: "post",
    path: "/webhook-sources/{id}/secrets",
    tags,
    summary: "Add a secret to rotate to (shown once); every secret verifies until it is removed",
    description:
      "Rotation without losing a delivery: add the new secret, switch the sender to it, then DELETE the old one. Without a body, a standard source gets a new whsec_ secret; Shopify and WooCommerce sources need the shop's.",
    middleware: [write] as const,
    request: { params: IdParam, headers: IdempotencyHeader, body: optionalJsonBody(NewWebhookSecretBody) },
    responses: {
      201: json(CreatedWebhookSecretSchema, "Added; keep the secret now"),
      ...problems(400, 401, 403, 404, 409, 422),
    },
  }),
  removeSecret: createRoute({
    method: "delete",
    path: "/webhook-sources/{id}/secrets/{secret_id}",
    tags,
    summary: "Remove a secret (never the last one: add the new secret first)",
    middleware: [write] as const,
    request: { params: SecretParam },
    responses: { 204: { description: "Removed" }, ...problems(401, 403, 404, 409) },
  }),
};

const originOf = (url: string) => new URL(url).origin;

export const sourceRoutes = createRouter()
  .openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    c.header("cache-control", "no-store");
    return idempotent(c, async () => ({
      status: 201 as const,
      body: await createSource(c.env, originOf(c.req.url), body),
    }));
  })
  .openapi(routes.list, async (c) => c.json({ items: await listSources(c.env, originOf(c.req.url)) }, 200))
  .openapi(routes.get, async (c) =>
    c.json(await getSource(c.env, originOf(c.req.url), c.req.valid("param").id), 200),
  )
  .openapi(routes.update, async (c) =>
    c.json(await updateSource(c.env, originOf(c.req.url), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(routes.remove, async (c) => {
    await deleteSource(c.env, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(routes.addSecret, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    c.header("cache-control", "no-store");
    return idempotent(c, async () => ({ status: 201 as const, body: await addSecret(c.env, id, body) }));
  })
  .openapi(routes.removeSecret, async (c) => {
    const { id, secret_id } = c.req.valid("param");
    await removeSecret(c.env, id, secret_id);
    return c.body(null, 204);
  });
