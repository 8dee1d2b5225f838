// Reports read from the rest of the shop: carts to orders, the catalog's draft and published products, stock
// value, attendance hours (attendance's own report, summed) and ingestion health per door.
import { count, isNull, type SQL, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { carts } from "../../db/schema/carts";
import { products } from "../../db/schema/catalog";
import { INGEST_DOORS, ingestRecords } from "../../db/schema/ingest";
import { locations, stockLevels } from "../../db/schema/inventory";
import type { Env } from "../../env";
import { money } from "../../lib/money";
import { attendanceDays } from "../attendance/timesheets";
import { bucketOfDate } from "./buckets";
import { bucketIndex, bucketTable, envelope, rate, round, type Scope } from "./scope";

const all = <T>(env: Env, query: SQL) => getDb(env.DB).all<T>(query);

/**
 * Carts created in the bucket, and how many of those have become an order. Carts carry no source, country
 * or currency, so those filters do not apply. carts has no time index: it holds one open cart per customer
 * user and the ordered ones, small next to orders, so the range is read once and bucketed here.
 */
export async function conversionReport(env: Env, scope: Scope) {
  const first = scope.buckets[0]?.start ?? "";
  const last = scope.buckets.at(-1)?.end ?? "";
  const rows = await all<{ created_at: string; status: string }>(
    env,
    sql`SELECT ${carts.createdAt} AS created_at, ${carts.status} AS status FROM ${carts}
         WHERE ${carts.createdAt} >= ${first} AND ${carts.createdAt} < ${last}`,
  );
  const created = scope.buckets.map(() => 0);
  const ordered = scope.buckets.map(() => 0);
  for (const r of rows) {
    const i = bucketIndex(scope.buckets, r.created_at);
    if (i < 0) continue;
    created[i] = (created[i] ?? 0) + 1;
    if (r.status === "ordered") ordered[i] = (ordered[i] ?? 0) + 1;
  }
  const items = scope.buckets.map((b, i) => ({
    bucket: b.label,
    carts_created: created[i] ?? 0,
    carts_ordered: ordered[i] ?? 0,
    conversion_rate: rate(ordered[i] ?? 0, created[i] ?? 0),
  }));
  return envelope(
    scope,
    "Carts created in the bucket, and of those the ones ordered since: ordered / created. Order filters do not apply to carts.",
    items,
  );
}

/** Products not deleted, draft and published, as they are now. */
export async function catalogCounts(env: Env) {
  const db = getDb(env.DB);
  const rows = await db
    .select({ status: products.status, n: count() })
    .from(products)
    .where(isNull(products.deletedAt))
    .groupBy(products.status);
  const of = (status: string) => rows.find((r) => r.status === status)?.n ?? 0;
  return { draft: of("draft"), published: of("published") };
}

/**
 * On hand × the product's list price, per location and currency. Products carry no cost column: stock is
 * valued at list price, and the answer says so (`basis`). Deleted products still on a shelf count.
 */
export async function stockValue(env: Env, q: { currency?: string | undefined }) {
  const rows = await all<{
    location_id: string;
    location_name: string | null;
    currency: string;
    products: number;
    units: number;
    value: number;
  }>(
    env,
    sql`SELECT ${stockLevels.locationId} AS location_id, max(${locations.name}) AS location_name,
               ${products.currency} AS currency, count(*) AS products, sum(${stockLevels.onHand}) AS units,
               sum(${stockLevels.onHand} * ${products.priceMinor}) AS value
          FROM ${stockLevels}
          JOIN ${products} ON ${products.id} = ${stockLevels.productId}
          LEFT JOIN ${locations} ON ${locations.id} = ${stockLevels.locationId}
         WHERE ${stockLevels.onHand} != 0 ${q.currency ? sql`AND ${products.currency} = ${q.currency}` : sql``}
         GROUP BY ${stockLevels.locationId}, ${products.currency}
         ORDER BY ${stockLevels.locationId}, ${products.currency}`,
  );
  const totals = new Map<string, { units: number; value: number }>();
  for (const r of rows) {
    const t = totals.get(r.currency) ?? { units: 0, value: 0 };
    t.units += r.units;
    t.value += r.value;
    totals.set(r.currency, t);
  }
  return {
    basis: "list_price" as const,
    rule: "Units on hand now × the product's list price (products have no cost column), per location and currency; never summed across currencies.",
    items: rows.map((r) => ({ ...r, value: money(r.value, r.currency) })),
    totals: [...totals]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, t]) => ({ currency, units: t.units, value: money(t.value, currency) })),
  };
}

/** Attendance's daily report (its session rules, its time zone handling), summed per employee and bucket. */
export async function attendanceReport(env: Env, scope: Scope) {
  const { rows, people } = await attendanceDays(env, {
    from: scope.q.from,
    to: scope.q.to,
    tz: scope.timeZone,
  });
  const totals = new Map<string, { bucket: string; employeeId: string; minutes: number; order: number }>();
  for (const r of rows) {
    const bucket = bucketOfDate(scope.buckets, r.date);
    if (!bucket) continue;
    const key = `${r.employeeId}\n${bucket.label}`;
    const t = totals.get(key) ?? { bucket: bucket.label, employeeId: r.employeeId, minutes: 0, order: 0 };
    t.minutes += r.minutes;
    t.order = scope.buckets.indexOf(bucket);
    totals.set(key, t);
  }
  const items = [...totals.values()]
    .sort((a, b) => a.order - b.order || a.employeeId.localeCompare(b.employeeId))
    .map((t) => ({
      bucket: t.bucket,
      employee_id: t.employeeId,
      employee_code: people.get(t.employeeId)?.code ?? "",
      employee_name: people.get(t.employeeId)?.name ?? "",
      minutes: t.minutes,
      hours: round(t.minutes / 60, 2),
    }));
  return envelope(
    scope,
    "Attendance's daily minutes (a session counts toward the local day it started on, real elapsed time), summed per employee and bucket; hours two decimals. Order filters do not apply.",
    items,
  );
}

/** Per door and bucket of received_at: what arrived, what was turned away, and what reading it did. */
export async function ingestionReport(env: Env, scope: Scope) {
  const outcome = (o: string) => sql`sum(CASE WHEN ${ingestRecords.outcome} = ${o} THEN 1 ELSE 0 END)`;
  const verdict = (v: string) => sql`sum(CASE WHEN ${ingestRecords.verdict} = ${v} THEN 1 ELSE 0 END)`;
  const source = scope.q.source === undefined ? sql`` : sql`AND ${ingestRecords.source} = ${scope.q.source}`;
  const rows = await all<{
    i: number;
    door: (typeof INGEST_DOORS)[number];
    received: number;
    refused: number;
    duplicate: number;
    created: number;
    updated: number;
    failed: number;
    pending: number;
  }>(
    env,
    sql`SELECT b.i AS i, ${ingestRecords.door} AS door, count(*) AS received,
               ${verdict("refused")} AS refused, ${verdict("duplicate")} AS duplicate,
               ${outcome("created")} AS created, ${outcome("updated")} AS updated,
               ${outcome("failed")} AS failed, ${outcome("pending")} AS pending
          FROM ${bucketTable(scope.buckets)} AS b CROSS JOIN ${ingestRecords} INDEXED BY ingest_received_idx
         WHERE ${ingestRecords.receivedAt} >= b.s AND ${ingestRecords.receivedAt} < b.e ${source}
         GROUP BY b.i, ${ingestRecords.door}`,
  );
  const found = new Map(rows.map((r) => [`${r.i}\n${r.door}`, r]));
  const doors = INGEST_DOORS.filter((d) => rows.some((r) => r.door === d));
  const items = scope.buckets.flatMap((b, i) =>
    doors.map((door) => {
      const r = found.get(`${i}\n${door}`);
      return {
        bucket: b.label,
        door,
        received: r?.received ?? 0,
        refused: r?.refused ?? 0,
        duplicate: r?.duplicate ?? 0,
        created: r?.created ?? 0,
        updated: r?.updated ?? 0,
        failed: r?.failed ?? 0,
        pending: r?.pending ?? 0,
      };
    }),
  );
  return envelope(
    scope,
    "Payloads received in the bucket per door (source filter applies): received counts every one; refused and duplicate are verdicts; created, updated, failed and pending are what reading them did.",
    items,
  );
}
