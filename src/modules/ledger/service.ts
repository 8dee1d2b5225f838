// The customer ledger ("khata"): debits (the customer owes more) and credits (owes less), per currency.
// Entries are never edited or deleted; a mistake is undone by a reversing entry. Each entry carries its
// place in the customer's ledger (`seq`) and the balance of its currency after it, both set inside the
// insert (D1 runs statements one at a time), so a page of the list never sums the history before it.
import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { ledgerEntries } from "../../db/schema/ledger";
import type { Env } from "../../env";
import { type DrizzleStatement, paramChunks } from "../../lib/batch";
import { isUniqueViolation } from "../../lib/db-errors";
import { newId } from "../../lib/ids";
import { money } from "../../lib/money";
import { newestFirst } from "../../lib/pagination";
import { badRequest, conflict, notFound } from "../../lib/problem";
import { assertVisible, type Principal } from "../auth/principal";
import { customerExists } from "../customers/service";

type EntryRow = typeof ledgerEntries.$inferSelect;
export type Direction = EntryRow["direction"];
export type ReferenceType = EntryRow["referenceType"];

const toEntryView = (e: EntryRow & { reversedBy?: string | null }) => ({
  id: e.id,
  customer_id: e.customerId,
  direction: e.direction,
  amount: money(e.amountMinor, e.currency),
  reference_type: e.referenceType,
  reference_id: e.referenceId,
  note: e.note,
  actor_id: e.actorId,
  reverses_entry_id: e.reversesEntryId,
  reversed_by_entry_id: e.reversedBy ?? null,
  created_at: e.createdAt,
  balance_after: money(e.balanceAfterMinor, e.currency),
});
export type EntryView = ReturnType<typeof toEntryView>;

async function visibleCustomer(env: Env, principal: Principal, customerId: string): Promise<void> {
  assertVisible(principal, customerId, "customer");
  if (!(await customerExists(env, customerId))) throw notFound("No such customer.");
}

export type NewEntry = Omit<EntryRow, "seq" | "balanceAfterMinor" | "createdAt">;

/**
 * The statement that posts an entry, for the caller's batch: its sequence is the customer's next, its
 * balance the previous balance of its currency plus its own amount, both read inside the same statement.
 * `onlyIf`: posted only when this holds when the statement runs (billing posts a document's entry only when
 * its own batch wrote the document).
 */
export function ledgerPosting(db: Db, e: NewEntry, at: string, onlyIf?: SQL): DrizzleStatement {
  const delta = e.direction === "debit" ? e.amountMinor : -e.amountMinor;
  const mine = sql`FROM ${ledgerEntries} WHERE ${ledgerEntries.customerId} = ${e.customerId}`;
  return db.insert(ledgerEntries).select(
    sql`SELECT ${e.id}, ${e.customerId}, ${e.direction}, ${e.amountMinor}, ${e.currency}, ${e.referenceType},
               ${e.referenceId}, ${e.note}, ${e.actorId}, ${e.reversesEntryId}, ${at},
               (SELECT coalesce(MAX(${ledgerEntries.seq}), 0) + 1 ${mine}),
               coalesce((SELECT ${ledgerEntries.balanceAfterMinor} ${mine} AND ${ledgerEntries.currency} = ${e.currency}
                          ORDER BY ${ledgerEntries.seq} DESC LIMIT 1), 0) + ${delta}
        WHERE ${onlyIf ?? sql`1`}`,
  );
}

async function post(env: Env, e: NewEntry): Promise<EntryRow> {
  const db = getDb(env.DB);
  const [, rows] = await db.batch([
    ledgerPosting(db, e, new Date().toISOString()),
    db.select().from(ledgerEntries).where(eq(ledgerEntries.id, e.id)),
  ]);
  return rows[0] as EntryRow;
}

export async function addEntry(
  env: Env,
  principal: Principal,
  customerId: string,
  input: {
    direction: Direction;
    amount: { amount: number; currency: string };
    reference_type: Exclude<ReferenceType, "reversal">;
    reference_id?: string | undefined;
    note?: string | undefined;
  },
): Promise<EntryView> {
  await visibleCustomer(env, principal, customerId);
  if (input.amount.amount <= 0) {
    throw badRequest("An entry's amount is positive; its direction says which way it goes.", [
      { in: "body", path: "amount.amount", message: "Greater than zero" },
    ]);
  }
  const row = await post(env, {
    id: newId(),
    customerId,
    direction: input.direction,
    amountMinor: input.amount.amount,
    currency: input.amount.currency,
    referenceType: input.reference_type,
    referenceId: input.reference_id ?? null,
    note: input.note ?? null,
    actorId: principal.id,
    reversesEntryId: null,
  });
  return toEntryView(row);
}

/** Undoes an entry with its mirror image; an entry can be reversed once. */
export async function reverseEntry(
  env: Env,
  principal: Principal,
  customerId: string,
  entryId: string,
  note?: string,
) {
  await visibleCustomer(env, principal, customerId);
  const [original] = await getDb(env.DB)
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.id, entryId), eq(ledgerEntries.customerId, customerId)));
  if (!original) throw notFound("No such ledger entry.");
  try {
    const row = await post(env, {
      id: newId(),
      customerId,
      direction: original.direction === "debit" ? "credit" : "debit",
      amountMinor: original.amountMinor,
      currency: original.currency,
      referenceType: "reversal",
      referenceId: original.id,
      note: note ?? `Reverses ${original.id}`,
      actorId: principal.id,
      reversesEntryId: original.id,
    });
    return toEntryView(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("This entry has already been reversed.");
    throw error;
  }
}

/**
 * Newest first (in the order they were posted), each with the balance of its currency after it: one
 * indexed read. Entries exist only for a customer that exists, so only an empty page asks about the customer.
 */
export async function listEntries(
  env: Env,
  principal: Principal,
  customerId: string,
  filter: { limit: number; cursor?: string | undefined },
) {
  assertVisible(principal, customerId, "customer");
  const reversal = sql`(SELECT r.id FROM ledger_entries r WHERE r.reverses_entry_id = ${ledgerEntries.id})`;
  const query = getDb(env.DB)
    .select({ entry: ledgerEntries, reversedBy: sql<string | null>`${reversal}` })
    .from(ledgerEntries)
    .$dynamic();
  const page = await newestFirst(
    query,
    { time: ledgerEntries.seq, id: ledgerEntries.id },
    [eq(ledgerEntries.customerId, customerId)],
    filter,
    (r) => [r.entry.seq, r.entry.id],
  );
  if (page.items.length === 0) await visibleCustomer(env, principal, customerId);
  return {
    items: page.items.map((r) => toEntryView({ ...r.entry, reversedBy: r.reversedBy })),
    next_cursor: page.next_cursor,
  };
}

export const AGING_BUCKETS = ["0-30", "31-60", "61-90", "over_90"] as const;

/**
 * Totals, outstanding balance and aging per currency of one customer's entries (oldest first). Aging reads
 * the outstanding balance as the newest unpaid debits: credits pay the oldest debits first; an entry and
 * its reversal cancel and are left out. Pure: the khata across all customers ages with it too.
 */
export function summarizeEntries(results: EntryRow[], asOf: Date) {
  const reversed = new Set(results.flatMap((e) => (e.reversesEntryId ? [e.reversesEntryId, e.id] : [])));
  const byCurrency = new Map<string, EntryRow[]>();
  for (const e of results) byCurrency.set(e.currency, [...(byCurrency.get(e.currency) ?? []), e]);

  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, entries]) => {
      const debits = entries.filter((e) => e.direction === "debit").reduce((s, e) => s + e.amountMinor, 0);
      const credits = entries.filter((e) => e.direction === "credit").reduce((s, e) => s + e.amountMinor, 0);
      // FIFO: pay the oldest open debits with the credits that are not part of a reversal pair.
      const open = entries
        .filter((e) => e.direction === "debit" && !reversed.has(e.id))
        .map((e) => ({ at: e.createdAt, left: e.amountMinor }));
      let credit = entries
        .filter((e) => e.direction === "credit" && !reversed.has(e.id))
        .reduce((s, e) => s + e.amountMinor, 0);
      for (const d of open) {
        const paid = Math.min(d.left, credit);
        d.left -= paid;
        credit -= paid;
      }
      const aging: Record<(typeof AGING_BUCKETS)[number], number> = {
        "0-30": 0,
        "31-60": 0,
        "61-90": 0,
        over_90: 0,
      };
      for (const d of open) {
        if (d.left === 0) continue;
        const days = Math.floor((asOf.getTime() - Date.parse(d.at)) / 86_400_000);
        const bucket = days <= 30 ? "0-30" : days <= 60 ? "31-60" : days <= 90 ? "61-90" : "over_90";
        aging[bucket] += d.left;
      }
      return {
        currency,
        total_debit: money(debits, currency),
        total_credit: money(credits, currency),
        balance: money(debits - credits, currency),
        aging: Object.fromEntries(AGING_BUCKETS.map((b) => [b, money(aging[b], currency)])),
        entries: entries.length,
      };
    });
}

/** The entries of several customers, oldest first, in as few reads as D1's parameter limit allows. */
export async function entriesOf(env: Env, customerIds: string[]): Promise<Map<string, EntryRow[]>> {
  const db = getDb(env.DB);
  const found = new Map<string, EntryRow[]>();
  for (const slice of paramChunks(customerIds)) {
    const rows = await db
      .select()
      .from(ledgerEntries)
      .where(inArray(ledgerEntries.customerId, slice))
      .orderBy(asc(ledgerEntries.customerId), asc(ledgerEntries.createdAt), asc(ledgerEntries.id));
    for (const r of rows) found.set(r.customerId, [...(found.get(r.customerId) ?? []), r]);
  }
  return found;
}

/** One customer's totals, outstanding balance and aging per currency (see summarizeEntries). */
export async function ledgerSummary(env: Env, principal: Principal, customerId: string, asOf = new Date()) {
  await visibleCustomer(env, principal, customerId);
  const results = await getDb(env.DB)
    .select()
    .from(ledgerEntries)
    .where(eq(ledgerEntries.customerId, customerId))
    .orderBy(asc(ledgerEntries.createdAt), asc(ledgerEntries.id)); // aging pays the oldest debits first
  return summarizeEntries(results, asOf);
}
