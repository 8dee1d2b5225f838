import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, IdParam, json, jsonBody, problems } from "../../lib/openapi";
import { pageOf } from "../../lib/pagination";
import { badRequest, payloadTooLarge } from "../../lib/problem";
import { requirePermission } from "../auth/middleware";
import { fillRisk, similarProducts } from "./insights";
import {
  CategoryBody,
  CategorySchema,
  ProductBody,
  ProductPatchBody,
  ProductQuery,
  ProductSchema,
  RiskSchema,
  SimilarSchema,
} from "./schemas";
import {
  createCategory,
  createProduct,
  deleteProduct,
  getProductImage,
  getProductView,
  IMAGE_TYPES,
  listCategories,
  listProducts,
  MAX_IMAGE_BYTES,
  setProductImage,
  setPublished,
  updateProduct,
} from "./service";

const write = requirePermission("catalog", "write");
const open: Record<string, string[]>[] = [{ bearer: [] }, {}];

const routes = {
  list: createRoute({
    method: "get",
    path: "/products",
    tags: ["catalog"],
    summary: "Products, newest first. The public and customers see published ones; staff see all",
    security: open,
    request: { query: ProductQuery },
    responses: { 200: json(pageOf(ProductSchema), "A page of products"), ...problems(400) },
  }),
  get: createRoute({
    method: "get",
    path: "/products/{id}",
    tags: ["catalog"],
    summary: "One product (a draft answers 404 to the public and customers)",
    security: open,
    request: { params: IdParam },
    responses: { 200: json(ProductSchema, "The product"), ...problems(404) },
  }),
  create: createRoute({
    method: "post",
    path: "/products",
    tags: ["catalog"],
    summary: "Create a product (as a draft)",
    middleware: [write] as const,
    request: { body: jsonBody(ProductBody) },
    responses: { 201: json(ProductSchema, "Created"), ...problems(400, 401, 403, 409) },
  }),
  update: createRoute({
    method: "patch",
    path: "/products/{id}",
    tags: ["catalog"],
    summary: "Change a product; `barcodes`, when given, replaces the set",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(ProductPatchBody) },
    responses: { 200: json(ProductSchema, "Updated"), ...problems(400, 401, 403, 404, 409) },
  }),
  remove: createRoute({
    method: "delete",
    path: "/products/{id}",
    tags: ["catalog"],
    summary: "Delete a product (soft: kept for history, hidden but to admins who ask)",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 204: { description: "Deleted (also when it already was)" }, ...problems(401, 403, 404) },
  }),
  publish: createRoute({
    method: "post",
    path: "/products/{id}/publish",
    tags: ["catalog"],
    summary: "Publish: customers and the public can now see it",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 200: json(ProductSchema, "Published"), ...problems(401, 403, 404) },
  }),
  unpublish: createRoute({
    method: "post",
    path: "/products/{id}/unpublish",
    tags: ["catalog"],
    summary: "Back to draft",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 200: json(ProductSchema, "Unpublished"), ...problems(401, 403, 404) },
  }),
  putImage: createRoute({
    method: "put",
    path: "/products/{id}/image",
    tags: ["catalog"],
    summary: "Upload the product image (PNG, JPEG or WebP, at most 5 MiB; stored in R2)",
    middleware: [write] as const,
    request: {
      params: IdParam,
      body: {
        required: true,
        content: Object.fromEntries(
          IMAGE_TYPES.map((t) => [t, { schema: z.string().openapi({ format: "binary" }) }]),
        ),
      },
    },
    responses: { 200: json(ProductSchema, "Stored"), ...problems(400, 401, 403, 404, 413) },
  }),
  getImage: createRoute({
    method: "get",
    path: "/products/{id}/image",
    tags: ["catalog"],
    summary: "The product image",
    security: open,
    request: { params: IdParam },
    responses: {
      200: {
        description: "The image",
        content: Object.fromEntries(
          IMAGE_TYPES.map((t) => [t, { schema: z.string().openapi({ format: "binary" }) }]),
        ),
      },
      ...problems(404),
    },
  }),
  similar: createRoute({
    method: "get",
    path: "/products/{id}/similar",
    tags: ["catalog"],
    summary: "In-stock products of the same category, closest in price and attributes first, with reasons",
    security: open,
    request: {
      params: IdParam,
      query: z.object({ limit: z.coerce.number().int().min(1).max(20).default(5) }),
    },
    responses: { 200: json(SimilarSchema, "Ranked alternatives"), ...problems(400, 404) },
  }),
  risk: createRoute({
    method: "get",
    path: "/products/{id}/risk",
    tags: ["catalog"],
    summary: "How likely an order of `quantity` cannot be filled (low, medium, high), and why",
    security: open,
    request: {
      params: IdParam,
      query: z.object({
        quantity: z.coerce.number().int().min(1).max(1_000_000),
        location_id: z.string().min(1).max(64).optional(),
      }),
    },
    responses: { 200: json(RiskSchema, "The rating and its reason"), ...problems(400, 404) },
  }),
  categories: createRoute({
    method: "get",
    path: "/categories",
    tags: ["catalog"],
    summary: "Every category, by name",
    security: open,
    responses: { 200: json(z.object({ items: z.array(CategorySchema) }), "Categories") },
  }),
  createCategory: createRoute({
    method: "post",
    path: "/categories",
    tags: ["catalog"],
    summary: "Create a category, optionally under a parent",
    middleware: [write] as const,
    request: { body: jsonBody(CategoryBody) },
    responses: { 201: json(CategorySchema, "Created"), ...problems(400, 401, 403, 409) },
  }),
};

export const catalogRoutes = createRouter()
  .openapi(routes.list, async (c) =>
    c.json(await listProducts(c.env, c.get("principal"), c.req.valid("query")), 200),
  )
  .openapi(routes.get, async (c) =>
    c.json(await getProductView(c.env, c.get("principal"), c.req.valid("param").id), 200),
  )
  .openapi(routes.create, async (c) => {
    const product = await createProduct(c.env, c.req.valid("json"));
    c.header("location", `/api/v1/products/${product.id}`);
    return c.json(product, 201);
  })
  .openapi(routes.update, async (c) =>
    c.json(await updateProduct(c.env, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(routes.remove, async (c) => {
    await deleteProduct(c.env, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(routes.publish, async (c) => c.json(await setPublished(c.env, c.req.valid("param").id, true), 200))
  .openapi(routes.unpublish, async (c) =>
    c.json(await setPublished(c.env, c.req.valid("param").id, false), 200),
  )
  .openapi(routes.putImage, async (c) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
    if (!(IMAGE_TYPES as readonly string[]).includes(type)) {
      throw badRequest(`The image must be one of ${IMAGE_TYPES.join(", ")}.`, [
        { in: "header", path: "content-type", message: "PNG, JPEG or WebP" },
      ]);
    }
    const bytes = await c.req.arrayBuffer();
    if (bytes.byteLength > MAX_IMAGE_BYTES) throw payloadTooLarge(MAX_IMAGE_BYTES);
    if (bytes.byteLength === 0) throw badRequest("The image is empty.");
    return c.json(await setProductImage(c.env, c.req.valid("param").id, bytes, type), 200);
  })
  .openapi(routes.getImage, async (c) => {
    const object = await getProductImage(c.env, c.get("principal"), c.req.valid("param").id);
    return new Response(object.body, {
      headers: {
        "content-type": object.httpMetadata?.contentType ?? "application/octet-stream",
        "content-length": String(object.size),
        etag: object.httpEtag,
      },
    });
  })
  .openapi(routes.similar, async (c) =>
    c.json(
      await similarProducts(c.env, c.get("principal"), c.req.valid("param").id, c.req.valid("query").limit),
      200,
    ),
  )
  .openapi(routes.risk, async (c) => {
    const { quantity, location_id } = c.req.valid("query");
    return c.json(
      await fillRisk(c.env, c.get("principal"), c.req.valid("param").id, quantity, location_id),
      200,
    );
  })
  .openapi(routes.categories, async (c) => c.json({ items: await listCategories(c.env) }, 200))
  .openapi(routes.createCategory, async (c) => c.json(await createCategory(c.env, c.req.valid("json")), 201));
