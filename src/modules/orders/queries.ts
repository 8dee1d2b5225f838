// Reading orders: the filtered list (with text search through FTS5 bucket tokens), the timeline, and the
// dashboards of customers and of the shop.
import { and, asc, count, desc, eq, getTableColumns, gte, inArray, lt, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { prepared } from "../../db/prepared";
import { orderEvents, orders } from "../../db/schema/orders";
import { ordersFts } from "../../db/search";
import type { Env } from "../../env";
import { paramChunks } from "../../lib/batch";
import { money } from "../../lib/money";
import { cursorValues, olderThanCursor, toPage } from "../../lib/pagination";
import { prefixTerms, searchWords } from "../../lib/search";
import { startOfDay } from "../../lib/zone";
import { audienceOf, customerScope, type Principal } from "../auth/principal";
import { lowStockReads } from "../inventory/queries";
import { type OrderStatus, TRANSITIONS } from "./lifecycle";
import type { OrderFilter } from "./schemas";
import { visibleOrder } from "./store";
import { type OrderRow, toDashboardOrder, toEventView, toOrderSummary } from "./view";

/** Months (yyyymm) from `from` to `to`, or undefined when the range is open or longer than two years. */
export function monthsBetween(from: string | undefined, to: string | undefined): string[] | undefined {
  if (!from || !to) return undefined;
  const start = new Date(from);
  const end = new Date(Date.parse(to) - 1);
  const months: string[] = [];
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth();
  while (year < end.getUTCFullYear() || (year === end.getUTCFullYear() && month <= end.getUTCMonth())) {
    months.push(`${year}${String(month + 1).padStart(2, "0")}`);
    if (months.length > 24) return undefined;
    month = (month + 1) % 12;
    if (month === 0) year++;
  }
  return months;
}

/**
 * The words people typed, as prefixes, ANDed with bucket tokens for status, kind and placed month when
 * those filters are given: the index then returns only orders in those buckets, so the work is bounded by
 * a bucket's size (about a month of orders), not by the table's.
 */
function ftsMatch(filter: OrderFilter): string | undefined {
  const words = searchWords(filter.q ?? "");
  if (words.length === 0) return undefined;
  const terms = prefixTerms(words);
  if (filter.status) terms.push(`zs${filter.status.replaceAll("_", "")}`);
  if (filter.kind) terms.push(`zk${filter.kind}`);
  const months = monthsBetween(filter.from, filter.to);
  if (months && months.length > 0) terms.push(`(${months.map((m) => `zm${m}`).join(" OR ")})`);
  return terms.join(" AND ");
}

/**
 * The list's read, prepared per shape (which filters apply; src/db/prepared.ts): the one read every
 * order list, dashboard table and console screen runs, so it is built once per isolate, not per request.
 */
const orderList = prepared((db, shape: string) => {
  const has = (flag: string) => shape.includes(flag);
  // Searching, the matches drive (CROSS JOIN fixes the join order), within their buckets.
  const query = has("q")
    ? db.select(getTableColumns(orders)).from(ordersFts).crossJoin(orders).$dynamic()
    : db.select().from(orders).$dynamic();
  return query
    .where(
      and(
        has("q") ? sql`${ordersFts} MATCH ${sql.placeholder("match")}` : undefined,
        has("q") ? sql`${orders}.rowid = ${ordersFts.rowid}` : undefined,
        has("c") ? eq(orders.customerId, sql.placeholder("customer")) : undefined,
        has("s") ? eq(orders.status, sql.placeholder("status")) : undefined,
        has("k") ? eq(orders.kind, sql.placeholder("kind")) : undefined,
        has("o") ? eq(orders.source, sql.placeholder("source")) : undefined,
        has("f") ? gte(orders.placedAt, sql.placeholder("from")) : undefined,
        has("t") ? lt(orders.placedAt, sql.placeholder("to")) : undefined,
        has("a") ? olderThanCursor(orders.placedAt, orders.id) : undefined,
      ),
    )
    .orderBy(desc(orders.placedAt), desc(orders.id))
    .limit(sql.placeholder("limit"));
});

/** Newest placed first, keyset on (placed_at, id). Customers see their own orders only. */
export async function listOrders(env: Env, principal: Principal, filter: OrderFilter) {
  const scope = customerScope(principal);
  const match = filter.q === undefined ? undefined : ftsMatch(filter);
  if (filter.q !== undefined && match === undefined) return { items: [], next_cursor: null };
  const customer = scope ?? filter.customer_id;
  const cursor = cursorValues(filter);
  const values = {
    ...cursor.values,
    match,
    customer,
    status: filter.status,
    kind: filter.kind,
    source: filter.source,
    // Times arrive as RFC 3339 with any offset; stored ones are UTC, so compare in UTC.
    from: filter.from && new Date(filter.from).toISOString(),
    to: filter.to && new Date(filter.to).toISOString(),
  };
  const shape = [
    match !== undefined && "q",
    customer && "c",
    filter.status && "s",
    filter.kind && "k",
    filter.source && "o",
    filter.from && "f",
    filter.to && "t",
    cursor.hasCursor && "a",
  ]
    .filter(Boolean)
    .join("");
  const rows = await orderList.all(getDb(env.DB), values, shape);
  const page = toPage(rows, filter.limit, (o) => [o.placedAt, o.id]);
  const audience = audienceOf(principal);
  return { items: page.items.map((o) => toOrderSummary(o, audience)), next_cursor: page.next_cursor };
}

export async function listEvents(env: Env, principal: Principal, id: string) {
  await visibleOrder(env, principal, id);
  const rows = await getDb(env.DB)
    .select()
    .from(orderEvents)
    .where(eq(orderEvents.orderId, id))
    .orderBy(asc(orderEvents.createdAt), asc(orderEvents.id));
  return rows.map(toEventView);
}

const IN_PROGRESS: OrderStatus[] = ["placed", "under_risk", "awaiting_customer", "picking", "shipped"];

const zeroCounts = () =>
  Object.fromEntries(Object.keys(TRANSITIONS).map((s) => [s, 0])) as Record<OrderStatus, number>;

/**
 * Customers: their orders by status, in progress, needing their action, recent. The shop and vendors:
 * today's sales (and, for the shop, their revenue per currency) and purchases, and orders by status, with
 * sales and purchases counted apart. One round trip either way.
 */
/** The low levels a staff dashboard lists (all of them are counted). */
const LOW_STOCK_SHOWN = 10;

export async function dashboard(env: Env, principal: Principal, timeZone: string) {
  const db = getDb(env.DB);
  const scope = customerScope(principal);
  if (scope !== null) {
    const mine = eq(orders.customerId, scope);
    const list = (statuses: readonly OrderStatus[], limit: number) =>
      db
        .select()
        .from(orders)
        .where(and(mine, inArray(orders.status, [...statuses])))
        .orderBy(desc(orders.placedAt), desc(orders.id))
        .limit(limit);
    const [byStatus, inProgress, needsAction, recent] = await db.batch([
      db.select({ status: orders.status, n: count() }).from(orders).where(mine).groupBy(orders.status),
      list(IN_PROGRESS, 20),
      list(["awaiting_customer"], 20),
      db.select().from(orders).where(mine).orderBy(desc(orders.placedAt), desc(orders.id)).limit(5),
    ]);
    const counts = zeroCounts();
    for (const r of byStatus) counts[r.status] = r.n;
    const rows = (list: OrderRow[]) => list.map(toDashboardOrder);
    return {
      view: "customer" as const,
      counts,
      in_progress: rows(inProgress),
      needs_your_action: rows(needsAction),
      recent: rows(recent),
    };
  }
  const since = startOfDay(timeZone).toISOString();
  // The start of tomorrow there: 36 hours on is always within tomorrow, whatever a clock change does.
  const until = startOfDay(timeZone, new Date(Date.parse(since) + 36 * 3_600_000)).toISOString();
  const [lowCount, lowest] = lowStockReads(db, LOW_STOCK_SHOWN);
  const [byStatus, today, low, lowItems] = await db.batch([
    db
      .select({ kind: orders.kind, status: orders.status, n: count() })
      .from(orders)
      .groupBy(orders.kind, orders.status),
    db
      .select({
        kind: orders.kind,
        currency: orders.currency,
        n: count(),
        total: sql<number>`SUM(CASE WHEN ${orders.status} != 'cancelled' THEN ${orders.totalMinor} ELSE 0 END)`,
      })
      .from(orders)
      .where(and(gte(orders.placedAt, since), lt(orders.placedAt, until)))
      .groupBy(orders.kind, orders.currency),
    lowCount,
    lowest,
  ]);
  const counts = { sale: zeroCounts(), purchase: zeroCounts() };
  for (const r of byStatus) counts[r.kind][r.status] = r.n;
  const sales = today.filter((r) => r.kind === "sale");
  return {
    view: "staff" as const,
    time_zone: timeZone,
    today_since: since,
    today_orders: sales.reduce((sum, r) => sum + r.n, 0),
    // Revenue is the shop's business; fulfilment partners see the work, not the money.
    ...(audienceOf(principal) === "shop" && { today_revenue: sales.map((r) => money(r.total, r.currency)) }),
    today_purchases: today.filter((r) => r.kind === "purchase").reduce((sum, r) => sum + r.n, 0),
    counts,
    // Levels at or below their threshold (stock.low announces each crossing on the feed as it happens).
    ...(principal.permissions.includes("inventory:read") && {
      low_stock: { count: low[0]?.n ?? 0, lowest: lowItems },
    }),
  };
}

/** Which of these external references a source's orders carry (a scrape reports only the orders we track). */
export async function trackedRefs(env: Env, source: string, refs: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const slice of paramChunks([...new Set(refs)])) {
    const rows = await getDb(env.DB)
      .select({ ref: orders.externalRef })
      .from(orders)
      .where(and(eq(orders.source, source), inArray(orders.externalRef, slice)));
    for (const r of rows) if (r.ref) found.add(r.ref);
  }
  return found;
}
