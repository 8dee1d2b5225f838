// The khata across all customers: each customer's balance and aging per currency, sorted and filtered, with
// totals per currency. Balances come from each currency's newest ledger entry (balance_after, one indexed
// read per customer and currency); aging is the ledger's own rule (summarizeEntries), not a second copy.
import { inArray, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { customers } from "../../db/schema/customers";
import { ledgerEntries } from "../../db/schema/ledger";
import type { Env } from "../../env";
import { paramChunks } from "../../lib/batch";
import { money } from "../../lib/money";
import { decodeCursor, encodeCursor } from "../../lib/pagination";
import type { Principal } from "../auth/principal";
import { AGING_BUCKETS, entriesOf, summarizeEntries } from "../ledger/service";
import type { KhataQuery } from "./schemas";

type Aging = Record<(typeof AGING_BUCKETS)[number], number>;
const noAging = (): Aging => ({ "0-30": 0, "31-60": 0, "61-90": 0, over_90: 0 });

/** Oldest money first: more over 90 days ranks first, then more in 61-90, and so on. */
const byOldestDebt = (a: Aging, b: Aging) =>
  b.over_90 - a.over_90 || b["61-90"] - a["61-90"] || b["31-60"] - a["31-60"] || b["0-30"] - a["0-30"];

export async function khata(env: Env, _principal: Principal, q: KhataQuery, asOf = new Date()) {
  const db = getDb(env.DB);
  const balances = await db.all<{ customer_id: string; currency: string; balance: number }>(
    sql`SELECT e.customer_id AS customer_id, e.currency AS currency, e.balance_after_minor AS balance
          FROM ${ledgerEntries} e
         WHERE e.seq = (SELECT max(x.seq) FROM ${ledgerEntries} x WHERE x.customer_id = e.customer_id AND x.currency = e.currency)
           ${q.currency ? sql`AND e.currency = ${q.currency}` : sql``}
           ${q.min_balance === undefined ? sql`` : sql`AND e.balance_after_minor >= ${q.min_balance}`}`,
  );
  // Aging only has money in it when something is owed: a balance at or below zero has every debit paid.
  const aging = new Map<string, Aging>();
  const owing = [...new Set(balances.filter((b) => b.balance > 0).map((b) => b.customer_id))];
  // Aged by the ledger's own rule, from the owing customers' entries read in a few IN-list queries.
  const entries = await entriesOf(env, owing);
  for (const id of owing) {
    for (const s of summarizeEntries(entries.get(id) ?? [], asOf)) {
      aging.set(`${id}\n${s.currency}`, {
        "0-30": s.aging["0-30"]?.amount ?? 0,
        "31-60": s.aging["31-60"]?.amount ?? 0,
        "61-90": s.aging["61-90"]?.amount ?? 0,
        over_90: s.aging.over_90?.amount ?? 0,
      });
    }
  }
  const companies = new Map<string, string>();
  for (const slice of paramChunks([...new Set(balances.map((b) => b.customer_id))])) {
    const rows = await db
      .select({ id: customers.id, company: customers.company })
      .from(customers)
      .where(inArray(customers.id, slice));
    for (const r of rows) companies.set(r.id, r.company);
  }

  // Sorted within each currency: balances in different currencies are not compared.
  const rows = balances
    .map((b) => ({ ...b, aging: aging.get(`${b.customer_id}\n${b.currency}`) ?? noAging() }))
    .sort(
      (a, b) =>
        a.currency.localeCompare(b.currency) ||
        (q.sort === "oldest_debt" ? byOldestDebt(a.aging, b.aging) : 0) ||
        b.balance - a.balance ||
        a.customer_id.localeCompare(b.customer_id),
    );
  const totals = new Map<string, { customers: number; balance: number; aging: Aging }>();
  for (const r of rows) {
    const t = totals.get(r.currency) ?? { customers: 0, balance: 0, aging: noAging() };
    t.customers++;
    t.balance += r.balance;
    for (const k of AGING_BUCKETS) t.aging[k] += r.aging[k];
    totals.set(r.currency, t);
  }
  const agingMoney = (a: Aging, currency: string) => ({
    "0-30": money(a["0-30"], currency),
    "31-60": money(a["31-60"], currency),
    "61-90": money(a["61-90"], currency),
    over_90: money(a.over_90, currency),
  });
  const offset = Number(decodeCursor(q.cursor, 1)?.[0] ?? 0);
  const page = rows.slice(offset, offset + q.limit);
  return {
    as_of: asOf.toISOString(),
    items: page.map((r) => ({
      customer_id: r.customer_id,
      company: companies.get(r.customer_id) ?? null,
      currency: r.currency,
      balance: money(r.balance, r.currency),
      aging: agingMoney(r.aging, r.currency),
    })),
    next_cursor: offset + q.limit < rows.length ? encodeCursor([offset + q.limit]) : null,
    totals: [...totals].map(([currency, t]) => ({
      currency,
      customers: t.customers,
      balance: money(t.balance, currency),
      aging: agingMoney(t.aging, currency),
    })),
  };
}
