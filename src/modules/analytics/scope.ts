// What every report shares: the range as buckets in its time zone, the order filters, the SQL that joins rows
// to buckets on an index, and the envelope the answer goes out in.
import { and, eq, type SQL, sql } from "drizzle-orm";
import { orders } from "../../db/schema/orders";
import type { Env } from "../../env";
import { type Bucket, bucketsOf } from "./buckets";
import type { ReportQuery } from "./schemas";

export interface Scope {
  q: ReportQuery;
  timeZone: string;
  buckets: Bucket[];
}

export const scopeOf = (env: Env, q: ReportQuery): Scope => {
  const timeZone = q.tz ?? env.SHOP_TIME_ZONE ?? "UTC";
  return { q, timeZone, buckets: bucketsOf(q.from, q.to, q.by, timeZone) };
};

/**
 * The buckets as a table (i, s, e) from one bound JSON parameter: D1 takes at most 100 parameters, and a
 * year of days has 365 pairs of boundaries. Put first in a CROSS JOIN, each bucket drives one range scan of
 * the other table's time index, so a report reads only the rows in its range, each once.
 */
export const bucketTable = (buckets: Bucket[]) =>
  sql`(SELECT CAST(key AS INTEGER) AS i, json_extract(value, '$[0]') AS s, json_extract(value, '$[1]') AS e
         FROM json_each(${JSON.stringify(buckets.map((b) => [b.start, b.end]))}))`;

/**
 * Orders the report's filters pick: kind (sales unless asked), source, currency, and the shipping address's
 * country. An order with no shipping address has no country and drops out when one is asked for.
 */
export const orderFilter = (q: ReportQuery): SQL =>
  and(
    eq(orders.kind, q.kind),
    q.source === undefined ? undefined : eq(orders.source, q.source),
    q.currency === undefined ? undefined : eq(orders.currency, q.currency),
    q.country === undefined
      ? undefined
      : sql`json_extract(${orders.shippingAddress}, '$.country') = ${q.country}`,
  ) as SQL;

/**
 * `FROM buckets CROSS JOIN orders` on orders_report_idx, the orders placed in each bucket that pass the
 * filters. The index is named: with a kind or currency filter the planner would otherwise prefer the
 * (kind, currency, total) index and read every order of that kind. It covers what the sales report reads
 * (placed_at, kind, currency, status, total_minor, source), so that report touches no table row.
 */
export const ordersPerBucket = (scope: Scope, where?: SQL) =>
  sql`FROM ${bucketTable(scope.buckets)} AS b CROSS JOIN ${orders} INDEXED BY orders_report_idx
      WHERE ${orders.placedAt} >= b.s AND ${orders.placedAt} < b.e AND ${orderFilter(scope.q)}${where ? sql` AND ${where}` : sql``}`;

/** The index of the bucket holding instant `at` (ISO UTC), or -1 outside the range. */
export function bucketIndex(buckets: Bucket[], at: string): number {
  const t = Date.parse(at);
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = buckets[mid] as Bucket;
    if (t < Date.parse(b.start)) hi = mid - 1;
    else if (t >= Date.parse(b.end)) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The envelope every report answers in. */
export const envelope = <T>(scope: Scope, rule: string, items: T[]) => ({
  from: scope.q.from,
  to: scope.q.to,
  time_zone: scope.timeZone,
  by: scope.q.by,
  filters: Object.fromEntries(
    (["kind", "source", "currency", "country"] as const).flatMap((k) =>
      scope.q[k] === undefined ? [] : [[k, String(scope.q[k])]],
    ),
  ),
  rule,
  buckets: scope.buckets.map((b) => ({ label: b.label, start: b.start, end: b.end })),
  items,
});

/** Two decimals for hours, four for rates: what the answer shows and what tests recompute. */
export const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
export const rate = (part: number, whole: number) => (whole === 0 ? null : round(part / whole, 4));
