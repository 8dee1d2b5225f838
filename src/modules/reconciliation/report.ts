// A statement's reconciliation report: what was matched, what is left for a person, and the purchases of
// the same days that no charge on any statement paid.
import { and, asc, eq, gt, gte, inArray, lt, lte, ne, or, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { cardStatements, cardTransactions } from "../../db/schema/billing";
import { orders } from "../../db/schema/orders";
import type { Env } from "../../env";
import { money } from "../../lib/money";
import { notFound } from "../../lib/problem";
import { placedRange } from "./matching";
import {
  statementColumns,
  toPurchaseRef,
  toStatementView,
  toTransactionView,
  transactionColumns,
} from "./view";

/** Purchases without a charge listed in the report; the count and totals cover them all. */
const LISTED_ORDERS = 500;

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();

export async function statementReport(env: Env, statementId: string) {
  const db = getDb(env.DB);
  const charge = sql<number>`${cardTransactions.amountMinor} > 0`;
  const [[row], groups, leftRows] = await db.batch([
    db.select(statementColumns).from(cardStatements).where(eq(cardStatements.id, statementId)),
    db
      .select({
        currency: cardTransactions.currency,
        status: cardTransactions.status,
        charge,
        count: sql<number>`count(*)`,
        total: sql<number>`sum(${cardTransactions.amountMinor})`,
        first: sql<string>`min(${cardTransactions.postedOn})`,
        last: sql<string>`max(${cardTransactions.postedOn})`,
      })
      .from(cardTransactions)
      .where(eq(cardTransactions.statementId, statementId))
      .groupBy(cardTransactions.currency, cardTransactions.status, charge),
    // What a person still has to look at: charges not matched or ignored, and every credit.
    db
      .select(transactionColumns)
      .from(cardTransactions)
      .where(
        and(
          eq(cardTransactions.statementId, statementId),
          or(
            and(
              inArray(cardTransactions.status, ["unmatched", "ambiguous"]),
              gt(cardTransactions.amountMinor, 0),
            ),
            lte(cardTransactions.amountMinor, 0),
          ),
        ),
      )
      .orderBy(asc(cardTransactions.lineNo)),
  ]);
  if (!row) throw notFound(`No card statement ${statementId}.`);

  const currencies = [...new Set(groups.map((g) => g.currency))].sort();
  const days = groups.flatMap((g) => [g.first, g.last]).sort();
  const period = { from: days[0] ?? "", to: days.at(-1) ?? "" };
  const placed = period.from ? placedRange(period.from, period.to) : { from: "", to: "" };

  // Purchases of those days in those currencies, not cancelled, that no transaction of any statement holds.
  const withoutCharge = and(
    eq(orders.kind, "purchase"),
    inArray(orders.currency, currencies),
    gte(orders.placedAt, `${placed.from}T00:00:00.000Z`),
    lt(orders.placedAt, placed.to ? nextDay(placed.to) : ""),
    ne(orders.status, "cancelled"),
    sql`NOT EXISTS (SELECT 1 FROM card_transactions t WHERE t.order_id = ${orders.id})`,
  );
  const [unpaidTotals, unpaid] =
    currencies.length === 0
      ? [[], []]
      : await db.batch([
          db
            .select({
              currency: orders.currency,
              count: sql<number>`count(*)`,
              total: sql<number>`sum(${orders.totalMinor})`,
            })
            .from(orders)
            .where(withoutCharge)
            .groupBy(orders.currency),
          db
            .select({
              id: orders.id,
              number: orders.number,
              merchant: orders.merchant,
              placed_at: orders.placedAt,
              total_minor: orders.totalMinor,
              currency: orders.currency,
              status: orders.status,
            })
            .from(orders)
            .where(withoutCharge)
            .orderBy(asc(orders.placedAt), asc(orders.id))
            .limit(LISTED_ORDERS + 1),
        ]);

  const tally = (currency: string, pick: (g: (typeof groups)[number]) => boolean) => {
    const mine = groups.filter((g) => g.currency === currency && pick(g));
    return {
      count: mine.reduce((n, g) => n + g.count, 0),
      total: money(
        mine.reduce((n, g) => n + g.total, 0),
        currency,
      ),
    };
  };
  const chargesOf = (status: string) => (g: (typeof groups)[number]) =>
    Boolean(g.charge) && g.status === status;
  const left = leftRows.map(toTransactionView);
  const unpaidCount = unpaidTotals.reduce((n, t) => n + t.count, 0);
  return {
    statement: toStatementView(row),
    period,
    orders_placed: placed,
    totals: currencies.map((currency) => {
      const unpaidHere = unpaidTotals.find((t) => t.currency === currency);
      return {
        currency,
        matched: tally(currency, chargesOf("matched")),
        ambiguous: tally(currency, chargesOf("ambiguous")),
        unmatched: tally(currency, chargesOf("unmatched")),
        ignored: tally(currency, chargesOf("ignored")),
        credits: tally(currency, (g) => !g.charge),
        orders_without_charge: {
          count: unpaidHere?.count ?? 0,
          total: money(unpaidHere?.total ?? 0, currency),
        },
      };
    }),
    unmatched: left.filter((t) => t.amount.amount > 0 && t.status === "unmatched"),
    ambiguous: left.filter((t) => t.amount.amount > 0 && t.status === "ambiguous"),
    credits: left.filter((t) => t.amount.amount <= 0),
    orders_without_charge: {
      count: unpaidCount,
      items: unpaid.slice(0, LISTED_ORDERS).map(toPurchaseRef),
      truncated: unpaid.length > LISTED_ORDERS,
    },
  };
}
