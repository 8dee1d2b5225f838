// The customer ledger ("khata"), carts, and stored results of idempotent requests.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/** Append-only: a mistake is corrected by a reversing entry, never by an edit. */
export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id").notNull(),
    /** debit: the customer owes more; credit: the customer owes less. */
    direction: text("direction", { enum: ["debit", "credit"] }).notNull(),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull(),
    referenceType: text("reference_type", {
      enum: ["order", "invoice", "payment", "refund", "manual", "reversal"],
    }).notNull(),
    referenceId: text("reference_id"),
    note: text("note"),
    actorId: text("actor_id").notNull(),
    reversesEntryId: text("reverses_entry_id"),
    createdAt: text("created_at").notNull().default(now),
    /** The customer's entries in the order they were posted: 1, 2, 3, … (assigned inside the insert). */
    seq: integer("seq").notNull().default(0),
    /** What the customer owes in this currency after this entry (debits minus credits so far). */
    balanceAfterMinor: integer("balance_after_minor").notNull().default(0),
  },
  (t) => [
    index("ledger_entries_customer_idx").on(t.customerId, t.createdAt, t.id),
    uniqueIndex("ledger_entries_reverses_uq").on(t.reversesEntryId),
    index("ledger_entries_customer_seq_idx").on(t.customerId, t.seq),
    index("ledger_entries_balance_idx").on(t.customerId, t.currency, t.seq),
  ],
);

export const carts = sqliteTable(
  "carts",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    customerId: text("customer_id").notNull(),
    status: text("status", { enum: ["open", "ordered"] })
      .notNull()
      .default("open"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  // One open cart per customer user.
  (t) => [uniqueIndex("carts_open_user_uq").on(t.userId).where(sql`status = 'open'`)],
);

export const cartLines = sqliteTable(
  "cart_lines",
  {
    cartId: text("cart_id").notNull(),
    productId: text("product_id").notNull(),
    quantity: integer("quantity").notNull(),
    /** Up to two product ids, in the customer's order of preference. */
    substitutes: text("substitutes", { mode: "json" }).$type<string[]>().notNull(),
    addedAt: text("added_at").notNull().default(now),
  },
  (t) => [uniqueIndex("cart_lines_uq").on(t.cartId, t.productId)],
);

/** A request sent again with the same Idempotency-Key gets the first answer back. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** principal id + ":" + the client's key. */
    key: text("key").primaryKey(),
    route: text("route").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    body: text("body").notNull(),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("idempotency_keys_created_idx").on(t.createdAt)],
);
