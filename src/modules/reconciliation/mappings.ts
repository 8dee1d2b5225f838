// How each bank's statement CSV names its columns: saved once per bank, reused by every later import.
import { asc, eq } from "drizzle-orm";
import { type Db, getDb, isoNow } from "../../db";
import { type StatementMapping, statementMappings } from "../../db/schema/billing";
import type { Env } from "../../env";
import { badRequest } from "../../lib/problem";

const toMappingView = (row: typeof statementMappings.$inferSelect) => ({
  bank: row.bank,
  mapping: row.mapping,
  updated_by: row.updatedBy,
  updated_at: row.updatedAt,
});

/** The upsert of a bank's mapping, as a statement to run alone or in an import's batch. */
export function mappingUpsert(db: Db, bank: string, mapping: StatementMapping, actorId: string) {
  const values = { mapping, updatedBy: actorId, updatedAt: isoNow() };
  return db
    .insert(statementMappings)
    .values({ bank, ...values })
    .onConflictDoUpdate({ target: statementMappings.bank, set: values })
    .returning();
}

export async function saveMapping(env: Env, actorId: string, bank: string, mapping: StatementMapping) {
  const [row] = await mappingUpsert(getDb(env.DB), bank, mapping, actorId);
  if (!row) throw new Error("the mapping upsert returned no row");
  return toMappingView(row);
}

export async function listMappings(env: Env) {
  const rows = await getDb(env.DB).select().from(statementMappings).orderBy(asc(statementMappings.bank));
  return { items: rows.map(toMappingView) };
}

export async function savedMapping(db: Db, bank: string): Promise<StatementMapping | undefined> {
  const [row] = await db.select().from(statementMappings).where(eq(statementMappings.bank, bank));
  return row?.mapping;
}

/** What to answer an import for a bank with no mapping: which fields a mapping needs, and where to give it. */
export const mappingNeeded = (bank: string) =>
  badRequest(
    `No mapping is saved for the bank "${bank}". Give one, as the \`mapping\` query parameter (JSON) or by PUT /api/v1/reconciliation/mappings/${bank}, with: date, amount and description (the file's column names), date_format ("iso", "dmy" or "mdy"), decimal ("." or ","), charges ("negative" or "positive"), and currency (a column) or default_currency (e.g. "EUR"); reference is optional.`,
    [{ in: "query", path: "mapping", message: "Required: no mapping is saved for this bank" }],
  );
