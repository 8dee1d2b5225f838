// Everything that arrives by itself: one record per payload from every door (webhooks, mail, scrapes, store
// pulls, imports, devices), its raw bytes kept in R2 before anything parses them; and the doors' settings.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { INGEST_DOORS, INGEST_OUTCOMES, INGEST_VERDICTS } from "../vocabulary";
import { ORDER_KINDS } from "./orders";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export { INGEST_DOORS, INGEST_OUTCOMES, INGEST_VERDICTS };

export type IngestDoor = (typeof INGEST_DOORS)[number];
export type IngestVerdict = (typeof INGEST_VERDICTS)[number];
export type IngestOutcome = (typeof INGEST_OUTCOMES)[number];

/** One order a payload touched, and how. */
export interface IngestResult {
  order_id: string;
  outcome: "created" | "updated" | "unchanged";
  changes: string[];
}

export const ingestRecords = sqliteTable(
  "ingest_records",
  {
    id: text("id").primaryKey(),
    door: text("door", { enum: INGEST_DOORS }).notNull(),
    /** The webhook source's name, the mailbox address, the scrape's or pull's name. */
    source: text("source").notNull(),
    receivedAt: text("received_at").notNull().default(now),
    /** SHA-256 of the raw bytes, and where they are kept; both null for a refusal whose body was not kept. */
    sha256: text("sha256"),
    r2Key: text("r2_key"),
    size: integer("size").notNull().default(0),
    contentType: text("content_type"),
    /** The sender's own id for this delivery (webhook-id, X-Shopify-Webhook-Id, Message-ID). */
    deliveryId: text("delivery_id"),
    /** Mail: who sent it and its subject; webhooks: the topic or event type. */
    sender: text("sender"),
    subject: text("subject"),
    verdict: text("verdict", { enum: INGEST_VERDICTS }).notNull(),
    /** Why it was refused, or which record it repeats. */
    reason: text("reason"),
    duplicateOf: text("duplicate_of"),
    outcome: text("outcome", { enum: INGEST_OUTCOMES }),
    /** Why reading it failed, or found no order. */
    detail: text("detail"),
    /** The orders it touched (usually one). */
    results: text("results", { mode: "json" }).$type<IngestResult[]>(),
    orderId: text("order_id"),
    /** Times it has been read: 1 on arrival, +1 per reprocess. */
    attempts: integer("attempts").notNull().default(0),
    processedAt: text("processed_at"),
  },
  (t) => [
    index("ingest_received_idx").on(t.receivedAt, t.id),
    index("ingest_door_source_idx").on(t.door, t.source, t.receivedAt),
    index("ingest_order_idx").on(t.orderId),
    // The clock's sweep for records kept but never read: only pending ones are in it.
    index("ingest_pending_idx").on(t.receivedAt).where(sql`outcome = 'pending'`),
    // A repeat of a delivery id or (for mail) of the same bytes is recorded as a duplicate, never read twice.
    uniqueIndex("ingest_delivery_uq")
      .on(t.door, t.source, t.deliveryId)
      .where(sql`verdict = 'accepted' AND delivery_id IS NOT NULL`),
    uniqueIndex("ingest_email_bytes_uq")
      .on(t.door, t.sha256)
      .where(sql`verdict = 'accepted' AND door = 'email'`),
  ],
);

export const WEBHOOK_KINDS = ["standard", "shopify", "woocommerce"] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** A shop or system that posts signed webhooks to /api/v1/webhooks/{name}. */
export const webhookSources = sqliteTable(
  "webhook_sources",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    kind: text("kind", { enum: WEBHOOK_KINDS }).notNull(),
    /** What the orders it sends are to us: sales (a shop's orders) or purchases. */
    orderKind: text("order_kind", { enum: ORDER_KINDS }).notNull().default("sale"),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("webhook_sources_name_uq").on(t.name)],
);

/** A source holds several secrets at once, so one can be rotated without losing a delivery. */
export const webhookSecrets = sqliteTable(
  "webhook_secrets",
  {
    id: text("id").primaryKey(),
    sourceId: text("source_id").notNull(),
    secret: text("secret").notNull(),
    label: text("label"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("webhook_secrets_source_idx").on(t.sourceId)],
);

/** An address the `email` door receives at, what kind of orders its mail is about, and who may send. */
export const mailboxes = sqliteTable(
  "mailboxes",
  {
    id: text("id").primaryKey(),
    /** Lower case. */
    address: text("address").notNull(),
    orderKind: text("order_kind", { enum: ORDER_KINDS }).notNull(),
    /** The `source` of the orders its mail creates, e.g. "mail:retailer". */
    source: text("source").notNull(),
    /** Addresses ("orders@shop.example") or whole domains ("@shop.example"), lower case. */
    allowedSenders: text("allowed_senders", { mode: "json" }).$type<string[]>().notNull(),
    /** Currency for mail that does not say. */
    defaultCurrency: text("default_currency").notNull().default("EUR"),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("mailboxes_address_uq").on(t.address)],
);

export const MAIL_TEMPLATE_KINDS = ["confirmation", "shipment", "cancellation"] as const;

/** Patterns (JavaScript regular expressions) whose first capture group, or named groups, are the value. */
export interface MailTemplateFields {
  order_number: string;
  total?: string;
  shipping?: string;
  currency?: string;
  carrier?: string;
  tracking_number?: string;
  tracking_url?: string;
  buyer_name?: string;
  buyer_email?: string;
}

/** How to read mail without markup from one sender: staff write these, and reprocess what was missed. */
export const mailTemplates = sqliteTable(
  "mail_templates",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** An address or "@domain", lower case. */
    sender: text("sender").notNull(),
    /** A regular expression the subject must match; null matches any subject. */
    subjectPattern: text("subject_pattern"),
    kind: text("kind", { enum: MAIL_TEMPLATE_KINDS }).notNull(),
    fields: text("fields", { mode: "json" }).$type<MailTemplateFields>().notNull(),
    /** A global pattern with named groups sku, name, quantity, price (each line of the order). */
    linePattern: text("line_pattern"),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [index("mail_templates_sender_idx").on(t.sender)],
);
