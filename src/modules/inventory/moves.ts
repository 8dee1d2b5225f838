// The stock verbs of the REST door: receive, adjust, damage, count, reserve, release, transfer. Each is one
// batch of legs that reads back its outcome, and each is published to its location's room.
import { eq } from "drizzle-orm";
import { getDb } from "../../db";
import { stockMovements } from "../../db/schema/inventory";
import type { Env } from "../../env";
import { runBatch } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { badRequest, conflict } from "../../lib/problem";
import {
  countLeg,
  type Leg,
  type MovementContext,
  planMovement,
  releaseLeg,
  reserveLeg,
  selectLevel,
  toMovementView,
} from "./legs";
import { checkLevelKey, type LevelRow, toLevelView } from "./levels";
import { publishMovements } from "./live";
import type { LevelView, MovementView } from "./schemas";

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
  const db = getDb(env.DB);
  const planned = planMovement(db, leg, ctx, { assert: false });
  const results = await runBatch(db, [
    ...planned.statements,
    selectLevel(db, leg.productId, leg.locationId),
    db.select().from(stockMovements).where(eq(stockMovements.id, planned.movementId)),
  ]);
  const level = toLevelView((results.at(-2) as LevelRow[])[0] as LevelRow);
  const row = (results.at(-1) as (typeof stockMovements.$inferSelect)[])[0];
  if (!row) refusal(leg, level);
  const movement = toMovementView(row);
  publishMovements(env, [movement]);
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
  const { delta, ...where } = input;
  return move(env, { ...where, quantity: delta, reservedDelta: 0, availability: "required" }, ctx);
}

/** An absolute count: sets on_hand to what was counted, if the level is still at the version the counter saw. */
export function countStock(
  env: Env,
  input: { productId: string; locationId: string; counted: number; expectedVersion: number },
  ctx: MovementContext,
) {
  return move(env, countLeg(input.productId, input.locationId, input.counted, input.expectedVersion), ctx);
}

type Holding = { productId: string; locationId: string; quantity: number };

/** Holds stock (for an order); beyond what is available only when the product allows backorder. */
export const reserveStock = (env: Env, h: Holding, ctx: MovementContext) =>
  move(env, reserveLeg(h.productId, h.locationId, h.quantity), ctx);

export const releaseStock = (env: Env, h: Holding, ctx: MovementContext) =>
  move(env, releaseLeg(h.productId, h.locationId, h.quantity), ctx);

/** Moves stock between two locations: both legs or neither (the incoming leg requires the outgoing one). */
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
  // Adding stock cannot take anything below zero: the incoming leg's only condition is the outgoing one.
  const into: Leg = {
    ...out,
    locationId: input.toLocationId,
    quantity: input.quantity,
    availability: "unchecked",
  };
  const db = getDb(env.DB);
  const transferId = newId();
  const at = new Date().toISOString();
  const outgoing = planMovement(db, out, ctx, { transferId, at, assert: false });
  const incoming = planMovement(db, into, ctx, {
    transferId,
    at,
    assert: false,
    requires: outgoing.movementId,
  });
  const results = await runBatch(db, [
    ...outgoing.statements,
    ...incoming.statements,
    selectLevel(db, input.productId, input.fromLocationId),
    selectLevel(db, input.productId, input.toLocationId),
    db
      .select()
      .from(stockMovements)
      .where(eq(stockMovements.transferId, transferId))
      .orderBy(stockMovements.quantity),
  ]);
  const from = toLevelView((results.at(-3) as LevelRow[])[0] as LevelRow);
  const to = toLevelView((results.at(-2) as LevelRow[])[0] as LevelRow);
  const movements = (results.at(-1) as (typeof stockMovements.$inferSelect)[]).map(toMovementView);
  if (movements.length !== 2) refusal(out, from);
  publishMovements(env, movements);
  return { transfer_id: transferId, movements, from, to };
}
