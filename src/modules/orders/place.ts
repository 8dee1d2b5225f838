// Placing an order — from a customer's cart or through intake: lines planned against stock, the order row
// with its number, lines, reservations and events written in one batch that a stock change under us undoes
// whole (then placement is planned again).
import { type Db, getDb } from "../../db";
import type { Address } from "../../db/schema/customers";
import type { Env } from "../../env";
import { failedAssertion, type Statement } from "../../lib/batch";
import { isUniqueViolation } from "../../lib/db-errors";
import { newId } from "../../lib/ids";
import { totalsOf } from "../../lib/money";
import { conflict, forbidden } from "../../lib/problem";
import type { Principal } from "../auth/principal";
import { cartToOrder, closeCart } from "../carts/service";
import type { PlannedMovement } from "../inventory/legs";
import { type StockOptions, stockOptions } from "../inventory/levels";
import { type OrderStatus, REACHED_AT } from "./lifecycle";
import { type DraftLine, offerSubstitutes, orderMovementContext, planLines, writeLines } from "./lines";
import { commitOrder, type LoadedOrder, numberAllocation, orderEvent } from "./store";
import { publishOrderChanges } from "./transition";
import type { OrderRow } from "./view";

/** Who bought, as far as the door knows. */
export interface Buyer {
  name: string | null;
  email: string | null;
  phone: string | null;
}

export interface DraftOrder {
  kind: "sale" | "purchase";
  source: string;
  externalRef: string | null;
  customerId: string | null;
  merchant: string | null;
  buyer: Buyer;
  shippingAddress: Address | null;
  billingAddress: Address | null;
  currency: string;
  lines: DraftLine[];
  shippingMinor: number;
  discountMinor: number;
  paymentStatus: OrderRow["paymentStatus"];
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  notes: string | null;
  staffNotes: string | null;
  placedAt: string;
  actorId: string | null;
  intakeHash: string | null;
  /** Placed from this cart: it must still be open, and is closed in the same batch. */
  cartId?: string | null;
  /**
   * The sender says the order is only placed (a store that fulfils on invoice): its stock is reserved but
   * it waits in `placed` rather than going on to picking; a short line still puts it at risk.
   */
  hold?: boolean;
}

/** What a caller adds to the placing batch, planned on the order as placed (intake walks a reported status). */
export type AfterPlacing = (
  db: Db,
  placed: LoadedOrder,
  at: string,
) => {
  statements: Statement[];
  movements: PlannedMovement[];
  events: Record<string, unknown>[];
  /** The order once these apply, when they change it. */
  next?: LoadedOrder;
};

/** Thrown when (source, external_ref) already exists: intake turns it into an update. */
export class DuplicateOrder extends Error {}

/**
 * Sales go straight to picking when every line is held (unless held back by the sender); else at risk,
 * awaiting the customer when every short line has substitutes.
 */
function stepsFor(draft: DraftOrder, lines: { fill: string; substitutes: string[] }[]): OrderStatus[] {
  if (draft.kind === "purchase") return [];
  const short = lines.filter((l) => l.fill === "short");
  if (short.length === 0) return draft.hold ? [] : ["picking"];
  return short.every((l) => l.substitutes.length > 0) ? ["under_risk", "awaiting_customer"] : ["under_risk"];
}

async function planPlacement(
  env: Env,
  db: Db,
  draft: DraftOrder,
  options: Map<string, StockOptions>,
  at: string,
) {
  const id = newId();
  const lines = planLines(id, draft.kind, draft.lines, options);
  await offerSubstitutes(env, lines);
  const steps = stepsFor(draft, lines);
  const status = steps.at(-1) ?? "placed";
  const totals = totalsOf(draft.lines, draft.shippingMinor, draft.discountMinor);
  const reached = Object.fromEntries(steps.map((s) => [REACHED_AT[s], at]));
  const order: OrderRow = {
    id,
    number: "",
    kind: draft.kind,
    status,
    source: draft.source,
    externalRef: draft.externalRef,
    customerId: draft.customerId,
    merchant: draft.merchant,
    buyerName: draft.buyer.name,
    buyerEmail: draft.buyer.email?.toLowerCase() ?? null,
    buyerPhone: draft.buyer.phone,
    shippingAddress: draft.shippingAddress,
    billingAddress: draft.billingAddress,
    currency: draft.currency,
    subtotalMinor: totals.subtotal,
    taxMinor: totals.tax,
    shippingMinor: draft.shippingMinor,
    discountMinor: draft.discountMinor,
    totalMinor: totals.total,
    paymentStatus: draft.paymentStatus,
    carrier: draft.carrier,
    trackingNumber: draft.trackingNumber,
    trackingUrl: draft.trackingUrl,
    notes: draft.notes,
    staffNotes: draft.staffNotes,
    intakeHash: draft.intakeHash,
    version: 0,
    placedAt: draft.placedAt,
    underRiskAt: reached.underRiskAt ?? null,
    awaitingCustomerAt: reached.awaitingCustomerAt ?? null,
    pickingAt: reached.pickingAt ?? null,
    shippedAt: null,
    deliveredAt: null,
    cancelledAt: null,
    createdBy: draft.actorId,
    createdAt: at,
    updatedAt: at,
  };
  const number = numberAllocation(db, new Date(at));
  const written = writeLines(db, lines, orderMovementContext(id, draft.actorId), at);
  const short = lines.filter((l) => l.fill === "short");
  const statements: Statement[] = [
    number.statement,
    number.insert(order),
    ...written.statements,
    orderEvent(db, {
      orderId: id,
      type: "created",
      to: "placed",
      source: draft.source,
      actorId: draft.actorId,
      details: { lines: lines.length, total: totals.total, currency: draft.currency },
      at,
    }),
    ...steps.map((to, i) =>
      orderEvent(db, {
        orderId: id,
        type: "status",
        from: i === 0 ? "placed" : steps[i - 1],
        to,
        source: draft.source,
        actorId: draft.actorId,
        details:
          to === "under_risk"
            ? { short_lines: short.map((l) => ({ line_no: l.lineNo, sku: l.sku, reason: l.riskReason })) }
            : to === "awaiting_customer"
              ? { offered: short.map((l) => ({ line_no: l.lineNo, substitutes: l.substitutes })) }
              : { reserved: lines.filter((l) => l.fill === "ok").length },
        at,
      }),
    ),
    ...(draft.cartId ? closeCart(db, draft.cartId, at) : []),
  ];
  const next: LoadedOrder = { order, lines: lines.map(({ wanted: _wanted, ...line }) => line) };
  return { statements, next, movements: written.movements };
}

const PLACE_ATTEMPTS = 3;

/**
 * Places an order in one batch (with the order read back in the same trip). `options` are the lines' stock
 * options when the caller read them already; `after` adds what the caller plans on the placed order.
 */
export async function placeOrder(
  env: Env,
  draft: DraftOrder,
  read?: { options?: Map<string, StockOptions>; after?: AfterPlacing },
): Promise<LoadedOrder> {
  const db = getDb(env.DB);
  const productIds = draft.lines.flatMap((l) => (l.productId ? [l.productId] : []));
  for (let attempt = 1; ; attempt++) {
    const options =
      attempt === 1 && read?.options
        ? read.options
        : await stockOptions(env, draft.kind === "sale" ? productIds : []);
    const at = new Date().toISOString();
    const placed = await planPlacement(env, db, draft, options, at);
    const after = read?.after?.(db, placed.next, at) ?? { statements: [], movements: [], events: [] };
    try {
      const committed = await commitOrder(
        db,
        placed.next.order.id,
        null,
        [...placed.statements, ...after.statements],
        after.next ?? placed.next,
      );
      // A new order's room has nobody in it yet (and opening it would create it): only the stock rooms hear.
      publishOrderChanges(env, committed, [...placed.movements, ...after.movements], [], { created: true });
      return committed;
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateOrder();
      if (!failedAssertion(error)) throw error;
      // Stock moved under us (or the cart was ordered meanwhile): plan again, a few times.
      if (attempt >= PLACE_ATTEMPTS)
        throw conflict("Stock or the cart changed while the order was placed; try again.");
    }
  }
}

/** POST /orders/from-cart: the customer user's open cart becomes an order at today's prices. */
export async function placeFromCart(env: Env, principal: Principal, input: { notes?: string | undefined }) {
  if (principal.kind !== "user" || principal.role !== "customer" || !principal.customerId) {
    throw forbidden("Orders are placed from carts by customer users linked to a customer.");
  }
  const cart = await cartToOrder(env, principal.id, principal.customerId);
  if (!cart || cart.lines.length === 0) throw conflict("Your cart is empty.");
  const currencies = new Set(cart.lines.map((l) => l.currency));
  if (currencies.size > 1) throw conflict("An order is in one currency; your cart holds several. Split it.");
  return placeOrder(env, {
    kind: "sale",
    source: "cart",
    externalRef: null,
    customerId: principal.customerId,
    merchant: null,
    // The customer's record says who buys and where it goes.
    buyer: {
      name: cart.customer?.contactName ?? cart.customer?.company ?? null,
      email: cart.customer?.email ?? null,
      phone: cart.customer?.phone ?? null,
    },
    shippingAddress: cart.customer?.shippingAddress ?? null,
    billingAddress: cart.customer?.billingAddress ?? cart.customer?.shippingAddress ?? null,
    currency: cart.lines[0]?.currency as string,
    lines: cart.lines,
    shippingMinor: 0,
    discountMinor: 0,
    paymentStatus: "unpaid",
    carrier: null,
    trackingNumber: null,
    trackingUrl: null,
    notes: input.notes ?? null,
    staffNotes: null,
    placedAt: new Date().toISOString(),
    actorId: principal.id,
    intakeHash: null,
    cartId: cart.id,
  });
}
