// Billing: invoices and credit notes (one table, numbered gaplessly per series and year), payments and
// refunds, and card statements reconciled against purchase orders.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { MATCH_STATUSES } from "../vocabulary";
import type { Address } from "./customers";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const INVOICE_KINDS = ["invoice", "credit_note"] as const;

/** One line as the document prints it: frozen when issued. */
export interface InvoiceLine {
  order_line_id: string | null;
  description: string;
  sku: string | null;
  quantity: number;
  unit_price_minor: number;
  tax_rate_bp: number;
  net_minor: number;
  tax_minor: number;
}

/** Who sells or buys, as printed: frozen when issued. */
export interface Party {
  name: string;
  address: Address | null;
  tax_id: string | null;
  email: string | null;
}

/**
 * The last number given per series (INV, CN) and year. Incremented in the same batch that inserts the
 * document, so a failed batch takes its increment back: no number is skipped, none is given twice.
 */
export const billingCounters = sqliteTable(
  "billing_counters",
  {
    series: text("series").notNull(),
    year: integer("year").notNull(),
    last: integer("last").notNull(),
  },
  (t) => [primaryKey({ columns: [t.series, t.year] })],
);

export const invoices = sqliteTable(
  "invoices",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: INVOICE_KINDS }).notNull(),
    /** INV-2026-000001 or CN-2026-000001. */
    number: text("number").notNull(),
    orderId: text("order_id").notNull(),
    customerId: text("customer_id"),
    /** A credit note: the invoice it corrects. */
    refersToId: text("refers_to_id"),
    /** A credit note from a claim. */
    claimId: text("claim_id"),
    currency: text("currency").notNull(),
    lines: text("lines", { mode: "json" }).$type<InvoiceLine[]>().notNull(),
    netMinor: integer("net_minor").notNull(),
    taxMinor: integer("tax_minor").notNull(),
    totalMinor: integer("total_minor").notNull(),
    seller: text("seller", { mode: "json" }).$type<Party>().notNull(),
    buyer: text("buyer", { mode: "json" }).$type<Party>().notNull(),
    issuedOn: text("issued_on").notNull(),
    dueOn: text("due_on"),
    note: text("note"),
    /** The rendered PDF in R2, once rendered (rendered again from the row if missing). */
    pdfKey: text("pdf_key"),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("invoices_number_uq").on(t.number),
    // One invoice per order; any number of credit notes.
    uniqueIndex("invoices_order_invoice_uq").on(t.orderId).where(sql`kind = 'invoice'`),
    // A claim's refund is credited once.
    uniqueIndex("invoices_claim_uq").on(t.claimId),
    index("invoices_order_idx").on(t.orderId, t.createdAt),
    index("invoices_customer_idx").on(t.customerId, t.createdAt, t.id),
    index("invoices_created_idx").on(t.createdAt, t.id),
  ],
);

export const PAYMENT_KINDS = ["payment", "refund"] as const;
export const PAYMENT_METHODS = ["card", "bank_transfer", "cash", "cheque", "other"] as const;

export const payments = sqliteTable(
  "payments",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: PAYMENT_KINDS }).notNull(),
    orderId: text("order_id").notNull(),
    customerId: text("customer_id"),
    invoiceId: text("invoice_id"),
    method: text("method", { enum: PAYMENT_METHODS }).notNull(),
    reference: text("reference"),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull(),
    receivedAt: text("received_at").notNull(),
    note: text("note"),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [
    index("payments_order_idx").on(t.orderId, t.createdAt),
    index("payments_customer_idx").on(t.customerId, t.createdAt, t.id),
  ],
);

/** How a bank's statement CSV names its columns, saved per bank and reused. */
export interface StatementMapping {
  date: string;
  amount: string;
  description: string;
  currency?: string | undefined;
  reference?: string | undefined;
  /** Day order of the dates: ISO (2026-11-23), DMY (23.11.2026, 23/11/2026) or MDY (11/23/2026). */
  date_format: "iso" | "dmy" | "mdy";
  /** "," when amounts are written 1.234,56. */
  decimal: "." | ",";
  /** Charges written as negative numbers (most banks) or positive. */
  charges: "negative" | "positive";
  /** Used when the file has no currency column. */
  default_currency?: string | undefined;
}

export const statementMappings = sqliteTable("statement_mappings", {
  bank: text("bank").primaryKey(),
  mapping: text("mapping", { mode: "json" }).$type<StatementMapping>().notNull(),
  updatedBy: text("updated_by"),
  updatedAt: text("updated_at").notNull().default(now),
});

export const cardStatements = sqliteTable(
  "card_statements",
  {
    id: text("id").primaryKey(),
    bank: text("bank").notNull(),
    /** SHA-256 of the file: the same statement imported twice is the same statement. */
    fileHash: text("file_hash").notNull(),
    fileKey: text("file_key").notNull(),
    filename: text("filename"),
    rows: integer("rows").notNull(),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("card_statements_hash_uq").on(t.fileHash),
    index("card_statements_created_idx").on(t.createdAt, t.id),
  ],
);

export { MATCH_STATUSES };

export const cardTransactions = sqliteTable(
  "card_transactions",
  {
    id: text("id").primaryKey(),
    statementId: text("statement_id").notNull(),
    /** The row's line in the file (1 is the header). */
    lineNo: integer("line_no").notNull(),
    postedOn: text("posted_on").notNull(),
    description: text("description").notNull(),
    reference: text("reference"),
    /** A charge is positive, a credit back (refund) negative. */
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: MATCH_STATUSES }).notNull(),
    orderId: text("order_id"),
    /** How it was matched: auto (with its score) or by whom. */
    matchedBy: text("matched_by"),
    score: integer("score"),
    /** For ambiguous rows: the orders that fit equally well, best first. */
    candidates: text("candidates", { mode: "json" }).$type<{ order_id: string; score: number }[]>(),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("card_transactions_line_uq").on(t.statementId, t.lineNo),
    index("card_transactions_status_idx").on(t.statementId, t.status, t.lineNo),
    // An order is paid by one charge: a second match is refused.
    uniqueIndex("card_transactions_order_uq").on(t.orderId),
  ],
);
