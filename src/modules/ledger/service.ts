// The customer ledger ("khata"): debits (the customer owes more) and credits (owes less), per currency.
// Entries are never edited or deleted; a mistake is undone by a reversing entry.
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { money } from "../../lib/money";
import { decodeCursor, toPage } from "../../lib/pagination";
import { badRequest, conflict, notFound } from "../../lib/problem";
import { assertVisible, type Principal } from "../auth/principal";
import { customerExists } from "../customers/service";

export type Direction = "debit" | "credit";
export type ReferenceType = "order" | "invoice" | "payment" | "refund" | "manual" | "reversal";

interface EntryRow {
  id: string;
  customer_id: string;
  direction: Direction;
  amount_minor: number;
  currency: string;
  reference_type: ReferenceType;
  reference_id: string | null;
  note: string | null;
  actor_id: string;
  reverses_entry_id: string | null;
  created_at: string;
  balance_after?: number;
  reversed_by?: string | null;
}

const toEntryView = (e: EntryRow) => ({
  id: e.id,
  customer_id: e.customer_id,
  direction: e.direction,
  amount: money(e.amount_minor, e.currency),
  reference_type: e.reference_type,
  reference_id: e.reference_id,
  note: e.note,
  actor_id: e.actor_id,
  reverses_entry_id: e.reverses_entry_id,
  reversed_by_entry_id: e.reversed_by ?? null,
  created_at: e.created_at,
  ...(e.balance_after !== undefined && { balance_after: money(e.balance_after, e.currency) }),
});
export type EntryView = ReturnType<typeof toEntryView>;

async function visibleCustomer(env: Env, principal: Principal, customerId: string): Promise<void> {
  assertVisible(principal, customerId, "customer");
  if (!(await customerExists(env, customerId))) throw notFound("No such customer.");
}

async function getEntry(env: Env, customerId: string, id: string): Promise<EntryRow> {
  const row = await env.DB.prepare("SELECT * FROM ledger_entries WHERE id = ? AND customer_id = ?")
    .bind(id, customerId)
    .first<EntryRow>();
  if (!row) throw notFound("No such ledger entry.");
  return row;
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
  const row: EntryRow = {
    id: newId(),
    customer_id: customerId,
    direction: input.direction,
    amount_minor: input.amount.amount,
    currency: input.amount.currency,
    reference_type: input.reference_type,
    reference_id: input.reference_id ?? null,
    note: input.note ?? null,
    actor_id: principal.id,
    reverses_entry_id: null,
    created_at: new Date().toISOString(),
  };
  await insert(env, row);
  return toEntryView(row);
}

const insert = (env: Env, e: EntryRow) =>
  env.DB.prepare(
    `INSERT INTO ledger_entries (id, customer_id, direction, amount_minor, currency, reference_type, reference_id, note,
                                 actor_id, reverses_entry_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      e.id,
      e.customer_id,
      e.direction,
      e.amount_minor,
      e.currency,
      e.reference_type,
      e.reference_id,
      e.note,
      e.actor_id,
      e.reverses_entry_id,
      e.created_at,
    )
    .run();

/** Undoes an entry with its mirror image; an entry can be reversed once. */
export async function reverseEntry(
  env: Env,
  principal: Principal,
  customerId: string,
  entryId: string,
  note?: string,
) {
  await visibleCustomer(env, principal, customerId);
  const original = await getEntry(env, customerId, entryId);
  const row: EntryRow = {
    id: newId(),
    customer_id: customerId,
    direction: original.direction === "debit" ? "credit" : "debit",
    amount_minor: original.amount_minor,
    currency: original.currency,
    reference_type: "reversal",
    reference_id: original.id,
    note: note ?? `Reverses ${original.id}`,
    actor_id: principal.id,
    reverses_entry_id: original.id,
    created_at: new Date().toISOString(),
  };
  try {
    await insert(env, row);
  } catch (error) {
    if (
      String(error instanceof Error ? `${error.message} ${String(error.cause)}` : error).includes("UNIQUE")
    ) {
      throw conflict("This entry has already been reversed.");
    }
    throw error;
  }
  return toEntryView(row);
}

/** Newest first, each with the running balance of its currency after it. */
export async function listEntries(
  env: Env,
  principal: Principal,
  customerId: string,
  filter: { limit: number; cursor?: string | undefined },
) {
  await visibleCustomer(env, principal, customerId);
  const after = decodeCursor(filter.cursor, 2) as [string, string] | undefined;
  const { results } = await env.DB.prepare(
    `SELECT * FROM (
       SELECT e.*,
              SUM(CASE e.direction WHEN 'debit' THEN e.amount_minor ELSE -e.amount_minor END)
                OVER (PARTITION BY e.currency ORDER BY e.created_at, e.id ROWS UNBOUNDED PRECEDING) AS balance_after,
              (SELECT r.id FROM ledger_entries r WHERE r.reverses_entry_id = e.id) AS reversed_by
         FROM ledger_entries e WHERE e.customer_id = ?1)
      WHERE ?2 IS NULL OR created_at < ?2 OR (created_at = ?2 AND id < ?3)
      ORDER BY created_at DESC, id DESC LIMIT ?4`,
  )
    .bind(customerId, after?.[0] ?? null, after?.[1] ?? null, filter.limit + 1)
    .all<EntryRow>();
  const page = toPage(results, filter.limit, (e) => [e.created_at, e.id]);
  return { items: page.items.map(toEntryView), next_cursor: page.next_cursor };
}

export const AGING_BUCKETS = ["0-30", "31-60", "61-90", "over_90"] as const;

/**
 * Totals, outstanding balance and aging per currency. Aging reads the outstanding balance as the newest
 * unpaid debits: credits pay the oldest debits first; an entry and its reversal cancel and are left out.
 */
export async function ledgerSummary(env: Env, principal: Principal, customerId: string, asOf = new Date()) {
  await visibleCustomer(env, principal, customerId);
  const { results } = await env.DB.prepare(
    "SELECT * FROM ledger_entries WHERE customer_id = ? ORDER BY created_at, id",
  )
    .bind(customerId)
    .all<EntryRow>();
  const reversed = new Set(results.flatMap((e) => (e.reverses_entry_id ? [e.reverses_entry_id, e.id] : [])));
  const byCurrency = new Map<string, EntryRow[]>();
  for (const e of results) byCurrency.set(e.currency, [...(byCurrency.get(e.currency) ?? []), e]);

  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, entries]) => {
      const debits = entries.filter((e) => e.direction === "debit").reduce((s, e) => s + e.amount_minor, 0);
      const credits = entries.filter((e) => e.direction === "credit").reduce((s, e) => s + e.amount_minor, 0);
      // FIFO: pay the oldest open debits with the credits that are not part of a reversal pair.
      const open = entries
        .filter((e) => e.direction === "debit" && !reversed.has(e.id))
        .map((e) => ({ at: e.created_at, left: e.amount_minor }));
      let credit = entries
        .filter((e) => e.direction === "credit" && !reversed.has(e.id))
        .reduce((s, e) => s + e.amount_minor, 0);
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
