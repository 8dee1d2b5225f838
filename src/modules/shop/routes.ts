// The shop's details: read by anyone signed in who prints, set by managers.
import { createRoute } from "@hono/zod-openapi";
import { createRouter, json, jsonBody, problems } from "../../lib/openapi";
import { principalOf, requirePermission } from "../auth/middleware";
import { getShop, setShop } from "./profile";
import { ShopProfileBody, ShopProfileSchema } from "./schemas";

const routes = {
  get: createRoute({
    method: "get",
    path: "/shop",
    tags: ["shop"],
    summary: "The shop's details as documents print them (sender, seller)",
    middleware: [requirePermission("labels", "read")] as const,
    responses: { 200: json(ShopProfileSchema, "The shop"), ...problems(401, 403) },
  }),
  put: createRoute({
    method: "put",
    path: "/shop",
    tags: ["shop"],
    summary: "Set the shop's details (managers: billing:write)",
    middleware: [requirePermission("billing", "write")] as const,
    request: { body: jsonBody(ShopProfileBody) },
    responses: { 200: json(ShopProfileSchema, "The shop"), ...problems(400, 401, 403) },
  }),
};

export const shopRoutes = createRouter()
  .openapi(routes.get, async (c) => c.json(await getShop(c.env), 200))
  .openapi(routes.put, async (c) =>
    c.json(await setShop(c.env, principalOf(c).id, c.req.valid("json")), 200),
  );
