// The stock mechanism every change is built from — REST moves, orders placing, cancelling and shipping,
// intake, scans. A movement row is inserted only if its guard holds against the level as it is at that
// moment (D1 runs a batch as one serial transaction), and the level changes only if that movement row
// exists, so a level always equals the sum of its movements and concurrent batches cannot drive available
// stock below zero. Whoever writes movements publishes them (live.ts) once applied.
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { type MOVEMENT_KINDS, stockLevels, stockMovements } from "../../db/schema/inventory";
import { assertion, type Statement } from "../../lib/batch";
import { newId } from "../../lib/ids";
import type { MovementView } from "./schemas";

export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** Who moved stock and why; orders reference themselves here. */
export interface MovementContext {
  actorId: string | null;
  /** Text, or SQL that yields it inside the batch (an order's number, allocated in that same batch). */
  reason?: string | SQL | null | undefined;
  referenceType?: string | null | undefined;
  referenceId?: string | null | undefined;
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

/** An absolute count: on_hand becomes `counted`, only if the level is still at the version its counter saw. */
export const countLeg = (
  productId: string,
  locationId: string,
  counted: number,
  expectedVersion: number,
): Leg => ({
  productId,
  locationId,
  kind: "count",
  quantity: counted,
  reservedDelta: 0,
  availability: "required",
  expectedVersion,
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

const AVAILABILITY_ESCAPE: Record<Leg["availability"], SQL> = {
  required: sql``,
  "unless-backorder": sql` OR p.allow_backorder = 1`,
  unchecked: sql` OR 1`,
};

export interface LegOptions {
  movementId?: string;
  at?: string;
  /** Both legs of a transfer share it. */
  transferId?: string | null;
  /** The movement is written only if this other movement was (a transfer's incoming leg). */
  requires?: string;
}

/** A movement as it will be written: its statements and, for publishing, what it records. */
export interface PlannedMovement {
  statements: Statement[];
  movementId: string;
  /** The movement's view (for a count, `quantity` is known only once written). */
  view: MovementView;
}

const movementExists = (id: string) => sql`EXISTS (SELECT 1 FROM stock_movements WHERE id = ${id})`;

function movementInsert(
  db: Db,
  id: string,
  leg: Leg,
  ctx: MovementContext,
  o: Required<Omit<LegOptions, "requires">> & Pick<LegOptions, "requires">,
) {
  const isCount = leg.kind === "count";
  const change = isCount ? sql`${leg.quantity} - l.on_hand` : sql`${leg.quantity}`;
  const onHandAfter = isCount ? sql`${leg.quantity}` : sql`l.on_hand + ${leg.quantity}`;
  const guards = [
    sql`${onHandAfter} >= 0`,
    sql`l.reserved + ${leg.reservedDelta} >= 0`,
    sql`(${onHandAfter} - (l.reserved + ${leg.reservedDelta}) >= 0${AVAILABILITY_ESCAPE[leg.availability]})`,
    ...(leg.expectedVersion !== undefined ? [sql`l.version = ${leg.expectedVersion}`] : []),
    ...(o.requires ? [movementExists(o.requires)] : []),
  ];
  // The select's columns are the table's, in its order: drizzle writes the column list.
  return db.insert(stockMovements).select(sql`
    SELECT ${id}, l.product_id, l.location_id, ${leg.kind}, ${change}, ${leg.reservedDelta}, ${ctx.actorId},
           ${ctx.reason ?? null}, ${ctx.referenceType ?? null}, ${ctx.referenceId ?? null}, ${o.transferId}, ${o.at},
           (SELECT COALESCE(MAX(m.seq), 0) + 1 FROM stock_movements m WHERE m.location_id = l.location_id)
      FROM stock_levels l JOIN products p ON p.id = l.product_id
     WHERE l.product_id = ${leg.productId} AND l.location_id = ${leg.locationId} AND ${sql.join(guards, sql` AND `)}`);
}

const levelKey = (productId: string, locationId: string) =>
  and(eq(stockLevels.productId, productId), eq(stockLevels.locationId, locationId));

/** The level row a movement needs, created empty when the product was never stocked there. */
export const ensureLevel = (db: Db, productId: string, locationId: string) =>
  db.insert(stockLevels).values({ productId, locationId }).onConflictDoNothing();

export const selectLevel = (db: Db, productId: string, locationId: string) =>
  db.select().from(stockLevels).where(levelKey(productId, locationId));

/**
 * The statements of one movement, for a caller's batch: the level row, the guarded movement, the level
 * update, and (unless the caller reads the outcome itself) an assertion that aborts the whole batch if the
 * guard did not hold.
 */
export function planMovement(
  db: Db,
  leg: Leg,
  ctx: MovementContext,
  options: LegOptions & { assert?: boolean } = {},
): PlannedMovement {
  const movementId = options.movementId ?? newId();
  const o = {
    movementId,
    at: options.at ?? new Date().toISOString(),
    transferId: options.transferId ?? null,
    requires: options.requires,
  };
  const statements: Statement[] = [
    ensureLevel(db, leg.productId, leg.locationId),
    movementInsert(db, movementId, leg, ctx, o),
    db
      .update(stockLevels)
      .set({
        onHand: leg.kind === "count" ? leg.quantity : sql`${stockLevels.onHand} + ${leg.quantity}`,
        reserved: sql`${stockLevels.reserved} + ${leg.reservedDelta}`,
        version: sql`${stockLevels.version} + 1`,
        updatedAt: o.at,
      })
      .where(and(levelKey(leg.productId, leg.locationId), movementExists(movementId))),
  ];
  if (options.assert !== false)
    statements.push(assertion(db, `stock:${leg.kind}`, movementExists(movementId)));
  return {
    statements,
    movementId,
    view: {
      id: movementId,
      product_id: leg.productId,
      location_id: leg.locationId,
      kind: leg.kind,
      quantity: leg.quantity,
      reserved_delta: leg.reservedDelta,
      actor_id: ctx.actorId,
      reason: typeof ctx.reason === "string" ? ctx.reason : null,
      reference_type: ctx.referenceType ?? null,
      reference_id: ctx.referenceId ?? null,
      transfer_id: o.transferId,
      created_at: o.at,
      // Given by D1 as the row is written; the location's room reads it from there.
      seq: 0,
    },
  };
}

export const toMovementView = (m: typeof stockMovements.$inferSelect): MovementView => ({
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
  seq: m.seq,
});
