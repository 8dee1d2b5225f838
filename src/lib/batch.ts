// All-or-nothing D1 batches with conditions: an assertion that fails aborts the batch, and D1 rolls a
// failed batch back whole. Used where several guarded changes must apply together or not at all.

export const GUARD_FAILED = "CHECK constraint failed";

/** A statement that fails (and so undoes the batch) unless `condition` (SQL, with `binds`) is true. */
export const assertion = (db: D1Database, name: string, condition: string, ...binds: unknown[]) =>
  db
    .prepare(`INSERT INTO batch_guards (name, ok) SELECT ?, CASE WHEN (${condition}) THEN 1 ELSE 0 END`)
    .bind(name, ...binds);

/** Ends a batch that used assertions: the passing rows are not kept. */
export const clearAssertions = (db: D1Database) => db.prepare("DELETE FROM batch_guards");

/** The name of the assertion that failed, when that is why a batch was refused. */
export function failedAssertion(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes(GUARD_FAILED) && e.message.includes("batch_guards")) return true;
  }
  return false;
}
