// The warehouse floor: count sessions (their results once posted), scans as they were read, and pick & pack
// (pick lists walked by bin, parcels). A count in progress lives in its session's room; D1 keeps the header
// and, once posted, each line's outcome.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const _now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const COUNT_STATUSES = ["open", "posted", "cancelled"] as const;

/** A stock count of one location: all of it, or one shelf (bins starting with `shelf`), or one category. */
export const countSessions = sqliteTable(
  "count_sessions",
  {
    id: text("id").primaryKey(),
    locationId: text("location_id").notNull(),
    status: text("status", { enum: COUNT_STATUSES }).notNull().default("open"),
    shelf: text("shelf"),
    categoryId: text("category_id"),
    note: text("note"),
    /** How many products the count covers. */
    lines: integer("lines").notNull(),
    openedBy: text("opened_by").notNull(),
    openedAt: text("opened_at").notNull(),
    postedBy: text("posted_by"),
    postedAt: text("posted_at"),
    cancelledAt: text("cancelled_at"),
  },
  (t) => [index("count_sessions_location_idx").on(t.locationId, t.openedAt, t.id)],
);

/** A counted product as posted: what was expected, what was counted, and whether its count movement held. */
export const countResults = sqliteTable(
  "count_results",
  {
    sessionId: text("session_id").notNull(),
    productId: text("product_id").notNull(),
    expected: integer("expected").notNull(),
    counted: integer("counted").notNull(),
    /** The level version the counter saw when they began this product. */
    versionSeen: integer("version_seen").notNull(),
    countedBy: text("counted_by"),
    /** The count movement written; null when the level had moved since (to be counted again). */
    movementId: text("movement_id"),
    postedAt: text("posted_at").notNull(),
  },
  (t) => [uniqueIndex("count_results_uq").on(t.sessionId, t.productId, t.postedAt)],
);

export const SCAN_OUTCOMES = ["resolved", "applied", "refused", "unknown"] as const;
export const SCAN_ACTIONS = ["look_up", "count", "receive", "pick"] as const;
export const SCAN_TARGETS = ["product", "order", "location", "bin", "pick_list"] as const;

/** Every code read (by a person's app or a device): what it named, what was done with it, and why not. */
export const scans = sqliteTable(
  "scans",
  {
    id: text("id").primaryKey(),
    /** The user or device that scanned. */
    actorId: text("actor_id").notNull(),
    /** The scanner's own id for this read: sent again, it answers the first outcome. */
    clientId: text("client_id"),
    code: text("code").notNull(),
    /** The device's port name, for device reads. */
    reader: text("reader"),
    countSessionId: text("count_session_id"),
    pickListId: text("pick_list_id"),
    locationId: text("location_id"),
    target: text("target", { enum: SCAN_TARGETS }),
    targetId: text("target_id"),
    action: text("action", { enum: SCAN_ACTIONS }).notNull(),
    outcome: text("outcome", { enum: SCAN_OUTCOMES }).notNull(),
    detail: text("detail"),
    /** The answer given, kept so that a repeat answers the same. */
    answer: text("answer", { mode: "json" }).$type<Record<string, unknown>>(),
    scannedAt: text("scanned_at").notNull(),
  },
  (t) => [
    uniqueIndex("scans_client_uq").on(t.actorId, t.clientId),
    index("scans_at_idx").on(t.scannedAt, t.id),
    index("scans_count_idx").on(t.countSessionId),
  ],
);

export const PICK_STATUSES = ["open", "picked", "cancelled"] as const;

/** The lines of orders in picking at one location, in bin order, for one picker to walk. */
export const pickLists = sqliteTable(
  "pick_lists",
  {
    id: text("id").primaryKey(),
    locationId: text("location_id").notNull(),
    status: text("status", { enum: PICK_STATUSES }).notNull().default("open"),
    /** Who is walking it (the last to scan on it). */
    pickerId: text("picker_id"),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    version: integer("version").notNull().default(0),
  },
  (t) => [index("pick_lists_location_idx").on(t.locationId, t.status, t.createdAt)],
);

export const pickLines = sqliteTable(
  "pick_lines",
  {
    id: text("id").primaryKey(),
    pickListId: text("pick_list_id").notNull(),
    /** Its place in the walk (by bin, then SKU). */
    position: integer("position").notNull(),
    orderId: text("order_id").notNull(),
    orderLineId: text("order_line_id").notNull(),
    productId: text("product_id").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    bin: text("bin"),
    quantity: integer("quantity").notNull(),
    picked: integer("picked").notNull().default(0),
    /** Set when the picker found fewer than asked: what was missing and why. */
    shortQuantity: integer("short_quantity"),
    shortReason: text("short_reason"),
    /** Whether the line is still to be walked: a line leaves a list done, short, or with its order. */
    active: integer("active", { mode: "boolean" }).notNull().default(true),
  },
  (t) => [
    index("pick_lines_list_idx").on(t.pickListId, t.position),
    // An order line is on at most one list that is still being walked.
    uniqueIndex("pick_lines_active_uq").on(t.orderLineId).where(sql`active = 1`),
    index("pick_lines_order_idx").on(t.orderId),
  ],
);

/** A packed parcel of an order: its weight and size, and the pick list it was packed from. */
export const parcels = sqliteTable(
  "parcels",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    weightGrams: integer("weight_grams").notNull(),
    lengthMm: integer("length_mm"),
    widthMm: integer("width_mm"),
    heightMm: integer("height_mm"),
    packedBy: text("packed_by").notNull(),
    packedAt: text("packed_at").notNull(),
  },
  (t) => [index("parcels_order_idx").on(t.orderId, t.packedAt)],
);
