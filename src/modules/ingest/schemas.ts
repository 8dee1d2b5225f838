// The ingest module's contract: the record every door writes, its filters, and the doors' monitor.
import { z } from "@hono/zod-openapi";
import { INGEST_DOORS, INGEST_OUTCOMES, INGEST_VERDICTS } from "../../db/schema/ingest";
import { PageQuery } from "../../lib/pagination";

const Instant = z.iso.datetime({ offset: true });

export const IngestRecordSchema = z
  .object({
    id: z.string(),
    door: z.enum(INGEST_DOORS),
    source: z.string().openapi({ description: "Webhook source name, mailbox address, scrape or pull name" }),
    received_at: z.string(),
    verdict: z.enum(INGEST_VERDICTS),
    reason: z.string().nullable().openapi({ description: "Why it was refused, or which record it repeats" }),
    duplicate_of: z.string().nullable(),
    outcome: z.enum(INGEST_OUTCOMES).nullable().openapi({ description: "null for refusals and duplicates" }),
    detail: z.string().nullable().openapi({ description: "Why reading failed or found no order" }),
    order_id: z.string().nullable(),
    results: z.array(
      z.object({
        order_id: z.string(),
        outcome: z.enum(["created", "updated", "unchanged"]),
        changes: z.array(z.string()),
      }),
    ),
    delivery_id: z.string().nullable().openapi({ description: "The sender's id (webhook-id, Message-ID)" }),
    sender: z.string().nullable(),
    subject: z.string().nullable().openapi({ description: "Mail subject, or the webhook's topic" }),
    content_type: z.string().nullable(),
    size: z.number().int(),
    sha256: z.string().nullable(),
    attempts: z.number().int(),
    processed_at: z.string().nullable(),
    raw_url: z.string().nullable().openapi({ description: "The bytes exactly as received" }),
  })
  .openapi("IngestRecord");

export const IngestQuery = PageQuery.extend({
  door: z.enum(INGEST_DOORS).optional(),
  source: z.string().max(254).optional(),
  verdict: z.enum(INGEST_VERDICTS).optional(),
  outcome: z.enum(INGEST_OUTCOMES).optional(),
  order_id: z.string().max(64).optional(),
  since: Instant.optional().openapi({ description: "Received at or after" }),
  until: Instant.optional().openapi({ description: "Received before" }),
});

export const StatsQuery = z.object({
  since: Instant.optional().openapi({ description: "Default: 24 hours ago" }),
  until: Instant.optional().openapi({ description: "Default: now" }),
  door: z.enum(INGEST_DOORS).optional(),
});

const Last = z.object({ at: z.string(), id: z.string(), detail: z.string().nullable() }).nullable();

export const IngestStatsSchema = z
  .object({
    since: z.string(),
    until: z.string(),
    doors: z.array(
      z.object({
        door: z.enum(INGEST_DOORS),
        source: z.string(),
        received: z.number().int(),
        refused: z.number().int(),
        duplicate: z.number().int(),
        outcomes: z.record(z.enum(INGEST_OUTCOMES), z.number().int()),
        last_success: Last,
        last_failure: Last.openapi({ description: "The last refusal or failed reading" }),
      }),
    ),
  })
  .openapi("IngestStats");

export const WebhookParam = z.object({
  source: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{1,49}$/, "A webhook source name")
    .openapi({ param: { name: "source", in: "path" }, example: "shop-main" }),
});

export const WebhookAnswerSchema = z
  .object({
    id: z.string().openapi({ description: "The ingest record" }),
    verdict: z.enum(["accepted", "duplicate"]),
    duplicate_of: z.string().nullable(),
  })
  .openapi("WebhookReceipt");
