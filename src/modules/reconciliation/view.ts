// How statements and their transactions are read and shown: the columns each read selects (counts, the
// matched purchase and the candidates joined in the same query) and the views the API answers with.
import { and, asc, eq, getTableColumns, gt, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { cardStatements, cardTransactions, type MATCH_STATUSES } from "../../db/schema/billing";
import type { ORDER_STATUSES } from "../../db/schema/orders";
import { money } from "../../lib/money";
import { decodeCursor, toPage } from "../../lib/pagination";

type Status = (typeof MATCH_STATUSES)[number];

// The outer row is named in full: drizzle writes a one-table select's columns unqualified, and inside the
// subquery "id" would be the subquery's own. Aliased: D1 answers rows keyed by column name, so unnamed
// subqueries alike would come back as one.
const counted = (status: Status) =>
  sql<number>`(SELECT count(*) FROM card_transactions t WHERE t.statement_id = card_statements.id AND t.status = ${status})`.as(
    `${status}_count`,
  );

/** A statement with its count of transactions per status, each counted on the (statement, status) index. */
export const statementColumns = {
  ...getTableColumns(cardStatements),
  matched: counted("matched"),
  ambiguous: counted("ambiguous"),
  unmatched: counted("unmatched"),
  ignored: counted("ignored"),
};

export type StatementRecord = typeof cardStatements.$inferSelect & Record<Status, number>;

export const toStatementView = (row: StatementRecord) => ({
  id: row.id,
  bank: row.bank,
  filename: row.filename,
  file_hash: row.fileHash,
  rows: row.rows,
  counts: {
    matched: row.matched,
    ambiguous: row.ambiguous,
    unmatched: row.unmatched,
    ignored: row.ignored,
  },
  created_by: row.createdBy,
  created_at: row.createdAt,
});
export type StatementView = ReturnType<typeof toStatementView>;

const PURCHASE_JSON = sql.raw(
  "json_object('id', o.id, 'number', o.number, 'merchant', o.merchant, 'placed_at', o.placed_at, 'total_minor', o.total_minor, 'currency', o.currency, 'status', o.status)",
);

/**
 * A transaction with the purchase it paid and its candidates' purchases, in one query: the candidates are
 * walked in their stored order (best first) and each looked up by primary key.
 */
export const transactionColumns = {
  ...getTableColumns(cardTransactions),
  purchase: sql<
    string | null
  >`(SELECT ${PURCHASE_JSON} FROM orders o WHERE o.id = card_transactions.order_id)`.as("purchase"),
  candidatePurchases:
    sql<string>`(SELECT json_group_array(json_set(${PURCHASE_JSON}, '$.score', json_extract(c.value, '$.score')))
      FROM json_each(card_transactions.candidates) c CROSS JOIN orders o
     WHERE o.id = json_extract(c.value, '$.order_id'))`.as("candidate_purchases"),
};

interface PurchaseJson {
  id: string;
  number: string;
  merchant: string | null;
  placed_at: string;
  total_minor: number;
  currency: string;
  status: (typeof ORDER_STATUSES)[number];
}

export const toPurchaseRef = (o: PurchaseJson) => ({
  id: o.id,
  number: o.number,
  merchant: o.merchant,
  placed_at: o.placed_at,
  total: money(o.total_minor, o.currency),
  status: o.status,
});

export type TransactionRow = typeof cardTransactions.$inferSelect & {
  purchase: string | null;
  candidatePurchases: string | null;
};

export const toTransactionView = (row: TransactionRow) => ({
  id: row.id,
  statement_id: row.statementId,
  line_no: row.lineNo,
  posted_on: row.postedOn,
  description: row.description,
  reference: row.reference,
  amount: money(row.amountMinor, row.currency),
  status: row.status,
  order: row.purchase ? toPurchaseRef(JSON.parse(row.purchase) as PurchaseJson) : null,
  matched_by: row.matchedBy,
  score: row.score,
  candidates: (JSON.parse(row.candidatePurchases ?? "[]") as (PurchaseJson & { score: number })[]).map(
    (c) => ({ ...toPurchaseRef(c), score: c.score }),
  ),
  updated_at: row.updatedAt,
});
export type TransactionView = ReturnType<typeof toTransactionView>;

/** One transaction of a statement, as shown. */
export const transactionQuery = (db: Db, statementId: string, txId: string) =>
  db
    .select(transactionColumns)
    .from(cardTransactions)
    .where(and(eq(cardTransactions.id, txId), eq(cardTransactions.statementId, statementId)));

/**
 * A page of a statement's transactions in file order, optionally of one status: keyset on the line
 * number, on the (statement, status, line) or (statement, line) index.
 */
export function transactionPageQuery(
  db: Db,
  statementId: string,
  page: { status?: Status | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(page.cursor, 1)?.[0];
  return db
    .select(transactionColumns)
    .from(cardTransactions)
    .where(
      and(
        eq(cardTransactions.statementId, statementId),
        page.status ? eq(cardTransactions.status, page.status) : undefined,
        after !== undefined ? gt(cardTransactions.lineNo, Number(after)) : undefined,
      ),
    )
    .orderBy(asc(cardTransactions.lineNo))
    .limit(page.limit + 1);
}

export function toTransactionPage(rows: TransactionRow[], limit: number) {
  const page = toPage(rows, limit, (row) => [row.lineNo]);
  return { items: page.items.map(toTransactionView), next_cursor: page.next_cursor };
}
