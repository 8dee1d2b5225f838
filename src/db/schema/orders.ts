// Orders: the lifecycle, lines with their fill state and substitutes, the event timeline, and the counter
// that gives human numbers (R-2026-000123) that are never reused.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ORDER_STATUSES } from "../vocabulary";
import type { Address } from "./customers";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export { ORDER_STATUSES };
export const PAYMENT_STATUSES = ["unpaid", "partial", "paid", "refunded"] as const;
export const ORDER_KINDS = ["sale", "purchase"] as const;
/** ok: held at its location; short: cannot be filled yet; untracked: holds no stock (purchases, unknown products). */
export const LINE_FILLS = ["ok", "short", "untracked"] as const;

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull(),
    kind: text("kind", { enum: ORDER_KINDS }).notNull(),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    source: text("source").notNull(),
    externalRef: text("external_ref"),
    customerId: text("customer_id"),
    merchant: text("merchant"),
    /** Who bought, as the door that brought the order says (from a cart: the customer's record). */
    buyerName: text("buyer_name"),
    /** Lower case; orders are found by it. */
    buyerEmail: text("buyer_email"),
    buyerPhone: text("buyer_phone"),
    shippingAddress: text("shipping_address", { mode: "json" }).$type<Address | null>(),
    billingAddress: text("billing_address", { mode: "json" }).$type<Address | null>(),
    currency: text("currency").notNull(),
    subtotalMinor: integer("subtotal_minor").notNull(),
    taxMinor: integer("tax_minor").notNull(),
    shippingMinor: integer("shipping_minor").notNull().default(0),
    discountMinor: integer("discount_minor").notNull().default(0),
    totalMinor: integer("total_minor").notNull(),
    paymentStatus: text("payment_status", { enum: PAYMENT_STATUSES }).notNull().default("unpaid"),
    carrier: text("carrier"),
    trackingNumber: text("tracking_number"),
    trackingUrl: text("tracking_url"),
    notes: text("notes"),
    staffNotes: text("staff_notes"),
    /** SHA-256 of the last intake payload applied: a repeat of the same content changes nothing. */
    intakeHash: text("intake_hash"),
    version: integer("version").notNull().default(0),
    placedAt: text("placed_at").notNull(),
    underRiskAt: text("under_risk_at"),
    awaitingCustomerAt: text("awaiting_customer_at"),
    pickingAt: text("picking_at"),
    shippedAt: text("shipped_at"),
    deliveredAt: text("delivered_at"),
    cancelledAt: text("cancelled_at"),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("orders_number_uq").on(t.number),
    uniqueIndex("orders_source_ref_uq").on(t.source, t.externalRef),
    index("orders_placed_idx").on(t.placedAt, t.id),
    index("orders_status_placed_idx").on(t.status, t.placedAt, t.id),
    index("orders_customer_placed_idx").on(t.customerId, t.placedAt, t.id),
    index("orders_buyer_email_idx").on(t.buyerEmail, t.placedAt),
    // Analytics reads orders placed in a range from the index alone (kind, currency, status, total, source):
    // a year of a million-order shop's sales is ~300,000 index entries, no table rows.
    index("orders_report_idx").on(t.placedAt, t.kind, t.currency, t.status, t.totalMinor, t.source),
    // Card reconciliation looks purchases up by amount, currency and date.
    index("orders_kind_amount_idx").on(t.kind, t.currency, t.totalMinor, t.placedAt),
  ],
);

export const orderLines = sqliteTable(
  "order_lines",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    lineNo: integer("line_no").notNull(),
    productId: text("product_id"),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    quantity: integer("quantity").notNull(),
    unitPriceMinor: integer("unit_price_minor").notNull(),
    taxRateBp: integer("tax_rate_bp").notNull().default(0),
    /** Where its stock is reserved; null for lines that hold no stock (purchases, unknown products). */
    locationId: text("location_id"),
    /** Reserved quantity this line holds right now. */
    reserved: integer("reserved").notNull().default(0),
    fill: text("fill", { enum: LINE_FILLS }).notNull(),
    riskReason: text("risk_reason"),
    /** Up to two product ids offered when the line is short. */
    substitutes: text("substitutes", { mode: "json" }).$type<string[]>().notNull(),
    replacedProductId: text("replaced_product_id"),
  },
  (t) => [uniqueIndex("order_lines_no_uq").on(t.orderId, t.lineNo)],
);

export const orderEvents = sqliteTable(
  "order_events",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    type: text("type").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    source: text("source").notNull(),
    actorId: text("actor_id"),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("order_events_order_idx").on(t.orderId, t.createdAt, t.id)],
);

export const orderCounters = sqliteTable("order_counters", {
  year: integer("year").primaryKey(),
  last: integer("last").notNull(),
});
