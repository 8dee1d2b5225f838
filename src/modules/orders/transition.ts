// Moving an order along its lifecycle: each allowed move with its stock effects (cancelling releases what
// the lines hold, shipping turns it into sales, delivering a sale invoices it), planned on the order as it stands so that several moves
// can go into one batch, and who may make which move.
import { eq, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { orderLines, orders } from "../../db/schema/orders";
import type { Env } from "../../env";
import { failedAssertion, type Statement } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { conflict, forbidden } from "../../lib/problem";
import { audienceOf, type Principal } from "../auth/principal";
import { orderInvoiceStatements } from "../billing/issue";
import { announce, domainEvent } from "../events/announce";
import { type PlannedMovement, planMovement, releaseLeg, saleLeg } from "../inventory/legs";
import { publishMovements } from "../inventory/live";
import { canMove, type OrderStatus, REACHED_AT, TRANSITIONS } from "./lifecycle";
import { orderMovementContext } from "./lines";
import {
  commitOrder,
  type LoadedOrder,
  loadOrder,
  orderEvent,
  publishToOrder,
  sourceOf,
  visibleOrder,
} from "./store";
import { type OrderView, toOrderView } from "./view";

export interface TransitionInput {
  to: OrderStatus;
  source: string;
  actorId: string | null;
  note?: string | undefined;
  details?: Record<string, unknown>;
}

export interface PlannedMove {
  statements: Statement[];
  /** The order as it will be once the statements apply. */
  next: LoadedOrder;
  movements: PlannedMovement[];
  /** What the order's room is told. */
  event: Record<string, unknown>;
}

/** The statements of one allowed move on the order as it stands in `state`; 409 for a move not allowed. */
export function planMove(db: Db, state: LoadedOrder, input: TransitionInput, at: string): PlannedMove {
  const { order, lines } = state;
  if (!canMove(order.status, input.to)) {
    throw conflict(`An order that is ${order.status} cannot become ${input.to}.`, {
      current: order.status,
      allowed: TRANSITIONS[order.status],
    });
  }
  const short = lines.filter((l) => l.fill === "short");
  if ((input.to === "picking" || input.to === "shipped") && short.length > 0) {
    throw conflict(
      `Lines ${short.map((l) => l.lineNo).join(", ")} cannot be filled yet; choose substitutes or cancel.`,
      { current: order.status, allowed: TRANSITIONS[order.status] },
    );
  }
  const ctx = orderMovementContext(order.id, input.actorId);
  const held = (l: (typeof lines)[number]) => l.productId !== null && l.locationId !== null;
  const movements: PlannedMovement[] = [];
  const emptied = new Set<string>();
  for (const l of lines) {
    if (input.to === "cancelled" && l.reserved > 0 && held(l)) {
      movements.push(
        planMovement(db, releaseLeg(l.productId as string, l.locationId as string, l.reserved), ctx, { at }),
      );
      emptied.add(l.id);
    }
    if (input.to === "shipped" && l.fill === "ok" && held(l)) {
      movements.push(
        planMovement(
          db,
          saleLeg(l.productId as string, l.locationId as string, l.quantity, l.reserved),
          ctx,
          { at },
        ),
      );
      emptied.add(l.id);
    }
  }
  const reached = REACHED_AT[input.to];
  const statements: Statement[] = [
    db
      .update(orders)
      .set({ status: input.to, [reached]: at, version: sql`${orders.version} + 1`, updatedAt: at })
      .where(eq(orders.id, order.id)),
    orderEvent(db, {
      orderId: order.id,
      type: "status",
      from: order.status,
      to: input.to,
      source: input.source,
      actorId: input.actorId,
      details: { ...(input.note && { note: input.note }), ...input.details },
      at,
    }),
    ...movements.flatMap((m) => m.statements),
    ...[...emptied].map((id) => db.update(orderLines).set({ reserved: 0 }).where(eq(orderLines.id, id))),
    // A delivered sale is invoiced in the same batch (once: not when staff invoiced it earlier).
    ...(input.to === "delivered" && order.kind === "sale"
      ? orderInvoiceStatements(db, state, newId(), input.actorId, at)
      : []),
  ];
  return {
    statements,
    next: {
      order: { ...order, status: input.to, [reached]: at, version: order.version + 1, updatedAt: at },
      lines: lines.map((l) => (emptied.has(l.id) ? { ...l, reserved: 0 } : l)),
    },
    movements,
    event: { type: "status", order_id: order.id, from: order.status, to: input.to, source: input.source },
  };
}

/**
 * Publishes what a committed order batch did: its movements to the stock rooms, its events to the order's
 * room, and (announce) to the shop's feed and the subscribers of order.* events. A new order is announced
 * as order.created with the status it reached; its own room has no one in it yet.
 */
export function publishOrderChanges(
  env: Env,
  committed: LoadedOrder,
  movements: PlannedMovement[],
  events: Record<string, unknown>[],
  options: { created?: boolean } = {},
): void {
  publishMovements(
    env,
    movements.map((m) => ({ ...m.view, reason: `Order ${committed.order.number}` })),
  );
  if (!options.created && events.length > 0) publishToOrder(env, committed.order.id, ...events);
  const order = toOrderView(committed.order, committed.lines, "shop");
  const at = committed.order.updatedAt;
  const announced = options.created
    ? [domainEvent("order.created", { order }, at)]
    : events.flatMap((e) =>
        e.type === "status"
          ? [domainEvent("order.status_changed", { order, from: e.from, to: e.to, source: e.source }, at)]
          : e.type === "updated"
            ? [domainEvent("order.updated", { order, changes: e.changes }, at)]
            : [],
      );
  announce(env, announced);
}

/**
 * Applies one move with its stock effects in one batch (with the order read back in the same trip). `also`:
 * the caller's own statements for that batch (a shipment's tracking), applied after the move.
 */
export async function transition(
  env: Env,
  state: LoadedOrder,
  input: TransitionInput,
  also: Statement[] = [],
): Promise<LoadedOrder> {
  const db = getDb(env.DB);
  const move = planMove(db, state, input, new Date().toISOString());
  let committed: LoadedOrder;
  try {
    committed = await commitOrder(db, state.order.id, state.order, [...move.statements, ...also]);
  } catch (error) {
    if (!failedAssertion(error)) throw error;
    const fresh = await loadOrder(env, state.order.id);
    if (fresh && fresh.order.version !== state.order.version) {
      throw conflict("The order changed meanwhile; read it again.", {
        current: fresh.order.status,
        allowed: TRANSITIONS[fresh.order.status],
      });
    }
    throw conflict("There is not enough stock at the line's location to ship it.", {
      current: state.order.status,
    });
  }
  publishOrderChanges(env, committed, move.movements, [move.event]);
  return committed;
}

const CUSTOMER_CANCELLABLE: OrderStatus[] = ["placed", "under_risk", "awaiting_customer"];
/** The moves of fulfilment, which vendors make; cancelling and risk decisions stay with the shop. */
const FULFILMENT_MOVES: OrderStatus[] = ["picking", "shipped", "delivered"];

/**
 * Who may make which move: the shop (staff, integrations) any allowed move; vendors the moves of
 * fulfilment; customers only cancel, and only before picking.
 */
export function checkMovePermission(principal: Principal, status: OrderStatus, to: OrderStatus) {
  const audience = audienceOf(principal);
  if (audience === "vendor" && !FULFILMENT_MOVES.includes(to)) {
    throw forbidden(`Vendors move orders through ${FULFILMENT_MOVES.join(", ")}; ${to} is for the shop.`);
  }
  if (audience === "customer" && (to !== "cancelled" || !CUSTOMER_CANCELLABLE.includes(status))) {
    throw forbidden("Customers may cancel an order before picking starts; other moves are for staff.");
  }
}

/** POST /orders/{id}/transitions: one read, one batch. */
export async function moveOrder(
  env: Env,
  principal: Principal,
  id: string,
  to: OrderStatus,
  note?: string,
): Promise<OrderView> {
  const state = await visibleOrder(env, principal, id);
  checkMovePermission(principal, state.order.status, to);
  const moved = await transition(env, state, {
    to,
    source: sourceOf(principal),
    actorId: principal.id,
    note,
  });
  return toOrderView(moved.order, moved.lines, audienceOf(principal));
}
