// Money moving on a sale order: payments (partial or full) and refunds, and credit notes staff issue by
// hand. Each is one batch with its ledger entry, the order's new payment status and a timeline event, guarded
// so that concurrent requests can never take more than is due or hand back more than was paid.
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { invoices, payments } from "../../db/schema/billing";
import type { Env } from "../../env";
import { assertion, clearAssertions, failedAssertion, runBatch, type Statement } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { formatMinor } from "../../lib/money";
import { conflict, notFound, unprocessable } from "../../lib/problem";
import type { Principal } from "../auth/principal";
import { ledgerPosting } from "../ledger/service";
import { type LoadedOrder, orderEvent, paymentStatusWrite, sourceOf, visibleOrder } from "../orders/store";
import {
  creditedOn,
  documentLine,
  documentTotals,
  dueOn,
  issueStatements,
  orderInvoiceStatements,
  paidOn,
  paymentStatusOf,
} from "./issue";
import { balanceOf } from "./queries";
import { type InvoiceRow, type PaymentRow, toPaymentView } from "./view";

export interface PaymentInput {
  amount: { amount: number; currency: string };
  method: PaymentRow["method"];
  reference?: string | undefined;
  received_at?: string | undefined;
  note?: string | undefined;
}

/** A sale order money can move on, in its currency. */
async function payableOrder(env: Env, principal: Principal, orderId: string, currency?: string) {
  const loaded = await visibleOrder(env, principal, orderId);
  if (loaded.order.kind !== "sale") {
    throw unprocessable(
      "Purchases are paid by card and matched from the card statement (/reconciliation), not recorded here.",
    );
  }
  if (currency !== undefined && currency !== loaded.order.currency) {
    throw unprocessable(`Order ${loaded.order.number} is in ${loaded.order.currency}, not ${currency}.`);
  }
  return loaded;
}

/** The statements every money change on an order ends with: its payment status, then its timeline. */
function settleStatements(
  env: Env,
  loaded: LoadedOrder,
  principal: Principal,
  type: string,
  details: Record<string, unknown>,
  at: string,
): Statement[] {
  const db = getDb(env.DB);
  return [
    paymentStatusWrite(db, loaded.order.id, paymentStatusOf(loaded.order.id), at),
    orderEvent(db, {
      orderId: loaded.order.id,
      type,
      source: sourceOf(principal),
      actorId: principal.id,
      details,
      at,
    }),
  ];
}

/**
 * Records a payment or a refund. A payment may not take more than is still due (the total less credit
 * notes and what was paid); a refund may not hand back more than was paid. Both are checked inside the batch.
 */
export async function recordPayment(
  env: Env,
  principal: Principal,
  orderId: string,
  kind: PaymentRow["kind"],
  input: PaymentInput,
) {
  const loaded = await payableOrder(env, principal, orderId, input.amount.currency);
  const { order } = loaded;
  if (kind === "payment" && order.status === "cancelled") {
    throw conflict(`Order ${order.number} is cancelled; it takes no payments (refund what was paid).`);
  }
  const db = getDb(env.DB);
  const at = new Date().toISOString();
  const id = newId();
  const amount = input.amount.amount;
  const row = {
    id,
    kind,
    orderId: order.id,
    customerId: order.customerId,
    invoiceId: null as string | null,
    method: input.method,
    reference: input.reference ?? null,
    amountMinor: amount,
    currency: order.currency,
    receivedAt: input.received_at ?? at,
    note: input.note ?? null,
    createdBy: principal.id,
    createdAt: at,
  };
  const limit =
    kind === "payment" ? sql`${paidOn(order.id)} <= ${dueOn(order.id)}` : sql`${paidOn(order.id)} >= 0`;
  const statements: Statement[] = [
    db.insert(payments).values({
      ...row,
      invoiceId:
        sql`(SELECT id FROM invoices WHERE order_id = ${order.id} AND kind = 'invoice')` as unknown as string,
    }),
    assertion(db, `${kind}-within-due`, limit),
    ...(order.customerId
      ? [
          ledgerPosting(
            db,
            {
              id: `${id}-l`,
              customerId: order.customerId,
              // A payment lowers what the customer owes; a refund hands money back, so it raises it again.
              direction: kind === "payment" ? "credit" : "debit",
              amountMinor: amount,
              currency: order.currency,
              referenceType: kind,
              referenceId: id,
              note: input.reference ?? null,
              actorId: principal.id,
              reversesEntryId: null,
            },
            at,
          ),
        ]
      : []),
    ...settleStatements(env, loaded, principal, kind, { payment_id: id, amount, method: input.method }, at),
    clearAssertions(db),
  ];
  try {
    await runBatch(db, statements);
  } catch (error) {
    if (!failedAssertion(error)) throw error;
    const balance = await balanceOf(env, order.id);
    const money = (minor: number) => `${formatMinor(minor, order.currency)} ${order.currency}`;
    throw unprocessable(
      kind === "payment"
        ? `A payment of ${money(amount)} is more than the ${money(balance.due_minor - balance.paid_minor)} still due on order ${order.number}.`
        : `A refund of ${money(amount)} is more than the ${money(balance.paid_minor)} paid on order ${order.number}.`,
      { due: balance.due_minor, paid: balance.paid_minor },
    );
  }
  const [written] = await db.select().from(payments).where(eq(payments.id, id));
  return toPaymentView(written as PaymentRow);
}

export interface CreditInput {
  lines: { order_line_id: string; quantity: number }[];
  note?: string | undefined;
  claimId?: string | undefined;
}

/**
 * The statements of a credit note for part of an order's lines: quantities are checked against what was
 * invoiced less what earlier credit notes took back; the batch also checks that credit notes never exceed
 * the invoice. Used by staff (creditOrder) and by a claim's approval.
 */
export async function planCreditNote(
  env: Env,
  loaded: LoadedOrder,
  input: CreditInput,
  actorId: string,
  at: string,
) {
  const db = getDb(env.DB);
  const { order, lines } = loaded;
  const notes = await db
    .select({ kind: invoices.kind, lines: invoices.lines })
    .from(invoices)
    .where(eq(invoices.orderId, order.id));
  if (!notes.some((n) => n.kind === "invoice")) {
    throw conflict(`Order ${order.number} has no invoice yet; a credit note corrects an invoice.`);
  }
  const credited = new Map<string, number>();
  for (const n of notes.filter((n) => n.kind === "credit_note"))
    for (const l of n.lines)
      if (l.order_line_id) credited.set(l.order_line_id, (credited.get(l.order_line_id) ?? 0) + l.quantity);
  const documentLines = input.lines.map((want, i) => {
    const line = lines.find((l) => l.id === want.order_line_id);
    if (!line) throw unprocessable(`lines[${i}]: order ${order.number} has no line ${want.order_line_id}.`);
    const left = line.quantity - (credited.get(line.id) ?? 0);
    if (want.quantity > left) {
      throw unprocessable(
        `lines[${i}]: line ${line.lineNo} (${line.sku}) has ${left} left to credit; ${want.quantity} asked.`,
      );
    }
    return documentLine(line, want.quantity);
  });
  const id = newId();
  const total = documentTotals(documentLines).total;
  const statements = [
    ...issueStatements(db, {
      id,
      kind: "credit_note",
      order,
      lines: documentLines,
      claimId: input.claimId ?? null,
      note: input.note ?? null,
      actorId,
      at,
    }),
    assertion(
      db,
      "credit-within-invoice",
      sql`${creditedOn(order.id)} <= (SELECT total_minor FROM invoices WHERE order_id = ${order.id} AND kind = 'invoice')`,
    ),
    paymentStatusWrite(db, order.id, paymentStatusOf(order.id), at),
  ];
  return { id, statements, total };
}

/** POST /orders/{id}/credit-notes: staff take back part of an invoice. */
export async function creditOrder(env: Env, principal: Principal, orderId: string, input: CreditInput) {
  const loaded = await payableOrder(env, principal, orderId);
  const db = getDb(env.DB);
  const at = new Date().toISOString();
  const plan = await planCreditNote(env, loaded, input, principal.id, at);
  try {
    await runBatch(db, [
      ...plan.statements,
      orderEvent(db, {
        orderId: loaded.order.id,
        type: "credit_note",
        source: sourceOf(principal),
        actorId: principal.id,
        details: { credit_note_id: plan.id, lines: input.lines },
        at,
      }),
      clearAssertions(db),
    ]);
  } catch (error) {
    if (failedAssertion(error))
      throw conflict("Another credit note was issued meanwhile; read the order again.");
    throw error;
  }
  const [row] = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.id, plan.id)));
  if (!row) throw notFound("No such credit note.");
  return row;
}

/** POST /orders/{id}/invoice: staff invoice a sale before delivery (delivery invoices it otherwise). Once. */
export async function invoiceOrder(env: Env, principal: Principal, orderId: string) {
  const loaded = await payableOrder(env, principal, orderId);
  return ensureInvoice(env, loaded, principal.id, sourceOf(principal));
}

/** The order's invoice: the one it has, or one issued now (a cancelled order has nothing to invoice). */
export async function ensureInvoice(env: Env, loaded: LoadedOrder, actorId: string | null, source: string) {
  const db = getDb(env.DB);
  const mine = and(eq(invoices.orderId, loaded.order.id), eq(invoices.kind, "invoice"));
  const [existing] = await db.select().from(invoices).where(mine);
  if (existing) return { created: false, row: existing, orderNumber: loaded.order.number };
  if (loaded.order.status === "cancelled") {
    throw conflict(`Order ${loaded.order.number} is cancelled; there is nothing to invoice.`);
  }
  const at = new Date().toISOString();
  const id = newId();
  const results = await runBatch(db, [
    ...orderInvoiceStatements(db, loaded, id, actorId, at),
    orderEvent(db, {
      orderId: loaded.order.id,
      type: "invoiced",
      source,
      actorId,
      details: { invoice_id: id },
      at,
    }),
    db.select().from(invoices).where(mine),
  ]);
  const row = (results.at(-1) as InvoiceRow[])[0] as InvoiceRow;
  return { created: row.id === id, row, orderNumber: loaded.order.number };
}
