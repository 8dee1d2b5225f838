// Reading stock levels: one level, what is available per product, and where an order's lines can be held.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { type Bound, prepared, readBatch } from "../../db/prepared";
import { products } from "../../db/schema/catalog";
import { locations, stockLevels } from "../../db/schema/inventory";
import type { Env } from "../../env";
import { paramChunks, runBatch } from "../../lib/batch";
import { notFound } from "../../lib/problem";
import { ensureLevel, selectLevel } from "./legs";
import type { LevelView } from "./schemas";

export type LevelRow = typeof stockLevels.$inferSelect;

export const toLevelView = (l: LevelRow): LevelView => ({
  product_id: l.productId,
  location_id: l.locationId,
  on_hand: l.onHand,
  reserved: l.reserved,
  available: l.onHand - l.reserved,
  version: l.version,
  low_stock_threshold: l.lowStockThreshold,
  bin: l.bin,
  updated_at: l.updatedAt,
});

/** The product must exist (not deleted) and the location too; otherwise 404 naming which. */
export async function checkLevelKey(env: Env, productId: string, locationId: string): Promise<void> {
  const db = getDb(env.DB);
  const [product, location] = await db.batch([
    db
      .select({ id: products.id })
      .from(products)
      .where(and(eq(products.id, productId), isNull(products.deletedAt))),
    db.select({ id: locations.id }).from(locations).where(eq(locations.id, locationId)),
  ]);
  if (product.length === 0) throw notFound("No such product.");
  if (location.length === 0) throw notFound("No such location.");
}

export async function getLevel(env: Env, productId: string, locationId: string): Promise<LevelView> {
  const [row] = await selectLevel(getDb(env.DB), productId, locationId);
  if (row) return toLevelView(row);
  await checkLevelKey(env, productId, locationId);
  return toLevelView({
    productId,
    locationId,
    onHand: 0,
    reserved: 0,
    version: 0,
    lowStockThreshold: null,
    bin: null,
    updatedAt: new Date(0).toISOString(),
  });
}

/** Available stock of a product summed over every location (what customers and risk see). */
export async function availableByProduct(env: Env, productIds: string[]): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return totals;
  const db = getDb(env.DB);
  const query = (chunk: string[]) =>
    db
      .select({
        productId: stockLevels.productId,
        available: sql<number>`SUM(${stockLevels.onHand} - ${stockLevels.reserved})`,
      })
      .from(stockLevels)
      .where(inArray(stockLevels.productId, chunk))
      .groupBy(stockLevels.productId);
  const [first, ...rest] = paramChunks(ids).map(query);
  const results = await db.batch([first as ReturnType<typeof query>, ...rest]);
  for (const rows of results) for (const r of rows) totals.set(r.productId, r.available);
  return totals;
}

/** Where a product's stock is, most available first; and whether it may be sold short. */
export interface StockOptions {
  allowBackorder: boolean;
  levels: { locationId: string; available: number }[];
}

/** Products by id or by SKU (a JSON array of them: one statement for any number), with their levels. */
const stockOptionRows = prepared((db, by: "ids" | "skus") =>
  db
    .select({
      productId: products.id,
      sku: products.sku,
      allowBackorder: products.allowBackorder,
      locationId: stockLevels.locationId,
      available: sql<number | null>`${stockLevels.onHand} - ${stockLevels.reserved}`,
    })
    .from(products)
    .leftJoin(stockLevels, eq(stockLevels.productId, products.id))
    .where(
      and(
        isNull(products.deletedAt),
        inArray(
          by === "ids" ? products.id : products.sku,
          sql`(SELECT value FROM json_each(${sql.placeholder("keys")}))`,
        ),
      ),
    ),
);

/**
 * The reads of products' stock options — by id, or by SKU for callers that know only SKUs — for a caller's
 * batch (readBatch or runBatch): at most one statement each. Deleted products are not found.
 */
export function stockOptionsReads(db: Db, by: { ids?: string[]; skus?: string[] }) {
  const ids = [...new Set(by.ids ?? [])];
  const skus = [...new Set(by.skus ?? [])];
  return [
    ...(ids.length ? [stockOptionRows.bind(db, { keys: JSON.stringify(ids) }, "ids")] : []),
    ...(skus.length ? [stockOptionRows.bind(db, { keys: JSON.stringify(skus) }, "skus")] : []),
  ];
}
type OptionRow = ReturnType<typeof stockOptionRows.bind> extends Bound<infer R> ? R : never;

/** Stock options by product id, and product ids by SKU, from what stockOptionsReads returned. */
export function toStockOptions(rows: OptionRow[]) {
  const options = new Map<string, StockOptions>();
  const bySku = new Map<string, string>();
  const seen = new Set<string>();
  for (const r of rows) {
    bySku.set(r.sku, r.productId);
    const entry = options.get(r.productId) ?? { allowBackorder: r.allowBackorder, levels: [] };
    options.set(r.productId, entry);
    const key = `${r.productId}\u0000${r.locationId}`;
    if (r.locationId !== null && !seen.has(key)) {
      seen.add(key);
      entry.levels.push({ locationId: r.locationId, available: r.available ?? 0 });
    }
  }
  return { options, bySku };
}

/** Stock options of many products in one round trip (products that do not exist are absent). */
export async function stockOptions(env: Env, productIds: string[]): Promise<Map<string, StockOptions>> {
  const db = getDb(env.DB);
  const rows = await readBatch(db, stockOptionsReads(db, { ids: productIds }));
  return toStockOptions(rows.flat()).options;
}

/**
 * Where `quantity` can be held, given what is already planned from each level in this order: the location
 * with the most available when that covers it, else (if the product allows backorder) the best location
 * there is, else none. `most` is the largest quantity available at any one location.
 */
export function chooseLocation(
  options: StockOptions | undefined,
  quantity: number,
  planned: Map<string, number> = new Map(),
): { locationId: string | null; most: number } {
  if (!options) return { locationId: null, most: 0 };
  const left = options.levels
    .map((l) => ({ locationId: l.locationId, available: l.available - (planned.get(l.locationId) ?? 0) }))
    .sort((a, b) => b.available - a.available || (a.locationId < b.locationId ? -1 : 1));
  const best = left[0];
  const most = Math.max(0, best?.available ?? 0);
  const covers = best !== undefined && (most >= quantity || options.allowBackorder);
  return { locationId: covers ? best.locationId : null, most };
}

/** A level's settings (its low-stock threshold, its bin), kept apart from its quantities: no version bump. */
export async function setLevelSettings(
  env: Env,
  productId: string,
  locationId: string,
  settings: { lowStockThreshold?: number | null; bin?: string | null },
) {
  await checkLevelKey(env, productId, locationId);
  const db = getDb(env.DB);
  const [, , level] = await runBatch(db, [
    ensureLevel(db, productId, locationId),
    db
      .update(stockLevels)
      .set({ ...settings, updatedAt: new Date().toISOString() })
      .where(and(eq(stockLevels.productId, productId), eq(stockLevels.locationId, locationId))),
    selectLevel(db, productId, locationId),
  ]);
  return toLevelView((level as LevelRow[])[0] as LevelRow);
}
