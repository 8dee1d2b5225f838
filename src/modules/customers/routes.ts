import { createRoute, z } from "@hono/zod-openapi";
import { AddressSchema } from "../../lib/address";
import { CurrencySchema, MinorAmount, MoneySchema } from "../../lib/money";
import { createRouter, IdParam, json, jsonBody, problems } from "../../lib/openapi";
import { PageQuery, pageOf } from "../../lib/pagination";
import { principalOf, requirePermission } from "../auth/middleware";
import { createCustomer, getCustomer, listCustomers, updateCustomer } from "./service";

const CustomerSchema = z
  .object({
    id: z.string(),
    company: z.string(),
    contact_name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    tax_id: z.string().nullable(),
    billing_address: AddressSchema.nullable(),
    shipping_address: AddressSchema.nullable(),
    credit_limit: MoneySchema.nullable(),
    payment_terms_days: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Days from invoice to due date; null: the shop's default of 30" }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Customer");

const NewCustomerBody = z
  .strictObject({
    company: z.string().trim().min(1).max(200),
    contact_name: z.string().trim().max(200).nullable().optional(),
    email: z.email().max(254).nullable().optional(),
    phone: z.string().trim().max(50).nullable().optional(),
    tax_id: z.string().trim().max(50).nullable().optional(),
    billing_address: AddressSchema.nullable().optional(),
    shipping_address: AddressSchema.nullable().optional(),
    payment_terms_days: z.number().int().min(0).max(365).nullable().optional(),
    credit_limit: z
      .strictObject({ amount: MinorAmount.min(0), currency: CurrencySchema })
      .nullable()
      .optional(),
  })
  .openapi("NewCustomer");

const routes = {
  create: createRoute({
    method: "post",
    path: "/customers",
    tags: ["customers"],
    summary: "Create a customer",
    middleware: [requirePermission("customers", "write")] as const,
    request: { body: jsonBody(NewCustomerBody) },
    responses: { 201: json(CustomerSchema, "Created"), ...problems(400, 401, 403) },
  }),
  list: createRoute({
    method: "get",
    path: "/customers",
    tags: ["customers"],
    summary: "Customers, newest first (a customer user sees only their own)",
    middleware: [requirePermission("customers", "read")] as const,
    request: {
      query: PageQuery.extend({
        q: z.string().trim().min(1).max(100).optional().openapi({ description: "Company or email" }),
      }),
    },
    responses: { 200: json(pageOf(CustomerSchema), "A page of customers"), ...problems(400, 401, 403) },
  }),
  update: createRoute({
    method: "patch",
    path: "/customers/{id}",
    tags: ["customers"],
    summary: "Change a customer's details",
    middleware: [requirePermission("customers", "write")] as const,
    request: { params: IdParam, body: jsonBody(NewCustomerBody.partial().openapi("CustomerPatch")) },
    responses: { 200: json(CustomerSchema, "Updated"), ...problems(400, 401, 403, 404) },
  }),
  get: createRoute({
    method: "get",
    path: "/customers/{id}",
    tags: ["customers"],
    summary: "One customer (404 for a customer user asking for another customer)",
    middleware: [requirePermission("customers", "read")] as const,
    request: { params: IdParam },
    responses: { 200: json(CustomerSchema, "The customer"), ...problems(401, 403, 404) },
  }),
};

export const customerRoutes = createRouter()
  .openapi(routes.create, async (c) => {
    const customer = await createCustomer(c.env, c.req.valid("json"));
    c.header("location", `/api/v1/customers/${customer.id}`);
    return c.json(customer, 201);
  })
  .openapi(routes.list, async (c) =>
    c.json(await listCustomers(c.env, principalOf(c), c.req.valid("query")), 200),
  )
  .openapi(routes.update, async (c) =>
    c.json(await updateCustomer(c.env, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(routes.get, async (c) =>
    c.json(await getCustomer(c.env, principalOf(c), c.req.valid("param").id), 200),
  );
