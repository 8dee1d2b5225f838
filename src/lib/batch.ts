// All-or-nothing D1 batches with conditions: an assertion that fails aborts the batch, and D1 rolls a
// failed batch back whole. Used where several guarded changes must apply together or not at all.
import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db";
import { batchGuards } from "../db/schema/system";

export const GUARD_FAILED = "CHECK constraint failed";

/** One statement of a drizzle batch. */
export type Statement = BatchItem<"sqlite">;

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

/** Runs statements as one atomic batch (D1 needs at least one). */
export const runBatch = (db: Db, statements: Statement[]) =>
  db.batch(statements as [Statement, ...Statement[]]);

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
