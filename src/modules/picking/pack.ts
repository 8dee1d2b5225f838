// Packing and shipping: parcels once every line of the order that holds stock is picked whole, then the
// shipment, which moves the order to shipped (its reservations become sales) and sets its tracking in one
// batch.
import { asc, count, eq, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { orders } from "../../db/schema/orders";
import { parcels, pickLines } from "../../db/schema/warehouse";
import type { Env } from "../../env";
import { assertion, clearAssertions, failedAssertion, runBatch } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { conflict, notFound } from "../../lib/problem";
import { audienceOf, type Principal } from "../auth/principal";
import { publishToLocation } from "../inventory/live";
import { canMove } from "../orders/lifecycle";
import {
  type LoadedOrder,
  loadedFrom,
  orderEvent,
  orderReads,
  publishToOrder,
  sourceOf,
} from "../orders/store";
import { checkMovePermission, transition } from "../orders/transition";
import { type LineRow, type OrderRow, type OrderView, toOrderView } from "../orders/view";

type ParcelRow = typeof parcels.$inferSelect;
type PickRow = Pick<
  typeof pickLines.$inferSelect,
  "orderLineId" | "productId" | "quantity" | "picked" | "shortQuantity"
>;

export const toParcelView = (p: ParcelRow) => ({
  id: p.id,
  order_id: p.orderId,
  weight_grams: p.weightGrams,
  length_mm: p.lengthMm,
  width_mm: p.widthMm,
  height_mm: p.heightMm,
  packed_by: p.packedBy,
  packed_at: p.packedAt,
});
export type ParcelView = ReturnType<typeof toParcelView>;

/** The lines that hold stock: these are picked from a shelf before the order is packed. */
const heldLines = ({ lines }: LoadedOrder) =>
  lines.filter((l) => l.fill === "ok" && l.productId !== null && l.locationId !== null && l.quantity > 0);

/** Held lines not picked whole on a pick list (a short pick is not whole), with the most picked of each. */
function unpickedLines(state: LoadedOrder, picks: PickRow[]) {
  return heldLines(state).flatMap((l) => {
    const mine = picks.filter((p) => p.orderLineId === l.id && p.productId === l.productId);
    const whole = mine.some(
      (p) => p.shortQuantity === null && p.quantity === l.quantity && p.picked === p.quantity,
    );
    if (whole) return [];
    return [
      {
        line_no: l.lineNo,
        sku: l.sku,
        quantity: l.quantity,
        picked: Math.max(0, ...mine.map((p) => p.picked)),
      },
    ];
  });
}

async function orderWithPicks(env: Env, orderId: string) {
  const db = getDb(env.DB);
  const picksRead = db
    .select({
      orderLineId: pickLines.orderLineId,
      productId: pickLines.productId,
      quantity: pickLines.quantity,
      picked: pickLines.picked,
      shortQuantity: pickLines.shortQuantity,
    })
    .from(pickLines)
    .where(eq(pickLines.orderId, orderId));
  const [order, lines, picks] = (await runBatch(db, [...orderReads(db, orderId), picksRead])) as [
    OrderRow[],
    LineRow[],
    Awaited<typeof picksRead>,
  ];
  const state = loadedFrom(order, lines);
  if (!state) throw notFound("No such order.");
  return { state, picks };
}

export interface ParcelInput {
  weight_grams: number;
  length_mm?: number | undefined;
  width_mm?: number | undefined;
  height_mm?: number | undefined;
}

/** A parcel of an order that is picking and picked whole; 409 naming the lines still to pick otherwise. */
export async function addParcel(
  env: Env,
  principal: Principal,
  orderId: string,
  input: ParcelInput,
): Promise<ParcelView> {
  const { state, picks } = await orderWithPicks(env, orderId);
  const { order } = state;
  if (order.status !== "picking") {
    throw conflict(`An order is packed while it is picking; ${order.number} is ${order.status}.`, {
      current: order.status,
    });
  }
  const unpicked = unpickedLines(state, picks);
  if (unpicked.length > 0) {
    throw conflict(
      `Not everything is picked yet: ${unpicked.map((l) => `line ${l.line_no} (${l.sku}) ${l.picked} of ${l.quantity}`).join(", ")}.`,
      { unpicked },
    );
  }
  const db = getDb(env.DB);
  const at = new Date().toISOString();
  const parcel: ParcelRow = {
    id: newId(),
    orderId,
    weightGrams: input.weight_grams,
    lengthMm: input.length_mm ?? null,
    widthMm: input.width_mm ?? null,
    heightMm: input.height_mm ?? null,
    packedBy: principal.id,
    packedAt: at,
  };
  try {
    await runBatch(db, [
      // Picked lines stay picked; what can change meanwhile is the order leaving picking.
      assertion(
        db,
        "order-picking",
        sql`EXISTS (SELECT 1 FROM orders WHERE id = ${orderId} AND status = 'picking')`,
      ),
      db.insert(parcels).values(parcel),
      orderEvent(db, {
        orderId,
        type: "packed",
        source: sourceOf(principal),
        actorId: principal.id,
        details: { parcel_id: parcel.id, weight_grams: parcel.weightGrams },
        at,
      }),
      clearAssertions(db),
    ]);
  } catch (error) {
    if (!failedAssertion(error)) throw error;
    throw conflict("The order left picking meanwhile; read it again.");
  }
  const event = { type: "packed", order_id: orderId, parcel_id: parcel.id };
  publishToOrder(env, orderId, event);
  for (const locationId of new Set(heldLines(state).map((l) => l.locationId as string))) {
    publishToLocation(env, locationId, event);
  }
  return toParcelView(parcel);
}

export async function listParcels(env: Env, orderId: string): Promise<ParcelView[]> {
  const db = getDb(env.DB);
  const [order, rows] = await db.batch([
    db.select({ id: orders.id }).from(orders).where(eq(orders.id, orderId)),
    db
      .select()
      .from(parcels)
      .where(eq(parcels.orderId, orderId))
      .orderBy(asc(parcels.packedAt), asc(parcels.id)),
  ]);
  if (order.length === 0) throw notFound("No such order.");
  return rows.map(toParcelView);
}

export interface ShipmentInput {
  carrier: string;
  tracking_number: string;
  tracking_url?: string | undefined;
}

/**
 * Ships a packed order: the orders module's own move to shipped (each held line's reservation becomes a
 * sale, published as the move publishes) and the tracking, in one batch guarded by the order's version.
 */
export async function shipOrder(
  env: Env,
  principal: Principal,
  orderId: string,
  input: ShipmentInput,
): Promise<OrderView> {
  const db = getDb(env.DB);
  const [order, lines, [packed]] = (await runBatch(db, [
    ...orderReads(db, orderId),
    db.select({ parcels: count() }).from(parcels).where(eq(parcels.orderId, orderId)),
  ])) as [OrderRow[], LineRow[], { parcels: number }[]];
  const state = loadedFrom(order, lines);
  if (!state) throw notFound("No such order.");
  checkMovePermission(principal, state.order.status, "shipped");
  // An order that may not ship at all hears why from the move itself.
  if (!packed?.parcels && canMove(state.order.status, "shipped")) {
    throw conflict("Pack it first: the order has no parcel yet.", { current: state.order.status });
  }
  const committed = await transition(
    env,
    state,
    {
      to: "shipped",
      source: sourceOf(principal),
      actorId: principal.id,
      details: { carrier: input.carrier, tracking_number: input.tracking_number },
    },
    [
      db
        .update(orders)
        .set({
          carrier: input.carrier,
          trackingNumber: input.tracking_number,
          trackingUrl: input.tracking_url ?? null,
        })
        .where(eq(orders.id, orderId)),
    ],
  );
  return toOrderView(committed.order, committed.lines, audienceOf(principal));
}
