// Admin doors for API keys and device tokens. The secret is in the creation response only.
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, IdParam, json, jsonBody, problems } from "../../lib/openapi";
import { principalOf, requirePermission } from "../auth/middleware";
import type { Permission } from "../auth/permissions";
import { ApiKeySchema, DeviceSchema, NewApiKeyBody, NewDeviceBody } from "./schemas";
import {
  createApiKey,
  getDevice,
  listApiKeys,
  listDevices,
  registerDevice,
  revokeApiKey,
  revokeDevice,
} from "./service";

const admin = requirePermission("users", "write");

const routes = {
  createKey: createRoute({
    method: "post",
    path: "/api-keys",
    tags: ["api keys"],
    summary: "Create an API key scoped to permissions (the key is shown once)",
    middleware: [admin] as const,
    request: { body: jsonBody(NewApiKeyBody) },
    responses: {
      201: json(
        ApiKeySchema.extend({ key: z.string() }).openapi("CreatedApiKey"),
        "Created; keep the key now",
      ),
      ...problems(400, 401, 403),
    },
  }),
  listKeys: createRoute({
    method: "get",
    path: "/api-keys",
    tags: ["api keys"],
    summary: "Every API key (never the secret)",
    middleware: [admin] as const,
    responses: { 200: json(z.object({ items: z.array(ApiKeySchema) }), "API keys"), ...problems(401, 403) },
  }),
  revokeKey: createRoute({
    method: "delete",
    path: "/api-keys/{id}",
    tags: ["api keys"],
    summary: "Revoke an API key; it stops working at once",
    middleware: [admin] as const,
    request: { params: IdParam },
    responses: { 204: { description: "Revoked (also when it already was)" }, ...problems(401, 403, 404) },
  }),
  registerDevice: createRoute({
    method: "post",
    path: "/devices",
    tags: ["devices"],
    summary: "Register an on-site device (the token is shown once)",
    middleware: [admin] as const,
    request: { body: jsonBody(NewDeviceBody) },
    responses: {
      201: json(DeviceSchema.extend({ token: z.string() }).openapi("RegisteredDevice"), "Registered"),
      ...problems(400, 401, 403),
    },
  }),
  listDevices: createRoute({
    method: "get",
    path: "/devices",
    tags: ["devices"],
    summary: "Every registered device",
    middleware: [admin] as const,
    responses: { 200: json(z.object({ items: z.array(DeviceSchema) }), "Devices"), ...problems(401, 403) },
  }),
  getDevice: createRoute({
    method: "get",
    path: "/devices/{id}",
    tags: ["devices"],
    summary: "One device",
    middleware: [admin] as const,
    request: { params: IdParam },
    responses: { 200: json(DeviceSchema, "The device"), ...problems(401, 403, 404) },
  }),
  revokeDevice: createRoute({
    method: "delete",
    path: "/devices/{id}",
    tags: ["devices"],
    summary: "Revoke a device's token",
    middleware: [admin] as const,
    request: { params: IdParam },
    responses: { 204: { description: "Revoked (also when it already was)" }, ...problems(401, 403, 404) },
  }),
};

export const credentialRoutes = createRouter()
  .openapi(routes.createKey, async (c) => {
    const body = c.req.valid("json");
    const created = await createApiKey(c.env, principalOf(c), {
      name: body.name,
      scopes: body.scopes as Permission[],
    });
    c.header("cache-control", "no-store");
    return c.json(created, 201);
  })
  .openapi(routes.listKeys, async (c) => c.json({ items: await listApiKeys(c.env) }, 200))
  .openapi(routes.revokeKey, async (c) => {
    await revokeApiKey(c.env, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(routes.registerDevice, async (c) => {
    const created = await registerDevice(c.env, principalOf(c), c.req.valid("json"));
    c.header("cache-control", "no-store");
    return c.json(created, 201);
  })
  .openapi(routes.listDevices, async (c) => c.json({ items: await listDevices(c.env) }, 200))
  .openapi(routes.getDevice, async (c) => c.json(await getDevice(c.env, c.req.valid("param").id), 200))
  .openapi(routes.revokeDevice, async (c) => {
    await revokeDevice(c.env, c.req.valid("param").id);
    return c.body(null, 204);
  });
