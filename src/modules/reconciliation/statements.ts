// Importing a card statement (read through the bank's mapping, kept raw in R2, each charge matched against
// purchase orders, written whole in one batch) and the statements as listed and shown.
import { eq, sql } from "drizzle-orm";
import { type Db, getDb, isoNow } from "../../db";
import type { StatementMapping } from "../../db/schema/billing";
import { cardStatements, cardTransactions } from "../../db/schema/billing";
import type { Env } from "../../env";
import { paramChunks, runBatch, type Statement } from "../../lib/batch";
import { isUniqueViolation } from "../../lib/db-errors";
import { sha256Hex } from "../../lib/hash";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { conflict, notFound } from "../../lib/problem";
import type { Principal } from "../auth/principal";
import { decodeStatement, readStatement, type StatementRow } from "./csv";
import { mappingNeeded, mappingUpsert, savedMapping } from "./mappings";
import { type Decision, isCharge, type PurchaseCandidate, placedWindow, reconcile } from "./matching";
import {
  type StatementView,
  statementColumns,
  toStatementView,
  toTransactionPage,
  transactionPageQuery,
} from "./view";

export interface StatementUpload {
  bank: string;
  bytes: ArrayBuffer;
  filename: string | null;
  /** Given with the import: used, and saved for the bank once the import is written. */
  mapping?: StatementMapping | undefined;
}

/** (currency, amount, window) keys per lookup: one bound JSON parameter of about 70 KB. */
const KEYS_PER_LOOKUP = 1000;
/** JSON per insert statement, under D1's 100 KB per statement even if bound values were counted. */
const INSERT_BYTES = 90_000;
/** An order matched elsewhere between the lookup and the write makes the batch fail: read and match again. */
const ATTEMPTS = 3;

// The rows' keys are walked first (CROSS JOIN keeps that order), each a range on orders_kind_amount_idx
// (kind, currency, total_minor, placed_at); an order another transaction holds is not a candidate.
const CANDIDATES_SQL = `
SELECT j.key AS k, o.id, o.merchant, o.placed_at, o.total_minor, o.currency
  FROM json_each(?1) AS j
  CROSS JOIN orders AS o
 WHERE o.kind = 'purchase'
   AND o.currency = json_extract(j.value, '$[0]')
   AND o.total_minor = json_extract(j.value, '$[1]')
   AND o.placed_at >= json_extract(j.value, '$[2]')
   AND o.placed_at < json_extract(j.value, '$[3]')
   AND o.status <> 'cancelled'
   AND NOT EXISTS (SELECT 1 FROM card_transactions t WHERE t.order_id = o.id)`;

type CandidateRow = PurchaseCandidate & { k: number };

/** Each charge's candidate purchases, read in one batch of one query per chunk of distinct keys. */
export async function candidatesFor(
  d1: D1Database,
  rows: StatementRow[],
): Promise<Map<number, PurchaseCandidate[]>> {
  const keys = new Map<string, { key: [string, number, string, string]; lines: number[] }>();
  for (const row of rows) {
    if (!isCharge(row)) continue;
    const id = `${row.currency} ${row.amount_minor} ${row.posted_on}`;
    let entry = keys.get(id);
    if (!entry) {
      const { from, to } = placedWindow(row.posted_on);
      entry = { key: [row.currency, row.amount_minor, from, to], lines: [] };
      keys.set(id, entry);
    }
    entry.lines.push(row.line);
  }
  const chunks = paramChunks([...keys.values()], KEYS_PER_LOOKUP);
  const byLine = new Map<number, PurchaseCandidate[]>();
  if (chunks.length === 0) return byLine;
  const results = await d1.batch<CandidateRow>(
    chunks.map((chunk) => d1.prepare(CANDIDATES_SQL).bind(JSON.stringify(chunk.map((e) => e.key)))),
  );
  results.forEach((result, c) => {
    for (const { k, ...order } of result.results) {
      for (const line of chunks[c]?.[k]?.lines ?? []) {
        const list = byLine.get(line);
        if (list) list.push(order);
        else byLine.set(line, [order]);
      }
    }
  });
  return byLine;
}

/** A row as stored: the columns of card_transactions after statement_id, in the insert's order. */
function storedRow(id: string, row: StatementRow, decision: Decision) {
  const candidates = decision.candidates.map((c) => ({ order_id: c.order_id, score: c.score }));
  const matched = decision.status === "matched" ? decision : undefined;
  return [
    id,
    row.line,
    row.posted_on,
    row.description,
    row.reference,
    row.amount_minor,
    row.currency,
    decision.status,
    matched?.order_id ?? null,
    matched ? (matched.exact ? "exact" : "auto") : null,
    matched?.score ?? null,
    candidates.length > 0 ? candidates : null,
  ];
}

/** Inserts one chunk of stored rows, selected from the JSON in the table's column order (as drizzle names them). */
const insertRows = (db: Db, statementId: string, json: string, at: string) =>
  db.insert(cardTransactions).select(
    sql`SELECT json_extract(value, '$[0]'), ${statementId}, json_extract(value, '$[1]'), json_extract(value, '$[2]'),
               json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'),
               json_extract(value, '$[6]'), json_extract(value, '$[7]'), json_extract(value, '$[8]'),
               json_extract(value, '$[9]'), json_extract(value, '$[10]'), json_extract(value, '$[11]'), ${at}
          FROM json_each(${json})`,
  );

/** Stored rows cut into JSON arrays of at most INSERT_BYTES each. */
function insertChunks(rows: unknown[][]): string[] {
  const encoder = new TextEncoder();
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const row of rows) {
    const json = JSON.stringify(row);
    const bytes = encoder.encode(json).length + 1;
    if (current.length > 0 && size + bytes > INSERT_BYTES) {
      chunks.push(`[${current.join(",")}]`);
      current = [];
      size = 2;
    }
    current.push(json);
    size += bytes;
  }
  if (current.length > 0) chunks.push(`[${current.join(",")}]`);
  return chunks;
}

async function statementByHash(db: Db, fileHash: string) {
  const [row] = await db
    .select(statementColumns)
    .from(cardStatements)
    .where(eq(cardStatements.fileHash, fileHash));
  return row ? toStatementView(row) : undefined;
}

export async function findStatement(db: Db, id: string): Promise<StatementView> {
  const [row] = await db.select(statementColumns).from(cardStatements).where(eq(cardStatements.id, id));
  if (!row) throw notFound(`No card statement ${id}.`);
  return toStatementView(row);
}

/**
 * Imports a statement file once: the same bytes again answer the statement already made and change nothing
 * (`created: false`). A file that cannot be read is refused whole (400) and kept nowhere. Otherwise the raw
 * file goes to R2 first, then the statement, all its transactions and a mapping given with it are written
 * in one atomic batch, the statement row last: a failed import leaves no half of itself, and a retry of
 * the same file starts clean.
 */
export async function importStatement(
  env: Env,
  principal: Principal,
  upload: StatementUpload,
): Promise<{ created: boolean; statement: StatementView }> {
  const db = getDb(env.DB);
  const fileHash = await sha256Hex(upload.bytes);
  const existing = await statementByHash(db, fileHash);
  if (existing) return { created: false, statement: existing };

  const mapping = upload.mapping ?? (await savedMapping(db, upload.bank));
  if (!mapping) throw mappingNeeded(upload.bank);
  const rows = readStatement(decodeStatement(upload.bytes), mapping);

  const id = newId();
  const fileKey = `statements/${id}.csv`;
  await env.FILES.put(fileKey, upload.bytes, {
    httpMetadata: { contentType: "text/csv" },
    customMetadata: { bank: upload.bank, sha256: fileHash },
  });
  const txIds = rows.map(() => newId());
  const createdAt = isoNow();
  for (let attempt = 1; ; attempt++) {
    const decisions = reconcile(rows, await candidatesFor(env.DB, rows));
    const stored = rows.map((row, i) =>
      storedRow(txIds[i] as string, row, decisions.get(row.line) ?? { status: "unmatched", candidates: [] }),
    );
    const statements: Statement[] = [
      ...insertChunks(stored).map((json) => insertRows(db, id, json, createdAt)),
      ...(upload.mapping ? [mappingUpsert(db, upload.bank, upload.mapping, principal.id)] : []),
      db.insert(cardStatements).values({
        id,
        bank: upload.bank,
        fileHash,
        fileKey,
        filename: upload.filename,
        rows: rows.length,
        createdBy: principal.id,
        createdAt,
      }),
    ];
    try {
      await runBatch(db, statements);
    } catch (error) {
      const forget = () => env.FILES.delete(fileKey).catch(() => undefined);
      if (!isUniqueViolation(error)) {
        await forget();
        throw error;
      }
      // The same file imported at the same moment: answer that import, as for any repeat.
      const raced = await statementByHash(db, fileHash);
      if (raced) {
        await forget();
        return { created: false, statement: raced };
      }
      if (attempt < ATTEMPTS) continue;
      await forget();
      throw conflict("Purchases were being matched elsewhere at the same moment. Send the file again.");
    }
    const counts = { matched: 0, ambiguous: 0, unmatched: 0, ignored: 0 };
    for (const decision of decisions.values()) counts[decision.status]++;
    return {
      created: true,
      statement: {
        id,
        bank: upload.bank,
        filename: upload.filename,
        file_hash: fileHash,
        rows: rows.length,
        counts,
        created_by: principal.id,
        created_at: createdAt,
      },
    };
  }
}

export async function listStatements(env: Env, page: { limit: number; cursor?: string | undefined }) {
  const result = await newestFirst(
    getDb(env.DB).select(statementColumns).from(cardStatements).$dynamic(),
    { time: cardStatements.createdAt, id: cardStatements.id },
    [],
    page,
    (row) => [row.createdAt, row.id],
  );
  return { items: result.items.map(toStatementView), next_cursor: result.next_cursor };
}

/** A statement with a page of its transactions in file order (optionally of one status), in one batch. */
export async function getStatement(env: Env, id: string, page: Parameters<typeof transactionPageQuery>[2]) {
  const db = getDb(env.DB);
  const [[row], transactions] = await db.batch([
    db.select(statementColumns).from(cardStatements).where(eq(cardStatements.id, id)),
    transactionPageQuery(db, id, page),
  ]);
  if (!row) throw notFound(`No card statement ${id}.`);
  return { ...toStatementView(row), transactions: toTransactionPage(transactions, page.limit) };
}
