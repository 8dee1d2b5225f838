// Watched items as listed, shown and set (alert, threshold), and their prices by day in a time zone: the
// step function of recorded changes aggregated per local day, then forecast (./forecast.ts).
import { and, asc, desc, eq, getTableColumns, gt, gte, lt, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { priceItems, priceObservations } from "../../db/schema/scrapes";
import type { Env } from "../../env";
import { money } from "../../lib/money";
import { decodeCursor, toPage } from "../../lib/pagination";
import { notFound } from "../../lib/problem";
import { addDays, localDate, zonedInstant } from "../../lib/zone";
import { type DailyClose, FIT_DAYS, forecastPrices, MIN_POINTS, methodOf, refusal } from "./forecast";
import { defaultChangeBp } from "./observations";

// The outer row named in full: drizzle writes a one-table select's columns unqualified.
const itemColumns = {
  ...getTableColumns(priceItems),
  latest: sql<
    string | null
  >`(SELECT json_object('price_minor', o.price_minor, 'currency', o.currency, 'source', o.source, 'observed_at', o.observed_at)
      FROM price_observations o WHERE o.item_id = price_items.id
     ORDER BY o.observed_at DESC, o.id DESC LIMIT 1)`.as("latest"),
};
type ItemRow = typeof priceItems.$inferSelect & { latest: string | null };

function toItemView(row: ItemRow, defaultBp: number) {
  const latest = row.latest
    ? (JSON.parse(row.latest) as {
        price_minor: number;
        currency: string;
        source: string;
        observed_at: string;
      })
    : null;
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    product_id: row.productId,
    url: row.url,
    alert_below: row.alertBelowMinor,
    change_threshold_bp: row.changeThresholdBp,
    effective_change_threshold_bp: row.changeThresholdBp ?? defaultBp,
    latest: latest && {
      price: money(latest.price_minor, latest.currency),
      source: latest.source,
      observed_at: latest.observed_at,
    },
    created_at: row.createdAt,
  };
}
export type PriceItemView = ReturnType<typeof toItemView>;

export interface ItemFilter {
  limit: number;
  cursor?: string | undefined;
  product_id?: string | undefined;
  source?: string | undefined;
}

/** Items by key (so by source, then the item's own key), on the key's unique index. */
export async function listItems(env: Env, filter: ItemFilter) {
  const after = decodeCursor(filter.cursor, 1)?.[0];
  const db = getDb(env.DB);
  const rows = await db
    .select(itemColumns)
    .from(priceItems)
    .where(
      and(
        filter.product_id !== undefined ? eq(priceItems.productId, filter.product_id) : undefined,
        // Keys are `<source>:<key>`: one source's items are the keys between "<source>:" and "<source>;".
        filter.source !== undefined ? gte(priceItems.key, `${filter.source}:`) : undefined,
        filter.source !== undefined ? lt(priceItems.key, `${filter.source};`) : undefined,
        after !== undefined ? gt(priceItems.key, String(after)) : undefined,
      ),
    )
    .orderBy(asc(priceItems.key))
    .limit(filter.limit + 1);
  const bp = defaultChangeBp(env);
  const page = toPage(rows, filter.limit, (row) => [row.key]);
  return { items: page.items.map((row) => toItemView(row, bp)), next_cursor: page.next_cursor };
}

export async function getItem(env: Env, id: string): Promise<PriceItemView> {
  const [row] = await getDb(env.DB).select(itemColumns).from(priceItems).where(eq(priceItems.id, id));
  if (!row) throw notFound("No such price item.");
  return toItemView(row, defaultChangeBp(env));
}

export interface ItemSettings {
  alert_below?: number | null | undefined;
  change_threshold_bp?: number | null | undefined;
}

/** Sets what announces price.changed for the item; null clears (back to no alert, the default threshold). */
export async function updateItem(env: Env, id: string, settings: ItemSettings): Promise<PriceItemView> {
  const db = getDb(env.DB);
  const [, [row]] = await db.batch([
    db
      .update(priceItems)
      .set({
        ...(settings.alert_below !== undefined && { alertBelowMinor: settings.alert_below }),
        ...(settings.change_threshold_bp !== undefined && {
          changeThresholdBp: settings.change_threshold_bp,
        }),
      })
      .where(eq(priceItems.id, id)),
    db.select(itemColumns).from(priceItems).where(eq(priceItems.id, id)),
  ]);
  if (!row) throw notFound("No such price item.");
  return toItemView(row, defaultChangeBp(env));
}

// --- by day ---

export interface ObservedPrice {
  priceMinor: number;
  currency: string;
  observedAt: string;
}

export interface Day {
  date: string;
  open: number;
  low: number;
  high: number;
  close: number;
  observations: number;
  /** No observation that day: the price before it, carried forward. */
  carried_forward: boolean;
}

/**
 * The step function of prices per local day from `from` to `to`: `before` is the last price recorded
 * before `from` began, `within` the prices recorded in the range, ascending. A day opens at the price in
 * force at its midnight (or its first observation when none was) and closes at its last; a day without an
 * observation carries the price forward. Days before any known price are left out. Only prices in the
 * currency of the latest are read; the others are counted.
 */
export function pricesByDay(
  before: ObservedPrice | undefined,
  within: ObservedPrice[],
  range: { from: string; to: string; timeZone: string },
): { currency: string | null; days: Day[]; otherCurrency: number } {
  const currency = within.at(-1)?.currency ?? before?.currency ?? null;
  const same = within.filter((p) => p.currency === currency);
  let price = before?.currency === currency ? before?.priceMinor : undefined;
  const days: Day[] = [];
  let next = 0;
  for (let date = range.from; date <= range.to; date = addDays(date, 1)) {
    const end = zonedInstant(addDays(date, 1), "00:00", range.timeZone);
    const seen: number[] = [];
    while (next < same.length && Date.parse(same[next]!.observedAt) < end)
      seen.push(same[next++]!.priceMinor);
    const open = price ?? seen[0];
    if (open === undefined) continue;
    const all = [open, ...seen];
    price = seen.at(-1) ?? open;
    days.push({
      date,
      open,
      low: Math.min(...all),
      high: Math.max(...all),
      close: price,
      observations: seen.length,
      carried_forward: seen.length === 0,
    });
  }
  return { currency, days, otherCurrency: within.length - same.length };
}

const CARRY_NOTE =
  "Prices are recorded only when they change: a day without an observation (carried_forward) carries the price before it forward. A day opens at the price in force at its midnight in the time zone; days before the first known price are left out.";

/** The item's prices by day in the zone, read in one batch: the item, the price before the range, the range. */
async function daysOf(env: Env, id: string, from: string, to: string, timeZone: string) {
  const start = new Date(zonedInstant(from, "00:00", timeZone)).toISOString();
  const end = new Date(zonedInstant(addDays(to, 1), "00:00", timeZone)).toISOString();
  const db = getDb(env.DB);
  const columns = {
    priceMinor: priceObservations.priceMinor,
    currency: priceObservations.currency,
    observedAt: priceObservations.observedAt,
  };
  const [[item], [before], within] = await db.batch([
    db.select({ id: priceItems.id }).from(priceItems).where(eq(priceItems.id, id)),
    db
      .select(columns)
      .from(priceObservations)
      .where(and(eq(priceObservations.itemId, id), lt(priceObservations.observedAt, start)))
      .orderBy(desc(priceObservations.observedAt), desc(priceObservations.id))
      .limit(1),
    db
      .select(columns)
      .from(priceObservations)
      .where(
        and(
          eq(priceObservations.itemId, id),
          gte(priceObservations.observedAt, start),
          lt(priceObservations.observedAt, end),
        ),
      )
      .orderBy(asc(priceObservations.observedAt), asc(priceObservations.id)),
  ]);
  if (!item) throw notFound("No such price item.");
  return pricesByDay(before, within, { from, to, timeZone });
}

export const todayIn = (timeZone: string) => localDate(Date.now(), timeZone);

export async function itemHistory(
  env: Env,
  id: string,
  range: { from?: string | undefined; to?: string | undefined; timeZone: string },
) {
  const to = range.to ?? todayIn(range.timeZone);
  const from = range.from ?? addDays(to, -(FIT_DAYS - 1));
  const { currency, days, otherCurrency } = await daysOf(env, id, from, to, range.timeZone);
  return {
    item_id: id,
    time_zone: range.timeZone,
    from,
    to,
    currency,
    note: CARRY_NOTE,
    other_currency_observations: otherCurrency,
    // A day has a price, so there is a currency whenever there are days.
    days:
      currency === null
        ? []
        : days.map((d) => ({
            date: d.date,
            open: money(d.open, currency),
            low: money(d.low, currency),
            high: money(d.high, currency),
            close: money(d.close, currency),
            observations: d.observations,
            carried_forward: d.carried_forward,
          })),
  };
}

/** The forecast as of a day (today by default): the series reaches back far enough for the 90-day change. */
export async function itemForecast(
  env: Env,
  id: string,
  ask: { days: number; to?: string | undefined; timeZone: string },
) {
  const asOf = ask.to ?? todayIn(ask.timeZone);
  const { currency, days } = await daysOf(env, id, addDays(asOf, -FIT_DAYS), asOf, ask.timeZone);
  // The first day's price is one seen (on it or before the window); later days without a price are carried.
  const series: DailyClose[] = days.map((d, i) => ({
    date: d.date,
    close: d.close,
    observed: i === 0 || d.observations > 0,
  }));
  const result = forecastPrices(series, ask.days);
  const base = { item_id: id, as_of: asOf, time_zone: ask.timeZone, horizon_days: ask.days };
  // No currency means no prices, so no points: refused either way.
  if (!result.ok || currency === null) {
    return {
      ...base,
      status: "cannot_forecast" as const,
      message: refusal(result.points),
      points: result.points,
      needed: MIN_POINTS,
      currency,
      method: methodOf({ timeZone: ask.timeZone, currency }),
      last: null,
      moving_averages: [],
      changes: [],
      fit: null,
      forecast: [],
    };
  }
  const m = (amount: number) => money(amount, currency);
  return {
    ...base,
    status: "forecast" as const,
    message: null,
    points: result.points,
    needed: MIN_POINTS,
    currency,
    method: methodOf({ timeZone: ask.timeZone, currency, fit: result.fit }),
    last: { date: result.last.date, close: m(result.last.close) },
    moving_averages: result.moving_averages.map((a) => ({ days: a.days, value: m(a.value) })),
    changes: result.changes.map((c) => ({
      days: c.days,
      since: c.since,
      from: m(c.from),
      amount: m(c.amount),
      percent: c.percent,
    })),
    fit: { ...result.fit, fitted_last: m(result.fit.fitted_last) },
    forecast: result.forecast.map((f) => ({
      date: f.date,
      t: f.t,
      expected: m(f.expected),
      lower: m(f.lower),
      upper: m(f.upper),
    })),
  };
}
