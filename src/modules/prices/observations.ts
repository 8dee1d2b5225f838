// Recording prices as scrapes, pulls and people see them: items upserted by key (linked to a catalog product
// by SKU), only changed prices kept, and price.changed announced for a drop below the alert or a big move.
import { sql } from "drizzle-orm";
import { getDb } from "../../db";
import { priceItems, priceObservations } from "../../db/schema/scrapes";
import type { Env } from "../../env";
import { paramChunks, runBatch, type Statement } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { money } from "../../lib/money";
import { badRequest } from "../../lib/problem";
import { announce, type DomainEvent, domainEvent } from "../events/announce";
import { roundHalfAway } from "./forecast";

/** One price seen for one item by one source at one time. */
export interface Observation {
  /** The source (a scrape target's name), and the item's own key there (its SKU, URL or the recipe's key). */
  source: string;
  key: string;
  name: string;
  url?: string | null;
  /** A catalog SKU, when the page shows one: the item is then linked to that product. */
  sku?: string | null;
  price_minor: number;
  currency: string;
  observed_at: string;
  scrape_job_id?: string | null;
}

/** A move of at least this many basis points announces price.changed, unless the item or PRICE_CHANGE_BP says. */
export const DEFAULT_CHANGE_BP = 1000;

/** The threshold of items without their own: PRICE_CHANGE_BP when it is a positive whole number. */
export function defaultChangeBp(env: Env): number {
  const value = Number(env.PRICE_CHANGE_BP);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_CHANGE_BP;
}

/** The item key of an observation: its source and its own key there. */
export const itemKeyOf = (o: { source: string; key: string }) => `${o.source}:${o.key}`;

/** A price as last known for one item and source. */
interface Price {
  priceMinor: number;
  currency: string;
  observedAt: string;
}

interface KnownItem {
  id: string;
  key: string;
  name: string;
  url: string | null;
  productId: string | null;
  alertBelowMinor: number | null;
  changeThresholdBp: number | null;
  /** The latest observation per source, of the sources in this batch. */
  latest: Map<string, Price>;
}

interface ItemRow {
  id: string;
  key: string;
  name: string;
  url: string | null;
  product_id: string | null;
  alert_below_minor: number | null;
  change_threshold_bp: number | null;
  source: string;
  latest: string | null;
}

/** Two bound parameters per (key, source) pair, so a statement stays under D1's 100. */
const PAIRS_PER_READ = 45;

// Each (item key, source) pair of the batch, its item and that source's latest observation: one index probe
// each (price_items_key_uq, then price_observations_item_idx walked backwards from the newest).
const itemsSql = (pairs: number) => `
SELECT i.id, i.key, i.name, i.url, i.product_id, i.alert_below_minor, i.change_threshold_bp, v.column2 AS source,
       (SELECT json_object('priceMinor', o.price_minor, 'currency', o.currency, 'observedAt', o.observed_at)
          FROM price_observations o
         WHERE o.item_id = i.id AND o.source = v.column2
         ORDER BY o.observed_at DESC, o.id DESC LIMIT 1) AS latest
  FROM (VALUES ${Array.from({ length: pairs }, () => "(?, ?)").join(", ")}) AS v
  JOIN price_items i ON i.key = v.column1`;

const productsSql = (skus: number) =>
  `SELECT id, sku FROM products WHERE deleted_at IS NULL AND sku IN (${Array.from({ length: skus }, () => "?").join(", ")})`;

/** The batch's known items with their latest prices, and the catalog's products by SKU: one D1 round trip. */
async function readKnown(env: Env, pairs: [string, string][], skus: string[]) {
  const pairChunks = paramChunks(pairs, PAIRS_PER_READ);
  const skuChunks = paramChunks(skus);
  const results = await env.DB.batch<Record<string, unknown>>([
    ...pairChunks.map((chunk) => env.DB.prepare(itemsSql(chunk.length)).bind(...chunk.flat())),
    ...skuChunks.map((chunk) => env.DB.prepare(productsSql(chunk.length)).bind(...chunk)),
  ]);
  const items = new Map<string, KnownItem>();
  for (const result of results.slice(0, pairChunks.length)) {
    for (const row of result.results as unknown as ItemRow[]) {
      let item = items.get(row.key);
      if (!item) {
        item = {
          id: row.id,
          key: row.key,
          name: row.name,
          url: row.url,
          productId: row.product_id,
          alertBelowMinor: row.alert_below_minor,
          changeThresholdBp: row.change_threshold_bp,
          latest: new Map(),
        };
        items.set(row.key, item);
      }
      if (row.latest !== null) item.latest.set(row.source, JSON.parse(row.latest) as Price);
    }
  }
  const productBySku = new Map<string, string>();
  for (const result of results.slice(pairChunks.length)) {
    for (const row of result.results as { id: string; sku: string }[]) productBySku.set(row.sku, row.id);
  }
  return { items, productBySku };
}

/** The observation with its instant as stored (RFC 3339 UTC with milliseconds, so text order is time order). */
function normalized(o: Observation, index: number): Observation {
  const at = Date.parse(o.observed_at);
  if (!Number.isFinite(at)) {
    throw badRequest("An observation's time is not an RFC 3339 instant.", [
      { in: "body", path: `observations.${index}.observed_at`, message: "Not an instant" },
    ]);
  }
  return { ...o, observed_at: new Date(at).toISOString() };
}

interface Kept {
  id: string;
  observation: Observation;
  previous: Price | undefined;
}

/** What price.changed says of a kept price, or nothing when it is neither below the alert nor a big move. */
function changeEvent(item: KnownItem, kept: Kept, thresholdBp: number): DomainEvent | undefined {
  const { observation: o, previous } = kept;
  const comparable = previous !== undefined && previous.currency === o.currency;
  const changeBp =
    comparable && previous.priceMinor !== 0
      ? roundHalfAway(((o.price_minor - previous.priceMinor) * 10_000) / previous.priceMinor)
      : null;
  const below = item.alertBelowMinor !== null && o.price_minor < item.alertBelowMinor;
  // From a price of 0 any rise is a move beyond every threshold; another currency is no measurable move.
  const beyond = comparable && (changeBp === null ? o.price_minor !== 0 : Math.abs(changeBp) >= thresholdBp);
  if (!below && !beyond) return undefined;
  return domainEvent(
    "price.changed",
    {
      item_id: item.id,
      key: item.key,
      name: item.name,
      product_id: item.productId,
      source: o.source,
      previous: previous ? money(previous.priceMinor, previous.currency) : null,
      previous_observed_at: previous?.observedAt ?? null,
      price: money(o.price_minor, o.currency),
      observed_at: o.observed_at,
      change_bp: changeBp,
      reason: below ? "below_alert" : "changed_beyond_threshold",
      alert_below_minor: item.alertBelowMinor,
      threshold_bp: thresholdBp,
    },
    o.observed_at,
  );
}

/** New items, and items whose name, link or address the batch changes (the newest observation's name wins). */
function itemsToWrite(
  batch: Observation[],
  items: Map<string, KnownItem>,
  productOf: (key: string) => string | null,
): (typeof priceItems.$inferInsert)[] {
  const upserts = new Map<string, typeof priceItems.$inferInsert>();
  for (const o of batch) {
    const key = itemKeyOf(o);
    const productId = productOf(key);
    let item = items.get(key);
    if (!item) {
      item = {
        id: newId(),
        key,
        name: o.name,
        url: o.url ?? null,
        productId,
        alertBelowMinor: null,
        changeThresholdBp: null,
        latest: new Map(),
      };
      items.set(key, item);
      upserts.set(key, { id: item.id, key, name: o.name, url: item.url, productId });
    } else if (
      o.name !== item.name ||
      (o.url && o.url !== item.url) ||
      (productId && productId !== item.productId)
    ) {
      item.name = o.name;
      item.url = o.url || item.url;
      item.productId = productId ?? item.productId;
      upserts.set(key, { id: item.id, key, name: item.name, url: item.url, productId: item.productId });
    }
  }
  return [...upserts.values()];
}

/** The observations later than and different from the price before them, per item and source, in time order. */
function changedOnly(batch: Observation[], items: Map<string, KnownItem>): Kept[] {
  const kept: Kept[] = [];
  for (const o of batch) {
    const item = items.get(itemKeyOf(o))!;
    const previous = item.latest.get(o.source);
    if (previous !== undefined) {
      if (o.observed_at <= previous.observedAt) continue;
      if (o.price_minor === previous.priceMinor && o.currency === previous.currency) continue;
    }
    kept.push({ id: newId(), observation: o, previous });
    item.latest.set(o.source, { priceMinor: o.price_minor, currency: o.currency, observedAt: o.observed_at });
  }
  return kept;
}

/**
 * Records a batch of observations in one read and one atomic batch. History only moves forward: an
 * observation is kept when it is later than the latest known from its source for its item and its price or
 * currency differs from that one (the batch is walked in time order, so a batch may carry a whole history);
 * the rest count as unchanged. Repeating a batch records nothing. Announced after the batch, per item and
 * source, for the newest price kept only: price.changed when it is below the item's alert (reason
 * below_alert) or moved from the price before it by at least the item's threshold (changed_beyond_threshold).
 */
export async function recordObservations(
  env: Env,
  observations: Observation[],
): Promise<{ recorded: number; unchanged: number }> {
  if (observations.length === 0) return { recorded: 0, unchanged: 0 };
  const batch = observations
    .map(normalized)
    .sort((a, b) => (a.observed_at < b.observed_at ? -1 : a.observed_at > b.observed_at ? 1 : 0));

  const pairs = new Map<string, [string, string]>();
  const skuOf = new Map<string, string>();
  for (const o of batch) {
    const key = itemKeyOf(o);
    pairs.set(`${key}\u0000${o.source}`, [key, o.source]);
    if (o.sku) skuOf.set(key, o.sku);
  }
  const { items, productBySku } = await readKnown(env, [...pairs.values()], [...new Set(skuOf.values())]);
  const upserts = itemsToWrite(batch, items, (key) => {
    const sku = skuOf.get(key);
    return (sku !== undefined ? productBySku.get(sku) : undefined) ?? null;
  });
  const kept = changedOnly(batch, items);

  const db = getDb(env.DB);
  const statements: Statement[] = [];
  // Five bound values an item (created_at takes its default), seven an observation: each statement under 100.
  for (const chunk of paramChunks(upserts, 15)) {
    statements.push(
      db
        .insert(priceItems)
        .values(chunk)
        .onConflictDoUpdate({
          target: priceItems.key,
          set: {
            name: sql`excluded.name`,
            url: sql`coalesce(excluded.url, ${priceItems.url})`,
            productId: sql`coalesce(excluded.product_id, ${priceItems.productId})`,
          },
        }),
    );
  }
  for (const chunk of paramChunks(kept, 13)) {
    statements.push(
      db
        .insert(priceObservations)
        .values(
          chunk.map(({ id, observation: o }) => ({
            id,
            // By key, not by the id read: an item another request created meanwhile keeps its own id.
            itemId: sql`(SELECT id FROM price_items WHERE key = ${itemKeyOf(o)})`,
            source: o.source,
            priceMinor: o.price_minor,
            currency: o.currency,
            observedAt: o.observed_at,
            scrapeJobId: o.scrape_job_id ?? null,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: priceObservations.id }),
    );
  }
  if (statements.length === 0) return { recorded: 0, unchanged: observations.length };
  const results = await runBatch(db, statements);

  // Rows a concurrent request had already written are not ours to announce.
  const inserted = new Set(
    results.flatMap((result) => (Array.isArray(result) ? (result as { id: string }[]).map((r) => r.id) : [])),
  );
  const newest = new Map<string, Kept>();
  for (const k of kept) {
    if (inserted.has(k.id)) newest.set(`${itemKeyOf(k.observation)}\u0000${k.observation.source}`, k);
  }
  const threshold = defaultChangeBp(env);
  const events: DomainEvent[] = [];
  for (const k of newest.values()) {
    const item = items.get(itemKeyOf(k.observation))!;
    const event = changeEvent(item, k, item.changeThresholdBp ?? threshold);
    if (event) events.push(event);
  }
  announce(env, events);
  return { recorded: inserted.size, unchanged: observations.length - inserted.size };
}
