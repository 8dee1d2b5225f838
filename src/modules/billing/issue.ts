// Issuing invoices and credit notes: the document frozen from its order, numbered without gaps per series
// and year, and posted to the customer's ledger — all in the batch of the change that issues it (an order's
// delivery, a claim's approval, staff asking), so a batch that fails takes its number back with it.
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { billingCounters, type InvoiceLine, invoices } from "../../db/schema/billing";
import type { Statement } from "../../lib/batch";
import { lineTax } from "../../lib/money";
import { ledgerPosting } from "../ledger/service";
import type { LineRow, OrderRow } from "../orders/view";

/** Days from an invoice to its due date for a customer with no terms of their own. */
export const DEFAULT_TERMS_DAYS = 30;
const SERIES = { invoice: "INV", credit_note: "CN" } as const;

/** An order's invoice lines: its lines, then shipping and a discount as lines of their own (untaxed). */
export function invoiceLinesOf(order: OrderRow, lines: LineRow[]): InvoiceLine[] {
  const own = lines.map((l) => documentLine(l, l.quantity));
  const extra = (description: string, amount: number): InvoiceLine => ({
    order_line_id: null,
    description,
    sku: null,
    quantity: 1,
    unit_price_minor: amount,
    tax_rate_bp: 0,
    net_minor: amount,
    tax_minor: 0,
  });
  return [
    ...own,
    ...(order.shippingMinor ? [extra("Shipping", order.shippingMinor)] : []),
    ...(order.discountMinor ? [extra("Discount", -order.discountMinor)] : []),
  ];
}

/** One order line (or part of it) as a document line, taxed the way the order was (per line, half up). */
export function documentLine(l: LineRow, quantity: number): InvoiceLine {
  const net = l.unitPriceMinor * quantity;
  return {
    order_line_id: l.id,
    description: l.name,
    sku: l.sku,
    quantity,
    unit_price_minor: l.unitPriceMinor,
    tax_rate_bp: l.taxRateBp,
    net_minor: net,
    tax_minor: lineTax(net, l.taxRateBp),
  };
}

/** Net, tax and total of document lines, with the tax per rate (rates highest first). */
export function documentTotals(lines: InvoiceLine[]) {
  const byRate = new Map<number, { base: number; tax: number }>();
  for (const l of lines) {
    const rate = byRate.get(l.tax_rate_bp) ?? { base: 0, tax: 0 };
    rate.base += l.net_minor;
    rate.tax += l.tax_minor;
    byRate.set(l.tax_rate_bp, rate);
  }
  const net = lines.reduce((s, l) => s + l.net_minor, 0);
  const tax = lines.reduce((s, l) => s + l.tax_minor, 0);
  return {
    net,
    tax,
    total: net + tax,
    taxes: [...byRate.entries()]
      .sort(([a], [b]) => b - a)
      .map(([rate_bp, t]) => ({ rate_bp, base_minor: t.base, tax_minor: t.tax })),
  };
}

export interface DocumentDraft {
  id: string;
  kind: "invoice" | "credit_note";
  order: Pick<
    OrderRow,
    "id" | "customerId" | "currency" | "buyerName" | "buyerEmail" | "billingAddress" | "shippingAddress"
  >;
  lines: InvoiceLine[];
  claimId?: string | null;
  note?: string | null;
  actorId: string | null;
  at: string;
}

/**
 * The statements that issue a document: the series' counter goes up by one, the document is inserted with
 * that number, and the customer's ledger gets its entry (an invoice a debit, a credit note a credit).
 * `skipIf`: when this holds as the batch runs, nothing is issued and no number is taken (an order that has
 * its invoice already). Parties are frozen from the shop's profile and the customer's record as they are now.
 */
export function issueStatements(db: Db, d: DocumentDraft, skipIf?: SQL): Statement[] {
  const series = SERIES[d.kind];
  const year = Number(d.at.slice(0, 4));
  const go = skipIf ? sql`NOT (${skipIf})` : sql`1`;
  const totals = documentTotals(d.lines);
  const issuedOn = d.at.slice(0, 10);
  const customer = d.order.customerId;
  const address = d.order.billingAddress ?? d.order.shippingAddress;
  // The shop's and the customer's tables are read here, inside the insert, so that the parties are frozen
  // by the statement that takes the number (no read before the batch that could be stale).
  const shop = sql`(SELECT json_object('name', coalesce(p.legal_name, p.name, 'ROMS shop'), 'address', json(p.address),
                     'tax_id', p.tax_id, 'email', p.email) FROM (SELECT 1) LEFT JOIN shop_profile p ON p.id = 'shop')`;
  const buyer = sql`(SELECT json_object('name', coalesce(c.company, ${d.order.buyerName}, 'Customer'),
                     'address', json(coalesce(${address ? JSON.stringify(address) : null}, c.billing_address)),
                     'tax_id', c.tax_id, 'email', coalesce(${d.order.buyerEmail}, c.email))
                     FROM (SELECT 1) LEFT JOIN customers c ON c.id = ${customer})`;
  // A credit note corrects the order's invoice and copies its parties.
  const refersTo =
    d.kind === "credit_note"
      ? sql`(SELECT id FROM invoices WHERE order_id = ${d.order.id} AND kind = 'invoice')`
      : sql`NULL`;
  const party = (column: "seller" | "buyer", fresh: SQL) =>
    d.kind === "credit_note"
      ? sql`coalesce((SELECT ${sql.raw(column)} FROM invoices WHERE order_id = ${d.order.id} AND kind = 'invoice'), ${fresh})`
      : fresh;
  const terms = sql`coalesce((SELECT payment_terms_days FROM customers WHERE id = ${customer}), ${DEFAULT_TERMS_DAYS})`;
  const dueOn =
    d.kind === "credit_note"
      ? sql`NULL`
      : customer
        ? sql`date(${issuedOn}, '+' || ${terms} || ' days')`
        : sql`${issuedOn}`;
  const number = sql`(SELECT ${series} || '-' || ${String(year)} || '-' || printf('%06d', last)
                      FROM billing_counters WHERE series = ${series} AND year = ${year})`;
  const statements: Statement[] = [
    db
      .insert(billingCounters)
      .select(sql`SELECT ${series}, ${year}, 1 WHERE ${go}`)
      .onConflictDoUpdate({
        target: [billingCounters.series, billingCounters.year],
        set: { last: sql`${billingCounters.last} + 1` },
      }),
    db.insert(invoices).select(
      sql`SELECT ${d.id}, ${d.kind}, ${number}, ${d.order.id}, ${customer}, ${refersTo}, ${d.claimId ?? null},
                 ${d.order.currency}, ${JSON.stringify(d.lines)}, ${totals.net}, ${totals.tax}, ${totals.total},
                 ${party("seller", shop)}, ${party("buyer", buyer)}, ${issuedOn}, ${dueOn}, ${d.note ?? null}, NULL,
                 ${d.actorId}, ${d.at}
          WHERE ${go}`,
    ),
  ];
  if (customer && totals.total !== 0) {
    statements.push(
      ledgerPosting(
        db,
        {
          id: `${d.id}-l`,
          customerId: customer,
          direction: d.kind === "invoice" ? (totals.total > 0 ? "debit" : "credit") : "credit",
          amountMinor: Math.abs(totals.total),
          currency: d.order.currency,
          referenceType: d.kind,
          referenceId: d.id,
          note: null,
          actorId: d.actorId ?? "system",
          reversesEntryId: null,
        },
        d.at,
        sql`EXISTS (SELECT 1 FROM invoices WHERE id = ${d.id})`,
      ),
    );
  }
  return statements;
}

/** An order's invoice, once: nothing (and no number taken) when the order has one already. */
export function orderInvoiceStatements(
  db: Db,
  state: { order: OrderRow; lines: LineRow[] },
  id: string,
  actorId: string | null,
  at: string,
): Statement[] {
  return issueStatements(
    db,
    { id, kind: "invoice", order: state.order, lines: invoiceLinesOf(state.order, state.lines), actorId, at },
    sql`EXISTS (SELECT 1 FROM invoices WHERE order_id = ${state.order.id} AND kind = 'invoice')`,
  );
}

// An order's money as SQL: the one definition the batch guards, the payment status and the balance read.

/** Payments less refunds. */
export const paidOn = (orderId: string) =>
  sql`(SELECT coalesce(sum(CASE kind WHEN 'payment' THEN amount_minor ELSE -amount_minor END), 0)
       FROM payments WHERE order_id = ${orderId})`;
/** What credit notes took back. */
export const creditedOn = (orderId: string) =>
  sql`(SELECT coalesce(sum(total_minor), 0) FROM invoices WHERE order_id = ${orderId} AND kind = 'credit_note')`;
/** The order's total less its credit notes. */
export const dueOn = (orderId: string) =>
  sql`((SELECT total_minor FROM orders WHERE id = ${orderId}) - ${creditedOn(orderId)})`;

/**
 * What the order's payment status is after the batch: from what was paid less refunded against what is due
 * (the order's total less its credit notes). Nothing left to pay reads as paid; money all handed back as
 * refunded.
 */
export function paymentStatusOf(orderId: string): SQL {
  const paid = paidOn(orderId);
  const refunded = sql`(SELECT coalesce(sum(amount_minor), 0) FROM payments WHERE order_id = ${orderId} AND kind = 'refund')`;
  const due = dueOn(orderId);
  return sql`CASE WHEN ${paid} <= 0 AND ${refunded} > 0 THEN 'refunded'
                  WHEN ${paid} >= ${due} THEN 'paid'
                  WHEN ${paid} > 0 THEN 'partial'
                  ELSE 'unpaid' END`;
}
