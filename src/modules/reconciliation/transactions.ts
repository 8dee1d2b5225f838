// What a person decides about one statement row: which purchase it paid (a manual match), that it paid
// none after all (unmatch), or that it is not a purchase at all (ignore).
import { and, eq } from "drizzle-orm";
import { type Db, getDb, isoNow } from "../../db";
import { cardTransactions } from "../../db/schema/billing";
import { orders } from "../../db/schema/orders";
import type { Env } from "../../env";
import { isUniqueViolation } from "../../lib/db-errors";
import { conflict, notFound, unprocessable } from "../../lib/problem";
import type { Principal } from "../auth/principal";
import { isCharge, scoreCandidate } from "./matching";
import { type TransactionView, toTransactionView, transactionQuery } from "./view";

const actorOf = (principal: Principal) => `${principal.kind}:${principal.id}`;

async function shown(db: Db, statementId: string, txId: string): Promise<TransactionView> {
  const [row] = await transactionQuery(db, statementId, txId);
  if (!row) throw notFound(`No transaction ${txId} on card statement ${statementId}.`);
  return toTransactionView(row);
}

const holderOf = (db: Db, orderId: string) =>
  db
    .select({
      id: cardTransactions.id,
      statementId: cardTransactions.statementId,
      lineNo: cardTransactions.lineNo,
    })
    .from(cardTransactions)
    .where(eq(cardTransactions.orderId, orderId));

function heldElsewhere(number: string, holder: { id: string; statementId: string; lineNo: number }) {
  return conflict(
    `Purchase ${number} is already matched to transaction ${holder.id} (line ${holder.lineNo} of card statement ${holder.statementId}). An order is paid by one charge: unmatch it there first.`,
    { transaction_id: holder.id, statement_id: holder.statementId, line_no: holder.lineNo },
  );
}

/**
 * Matches a charge to a purchase order by hand: a purchase in the charge's currency that no other charge
 * holds (409 naming the one that does). Any amount and date are accepted, since a person may know better
 * (a partial charge, a late one); the rules' score is kept when the pair fits them.
 */
export async function matchTransaction(
  env: Env,
  principal: Principal,
  statementId: string,
  txId: string,
  orderId: string,
): Promise<TransactionView> {
  const db = getDb(env.DB);
  const [[tx], [order], [holder]] = await db.batch([
    db
      .select()
      .from(cardTransactions)
      .where(and(eq(cardTransactions.id, txId), eq(cardTransactions.statementId, statementId))),
    db
      .select({
        id: orders.id,
        number: orders.number,
        kind: orders.kind,
        merchant: orders.merchant,
        currency: orders.currency,
        totalMinor: orders.totalMinor,
        placedAt: orders.placedAt,
      })
      .from(orders)
      .where(eq(orders.id, orderId)),
    holderOf(db, orderId),
  ]);
  if (!tx) throw notFound(`No transaction ${txId} on card statement ${statementId}.`);
  if (!order) throw unprocessable(`No order ${orderId}: give the id of a purchase order.`);
  if (holder?.id === tx.id) return shown(db, statementId, txId);
  if (holder) throw heldElsewhere(order.number, holder);
  if (!isCharge({ amount_minor: tx.amountMinor })) {
    throw unprocessable(
      "This row is a credit back to the card (a refund), not a charge: it cannot pay for an order. Ignore it instead.",
    );
  }
  if (order.kind !== "purchase") {
    throw unprocessable(`Order ${order.number} is a sale; card charges pay for purchases.`);
  }
  if (order.currency !== tx.currency) {
    throw unprocessable(`Order ${order.number} is in ${order.currency}; this charge is in ${tx.currency}.`);
  }
  const fit = scoreCandidate(
    {
      line: tx.lineNo,
      posted_on: tx.postedOn,
      description: tx.description,
      amount_minor: tx.amountMinor,
      currency: tx.currency,
    },
    {
      id: order.id,
      merchant: order.merchant,
      placed_at: order.placedAt,
      total_minor: order.totalMinor,
      currency: order.currency,
    },
  );
  try {
    await db
      .update(cardTransactions)
      .set({
        status: "matched",
        orderId: order.id,
        matchedBy: actorOf(principal),
        score: fit?.score ?? null,
        updatedAt: isoNow(),
      })
      .where(eq(cardTransactions.id, tx.id));
  } catch (error) {
    // Another charge took the order since it was read.
    const [now] = isUniqueViolation(error) ? await holderOf(db, orderId) : [];
    if (now) throw heldElsewhere(order.number, now);
    throw error;
  }
  return shown(db, statementId, txId);
}

async function settle(
  env: Env,
  statementId: string,
  txId: string,
  status: "unmatched" | "ignored",
  matchedBy: string | null,
): Promise<TransactionView> {
  const db = getDb(env.DB);
  const [changed] = await db
    .update(cardTransactions)
    .set({ status, orderId: null, matchedBy, score: null, updatedAt: isoNow() })
    .where(and(eq(cardTransactions.id, txId), eq(cardTransactions.statementId, statementId)))
    .returning({ id: cardTransactions.id });
  if (!changed) throw notFound(`No transaction ${txId} on card statement ${statementId}.`);
  return shown(db, statementId, txId);
}

/** Back to unmatched: the order is free for another charge; the candidates stay to choose from. */
export const unmatchTransaction = (env: Env, statementId: string, txId: string) =>
  settle(env, statementId, txId, "unmatched", null);

/** Not a purchase (a fee, a personal charge): out of the unmatched list, and holds no order. */
export const ignoreTransaction = (env: Env, principal: Principal, statementId: string, txId: string) =>
  settle(env, statementId, txId, "ignored", actorOf(principal));
