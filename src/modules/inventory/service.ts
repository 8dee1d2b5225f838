// Stock. Every change is a movement row and a level update in one D1 batch. The movement is inserted only
// if its guard holds against the level as it is at that moment (D1 runs a batch as one serial transaction),
// and the level changes only if that movement row exists, so a level always equals the sum of its movements
// and concurrent requests cannot drive available stock below zero.
import { and, asc, desc, eq, or, type SQL, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { locations, type MOVEMENT_KINDS, stockLevels, stockMovements } from "../../db/schema/inventory";
import type { Env } from "../../env";
import { assertion } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { decodeCursor, encodeCursor, olderThan, toPage } from "../../lib/pagination";
import { badRequest, conflict, notFound } from "../../lib/problem";

export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export interface LevelView {
  product_id: string;
  location_id: string;
  on_hand: number;
  reserved: number;
  available: number;
  version: number;
  low_stock_threshold: number | null;
  updated_at: string;
}

interface LevelRow {
  product_id: string;
  location_id: string;
  on_hand: number;
  reserved: number;
  version: number;
  low_stock_threshold: number | null;
  updated_at: string;
}

const toLevelView = (l: LevelRow): LevelView => ({
  product_id: l.product_id,
  location_id: l.location_id,
  on_hand: l.on_hand,
  reserved: l.reserved,
  available: l.on_hand - l.reserved,
  version: l.version,
  low_stock_threshold: l.low_stock_threshold,
  updated_at: l.updated_at,
});

const LEVEL_COLUMNS = "product_id, location_id, on_hand, reserved, version, low_stock_threshold, updated_at";

export interface MovementContext {
  actorId: string | null;
  reason?: string | null | undefined;
  referenceType?: string | null | undefined;
  referenceId?: string | null | undefined;
}

export interface MovementView {
  id: string;
  product_id: string;
  location_id: string;
  kind: MovementKind;
  quantity: number;
  reserved_delta: number;
  actor_id: string | null;
  reason: string | null;
  reference_type: string | null;
  reference_id: string | null;
  transfer_id: string | null;
  created_at: string;
}

// Locations

export const toLocationView = (l: typeof locations.$inferSelect) => ({
  id: l.id,
  name: l.name,
  kind: l.kind,
  created_at: l.createdAt,
});

export async function createLocation(env: Env, input: { name: string; kind: "warehouse" | "shop" }) {
  const [row] = await getDb(env.DB)
    .insert(locations)
    .values({ id: newId(), name: input.name.trim(), kind: input.kind })
    .returning();
  return toLocationView(row as typeof locations.$inferSelect);
}

export async function listLocations(env: Env) {
  return (await getDb(env.DB).select().from(locations).orderBy(asc(locations.name), asc(locations.id))).map(
    toLocationView,
  );
}

/** The product must exist (not deleted) and the location too; otherwise 404 naming which. */
async function checkLevelKey(env: Env, productId: string, locationId: string): Promise<void> {
  const [product, location] = await env.DB.batch([
    env.DB.prepare("SELECT 1 AS one FROM products WHERE id = ? AND deleted_at IS NULL").bind(productId),
    env.DB.prepare("SELECT 1 AS one FROM locations WHERE id = ?").bind(locationId),
  ]);
  if (!product?.results.length) throw notFound("No such product.");
  if (!location?.results.length) throw notFound("No such location.");
}

export async function getLevel(env: Env, productId: string, locationId: string): Promise<LevelView> {
  const row = await env.DB.prepare(
    `SELECT ${LEVEL_COLUMNS} FROM stock_levels WHERE product_id = ? AND location_id = ?`,
  )
    .bind(productId, locationId)
    .first<LevelRow>();
  if (row) return toLevelView(row);
  await checkLevelKey(env, productId, locationId);
  return toLevelView({
    product_id: productId,
    location_id: locationId,
    on_hand: 0,
    reserved: 0,
    version: 0,
    low_stock_threshold: null,
    updated_at: new Date(0).toISOString(),
  });
}

/** Available stock of a product summed over every location (what customers and risk see). */
export async function availableByProduct(env: Env, productIds: string[]): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (let i = 0; i < productIds.length; i += 90) {
    const chunk = productIds.slice(i, i + 90);
    const { results } = await env.DB.prepare(
      `SELECT product_id, SUM(on_hand - reserved) AS available FROM stock_levels
        WHERE product_id IN (${chunk.map(() => "?").join(",")}) GROUP BY product_id`,
    )
      .bind(...chunk)
      .all<{ product_id: string; available: number }>();
    for (const r of results) totals.set(r.product_id, r.available);
  }
  return totals;
}

export interface Leg {
  productId: string;
  locationId: string;
  kind: MovementKind;
  /** Change of on_hand; for a count, the counted quantity (the change is derived in SQL). */
  quantity: number;
  reservedDelta: number;
  /**
   * Whether the movement must leave available stock at or above zero: always (adjust, count, transfer),
   * unless the product allows backorder (reserve), or not at all (release and sale of reserved stock only
   * move stock out of what is already held, so they never lower `available`).
   */
  availability: "required" | "unless-backorder" | "unchecked";
  /** For counts: the level version the counter saw. */
  expectedVersion?: number;
}

const AVAILABILITY_ESCAPE: Record<Leg["availability"], string> = {
  required: "",
  "unless-backorder": " OR p.allow_backorder = 1",
  unchecked: " OR 1",
};

function movementInsert(
  env: Env,
  id: string,
  leg: Leg,
  ctx: MovementContext,
  transferId: string | null,
  now: string,
) {
  const isCount = leg.kind === "count";
  const quantityExpr = isCount ? "? - l.on_hand" : "?";
  const onHandAfter = isCount ? "?" : "l.on_hand + ?";
  const guards = [
    `${onHandAfter} >= 0`,
    "l.reserved + ? >= 0",
    `(${onHandAfter} - (l.reserved + ?) >= 0${AVAILABILITY_ESCAPE[leg.availability]})`,
    ...(leg.expectedVersion !== undefined ? ["l.version = ?"] : []),
  ];
  return env.DB.prepare(
    `INSERT INTO stock_movements (id, product_id, location_id, kind, quantity, reserved_delta, actor_id, reason,
                                  reference_type, reference_id, transfer_id, created_at)
     SELECT ?, l.product_id, l.location_id, ?, ${quantityExpr}, ?, ?, ?, ?, ?, ?, ?
       FROM stock_levels l JOIN products p ON p.id = l.product_id
      WHERE l.product_id = ? AND l.location_id = ? AND ${guards.join(" AND ")}`,
  ).bind(
    id,
    leg.kind,
    leg.quantity,
    leg.reservedDelta,
    ctx.actorId,
    ctx.reason ?? null,
    ctx.referenceType ?? null,
    ctx.referenceId ?? null,
    transferId,
    now,
    leg.productId,
    leg.locationId,
    leg.quantity,
    leg.reservedDelta,
    leg.quantity,
    leg.reservedDelta,
    ...(leg.expectedVersion !== undefined ? [leg.expectedVersion] : []),
  );
}

function levelUpdate(env: Env, movementId: string, leg: Leg, now: string) {
  const onHand = leg.kind === "count" ? "?" : "on_hand + ?";
  return env.DB.prepare(
    `UPDATE stock_levels SET on_hand = ${onHand}, reserved = reserved + ?, version = version + 1, updated_at = ?
      WHERE product_id = ? AND location_id = ? AND EXISTS (SELECT 1 FROM stock_movements WHERE id = ?)`,
  ).bind(leg.quantity, leg.reservedDelta, now, leg.productId, leg.locationId, movementId);
}

const ensureLevel = (env: Env, productId: string, locationId: string) =>
  env.DB.prepare(
    "INSERT INTO stock_levels (product_id, location_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
  ).bind(productId, locationId);

const selectLevel = (env: Env, productId: string, locationId: string) =>
  env.DB.prepare(`SELECT ${LEVEL_COLUMNS} FROM stock_levels WHERE product_id = ? AND location_id = ?`).bind(
    productId,
    locationId,
  );

/**
 * The statements of one stock movement, for a caller's larger batch: the level row, the guarded movement,
 * the level update, and an assertion that aborts the whole batch if the guard did not hold.
 */
export function legStatements(
  env: Env,
  leg: Leg,
  ctx: MovementContext,
  movementId = newId(),
  now = new Date().toISOString(),
) {
  return [
    ensureLevel(env, leg.productId, leg.locationId),
    movementInsert(env, movementId, leg, ctx, null, now),
    levelUpdate(env, movementId, leg, now),
    assertion(env.DB, `stock:${leg.kind}`, "EXISTS (SELECT 1 FROM stock_movements WHERE id = ?)", movementId),
  ];
}

export const reserveLeg = (productId: string, locationId: string, quantity: number): Leg => ({
  productId,
  locationId,
  kind: "reserve",
  quantity: 0,
  reservedDelta: quantity,
  availability: "unless-backorder",
});
export const releaseLeg = (productId: string, locationId: string, quantity: number): Leg => ({
  productId,
  locationId,
  kind: "release",
  quantity: 0,
  reservedDelta: -quantity,
  availability: "unchecked",
});
/** Ships `quantity`, of which `reserved` was held for it. */
export const saleLeg = (productId: string, locationId: string, quantity: number, reserved: number): Leg => ({
  productId,
  locationId,
  kind: "sale",
  quantity: -quantity,
  reservedDelta: -reserved,
  // Shipping what was held leaves `available` as it was; shipping more than was held must be in stock.
  availability: reserved >= quantity ? "unchecked" : "required",
});

/**
 * Where `quantity` of a product can be reserved, in one query: the location with the most available stock
 * when that covers it, else (if the product allows backorder) the best location there is, else none.
 * `most` is the largest quantity available at any one location.
 */
export async function locationFor(env: Env, productId: string, quantity: number) {
  const { results } = await env.DB.prepare(
    `SELECT p.allow_backorder, l.location_id, l.on_hand - l.reserved AS available
       FROM products p LEFT JOIN stock_levels l ON l.product_id = p.id
      WHERE p.id = ? ORDER BY available DESC, l.location_id`,
  )
    .bind(productId)
    .all<{ allow_backorder: number; location_id: string | null; available: number | null }>();
  const best = results[0];
  const most = Math.max(0, best?.available ?? 0);
  const covers = best?.location_id && (most >= quantity || best.allow_backorder === 1);
  return { locationId: covers ? (best.location_id as string) : null, most };
}

/** Explains a refused movement from the level as it now is. */
function refusal(leg: Leg, level: LevelView): never {
  if (leg.expectedVersion !== undefined && level.version !== leg.expectedVersion) {
    throw conflict(
      `The level changed since it was read (version ${leg.expectedVersion}, now ${level.version}).`,
      {
        current: level,
      },
    );
  }
  if (leg.kind === "release") {
    throw conflict(`Only ${level.reserved} reserved; cannot release ${-leg.reservedDelta}.`, {
      current: level,
    });
  }
  if (leg.kind === "count") {
    throw conflict(
      `Counted ${leg.quantity} is below the ${level.reserved} reserved; release reservations first.`,
      {
        current: level,
      },
    );
  }
  throw conflict(`Not enough stock: ${level.available} available at this location.`, { current: level });
}

export interface MoveResult {
  movement: MovementView;
  level: LevelView;
}

async function move(env: Env, leg: Leg, ctx: MovementContext): Promise<MoveResult> {
  await checkLevelKey(env, leg.productId, leg.locationId);
  const id = newId();
  const now = new Date().toISOString();
  const results = await env.DB.batch([
    ensureLevel(env, leg.productId, leg.locationId),
    movementInsert(env, id, leg, ctx, null, now),
    levelUpdate(env, id, leg, now),
    selectLevel(env, leg.productId, leg.locationId),
    env.DB.prepare("SELECT * FROM stock_movements WHERE id = ?").bind(id),
  ]);
  const level = toLevelView(results[3]?.results[0] as LevelRow);
  const movement = results[4]?.results[0] as MovementView | undefined;
  if (!movement) refusal(leg, level);
  return { movement, level };
}

/** A relative change: receive (+), damage (-) or adjust (either sign). Never below what is reserved. */
export function adjustStock(
  env: Env,
  input: { productId: string; locationId: string; delta: number; kind: "receive" | "adjust" | "damage" },
  ctx: MovementContext,
) {
  if (input.delta === 0)
    throw badRequest("A change of zero changes nothing.", [
      { in: "body", path: "delta", message: "Not zero" },
    ]);
  if (input.kind === "receive" && input.delta < 0) {
    throw badRequest("A receipt adds stock.", [
      { in: "body", path: "delta", message: "Positive for receive" },
    ]);
  }
  if (input.kind === "damage" && input.delta > 0) {
    throw badRequest("Damage removes stock.", [
      { in: "body", path: "delta", message: "Negative for damage" },
    ]);
  }
  return move(env, { ...input, quantity: input.delta, reservedDelta: 0, availability: "required" }, ctx);
}

/** An absolute count: sets on_hand to what was counted, if the level is still at the version the counter saw. */
export function countStock(
  env: Env,
  input: { productId: string; locationId: string; counted: number; expectedVersion: number },
  ctx: MovementContext,
) {
  return move(
    env,
    {
      productId: input.productId,
      locationId: input.locationId,
      kind: "count",
      quantity: input.counted,
      reservedDelta: 0,
      availability: "required",
      expectedVersion: input.expectedVersion,
    },
    ctx,
  );
}

type Holding = { productId: string; locationId: string; quantity: number };

/** Holds stock for an order; beyond what is available only when the product allows backorder. */
export const reserveStock = (env: Env, h: Holding, ctx: MovementContext) =>
  move(env, reserveLeg(h.productId, h.locationId, h.quantity), ctx);

export const releaseStock = (env: Env, h: Holding, ctx: MovementContext) =>
  move(env, releaseLeg(h.productId, h.locationId, h.quantity), ctx);

/** Moves stock between two locations: both legs or neither. */
export async function transferStock(
  env: Env,
  input: { productId: string; fromLocationId: string; toLocationId: string; quantity: number },
  ctx: MovementContext,
) {
  if (input.fromLocationId === input.toLocationId) {
    throw badRequest("A transfer needs two different locations.", [
      { in: "body", path: "to_location_id", message: "Differs from from_location_id" },
    ]);
  }
  await checkLevelKey(env, input.productId, input.fromLocationId);
  await checkLevelKey(env, input.productId, input.toLocationId);
  const out: Leg = {
    productId: input.productId,
    locationId: input.fromLocationId,
    kind: "transfer",
    quantity: -input.quantity,
    reservedDelta: 0,
    availability: "required",
  };
  const into: Leg = { ...out, locationId: input.toLocationId, quantity: input.quantity };
  const outId = newId();
  const inId = newId();
  const transferId = newId();
  const now = new Date().toISOString();
  const results = await env.DB.batch([
    ensureLevel(env, input.productId, input.fromLocationId),
    ensureLevel(env, input.productId, input.toLocationId),
    movementInsert(env, outId, out, ctx, transferId, now),
    // The incoming leg exists only if the outgoing one does.
    env.DB.prepare(
      `INSERT INTO stock_movements (id, product_id, location_id, kind, quantity, reserved_delta, actor_id, reason,
                                    reference_type, reference_id, transfer_id, created_at)
       SELECT ?, ?, ?, 'transfer', ?, 0, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM stock_movements WHERE id = ?)`,
    ).bind(
      inId,
      input.productId,
      input.toLocationId,
      input.quantity,
      ctx.actorId,
      ctx.reason ?? null,
      ctx.referenceType ?? null,
      ctx.referenceId ?? null,
      transferId,
      now,
      outId,
    ),
    levelUpdate(env, outId, out, now),
    levelUpdate(env, outId, into, now),
    selectLevel(env, input.productId, input.fromLocationId),
    selectLevel(env, input.productId, input.toLocationId),
    env.DB.prepare("SELECT * FROM stock_movements WHERE transfer_id = ? ORDER BY quantity").bind(transferId),
  ]);
  const from = toLevelView(results[6]?.results[0] as LevelRow);
  const to = toLevelView(results[7]?.results[0] as LevelRow);
  const movements = (results[8]?.results ?? []) as MovementView[];
  if (movements.length !== 2) refusal(out, from);
  return { transfer_id: transferId, movements, from, to };
}

export async function setLowStockThreshold(
  env: Env,
  productId: string,
  locationId: string,
  threshold: number | null,
) {
  await checkLevelKey(env, productId, locationId);
  const [, , level] = await env.DB.batch([
    ensureLevel(env, productId, locationId),
    env.DB.prepare(
      "UPDATE stock_levels SET low_stock_threshold = ?, updated_at = ? WHERE product_id = ? AND location_id = ?",
    ).bind(threshold, new Date().toISOString(), productId, locationId),
    selectLevel(env, productId, locationId),
  ]);
  return toLevelView(level?.results[0] as LevelRow);
}

/** Filters of the level and movement lists. */
export interface StockFilter {
  product_id?: string | undefined;
  location_id?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function listLevels(env: Env, filter: StockFilter) {
  const after = decodeCursor(filter.cursor, 2) as [string, string] | undefined;
  const where: SQL[] = [];
  if (filter.product_id) where.push(eq(stockLevels.productId, filter.product_id));
  if (filter.location_id) where.push(eq(stockLevels.locationId, filter.location_id));
  if (after) {
    where.push(
      or(
        sql`${stockLevels.productId} > ${after[0]}`,
        and(eq(stockLevels.productId, after[0]), sql`${stockLevels.locationId} > ${after[1]}`),
      ) as SQL,
    );
  }
  const rows = await getDb(env.DB)
    .select()
    .from(stockLevels)
    .where(and(...where))
    .orderBy(asc(stockLevels.productId), asc(stockLevels.locationId))
    .limit(filter.limit + 1);
  const page = toPage(rows, filter.limit, (l) => [l.productId, l.locationId]);
  return {
    items: page.items.map((l) =>
      toLevelView({
        product_id: l.productId,
        location_id: l.locationId,
        on_hand: l.onHand,
        reserved: l.reserved,
        version: l.version,
        low_stock_threshold: l.lowStockThreshold,
        updated_at: l.updatedAt,
      }),
    ),
    next_cursor: page.next_cursor,
  };
}

/** Levels at or below their threshold, by product then location. */
export async function listLowStock(
  env: Env,
  filter: { location_id?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(filter.cursor, 2) as [string, string] | undefined;
  const { results } = await env.DB.prepare(
    `SELECT ${LEVEL_COLUMNS} FROM stock_levels
      WHERE low_stock_threshold IS NOT NULL AND on_hand - reserved <= low_stock_threshold
        AND (?1 IS NULL OR location_id = ?1)
        AND (?2 IS NULL OR product_id > ?2 OR (product_id = ?2 AND location_id > ?3))
      ORDER BY product_id, location_id LIMIT ?4`,
  )
    .bind(filter.location_id ?? null, after?.[0] ?? null, after?.[1] ?? null, filter.limit + 1)
    .all<LevelRow>();
  const page = toPage(results, filter.limit, (l) => [l.product_id, l.location_id]);
  return { items: page.items.map(toLevelView), next_cursor: page.next_cursor };
}

/** The movement ledger, newest first. */
export async function listMovements(env: Env, filter: StockFilter) {
  const after = decodeCursor(filter.cursor, 2) as [string, string] | undefined;
  const where: SQL[] = [];
  if (filter.product_id) where.push(eq(stockMovements.productId, filter.product_id));
  if (filter.location_id) where.push(eq(stockMovements.locationId, filter.location_id));
  if (after) {
    where.push(olderThan(stockMovements.createdAt, stockMovements.id, after));
  }
  const rows = await getDb(env.DB)
    .select()
    .from(stockMovements)
    .where(and(...where))
    .orderBy(desc(stockMovements.createdAt), desc(stockMovements.id))
    .limit(filter.limit + 1);
  const page = toPage(rows, filter.limit, (m) => [m.createdAt, m.id]);
  return {
    items: page.items.map(
      (m): MovementView => ({
        id: m.id,
        product_id: m.productId,
        location_id: m.locationId,
        kind: m.kind,
        quantity: m.quantity,
        reserved_delta: m.reservedDelta,
        actor_id: m.actorId,
        reason: m.reason,
        reference_type: m.referenceType,
        reference_id: m.referenceId,
        transfer_id: m.transferId,
        created_at: m.createdAt,
      }),
    ),
    next_cursor: page.next_cursor,
  };
}

/** Movements over the last `days` for a product, by kind: what risk reads as recent demand. */
export async function recentMovementTotals(env: Env, productId: string, days: number) {
  const since = new Date(Date.now() - days * 86_400_000).toISOString();
  const { results } = await env.DB.prepare(
    `SELECT kind, SUM(quantity) AS quantity, SUM(reserved_delta) AS reserved FROM stock_movements
      WHERE product_id = ? AND created_at >= ? GROUP BY kind`,
  )
    .bind(productId, since)
    .all<{ kind: MovementKind; quantity: number; reserved: number }>();
  return results;
}

export { encodeCursor };
