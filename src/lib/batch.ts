// All-or-nothing D1 batches with conditions: an assertion that fails aborts the batch, and D1 rolls a
// failed batch back whole. Used where several guarded changes must apply together or not at all.
import { type SQL, sql } from "drizzle-orm";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { Db } from "../db";
import type { Bound } from "../db/prepared";
import { batchGuards } from "../db/schema/system";

export const GUARD_FAILED = "CHECK constraint failed";

/** A statement drizzle builds when its batch runs (its results come back typed from `db.batch`). */
export type DrizzleStatement = BatchItem<"sqlite">;

/** One statement of a batch: drizzle's, or a prepared one (src/db/prepared.ts). */
export type Statement = BatchItem<"sqlite"> | Bound<unknown>;

const assertions = new WeakSet<object>();

/** A statement that fails (and so undoes the batch) unless `condition` is true. */
export function assertion(db: Db, name: string, condition: SQL): Statement {
  const statement = db
    .insert(batchGuards)
    .select(sql`SELECT ${name}, CASE WHEN (${condition}) THEN 1 ELSE 0 END`);
  assertions.add(statement);
  return statement;
}

/** Whether a batch holds assertions (and so must end with clearAssertions). */
export const hasAssertions = (statements: Statement[]) => statements.some((s) => assertions.has(s));

/** Ends a batch that used assertions: the passing rows are not kept. */
export const clearAssertions = (db: Db): Statement => db.delete(batchGuards);

/** What drizzle builds a statement into (the same steps its own `db.batch` takes). */
interface BuiltStatement {
  stmt: D1PreparedStatement;
  getQuery(): { params: unknown[] };
  mapResult(result: unknown, isFromBatch: boolean): unknown;
}

const isPrepared = (item: Statement): item is Bound<unknown> => "fromObjects" in item;

/**
 * Runs statements as one atomic batch (D1 needs at least one). Prepared reads (src/db/prepared.ts) may
 * join drizzle's statements; the results then come back untyped, in the order given.
 */
export function runBatch(
  db: Db,
  statements: BatchItem<"sqlite">[],
): Promise<BatchResponse<[BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]>>;
export function runBatch(db: Db, statements: Statement[]): Promise<unknown[]>;
export async function runBatch(db: Db, statements: Statement[]) {
  if (!statements.some(isPrepared)) {
    return db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  }
  const built = statements.map((s) =>
    isPrepared(s) ? null : (s as unknown as { _prepare(): BuiltStatement })._prepare(),
  );
  const results = await db.$client.batch(
    statements.map((s, i) => {
      if (isPrepared(s)) return s.statement;
      const b = built[i] as BuiltStatement;
      return b.stmt.bind(...b.getQuery().params);
    }),
  );
  return statements.map((s, i) =>
    isPrepared(s)
      ? s.fromObjects(results[i] as D1Result)
      : (built[i] as BuiltStatement).mapResult(results[i], true),
  );
}

/** Whether a batch was refused because one of its assertions failed. */
export function failedAssertion(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes(GUARD_FAILED) && e.message.includes("batch_guards")) return true;
  }
  return false;
}

/** An IN list cut into slices that stay under D1's 100 bound parameters per statement. */
export const paramChunks = <T>(items: T[], size = 90): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
