// The imports module's REST door: formats (column mappings), the preview, uploads, their progress, cancel
// and errors.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { createRouter, IdParam, json, jsonBody, problems } from "../../lib/openapi";
import { pageOf } from "../../lib/pagination";
import { badRequest } from "../../lib/problem";
import { principalOf, requirePermission, requireShop } from "../auth/middleware";
import { findFormat, listFormats, mappingFromQuery, saveFormat } from "./formats";
import { cancelJob, errorsCsv, jobView, listJobs, uploadImport } from "./jobs";
import { previewImport } from "./preview";
import {
  FormatBody,
  FormatList,
  FormatParam,
  FormatSchema,
  ImportJobQuery,
  ImportJobSchema,
  PreviewQuery,
  PreviewSchema,
  UploadQuery,
} from "./schemas";

const shopOnly = requireShop("Sales imports are the shop's own work.");
const read = requirePermission("orders", "read");
const write = requirePermission("orders", "write");

const csvBody = {
  required: true,
  content: { "text/csv": { schema: { type: "string" as const, format: "binary" } } },
};

const ROWS_RULE =
  "Each row is a sale: rows sharing the mapping's `order_ref` column are one order with several lines (they must be adjacent in the file); without it each row is an order, its external ref a hash of the row. Orders go through the one intake path with source `import:<format>`, so a file imported again, or one overlapping an earlier one, creates nothing twice. Dates are read in the format's `date_format` and `time_zone` and stored as UTC; amounts with its decimal mark, in exact minor units of each row's currency; prices are net, tax_rate a percent. A sale takes the status the file says (its `status` column, through `statuses`), else the format's `default_status` (delivered: a delivered sale is invoiced as every delivered sale in ROMS is; shipped keeps history invoiced elsewhere uninvoiced).";

const routes = {
  putFormat: createRoute({
    method: "put",
    path: "/imports/formats/{name}",
    tags: ["imports"],
    summary: "Save how a sales export names its columns (used by its uploads and previews from now on)",
    description:
      "`sample_header` (query): the file's header line, checked against the mapping (400 naming each missing column and the headers found).",
    middleware: [write, shopOnly] as const,
    request: {
      params: FormatParam,
      query: z.object({ sample_header: z.string().max(10_000).optional() }),
      body: jsonBody(FormatBody),
    },
    responses: { 200: json(FormatSchema, "The saved format"), ...problems(400, 401, 403) },
  }),
  listFormats: createRoute({
    method: "get",
    path: "/imports/formats",
    tags: ["imports"],
    summary: "The saved import formats, by name",
    middleware: [read, shopOnly] as const,
    responses: { 200: json(FormatList, "The formats"), ...problems(401, 403) },
  }),
  preview: createRoute({
    method: "post",
    path: "/imports/preview",
    tags: ["imports"],
    summary: "The first rows of a CSV read through a format (or a mapping given as JSON): nothing is written",
    description: `The body is the head of the file (up to 1 MiB). ${ROWS_RULE}`,
    middleware: [write, shopOnly] as const,
    request: { query: PreviewQuery, body: csvBody },
    responses: {
      200: json(PreviewSchema, "The rows as they would be imported"),
      ...problems(400, 401, 403, 404),
    },
  }),
  upload: createRoute({
    method: "post",
    path: "/imports",
    tags: ["imports"],
    summary: "Import a sales CSV: kept in R2, then read in chunks by a queue",
    description: `The CSV is the raw body (Content-Type: text/csv, with Content-Length: it is streamed to R2, up to 100 MiB). UTF-8 (BOM or not) or Windows-1252; ";", "," or tab; quoted fields may hold delimiters and line breaks. The header must hold every column the format maps (else a 400 naming them and the headers found). 201 with the job, queued: poll GET /imports/{id} for rows done, errors, rate and seconds left. The same file for the same format again answers its job (200), unless \`rerun=true\`. Bad rows are kept with their lines (GET /imports/{id}/errors.csv); the good ones go in. ${ROWS_RULE}`,
    middleware: [write, shopOnly] as const,
    request: { query: UploadQuery, body: csvBody },
    responses: {
      201: json(ImportJobSchema, "The job, queued"),
      200: json(ImportJobSchema, "This file was imported with this format before: that job"),
      ...problems(400, 401, 403, 404, 413, 503),
    },
  }),
  list: createRoute({
    method: "get",
    path: "/imports",
    tags: ["imports"],
    summary: "Imports, newest first",
    middleware: [read, shopOnly] as const,
    request: { query: ImportJobQuery },
    responses: { 200: json(pageOf(ImportJobSchema), "A page of imports"), ...problems(400, 401, 403) },
  }),
  get: createRoute({
    method: "get",
    path: "/imports/{id}",
    tags: ["imports"],
    summary: "One import and its progress (poll it to watch an import live)",
    middleware: [read, shopOnly] as const,
    request: { params: IdParam },
    responses: { 200: json(ImportJobSchema, "The job"), ...problems(401, 403, 404) },
  }),
  cancel: createRoute({
    method: "post",
    path: "/imports/{id}/cancel",
    tags: ["imports"],
    summary: "Stop an import at its next chunk (the orders already made stay)",
    middleware: [write, shopOnly] as const,
    request: { params: IdParam },
    responses: { 200: json(ImportJobSchema, "The job, cancelled"), ...problems(401, 403, 404, 409) },
  }),
  errors: createRoute({
    method: "get",
    path: "/imports/{id}/errors.csv",
    tags: ["imports"],
    summary: "The rows not imported, as CSV: line, message, the row as it was",
    middleware: [read, shopOnly] as const,
    request: { params: IdParam },
    responses: {
      200: { description: "The errors", content: { "text/csv": { schema: { type: "string" } } } },
      ...problems(401, 403, 404),
    },
  }),
};

// Typed as a plain router: its routes' schema types, added to app.ts's chain of every module, made that chain
// too deep for the compiler (TS2589). Each handler is still checked against its route.
export const importRoutes: OpenAPIHono<AppEnv> = createRouter()
  .openapi(routes.putFormat, async (c) => {
    const { name } = c.req.valid("param");
    const { sample_header } = c.req.valid("query");
    return c.json(await saveFormat(c.env, principalOf(c).id, name, c.req.valid("json"), sample_header), 200);
  })
  .openapi(routes.listFormats, async (c) => c.json(await listFormats(c.env), 200))
  .openapi(routes.preview, async (c) => {
    const query = c.req.valid("query");
    if (!query.mapping && !query.format) {
      throw badRequest("Name a saved format (`format`) or give a mapping (`mapping`, JSON).", [
        { in: "query", path: "format", message: "Required without mapping" },
      ]);
    }
    const mapping = query.mapping
      ? mappingFromQuery(query.mapping)
      : (await findFormat(c.env, query.format as string)).mapping;
    return c.json(previewImport(await c.req.arrayBuffer(), mapping, query.rows), 200);
  })
  .openapi(routes.upload, async (c) => {
    const { status, job } = await uploadImport(c.env, principalOf(c).id, c.req.raw, c.req.valid("query"));
    return c.json(job, status);
  })
  .openapi(routes.list, async (c) => c.json(await listJobs(c.env, c.req.valid("query")), 200))
  .openapi(routes.get, async (c) => c.json(await jobView(c.env, c.req.valid("param").id), 200))
  .openapi(routes.cancel, async (c) => c.json(await cancelJob(c.env, c.req.valid("param").id), 200))
  .openapi(routes.errors, async (c) => {
    const { id } = c.req.valid("param");
    return new Response(await errorsCsv(c.env, id), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="import-${id}-errors.csv"`,
        "cache-control": "private, no-store",
      },
    }) as never;
  });
