// The billing module's REST door: invoices and credit notes (with their PDFs), payments and refunds on an
// order, an order's money, and a customer's account.
import { createRoute } from "@hono/zod-openapi";
import { IdempotencyHeader, idempotent } from "../../lib/idempotency";
import { createRouter, IdParam, json, jsonBody, pdf, pdfResponse, problems } from "../../lib/openapi";
import { PageQuery, pageOf } from "../../lib/pagination";
import { principalOf, requirePermission } from "../auth/middleware";
import { creditOrder, invoiceOrder, recordPayment } from "./payments";
import { invoicePdf } from "./pdf";
import { customerAccount, getInvoice, listInvoices, orderBilling } from "./queries";
import {
  AccountSchema,
  CreditNoteBody,
  InvoiceQuery,
  InvoiceSchema,
  OrderBillingSchema,
  PaymentBody,
  PaymentSchema,
} from "./schemas";
import { toInvoiceView } from "./view";

const read = requirePermission("billing", "read");
const write = requirePermission("billing", "write");
const money = (path: string, summary: string, description: string) =>
  createRoute({
    method: "post",
    path,
    tags: ["billing"],
    summary,
    description,
    middleware: [write] as const,
    request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(PaymentBody) },
    responses: { 201: json(PaymentSchema, "Recorded"), ...problems(400, 401, 403, 404, 409, 422) },
  });

const routes = {
  list: createRoute({
    method: "get",
    path: "/invoices",
    tags: ["billing"],
    summary: "Invoices and credit notes, newest first (customers: their own)",
    middleware: [read] as const,
    request: { query: InvoiceQuery },
    responses: { 200: json(pageOf(InvoiceSchema), "A page"), ...problems(400, 401, 403) },
  }),
  get: createRoute({
    method: "get",
    path: "/invoices/{id}",
    tags: ["billing"],
    summary: "One invoice or credit note",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(InvoiceSchema, "The document"), ...problems(401, 403, 404) },
  }),
  pdf: createRoute({
    method: "get",
    path: "/invoices/{id}/pdf",
    tags: ["billing"],
    summary: "The document as a PDF (A4), rendered once and kept",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { ...pdfResponse, ...problems(401, 403, 404) },
  }),
  invoice: createRoute({
    method: "post",
    path: "/orders/{id}/invoice",
    tags: ["billing"],
    summary: "Invoice a sale order now (delivery invoices it otherwise); once per order",
    description:
      "201 with the new invoice; 200 with the order's invoice when it has one already (no number is taken). Numbers are INV-<year>-<6 digits>, gapless: the number is taken in the same atomic batch that writes the invoice and its ledger debit. The due date is the customer's payment terms (30 days unless set on the customer) from the issue date; an order without a customer is due on issue.",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: {
      200: json(InvoiceSchema, "The invoice it had"),
      201: json(InvoiceSchema, "Issued"),
      ...problems(401, 403, 404, 409, 422),
    },
  }),
  billing: createRoute({
    method: "get",
    path: "/orders/{id}/billing",
    tags: ["billing"],
    summary: "An order's money: invoice, credit notes, payments, refunds and what is outstanding",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(OrderBillingSchema, "The order's money"), ...problems(401, 403, 404) },
  }),
  payment: money(
    "/orders/{id}/payments",
    "Record a payment (partial or full)",
    "Moves the order's payment_status (partial, paid) and credits the customer's ledger. More than is still due (total less credit notes less what was paid) is a 422 naming what is due. Purchases are not paid here: they are matched from the card statement.",
  ),
  refund: money(
    "/orders/{id}/refunds",
    "Record a refund (money handed back)",
    "Debits the customer's ledger (they are owed less) and moves payment_status (refunded when everything paid went back). More than was paid is a 422.",
  ),
  credit: createRoute({
    method: "post",
    path: "/orders/{id}/credit-notes",
    tags: ["billing"],
    summary: "Issue a credit note for part of the order's invoice (CN-<year>-<6 digits>)",
    description:
      "Per line, at most what was invoiced less earlier credit notes. Credits the customer's ledger and lowers what is due. A refund of money already paid is a separate POST /orders/{id}/refunds.",
    middleware: [write] as const,
    request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(CreditNoteBody) },
    responses: { 201: json(InvoiceSchema, "Issued"), ...problems(400, 401, 403, 404, 409, 422) },
  }),
  account: createRoute({
    method: "get",
    path: "/customers/{id}/account",
    tags: ["billing"],
    summary:
      "A customer's account: invoices, credit notes, payments and refunds with balances, and order changes",
    description:
      "Built from the customer's ledger, so its balances are the ledger's: each item is a ledger entry (newest first) with the document or payment behind it. `modifications` are the latest substitutions and edits of their orders, which move no money until invoiced.",
    middleware: [read] as const,
    request: { params: IdParam, query: PageQuery },
    responses: { 200: json(AccountSchema, "The account"), ...problems(400, 401, 403, 404) },
  }),
};

export const billingRoutes = createRouter()
  .openapi(routes.list, async (c) =>
    c.json(await listInvoices(c.env, principalOf(c), c.req.valid("query")), 200),
  )
  .openapi(routes.get, async (c) =>
    c.json((await getInvoice(c.env, principalOf(c), c.req.valid("param").id)).view, 200),
  )
  .openapi(routes.pdf, async (c) => {
    const { row, view } = await getInvoice(c.env, principalOf(c), c.req.valid("param").id);
    return pdf(await invoicePdf(c.env, row, view.order_number), `${row.number}.pdf`) as never;
  })
  .openapi(routes.invoice, async (c) => {
    const issued = await invoiceOrder(c.env, principalOf(c), c.req.valid("param").id);
    const view = toInvoiceView(issued.row, issued.orderNumber);
    return issued.created ? c.json(view, 201) : c.json(view, 200);
  })
  .openapi(routes.billing, async (c) =>
    c.json(await orderBilling(c.env, principalOf(c), c.req.valid("param").id), 200),
  )
  .openapi(routes.payment, async (c) => {
    const body = c.req.valid("json");
    const id = c.req.valid("param").id;
    return idempotent(c, async () => ({
      status: 201 as const,
      body: await recordPayment(c.env, principalOf(c), id, "payment", body),
    }));
  })
  .openapi(routes.refund, async (c) => {
    const body = c.req.valid("json");
    const id = c.req.valid("param").id;
    return idempotent(c, async () => ({
      status: 201 as const,
      body: await recordPayment(c.env, principalOf(c), id, "refund", body),
    }));
  })
  .openapi(routes.credit, async (c) => {
    const body = c.req.valid("json");
    const id = c.req.valid("param").id;
    return idempotent(c, async () => {
      const row = await creditOrder(c.env, principalOf(c), id, body);
      return { status: 201 as const, body: (await getInvoice(c.env, principalOf(c), row.id)).view };
    });
  })
  .openapi(routes.account, async (c) =>
    c.json(await customerAccount(c.env, principalOf(c), c.req.valid("param").id, c.req.valid("query")), 200),
  );
