// The customer ledger ("khata"): append-only debits and credits per customer and currency.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/** What an entry stands for; billing posts invoice, credit_note, payment and refund entries itself. */
export const LEDGER_REFERENCES = [
  "order",
  "invoice",
  "credit_note",
  "payment",
  "refund",
  "manual",
  "reversal",
] as const;

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
    referenceType: text("reference_type", { enum: LEDGER_REFERENCES }).notNull(),
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
