// The reconciliation module's REST door: bank mappings, card statement imports, the rows a person matches
// by hand, and the report of what is left.
import { createRoute, type z } from "@hono/zod-openapi";
import { createRouter, fieldErrors, IdParam, json, jsonBody, problems } from "../../lib/openapi";
import { PageQuery, pageOf } from "../../lib/pagination";
import { badRequest, type FieldError } from "../../lib/problem";
import { principalOf, requirePermission, requireShop } from "../auth/middleware";
import { listMappings, saveMapping } from "./mappings";
import { statementReport } from "./report";
import {
  BankMappingList,
  BankMappingSchema,
  BankParam,
  ImportQuery,
  MatchBody,
  ReportSchema,
  StatementDetailSchema,
  StatementMappingSchema,
  StatementSchema,
  TransactionPageQuery,
  TransactionParam,
  TransactionSchema,
} from "./schemas";
import { getStatement, importStatement, listStatements } from "./statements";
import { ignoreTransaction, matchTransaction, unmatchTransaction } from "./transactions";

/** Card statements are the shop's own books: a customer's billing:read (their invoices) does not reach them. */
const shopOnly = requireShop("Card statements are the shop's own records.");
const read = requirePermission("billing", "read");
const write = requirePermission("billing", "write");

const MATCHING_RULE =
  "Each charge (a positive amount after the mapping's sign) is matched against purchase orders in its currency for exactly its amount, not cancelled, not held by another charge, placed so that the charge posted from 2 days before to 7 days after the order's day (UTC). " +
  "A candidate scores 60 x name similarity (the description against the merchant, lower case, without diacritics, processor prefixes such as PAYPAL * or SQ *, digits, legal forms, countries and cities: the share of words in common, or the Dice coefficient of letter pairs, whichever is higher) plus 40 x date fit (1 on the order's day, 0.1 less per day later, 0.25 less per day earlier). " +
  "Exact: posted the order's day with a name similarity of at least 0.8, the only such candidate and none scoring higher: matched. Else the best candidate is matched when it scores at least 70 and leads the next by at least 15; other candidates make the charge ambiguous (up to 5 listed, best first); none leave it unmatched. " +
  "Within a statement an order is taken once, clearest matches first. Credits back to the card (refunds) are never matched automatically.";

const routes = {
  putMapping: createRoute({
    method: "put",
    path: "/reconciliation/mappings/{bank}",
    tags: ["reconciliation"],
    summary: "Save how a bank's statement CSV names its columns (used by its imports from now on)",
    middleware: [write, shopOnly] as const,
    request: { params: BankParam, body: jsonBody(StatementMappingSchema) },
    responses: { 200: json(BankMappingSchema, "The saved mapping"), ...problems(400, 401, 403) },
  }),
  listMappings: createRoute({
    method: "get",
    path: "/reconciliation/mappings",
    tags: ["reconciliation"],
    summary: "The saved bank mappings, by bank",
    middleware: [read, shopOnly] as const,
    responses: { 200: json(BankMappingList, "The mappings"), ...problems(401, 403) },
  }),
  importStatement: createRoute({
    method: "post",
    path: "/reconciliation/statements",
    tags: ["reconciliation"],
    summary: "Import a card statement CSV and match its charges to purchase orders",
    description: `The CSV is the raw body (Content-Type: text/csv), or the \`file\` field of a multipart form (with an optional \`mapping\` field). It is read through the bank's mapping: the one given (the \`mapping\` query parameter or form field, as JSON; saved for the bank when the import succeeds) or the one saved. UTF-8 (with or without BOM) or Windows-1252; ";", "," or tab delimited; quoted fields may hold delimiters and line breaks; lines before the header are skipped. A file with a missing column, or rows that cannot be read, is a 400 naming the column (with the headers found) or each row's line and why; nothing is kept. The same file again answers 200 with the statement it made and changes nothing. ${MATCHING_RULE}`,
    middleware: [write, shopOnly] as const,
    request: {
      query: ImportQuery,
      body: {
        required: true,
        content: {
          "text/csv": { schema: { type: "string", format: "binary" } },
          "multipart/form-data": {
            schema: {
              type: "object",
              properties: {
                file: { type: "string", format: "binary" },
                mapping: { type: "string", description: "A StatementMapping as JSON" },
              },
              required: ["file"],
            },
          },
        },
      },
    },
    responses: {
      201: json(StatementSchema, "Imported: the statement with its counts by status"),
      200: json(StatementSchema, "This file was imported before: that statement, unchanged"),
      ...problems(400, 401, 403, 409, 413),
    },
  }),
  listStatements: createRoute({
    method: "get",
    path: "/reconciliation/statements",
    tags: ["reconciliation"],
    summary: "Imported card statements, newest first",
    middleware: [read, shopOnly] as const,
    request: { query: PageQuery },
    responses: { 200: json(pageOf(StatementSchema), "A page of statements"), ...problems(400, 401, 403) },
  }),
  getStatement: createRoute({
    method: "get",
    path: "/reconciliation/statements/{id}",
    tags: ["reconciliation"],
    summary: "A statement with its transactions in file order, optionally of one status",
    middleware: [read, shopOnly] as const,
    request: { params: IdParam, query: TransactionPageQuery },
    responses: { 200: json(StatementDetailSchema, "The statement"), ...problems(400, 401, 403, 404) },
  }),
  report: createRoute({
    method: "get",
    path: "/reconciliation/statements/{id}/report",
    tags: ["reconciliation"],
    summary: "Totals per currency, the charges left to a person, and purchases no charge paid",
    description:
      "Totals per currency of matched, ambiguous, unmatched and ignored charges and of credits (count and sum); the unmatched and ambiguous charges and the credits, by line; and the purchase orders placed in the statement's period widened by the matching window (7 days before its first day to 2 days after its last) in its currencies, not cancelled, that no transaction of any statement holds.",
    middleware: [read, shopOnly] as const,
    request: { params: IdParam },
    responses: { 200: json(ReportSchema, "The report"), ...problems(401, 403, 404) },
  }),
  match: createRoute({
    method: "post",
    path: "/reconciliation/statements/{id}/transactions/{tx}/match",
    tags: ["reconciliation"],
    summary: "Match a charge to a purchase order by hand",
    description:
      "The order must be a purchase in the charge's currency; its amount and date may differ. An order another charge holds is a 409 naming that transaction: unmatch it there first. Matching the order already matched answers the row unchanged.",
    middleware: [write, shopOnly] as const,
    request: { params: TransactionParam, body: jsonBody(MatchBody) },
    responses: {
      200: json(TransactionSchema, "The row, matched"),
      ...problems(400, 401, 403, 404, 409, 422),
    },
  }),
  unmatch: createRoute({
    method: "post",
    path: "/reconciliation/statements/{id}/transactions/{tx}/unmatch",
    tags: ["reconciliation"],
    summary: "Back to unmatched: the order is free again; the candidates are kept",
    middleware: [write, shopOnly] as const,
    request: { params: TransactionParam },
    responses: { 200: json(TransactionSchema, "The row, unmatched"), ...problems(401, 403, 404) },
  }),
  ignore: createRoute({
    method: "post",
    path: "/reconciliation/statements/{id}/transactions/{tx}/ignore",
    tags: ["reconciliation"],
    summary: "Set a row aside as no purchase (a fee, a personal charge): it holds no order",
    middleware: [write, shopOnly] as const,
    request: { params: TransactionParam },
    responses: { 200: json(TransactionSchema, "The row, ignored"), ...problems(401, 403, 404) },
  }),
};

/** A mapping given as JSON text (query parameter or form field), checked like a body. */
function mappingFrom(text: string, where: "query" | "body") {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest("The mapping is not valid JSON: send it as a JSON object (URL-encoded in a query).", [
      { in: where, path: "mapping", message: "Malformed JSON" },
    ]);
  }
  const parsed = StatementMappingSchema.safeParse(value);
  if (!parsed.success) {
    const errors: FieldError[] = fieldErrors(where, parsed.error).map((e) => ({
      ...e,
      path: e.path ? `mapping.${e.path}` : "mapping",
    }));
    throw badRequest("The mapping has invalid fields.", errors);
  }
  return parsed.data;
}

/** The statement's bytes and what came with them: a raw CSV body, or a multipart form's `file` and `mapping`. */
async function uploadOf(request: Request, query: z.output<typeof ImportQuery>) {
  let bytes: ArrayBuffer;
  let filename = query.filename ?? null;
  let mapping = query.mapping ? mappingFrom(query.mapping, "query") : undefined;
  if (/^multipart\/form-data/i.test(request.headers.get("content-type") ?? "")) {
    const form = await request.formData().catch(() => {
      throw badRequest("The body is not a readable multipart form.");
    });
    const file = form.get("file");
    if (!(file instanceof File)) {
      throw badRequest("The form has no file: send the statement CSV as its `file` field.", [
        { in: "body", path: "file", message: "Required" },
      ]);
    }
    bytes = await file.arrayBuffer();
    filename ??= file.name || null;
    const given = form.get("mapping");
    if (typeof given === "string" && given.trim() !== "") mapping ??= mappingFrom(given, "body");
  } else {
    bytes = await request.arrayBuffer();
  }
  if (bytes.byteLength === 0) {
    throw badRequest(
      "The body is empty: send the statement's CSV file as the body (Content-Type: text/csv) or as the `file` field of a multipart form.",
    );
  }
  return { bank: query.bank, bytes, filename, mapping };
}

export const reconciliationRoutes = createRouter()
  .openapi(routes.putMapping, async (c) =>
    c.json(await saveMapping(c.env, principalOf(c).id, c.req.valid("param").bank, c.req.valid("json")), 200),
  )
  .openapi(routes.listMappings, async (c) => c.json(await listMappings(c.env), 200))
  .openapi(routes.importStatement, async (c) => {
    const upload = await uploadOf(c.req.raw, c.req.valid("query"));
    const { created, statement } = await importStatement(c.env, principalOf(c), upload);
    return created ? c.json(statement, 201) : c.json(statement, 200);
  })
  .openapi(routes.listStatements, async (c) => c.json(await listStatements(c.env, c.req.valid("query")), 200))
  .openapi(routes.getStatement, async (c) =>
    c.json(await getStatement(c.env, c.req.valid("param").id, c.req.valid("query")), 200),
  )
  .openapi(routes.report, async (c) => c.json(await statementReport(c.env, c.req.valid("param").id), 200))
  .openapi(routes.match, async (c) => {
    const { id, tx } = c.req.valid("param");
    return c.json(await matchTransaction(c.env, principalOf(c), id, tx, c.req.valid("json").order_id), 200);
  })
  .openapi(routes.unmatch, async (c) => {
    const { id, tx } = c.req.valid("param");
    return c.json(await unmatchTransaction(c.env, id, tx), 200);
  })
  .openapi(routes.ignore, async (c) => {
    const { id, tx } = c.req.valid("param");
    return c.json(await ignoreTransaction(c.env, principalOf(c), id, tx), 200);
  });
