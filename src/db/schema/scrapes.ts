// The clock's doors: scrape targets (what a real browser reads, by a declarative recipe) and their jobs,
// Magento store connections with their sync state and pulls, and the prices both collect.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const SCRAPE_KINDS = ["order_status", "price", "catalog"] as const;
export const SCRAPE_JOB_STATUSES = ["queued", "running", "ok", "failed"] as const;

export const scrapeTargets = sqliteTable(
  "scrape_targets",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    startUrl: text("start_url").notNull(),
    kind: text("kind", { enum: SCRAPE_KINDS }).notNull(),
    /** The declarative recipe (src/modules/scrapes/recipe.ts), validated when saved. */
    recipe: text("recipe", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    intervalMinutes: integer("interval_minutes").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** Set when the target was paused by failing `PAUSE_AFTER` times in a row: why. */
    pausedReason: text("paused_reason"),
    failuresInARow: integer("failures_in_a_row").notNull().default(0),
    /** SHA-256 of what the last successful run extracted: an unchanged page changes nothing. */
    lastHash: text("last_hash"),
    lastRunAt: text("last_run_at"),
    nextRunAt: text("next_run_at").notNull(),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("scrape_targets_name_uq").on(t.name),
    index("scrape_targets_due_idx").on(t.enabled, t.nextRunAt),
  ],
);

export const scrapeJobs = sqliteTable(
  "scrape_jobs",
  {
    id: text("id").primaryKey(),
    targetId: text("target_id").notNull(),
    /** schedule: the clock; manual: POST …/run. */
    trigger: text("trigger", { enum: ["schedule", "manual"] }).notNull(),
    status: text("status", { enum: SCRAPE_JOB_STATUSES }).notNull(),
    reason: text("reason"),
    pages: integer("pages").notNull().default(0),
    recordsFound: integer("records_found").notNull().default(0),
    /** unchanged when what was extracted matched the last run's. */
    outcome: text("outcome"),
    ingestRecordId: text("ingest_record_id"),
    screenshotKey: text("screenshot_key"),
    durationMs: integer("duration_ms"),
    startedAt: text("started_at"),
    finishedAt: text("finished_at"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [
    index("scrape_jobs_target_idx").on(t.targetId, t.createdAt, t.id),
    index("scrape_jobs_status_idx").on(t.status, t.createdAt, t.id),
    index("scrape_jobs_created_idx").on(t.createdAt, t.id),
  ],
);

/** A thing whose price is watched: a catalog product, or an item a scrape found (keyed by its source). */
export const priceItems = sqliteTable(
  "price_items",
  {
    id: text("id").primaryKey(),
    /** `<source>:<the item's own key>` (SKU, URL or the recipe's key field). */
    key: text("key").notNull(),
    name: text("name").notNull(),
    productId: text("product_id"),
    url: text("url"),
    /** price.changed is announced when a price falls below this (minor units of its currency) … */
    alertBelowMinor: integer("alert_below_minor"),
    /** … or moves by at least this many basis points (default PRICE_CHANGE_BP). */
    changeThresholdBp: integer("change_threshold_bp"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("price_items_key_uq").on(t.key), index("price_items_product_idx").on(t.productId)],
);

/** One price seen at one time: kept when it differs from the item's last one from that source. */
export const priceObservations = sqliteTable(
  "price_observations",
  {
    id: text("id").primaryKey(),
    itemId: text("item_id").notNull(),
    source: text("source").notNull(),
    priceMinor: integer("price_minor").notNull(),
    currency: text("currency").notNull(),
    observedAt: text("observed_at").notNull(),
    scrapeJobId: text("scrape_job_id"),
  },
  (t) => [
    index("price_observations_item_idx").on(t.itemId, t.observedAt),
    uniqueIndex("price_observations_uq").on(t.itemId, t.source, t.observedAt),
  ],
);

export const storeConnections = sqliteTable(
  "store_connections",
  {
    id: text("id").primaryKey(),
    /** The intake source its orders carry (`magento:<name>`). */
    name: text("name").notNull(),
    kind: text("kind", { enum: ["magento2"] }).notNull(),
    baseUrl: text("base_url").notNull(),
    /** The name of the Worker secret holding the integration token: the token itself is never in D1. */
    tokenSecret: text("token_secret").notNull(),
    pageSize: integer("page_size").notNull().default(50),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** Where each feed resumes: the last (updated_at, entity_id) taken, per feed (orders, invoices). */
    cursors: text("cursors", { mode: "json" })
      .$type<Record<string, { updated_at: string; id: number } | null>>()
      .notNull(),
    lastSuccessAt: text("last_success_at"),
    lastError: text("last_error"),
    lastErrorAt: text("last_error_at"),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("store_connections_name_uq").on(t.name)],
);

export const storePulls = sqliteTable(
  "store_pulls",
  {
    id: text("id").primaryKey(),
    connectionId: text("connection_id").notNull(),
    trigger: text("trigger", { enum: ["schedule", "manual"] }).notNull(),
    status: text("status", { enum: ["running", "ok", "failed"] }).notNull(),
    pages: integer("pages").notNull().default(0),
    ordersCreated: integer("orders_created").notNull().default(0),
    ordersUpdated: integer("orders_updated").notNull().default(0),
    ordersUnchanged: integer("orders_unchanged").notNull().default(0),
    invoices: integer("invoices").notNull().default(0),
    error: text("error"),
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at"),
  },
  (t) => [index("store_pulls_connection_idx").on(t.connectionId, t.startedAt, t.id)],
);
