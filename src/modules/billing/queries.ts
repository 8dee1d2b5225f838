// Reading billing: an invoice or credit note, lists of them, an order's money (invoice, credit notes,
// payments, balance) and a customer's account (every document and payment with its balance, as the ledger
// posted it, and the changes made to their orders).
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { invoices, payments } from "../../db/schema/billing";
import { ledgerEntries } from "../../db/schema/ledger";
import { orderEvents, orders } from "../../db/schema/orders";
import type { Env } from "../../env";
import { money } from "../../lib/money";
import { newestFirst } from "../../lib/pagination";
import { notFound } from "../../lib/problem";
import { assertVisible, customerScope, type Principal } from "../auth/principal";
import { listEntries } from "../ledger/service";
import { visibleOrder } from "../orders/store";
import { dueOn, paidOn } from "./issue";
import { type InvoiceRow, type PaymentRow, toInvoiceView, toPaymentView } from "./view";

/** What is due on an order (its total less credit notes) and what was paid (payments less refunds). */
export async function balanceOf(env: Env, orderId: string) {
  const [row] = await getDb(env.DB).all<{ due_minor: number; paid_minor: number }>(
    sql`SELECT ${dueOn(orderId)} AS due_minor, ${paidOn(orderId)} AS paid_minor`,
  );
  return row ?? { due_minor: 0, paid_minor: 0 };
}

/** An invoice or credit note the caller may see (a customer's own only; another's is 404). */
export async function getInvoice(env: Env, principal: Principal, id: string) {
  const [found] = await getDb(env.DB)
    .select({ invoice: invoices, number: orders.number })
    .from(invoices)
    .leftJoin(orders, eq(orders.id, invoices.orderId))
    .where(eq(invoices.id, id));
  if (!found) throw notFound("No such invoice.");
  assertVisible(principal, found.invoice.customerId, "invoice");
  return { row: found.invoice, view: toInvoiceView(found.invoice, found.number) };
}

export async function listInvoices(
  env: Env,
  principal: Principal,
  filter: {
    kind?: InvoiceRow["kind"] | undefined;
    customer_id?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const customer = customerScope(principal) ?? filter.customer_id;
  const query = getDb(env.DB)
    .select({ invoice: invoices, number: orders.number })
    .from(invoices)
    .leftJoin(orders, eq(orders.id, invoices.orderId))
    .$dynamic();
  const page = await newestFirst(
    query,
    { time: invoices.createdAt, id: invoices.id },
    [
      customer !== undefined ? eq(invoices.customerId, customer) : undefined,
      filter.kind ? eq(invoices.kind, filter.kind) : undefined,
    ],
    filter,
    (r) => [r.invoice.createdAt, r.invoice.id],
  );
  return { items: page.items.map((r) => toInvoiceView(r.invoice, r.number)), next_cursor: page.next_cursor };
}

/** An order's money: its invoice, credit notes, payments and refunds, and the balance. */
export async function orderBilling(env: Env, principal: Principal, orderId: string) {
  const { order } = await visibleOrder(env, principal, orderId);
  const db = getDb(env.DB);
  const [docs, paid] = await db.batch([
    db.select().from(invoices).where(eq(invoices.orderId, order.id)).orderBy(invoices.createdAt),
    db.select().from(payments).where(eq(payments.orderId, order.id)).orderBy(payments.createdAt),
  ]);
  const credited = docs.filter((d) => d.kind === "credit_note").reduce((s, d) => s + d.totalMinor, 0);
  const net = paid.reduce((s, p) => s + (p.kind === "payment" ? p.amountMinor : -p.amountMinor), 0);
  const due = order.totalMinor - credited;
  const m = (minor: number) => money(minor, order.currency);
  return {
    order_id: order.id,
    order_number: order.number,
    payment_status: order.paymentStatus,
    invoice: docs.filter((d) => d.kind === "invoice").map((d) => toInvoiceView(d, order.number))[0] ?? null,
    credit_notes: docs.filter((d) => d.kind === "credit_note").map((d) => toInvoiceView(d, order.number)),
    payments: paid.map((p) => toPaymentView(p as PaymentRow)),
    total: m(order.totalMinor),
    credited: m(credited),
    due: m(due),
    paid: m(net),
    outstanding: m(due - net),
  };
}

/** The order changes a customer sees in their account: substitutions and edits of their orders. */
const MODIFICATIONS = ["substitute", "updated", "lines_replaced"];

/**
 * A customer's account: their ledger, newest first, each entry with the document or payment behind it and
 * the balance after it (so it matches the ledger by construction), the balance per currency now, and the
 * latest changes to their orders (which move no money until invoiced).
 */
export async function customerAccount(
  env: Env,
  principal: Principal,
  customerId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  const entries = await listEntries(env, principal, customerId, page);
  const db = getDb(env.DB);
  const ids = entries.items.flatMap((e) => (e.reference_id ? [e.reference_id] : []));
  const [docs, paid, balances, changes] = await db.batch([
    db
      .select({
        id: invoices.id,
        kind: invoices.kind,
        number: invoices.number,
        orderId: invoices.orderId,
        orderNumber: sql<string | null>`${orders.number}`.as("order_number"),
      })
      .from(invoices)
      .leftJoin(orders, eq(orders.id, invoices.orderId))
      .where(inArray(invoices.id, ids.length ? ids : [""])),
    db
      .select({
        id: payments.id,
        method: payments.method,
        reference: payments.reference,
        orderId: payments.orderId,
        orderNumber: sql<string | null>`${orders.number}`.as("order_number"),
      })
      .from(payments)
      .leftJoin(orders, eq(orders.id, payments.orderId))
      .where(inArray(payments.id, ids.length ? ids : [""])),
    db
      .select({ currency: ledgerEntries.currency, balance: ledgerEntries.balanceAfterMinor })
      .from(ledgerEntries)
      .where(
        and(
          eq(ledgerEntries.customerId, customerId),
          eq(
            ledgerEntries.seq,
            sql`(SELECT MAX(x.seq) FROM ledger_entries x WHERE x.customer_id = ${ledgerEntries.customerId} AND x.currency = ${ledgerEntries.currency})`,
          ),
        ),
      )
      .orderBy(ledgerEntries.currency),
    db
      .select({ event: orderEvents, number: orders.number })
      .from(orderEvents)
      .innerJoin(orders, eq(orders.id, orderEvents.orderId))
      .where(and(eq(orders.customerId, customerId), inArray(orderEvents.type, MODIFICATIONS)))
      .orderBy(desc(orderEvents.createdAt))
      .limit(50),
  ]);
  const docOf = new Map(docs.map((d) => [d.id, d]));
  const payOf = new Map(paid.map((p) => [p.id, p]));
  return {
    customer_id: customerId,
    balances: balances.map((b) => ({ currency: b.currency, balance: money(b.balance, b.currency) })),
    items: entries.items.map((e) => {
      const doc = e.reference_id ? docOf.get(e.reference_id) : undefined;
      const pay = e.reference_id ? payOf.get(e.reference_id) : undefined;
      return {
        ...e,
        document: doc ? { id: doc.id, kind: doc.kind, number: doc.number } : null,
        payment: pay ? { id: pay.id, method: pay.method, reference: pay.reference } : null,
        order_id: doc?.orderId ?? pay?.orderId ?? null,
        order_number: doc?.orderNumber ?? pay?.orderNumber ?? null,
      };
    }),
    next_cursor: entries.next_cursor,
    modifications: changes.flatMap((c) => {
      // Staff notes are the shop's own: an edit of only those is no change to the customer.
      const named = c.event.details?.changes;
      const shown = Array.isArray(named) ? named.filter((n) => n !== "staff_notes") : null;
      if (shown !== null && shown.length === 0) return [];
      return [
        {
          order_id: c.event.orderId,
          order_number: c.number,
          type: c.event.type,
          details: shown !== null ? { ...c.event.details, changes: shown } : (c.event.details ?? {}),
          at: c.event.createdAt,
        },
      ];
    }),
  };
}
