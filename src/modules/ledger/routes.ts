import { createRoute, z } from "@hono/zod-openapi";
import { LEDGER_REFERENCES } from "../../db/schema/ledger";
import { IdempotencyHeader, idempotent } from "../../lib/idempotency";
import { CurrencySchema, MinorAmount, MoneySchema } from "../../lib/money";
import { createRouter, json, jsonBody, optionalJsonBody, problems } from "../../lib/openapi";
import { PageQuery, pageOf } from "../../lib/pagination";
import { principalOf, requirePermission } from "../auth/middleware";
import { addEntry, ledgerSummary, listEntries, reverseEntry } from "./service";

const CustomerParam = z.object({ id: z.string().min(1).max(64) });
const EntryParam = CustomerParam.extend({ entry_id: z.string().min(1).max(64) });

const EntrySchema = z
  .object({
    id: z.string(),
    customer_id: z.string(),
    direction: z.enum(["debit", "credit"]),
    amount: MoneySchema,
    reference_type: z.enum(LEDGER_REFERENCES),
    reference_id: z.string().nullable(),
    note: z.string().nullable(),
    actor_id: z.string(),
    reverses_entry_id: z.string().nullable(),
    reversed_by_entry_id: z.string().nullable(),
    created_at: z.string(),
    balance_after: MoneySchema.optional().openapi({
      description: "Running balance of this currency after the entry",
    }),
  })
  .openapi("LedgerEntry");

const EntryBody = z
  .strictObject({
    direction: z
      .enum(["debit", "credit"])
      .openapi({ description: "debit: the customer owes more; credit: owes less" }),
    amount: z.strictObject({ amount: MinorAmount.min(1), currency: CurrencySchema }),
    reference_type: z.enum(["order", "invoice", "payment", "refund", "manual"]),
    reference_id: z.string().trim().max(100).optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .openapi("NewLedgerEntry");

const ReversalBody = z.strictObject({ note: z.string().max(1000).optional() }).openapi("LedgerReversal");

const SummarySchema = z
  .object({
    customer_id: z.string(),
    as_of: z.string(),
    currencies: z.array(
      z.object({
        currency: z.string(),
        total_debit: MoneySchema,
        total_credit: MoneySchema,
        balance: MoneySchema,
        aging: z.record(z.string(), MoneySchema),
        entries: z.number().int(),
      }),
    ),
  })
  .openapi("LedgerSummary");

const read = requirePermission("customers", "read");
const write = requirePermission("billing", "write");

const routes = {
  list: createRoute({
    method: "get",
    path: "/customers/{id}/ledger",
    tags: ["ledger"],
    summary: "A customer's ledger, newest first, with running balances",
    middleware: [read] as const,
    request: { params: CustomerParam, query: PageQuery },
    responses: { 200: json(pageOf(EntrySchema), "A page of entries"), ...problems(400, 401, 403, 404) },
  }),
  add: createRoute({
    method: "post",
    path: "/customers/{id}/ledger",
    tags: ["ledger"],
    summary: "Record a debit or credit",
    middleware: [write] as const,
    request: { params: CustomerParam, headers: IdempotencyHeader, body: jsonBody(EntryBody) },
    responses: { 201: json(EntrySchema, "Recorded"), ...problems(400, 401, 403, 404, 409, 422) },
  }),
  reverse: createRoute({
    method: "post",
    path: "/customers/{id}/ledger/{entry_id}/reverse",
    tags: ["ledger"],
    summary: "Undo an entry with its mirror image (once)",
    middleware: [write] as const,
    request: {
      params: EntryParam,
      headers: IdempotencyHeader,
      body: optionalJsonBody(ReversalBody),
    },
    responses: { 201: json(EntrySchema, "The reversing entry"), ...problems(400, 401, 403, 404, 409, 422) },
  }),
  summary: createRoute({
    method: "get",
    path: "/customers/{id}/ledger/summary",
    tags: ["ledger"],
    summary: "Totals, outstanding balance and aging (0-30, 31-60, 61-90, over 90 days) per currency",
    middleware: [read] as const,
    request: { params: CustomerParam },
    responses: { 200: json(SummarySchema, "The summary"), ...problems(401, 403, 404) },
  }),
};

export const ledgerRoutes = createRouter()
  .openapi(routes.list, async (c) =>
    c.json(await listEntries(c.env, principalOf(c), c.req.valid("param").id, c.req.valid("query")), 200),
  )
  .openapi(routes.add, async (c) => {
    const body = c.req.valid("json");
    const customerId = c.req.valid("param").id;
    return idempotent(c, async () => ({
      status: 201 as const,
      body: await addEntry(c.env, principalOf(c), customerId, body),
    }));
  })
  .openapi(routes.reverse, async (c) => {
    const { id, entry_id } = c.req.valid("param");
    const { note } = c.req.valid("json");
    return idempotent(c, async () => ({
      status: 201 as const,
      body: await reverseEntry(c.env, principalOf(c), id, entry_id, note),
    }));
  })
  .openapi(routes.summary, async (c) => {
    const id = c.req.valid("param").id;
    const asOf = new Date();
    return c.json(
      {
        customer_id: id,
        as_of: asOf.toISOString(),
        currencies: await ledgerSummary(c.env, principalOf(c), id, asOf),
      },
      200,
    );
  });
