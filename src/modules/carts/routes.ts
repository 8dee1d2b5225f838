import { createRoute, z } from "@hono/zod-openapi";
import { MoneySchema } from "../../lib/money";
import { createRouter, Id, json, jsonBody, problems } from "../../lib/openapi";
import { principalOf, requirePermission, requireUser } from "../auth/middleware";
import {
  addToCart,
  clearCart,
  getCart,
  getCartById,
  MAX_QUANTITY,
  removeCartLine,
  updateCartLine,
} from "./service";

const Substitutes = z
  .array(Id)
  .max(2)
  .openapi({ description: "Up to two product ids, most preferred first" });

const CartSchema = z
  .object({
    id: z.string(),
    customer_id: z.string(),
    status: z.string(),
    lines: z.array(
      z.object({
        product_id: z.string(),
        sku: z.string(),
        name: z.string(),
        quantity: z.number().int(),
        unit_price: MoneySchema,
        line_total: MoneySchema,
        tax: MoneySchema,
        substitutes: z.array(z.string()),
        availability: z.object({
          available: z.number().int(),
          in_stock: z.boolean(),
          backorder: z.boolean(),
        }),
        orderable: z.boolean().openapi({ description: "False once the product was unpublished or deleted" }),
        added_at: z.string(),
      }),
    ),
    totals: z.array(
      z.object({ currency: z.string(), subtotal: MoneySchema, tax: MoneySchema, total: MoneySchema }),
    ),
    updated_at: z.string(),
  })
  .openapi("Cart");

const customerOnly = requireUser();
const ok = (description: string) => ({ 200: json(CartSchema, description), ...problems(400, 401, 403, 404) });

const routes = {
  get: createRoute({
    method: "get",
    path: "/cart",
    tags: ["carts"],
    summary: "Your open cart, at today's prices, with availability",
    middleware: [customerOnly] as const,
    responses: ok("Your cart"),
  }),
  add: createRoute({
    method: "post",
    path: "/cart/lines",
    tags: ["carts"],
    summary: "Add a product (adds to the quantity when it is already there)",
    middleware: [customerOnly] as const,
    request: {
      body: jsonBody(
        z.strictObject({
          product_id: Id,
          quantity: z.number().int().min(1).max(MAX_QUANTITY),
          substitutes: Substitutes.optional(),
        }),
      ),
    },
    responses: ok("Your cart"),
  }),
  update: createRoute({
    method: "patch",
    path: "/cart/lines/{product_id}",
    tags: ["carts"],
    summary: "Change a line's quantity or substitutes",
    middleware: [customerOnly] as const,
    request: {
      params: z.object({ product_id: Id }),
      body: jsonBody(
        z.strictObject({
          quantity: z.number().int().min(1).max(MAX_QUANTITY).optional(),
          substitutes: Substitutes.optional(),
        }),
      ),
    },
    responses: ok("Your cart"),
  }),
  remove: createRoute({
    method: "delete",
    path: "/cart/lines/{product_id}",
    tags: ["carts"],
    summary: "Remove a line",
    middleware: [customerOnly] as const,
    request: { params: z.object({ product_id: Id }) },
    responses: ok("Your cart"),
  }),
  clear: createRoute({
    method: "delete",
    path: "/cart",
    tags: ["carts"],
    summary: "Empty your cart",
    middleware: [customerOnly] as const,
    responses: ok("Your cart"),
  }),
  byId: createRoute({
    method: "get",
    path: "/carts/{id}",
    tags: ["carts"],
    summary: "A cart by id (staff: any; a customer user: their customer's only, 404 otherwise)",
    middleware: [requirePermission("orders", "read")] as const,
    request: { params: z.object({ id: Id }) },
    responses: ok("The cart"),
  }),
};

export const cartRoutes = createRouter()
  .openapi(routes.get, async (c) => c.json(await getCart(c.env, principalOf(c)), 200))
  .openapi(routes.add, async (c) => c.json(await addToCart(c.env, principalOf(c), c.req.valid("json")), 200))
  .openapi(routes.update, async (c) =>
    c.json(
      await updateCartLine(c.env, principalOf(c), c.req.valid("param").product_id, c.req.valid("json")),
      200,
    ),
  )
  .openapi(routes.remove, async (c) =>
    c.json(await removeCartLine(c.env, principalOf(c), c.req.valid("param").product_id), 200),
  )
  .openapi(routes.clear, async (c) => c.json(await clearCart(c.env, principalOf(c)), 200))
  .openapi(routes.byId, async (c) =>
    c.json(await getCartById(c.env, principalOf(c), c.req.valid("param").id), 200),
  );
