// Reports read from orders: sales and revenue per currency, statuses, fulfilment times, claim rate, top
// products and customers. Each groups the orders placed in a bucket (orders_placed_idx, one range scan per
// bucket) by what it reports; money is summed per currency only.
import { type SQL, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { claims } from "../../db/schema/claims";
import { customers } from "../../db/schema/customers";
import { ORDER_STATUSES, orderLines, orders } from "../../db/schema/orders";
import type { Env } from "../../env";
import { money } from "../../lib/money";
import { envelope, orderFilter, ordersPerBucket, rate, round, type Scope } from "./scope";

const all = <T>(env: Env, query: SQL) => getDb(env.DB).all<T>(query);
const NOT_CANCELLED = sql`${orders.status} != 'cancelled'`;

export async function salesReport(env: Env, scope: Scope) {
  const rows = await all<{ i: number; currency: string; n: number; cancelled: number; revenue: number }>(
    env,
    sql`SELECT b.i AS i, ${orders.currency} AS currency, count(*) AS n,
               sum(CASE WHEN ${NOT_CANCELLED} THEN 0 ELSE 1 END) AS cancelled,
               coalesce(sum(CASE WHEN ${NOT_CANCELLED} THEN ${orders.totalMinor} ELSE 0 END), 0) AS revenue
        ${ordersPerBucket(scope)} GROUP BY b.i, ${orders.currency}`,
  );
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  const found = new Map(rows.map((r) => [`${r.i}\n${r.currency}`, r]));
  // Every bucket for every currency seen, zeros included, so a chart has no holes.
  const items = scope.buckets.flatMap((b, i) =>
    currencies.map((currency) => {
      const r = found.get(`${i}\n${currency}`);
      const n = r?.n ?? 0;
      const counted = n - (r?.cancelled ?? 0);
      const revenue = r?.revenue ?? 0;
      return {
        bucket: b.label,
        currency,
        orders: n,
        cancelled: r?.cancelled ?? 0,
        revenue: money(revenue, currency),
        average_order_value: counted === 0 ? null : money(Math.round(revenue / counted), currency),
      };
    }),
  );
  return envelope(
    scope,
    "Orders placed in the bucket (local time); revenue is total_minor (tax, shipping and discount included) of those not cancelled, per currency, never converted; average = revenue / orders not cancelled, rounded to the minor unit.",
    items,
  );
}

export async function statusReport(env: Env, scope: Scope) {
  const rows = await all<{ i: number; status: string; n: number }>(
    env,
    sql`SELECT b.i AS i, ${orders.status} AS status, count(*) AS n ${ordersPerBucket(scope)} GROUP BY b.i, ${orders.status}`,
  );
  const found = new Map(rows.map((r) => [`${r.i}\n${r.status}`, r.n]));
  const items = scope.buckets.flatMap((b, i) =>
    ORDER_STATUSES.map((status) => ({ bucket: b.label, status, orders: found.get(`${i}\n${status}`) ?? 0 })),
  );
  return envelope(scope, "Orders placed in the bucket, by the status they have now.", items);
}

const hours = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3_600_000;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
const avg = (values: number[]) =>
  values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
const two = (v: number | null) => (v === null ? null : round(v, 2));

export async function fulfilmentReport(env: Env, scope: Scope) {
  const rows = await all<{ i: number; placed: string; shipped: string | null; delivered: string | null }>(
    env,
    sql`SELECT b.i AS i, ${orders.placedAt} AS placed, ${orders.shippedAt} AS shipped, ${orders.deliveredAt} AS delivered
        ${ordersPerBucket(scope, sql`${orders.shippedAt} IS NOT NULL`)}`,
  );
  const toShip = scope.buckets.map((): number[] => []);
  const toDeliver = scope.buckets.map((): number[] => []);
  for (const r of rows) {
    if (r.shipped) toShip[r.i]?.push(hours(r.placed, r.shipped));
    if (r.shipped && r.delivered) toDeliver[r.i]?.push(hours(r.shipped, r.delivered));
  }
  const items = scope.buckets.map((b, i) => ({
    bucket: b.label,
    shipped: toShip[i]?.length ?? 0,
    to_ship_hours_median: two(median(toShip[i] ?? [])),
    to_ship_hours_avg: two(avg(toShip[i] ?? [])),
    delivered: toDeliver[i]?.length ?? 0,
    to_deliver_hours_median: two(median(toDeliver[i] ?? [])),
    to_deliver_hours_avg: two(avg(toDeliver[i] ?? [])),
  }));
  return envelope(
    scope,
    "Orders placed in the bucket that have shipped: hours from placed_at to shipped_at, and from shipped_at to delivered_at for those delivered (median of an even count is the mean of the middle two), two decimals.",
    items,
  );
}

export async function claimReport(env: Env, scope: Scope) {
  const claimed = sql`EXISTS (SELECT 1 FROM ${claims} WHERE ${claims.orderId} = ${orders.id})`;
  const rows = await all<{ i: number; delivered: number; claimed: number }>(
    env,
    sql`SELECT b.i AS i, count(*) AS delivered, sum(CASE WHEN ${claimed} THEN 1 ELSE 0 END) AS claimed
        ${ordersPerBucket(scope, sql`${orders.deliveredAt} IS NOT NULL`)} GROUP BY b.i`,
  );
  const found = new Map(rows.map((r) => [r.i, r]));
  const items = scope.buckets.map((b, i) => {
    const r = found.get(i);
    return {
      bucket: b.label,
      delivered: r?.delivered ?? 0,
      claimed: r?.claimed ?? 0,
      claim_rate: rate(r?.claimed ?? 0, r?.delivered ?? 0),
    };
  });
  return envelope(
    scope,
    "Of the orders placed in the bucket that were delivered, those with a claim (any status): claimed / delivered.",
    items,
  );
}

/** The range as one span: top lists rank over the whole range, not per bucket. */
const rangeWhere = (scope: Scope) =>
  sql`${orders.placedAt} >= ${scope.buckets[0]?.start} AND ${orders.placedAt} < ${scope.buckets.at(-1)?.end}
      AND ${orderFilter(scope.q)} AND ${NOT_CANCELLED}`;

/**
 * Top products over the range from the lines of orders not cancelled: by quantity (all currencies) and by
 * revenue (quantity × unit price, before tax) ranked within each currency.
 */
export async function topProducts(env: Env, scope: Scope) {
  const rows = await all<{
    sku: string;
    product_id: string | null;
    name: string;
    currency: string;
    quantity: number;
    revenue: number;
  }>(
    env,
    sql`SELECT ${orderLines.sku} AS sku, max(${orderLines.productId}) AS product_id, max(${orderLines.name}) AS name,
               ${orders.currency} AS currency, sum(${orderLines.quantity}) AS quantity,
               sum(${orderLines.quantity} * ${orderLines.unitPriceMinor}) AS revenue
          FROM ${orders} INDEXED BY orders_placed_idx
          JOIN ${orderLines} ON ${orderLines.orderId} = ${orders.id}
         WHERE ${rangeWhere(scope)}
         GROUP BY ${orderLines.sku}, ${orders.currency}`,
  );
  const limit = scope.q.limit;
  const view = (list: "by_quantity" | "by_revenue") => (r: (typeof rows)[number], i: number) => ({
    list,
    rank: i + 1,
    sku: r.sku,
    product_id: r.product_id,
    name: r.name,
    currency: r.currency,
    quantity: r.quantity,
    revenue: money(r.revenue, r.currency),
  });
  const byQuantity = [...rows]
    .sort(
      (a, b) => b.quantity - a.quantity || a.sku.localeCompare(b.sku) || a.currency.localeCompare(b.currency),
    )
    .slice(0, limit)
    .map(view("by_quantity"));
  const byRevenue = [...new Set(rows.map((r) => r.currency))].sort().flatMap((currency) =>
    rows
      .filter((r) => r.currency === currency)
      .sort((a, b) => b.revenue - a.revenue || a.sku.localeCompare(b.sku))
      .slice(0, limit)
      .map(view("by_revenue")),
  );
  return [...byQuantity, ...byRevenue];
}

/** Top customers over the range by revenue of their orders not cancelled, per currency. */
export async function topCustomers(env: Env, scope: Scope) {
  const rows = await all<{
    customer_id: string;
    company: string | null;
    currency: string;
    n: number;
    revenue: number;
  }>(
    env,
    sql`SELECT ${orders.customerId} AS customer_id, max(${customers.company}) AS company, ${orders.currency} AS currency,
               count(*) AS n, sum(${orders.totalMinor}) AS revenue
          FROM ${orders} INDEXED BY orders_placed_idx
          LEFT JOIN ${customers} ON ${customers.id} = ${orders.customerId}
         WHERE ${rangeWhere(scope)} AND ${orders.customerId} IS NOT NULL
         GROUP BY ${orders.customerId}, ${orders.currency}`,
  );
  const items = [...new Set(rows.map((r) => r.currency))].sort().flatMap((currency) =>
    rows
      .filter((r) => r.currency === currency)
      .sort((a, b) => b.revenue - a.revenue || a.customer_id.localeCompare(b.customer_id))
      .slice(0, scope.q.limit)
      .map((r, i) => ({
        rank: i + 1,
        customer_id: r.customer_id,
        company: r.company,
        currency,
        orders: r.n,
        revenue: money(r.revenue, currency),
      })),
  );
  return envelope(
    scope,
    "Customers by the total_minor of their orders placed in the range and not cancelled, ranked within each currency.",
    items,
  );
}
