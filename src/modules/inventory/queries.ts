// Lists of stock: levels by product and location, low stock, the movement ledger, and recent demand.
import { and, asc, desc, eq, gt, gte, isNotNull, lte, or, type SQL, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { products } from "../../db/schema/catalog";
import { stockLevels, stockMovements } from "../../db/schema/inventory";
import type { Env } from "../../env";
import { decodeCursor, newestFirst, toPage } from "../../lib/pagination";
import { type MovementKind, toMovementView } from "./legs";
import { toLevelView } from "./levels";
import type { MovementView, StockFilter } from "./schemas";

/** After the cursor's (product, location), in that order. */
const afterLevel = (after: [string, string] | undefined): SQL | undefined =>
  after
    ? or(
        gt(stockLevels.productId, after[0]),
        and(eq(stockLevels.productId, after[0]), gt(stockLevels.locationId, after[1])),
      )
    : undefined;

async function levelPage(env: Env, where: (SQL | undefined)[], limit: number, cursor: string | undefined) {
  const after = decodeCursor(cursor, 2) as [string, string] | undefined;
  const rows = await getDb(env.DB)
    .select()
    .from(stockLevels)
    .where(and(...where, afterLevel(after)))
    .orderBy(asc(stockLevels.productId), asc(stockLevels.locationId))
    .limit(limit + 1);
  const page = toPage(rows, limit, (l) => [l.productId, l.locationId]);
  return { items: page.items.map(toLevelView), next_cursor: page.next_cursor };
}

export const listLevels = (env: Env, filter: StockFilter) =>
  levelPage(
    env,
    [
      filter.product_id ? eq(stockLevels.productId, filter.product_id) : undefined,
      filter.location_id ? eq(stockLevels.locationId, filter.location_id) : undefined,
    ],
    filter.limit,
    filter.cursor,
  );

/** Levels at or below their threshold, by product then location. */
export const listLowStock = (
  env: Env,
  filter: { location_id?: string | undefined; limit: number; cursor?: string | undefined },
) =>
  levelPage(
    env,
    [
      isNotNull(stockLevels.lowStockThreshold),
      lte(sql`${stockLevels.onHand} - ${stockLevels.reserved}`, stockLevels.lowStockThreshold),
      filter.location_id ? eq(stockLevels.locationId, filter.location_id) : undefined,
    ],
    filter.limit,
    filter.cursor,
  );

/** The dashboard's low stock, for a caller's batch: how many levels are low, and the lowest few with names. */
export function lowStockReads(db: Db, limit: number) {
  const low = and(
    isNotNull(stockLevels.lowStockThreshold),
    lte(sql`${stockLevels.onHand} - ${stockLevels.reserved}`, stockLevels.lowStockThreshold),
  );
  return [
    db.select({ n: sql<number>`COUNT(*)` }).from(stockLevels).where(low),
    db
      .select({
        product_id: stockLevels.productId,
        sku: products.sku,
        name: products.name,
        location_id: stockLevels.locationId,
        available: sql<number>`${stockLevels.onHand} - ${stockLevels.reserved}`,
        threshold: sql<number>`${stockLevels.lowStockThreshold}`,
      })
      .from(stockLevels)
      .innerJoin(products, eq(products.id, stockLevels.productId))
      .where(low)
      .orderBy(
        sql`${stockLevels.onHand} - ${stockLevels.reserved} - ${stockLevels.lowStockThreshold}`,
        products.sku,
      )
      .limit(limit),
  ] as const;
}

/** The movement ledger, newest first. */
export async function listMovements(env: Env, filter: StockFilter) {
  const page = await newestFirst(
    getDb(env.DB).select().from(stockMovements).$dynamic(),
    { time: stockMovements.createdAt, id: stockMovements.id },
    [
      filter.product_id ? eq(stockMovements.productId, filter.product_id) : undefined,
      filter.location_id ? eq(stockMovements.locationId, filter.location_id) : undefined,
    ],
    filter,
    (m) => [m.createdAt, m.id],
  );
  return { items: page.items.map(toMovementView), next_cursor: page.next_cursor };
}

/** Movements over the last `days` for a product, by kind: what risk reads as recent demand. */
export async function recentMovementTotals(env: Env, productId: string, days: number) {
  const since = new Date(Date.now() - days * 86_400_000).toISOString();
  return getDb(env.DB)
    .select({
      kind: stockMovements.kind,
      quantity: sql<number>`SUM(${stockMovements.quantity})`,
      reserved: sql<number>`SUM(${stockMovements.reservedDelta})`,
    })
    .from(stockMovements)
    .where(and(eq(stockMovements.productId, productId), gte(stockMovements.createdAt, since)))
    .groupBy(stockMovements.kind) as Promise<{ kind: MovementKind; quantity: number; reserved: number }[]>;
}

/** A movement with its level right after it: what a location's room pushes. */
export interface MovementWithLevel {
  movement: MovementView;
  level: { on_hand: number; reserved: number; available: number; version: number };
}

/**
 * The newest `limit` movements at a location after `after`, oldest first, each with the level right after it.
 * One SELECT (one snapshot): the level now is the level after each product's last movement, and walking back
 * through its movements undoes each one (every movement bumps the version by one).
 */
export async function movementsAfter(
  env: Env,
  locationId: string,
  after: number,
  limit: number,
): Promise<MovementWithLevel[]> {
  const rows = await getDb(env.DB)
    .select({
      movement: stockMovements,
      onHand: stockLevels.onHand,
      reserved: stockLevels.reserved,
      version: stockLevels.version,
    })
    .from(stockMovements)
    .innerJoin(
      stockLevels,
      and(
        eq(stockLevels.productId, stockMovements.productId),
        eq(stockLevels.locationId, stockMovements.locationId),
      ),
    )
    .where(and(eq(stockMovements.locationId, locationId), gt(stockMovements.seq, after)))
    .orderBy(desc(stockMovements.seq))
    .limit(limit);
  const level = new Map<string, { onHand: number; reserved: number; version: number }>();
  const out: MovementWithLevel[] = [];
  for (const r of rows) {
    const m = r.movement;
    const now = level.get(m.productId) ?? { onHand: r.onHand, reserved: r.reserved, version: r.version };
    out.push({
      movement: toMovementView(m),
      level: {
        on_hand: now.onHand,
        reserved: now.reserved,
        available: now.onHand - now.reserved,
        version: now.version,
      },
    });
    level.set(m.productId, {
      onHand: now.onHand - m.quantity,
      reserved: now.reserved - m.reservedDelta,
      version: now.version - 1,
    });
  }
  return out.reverse();
}
