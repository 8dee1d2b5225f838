// Claims: a customer's complaint about a delivered order, line by line, with photos, the automatic
// review's verdict and reasons, the decision, and its timeline.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const CLAIM_STATUSES = [
  "open",
  "ai_processing",
  "manual_review",
  "approved",
  "rejected",
  "resolved",
] as const;
export const CLAIM_REASONS = ["missing", "damaged", "wrong_item", "quality", "late", "other"] as const;

/** The automatic review: what it decided and why, rule by rule. */
export interface ClaimReview {
  verdict: "approve" | "manual_review";
  reasons: { rule: string; passed: boolean; detail: string }[];
  /** What a photo inspector said, when one is configured (none is today). */
  photos: { inspector: string; findings: string[] } | null;
  at: string;
}

export const claims = sqliteTable(
  "claims",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    customerId: text("customer_id").notNull(),
    status: text("status", { enum: CLAIM_STATUSES }).notNull(),
    currency: text("currency").notNull(),
    /** What the claimed lines are worth at the order's prices, tax included. */
    claimedMinor: integer("claimed_minor").notNull(),
    review: text("review", { mode: "json" }).$type<ClaimReview | null>(),
    /** Refunded value (by the credit note) and replacement order, once approved. */
    refundMinor: integer("refund_minor"),
    creditNoteId: text("credit_note_id"),
    replacementOrderId: text("replacement_order_id"),
    decisionNote: text("decision_note"),
    decidedBy: text("decided_by"),
    filedBy: text("filed_by").notNull(),
    version: integer("version").notNull().default(0),
    submittedAt: text("submitted_at"),
    decidedAt: text("decided_at"),
    resolvedAt: text("resolved_at"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    index("claims_status_idx").on(t.status, t.submittedAt, t.id),
    index("claims_customer_idx").on(t.customerId, t.createdAt, t.id),
    index("claims_order_idx").on(t.orderId),
    index("claims_created_idx").on(t.createdAt, t.id),
  ],
);

export const claimLines = sqliteTable(
  "claim_lines",
  {
    id: text("id").primaryKey(),
    claimId: text("claim_id").notNull(),
    orderLineId: text("order_line_id").notNull(),
    quantity: integer("quantity").notNull(),
    reason: text("reason", { enum: CLAIM_REASONS }).notNull(),
    description: text("description"),
    /** The line's value at the order's price, tax included, for the claimed quantity. */
    valueMinor: integer("value_minor").notNull(),
    /** The decision, per line: how many are refunded and how many replaced. */
    refundQuantity: integer("refund_quantity"),
    replaceQuantity: integer("replace_quantity"),
  },
  (t) => [uniqueIndex("claim_lines_uq").on(t.claimId, t.orderLineId)],
);

export const claimPhotos = sqliteTable(
  "claim_photos",
  {
    id: text("id").primaryKey(),
    claimId: text("claim_id").notNull(),
    /** As detected from the bytes, never from the name or the header. */
    contentType: text("content_type").notNull(),
    bytes: integer("bytes").notNull(),
    sha256: text("sha256").notNull(),
    key: text("key").notNull(),
    filename: text("filename"),
    uploadedBy: text("uploaded_by").notNull(),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [
    index("claim_photos_claim_idx").on(t.claimId, t.createdAt),
    uniqueIndex("claim_photos_hash_uq").on(t.claimId, t.sha256),
  ],
);

export const claimEvents = sqliteTable(
  "claim_events",
  {
    id: text("id").primaryKey(),
    claimId: text("claim_id").notNull(),
    type: text("type").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    actorId: text("actor_id"),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("claim_events_claim_idx").on(t.claimId, t.createdAt, t.id)],
);

/** The automatic review's policy (one row, id "claims"): managers set it. */
export const claimSettings = sqliteTable("claim_settings", {
  id: text("id").primaryKey(),
  autoApprove: integer("auto_approve", { mode: "boolean" }).notNull(),
  autoApproveMaxMinor: integer("auto_approve_max_minor").notNull(),
  windowDays: integer("window_days").notNull(),
  historyDays: integer("history_days").notNull(),
  historyMaxClaims: integer("history_max_claims").notNull(),
  updatedBy: text("updated_by"),
  updatedAt: text("updated_at").notNull().default(now),
});
