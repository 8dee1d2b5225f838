// The ingest log (every door's records, their raw bytes, reprocessing, the doors' monitor) and the signed
// webhook door. Records are for staff with the intake permission; the door is public and signed.
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, IdParam, json, problems } from "../../lib/openapi";
import { pageOf } from "../../lib/pagination";
import { conflict, notFound } from "../../lib/problem";
import { requirePermission } from "../auth/middleware";
import { getRecord, ingestStats, listRecords, toRecordView } from "./queries";
import { readRecord } from "./read";
import {
  IngestQuery,
  IngestRecordSchema,
  IngestStatsSchema,
  StatsQuery,
  WebhookAnswerSchema,
  WebhookParam,
} from "./schemas";
import { receiveWebhook } from "./webhook";

const read = requirePermission("intake", "read");
const write = requirePermission("intake", "write");

const routes = {
  list: createRoute({
    method: "get",
    path: "/ingest",
    tags: ["intake"],
    summary: "What every door received, newest first: webhooks, mail, scrapes, store pulls, imports, devices",
    middleware: [read] as const,
    request: { query: IngestQuery },
    responses: { 200: json(pageOf(IngestRecordSchema), "A page of records"), ...problems(400, 401, 403) },
  }),
  stats: createRoute({
    method: "get",
    path: "/ingest/stats",
    tags: ["intake"],
    summary: "The doors' monitor: per door and source, counts by outcome, the last success and failure",
    middleware: [read] as const,
    request: { query: StatsQuery },
    responses: { 200: json(IngestStatsSchema, "Counts over the range"), ...problems(400, 401, 403) },
  }),
  get: createRoute({
    method: "get",
    path: "/ingest/{id}",
    tags: ["intake"],
    summary: "One record, with a link to its raw bytes",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(IngestRecordSchema, "The record"), ...problems(401, 403, 404) },
  }),
  raw: createRoute({
    method: "get",
    path: "/ingest/{id}/raw",
    tags: ["intake"],
    summary: "The payload exactly as received (a webhook's body; a message as message/rfc822)",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: {
      200: { description: "The raw bytes", content: { "application/octet-stream": { schema: z.string() } } },
      ...problems(401, 403, 404),
    },
  }),
  reprocess: createRoute({
    method: "post",
    path: "/ingest/{id}/reprocess",
    tags: ["intake"],
    summary: "Read the stored bytes again (after a mapping, template or mailbox was fixed)",
    description:
      "Runs the door's reader on the raw bytes kept for the record and applies what it finds through the one intake path, exactly as on arrival; an order already up to date stays unchanged. Answers the record with its new outcome.",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 200: json(IngestRecordSchema, "Read again"), ...problems(401, 403, 404, 409) },
  }),
  webhook: createRoute({
    method: "post",
    path: "/webhooks/{source}",
    tags: ["webhooks"],
    summary: "A signed webhook from a configured source (Standard Webhooks, Shopify, WooCommerce)",
    description:
      "Verified over the raw bytes with the source's secrets (any of them, so secrets rotate without losing deliveries), kept raw before the answer, read into orders right after. The delivery id (webhook-id, X-Shopify-Webhook-Id, X-WC-Webhook-Delivery-ID) makes a redelivery answer 200 and change nothing.",
    security: [],
    request: {
      params: WebhookParam,
      // Declared as bytes: the signature covers them exactly, so nothing parses them before it verifies.
      body: {
        required: true,
        description: "The sender's JSON payload (WooCommerce's creation ping is form-encoded)",
        content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
      },
    },
    responses: {
      202: json(WebhookAnswerSchema, "Kept; it is read into orders next"),
      200: json(WebhookAnswerSchema, "A redelivery: already kept, nothing changes"),
      ...problems(401, 413, 429),
    },
  }),
};

export const ingestRoutes = createRouter()
  .openapi(routes.list, async (c) => c.json(await listRecords(c.env, c.req.valid("query")), 200))
  .openapi(routes.stats, async (c) => c.json(await ingestStats(c.env, c.req.valid("query")), 200))
  .openapi(routes.get, async (c) =>
    c.json(toRecordView(await getRecord(c.env, c.req.valid("param").id)), 200),
  )
  .openapi(routes.raw, async (c) => {
    const record = await getRecord(c.env, c.req.valid("param").id);
    const object = record.r2Key ? await c.env.FILES.get(record.r2Key) : null;
    if (!object) throw notFound("This record kept no bytes (a refusal keeps none).");
    return new Response(object.body, {
      headers: {
        "content-type": record.contentType ?? "application/octet-stream",
        "content-length": String(object.size),
        "content-disposition": `attachment; filename="${record.id}${record.door === "email" ? ".eml" : ""}"`,
      },
    });
  })
  .openapi(routes.reprocess, async (c) => {
    const record = await getRecord(c.env, c.req.valid("param").id);
    if (record.verdict !== "accepted") {
      throw conflict(
        record.verdict === "duplicate"
          ? `This repeats ${record.duplicateOf}: reprocess that record.`
          : "A refused payload was not kept, so there is nothing to read again.",
      );
    }
    return c.json(toRecordView(await readRecord(c.env, record)), 200);
  })
  .openapi(routes.webhook, async (c) => {
    const record = await receiveWebhook(c.env, c.req.valid("param").source, c.req.raw);
    const answer = {
      id: record.id,
      verdict: record.verdict as "accepted" | "duplicate",
      duplicate_of: record.duplicateOf,
    };
    return record.verdict === "accepted" ? c.json(answer, 202) : c.json(answer, 200);
  });
