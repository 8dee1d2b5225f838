// Orders: placing (from a cart or through intake), the lifecycle with its stock effects, substitutes,
// lists and dashboards. Every change is one D1 batch with its event row; a batch whose conditions fail
// (another change got there first, stock ran out) is rolled back whole.
import type { Env } from "../../env";
import { assertion, clearAssertions, failedAssertion } from "../../lib/batch";
import { isUniqueViolation } from "../../lib/db-errors";
import { newId } from "../../lib/ids";
import { money } from "../../lib/money";
import { decodeCursor, toPage } from "../../lib/pagination";
import { badRequest, conflict, forbidden, notFound } from "../../lib/problem";
import { prefixTerms, searchWords } from "../../lib/search";
import { type Audience, audienceOf, customerScope, type Principal } from "../auth/principal";
import { lineTax } from "../carts/service";
import { similarProducts } from "../catalog/insights";
import { legStatements, locationFor, releaseLeg, reserveLeg, saleLeg } from "../inventory/service";
import { canMove, type OrderStatus, PROGRESS, pathTo, REACHED_AT, TRANSITIONS } from "./lifecycle";

export interface OrderRow {
  id: string;
  number: string;
  kind: "sale" | "purchase";
  status: OrderStatus;
  source: string;
  external_ref: string | null;
  customer_id: string | null;
  merchant: string | null;
  currency: string;
  subtotal_minor: number;
  tax_minor: number;
  shipping_minor: number;
  discount_minor: number;
  total_minor: number;
  payment_status: "unpaid" | "partial" | "paid" | "refunded";
  carrier: string | null;
  tracking_number: string | null;
  tracking_url: string | null;
  notes: string | null;
  staff_notes: string | null;
  intake_hash: string | null;
  version: number;
  placed_at: string;
  under_risk_at: string | null;
  awaiting_customer_at: string | null;
  picking_at: string | null;
  shipped_at: string | null;
  delivered_at: string | null;
  cancelled_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface LineRow {
  id: string;
  order_id: string;
  line_no: number;
  product_id: string | null;
  sku: string;
  name: string;
  quantity: number;
  unit_price_minor: number;
  tax_rate_bp: number;
  location_id: string | null;
  reserved: number;
  fill: "ok" | "short" | "untracked";
  risk_reason: string | null;
  substitutes: string;
  replaced_product_id: string | null;
}

/** What each audience sees of an order: where stock sits is for the shop and its fulfilment partners; staff
 * notes are the shop's own. */
export function toOrderView(o: OrderRow, lines: LineRow[], audience: Audience) {
  const fulfils = audience !== "customer";
  return {
    id: o.id,
    number: o.number,
    kind: o.kind,
    status: o.status,
    allowed_transitions: [...TRANSITIONS[o.status]],
    source: o.source,
    external_ref: o.external_ref,
    customer_id: o.customer_id,
    merchant: o.merchant,
    currency: o.currency,
    lines: lines.map((l) => ({
      id: l.id,
      line_no: l.line_no,
      product_id: l.product_id,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unit_price: money(l.unit_price_minor, o.currency),
      tax_rate_bp: l.tax_rate_bp,
      line_total: money(l.unit_price_minor * l.quantity, o.currency),
      fill: l.fill,
      risk_reason: l.risk_reason,
      substitutes: JSON.parse(l.substitutes) as string[],
      replaced_product_id: l.replaced_product_id,
      ...(fulfils && { location_id: l.location_id, reserved: l.reserved }),
    })),
    totals: {
      subtotal: money(o.subtotal_minor, o.currency),
      tax: money(o.tax_minor, o.currency),
      shipping: money(o.shipping_minor, o.currency),
      discount: money(o.discount_minor, o.currency),
      total: money(o.total_minor, o.currency),
    },
    payment_status: o.payment_status,
    tracking: { carrier: o.carrier, number: o.tracking_number, url: o.tracking_url },
    notes: o.notes,
    ...(audience === "shop" && { staff_notes: o.staff_notes }),
    reached: {
      placed: o.placed_at,
      under_risk: o.under_risk_at,
      awaiting_customer: o.awaiting_customer_at,
      picking: o.picking_at,
      shipped: o.shipped_at,
      delivered: o.delivered_at,
      cancelled: o.cancelled_at,
    },
    version: o.version,
    created_at: o.created_at,
    updated_at: o.updated_at,
  };
}
export type OrderView = ReturnType<typeof toOrderView>;

// Reading

/** An order and its lines in one round trip, by id or by (source, external_ref). */
export async function loadOrder(env: Env, key: string | { source: string; externalRef: string }) {
  const [where, binds] =
    typeof key === "string"
      ? ["o.id = ?", [key]]
      : ["o.source = ? AND o.external_ref = ?", [key.source, key.externalRef]];
  const [order, lines] = await env.DB.batch([
    env.DB.prepare(`SELECT o.* FROM orders o WHERE ${where}`).bind(...binds),
    env.DB.prepare(
      `SELECT l.* FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE ${where} ORDER BY l.line_no`,
    ).bind(...binds),
  ]);
  const row = order?.results[0] as OrderRow | undefined;
  return row ? { order: row, lines: (lines?.results ?? []) as LineRow[] } : undefined;
}

/** The order as this caller may see it: a customer user asking for another customer's order gets 404. */
export async function visibleOrder(env: Env, principal: Principal, id: string) {
  const loaded = await loadOrder(env, id);
  const scope = customerScope(principal);
  if (!loaded || (scope !== null && loaded.order.customer_id !== scope)) throw notFound("No such order.");
  return loaded;
}

/**
 * An order's chat is a conversation between the customer and the shop. A vendor fulfils the order from its
 * lines, buyer and tracking, and is not part of that conversation (which can hold prices, complaints and
 * personal matters), so it neither reads nor joins it.
 */
export function assertInConversation(principal: Principal): void {
  if (audienceOf(principal) === "vendor") {
    throw forbidden("An order's chat is between the customer and the shop; vendors do not take part.");
  }
}

export async function getOrder(env: Env, principal: Principal, id: string) {
  const { order, lines } = await visibleOrder(env, principal, id);
  return toOrderView(order, lines, audienceOf(principal));
}

export async function listEvents(env: Env, principal: Principal, id: string) {
  await visibleOrder(env, principal, id);
  const { results } = await env.DB.prepare(
    "SELECT * FROM order_events WHERE order_id = ? ORDER BY created_at, id",
  )
    .bind(id)
    .all<Record<string, unknown> & { details: string | null }>();
  return results.map((e) => ({
    id: e.id as string,
    type: e.type as string,
    from_status: e.from_status as string | null,
    to_status: e.to_status as string | null,
    source: e.source as string,
    actor_id: e.actor_id as string | null,
    details: e.details ? (JSON.parse(e.details) as Record<string, unknown>) : null,
    created_at: e.created_at as string,
  }));
}

// Writing: the building blocks of every batch

interface EventInput {
  orderId: string;
  type: string;
  from?: OrderStatus | null;
  to?: OrderStatus | null;
  source: string;
  actorId: string | null;
  details?: Record<string, unknown>;
  at: string;
}

export const eventStatement = (env: Env, e: EventInput, id = newId()) =>
  env.DB.prepare(
    `INSERT INTO order_events (id, order_id, type, from_status, to_status, source, actor_id, details, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).bind(
    id,
    e.orderId,
    e.type,
    e.from ?? null,
    e.to ?? null,
    e.source,
    e.actorId,
    e.details ? JSON.stringify(e.details) : null,
    e.at,
  );

/** Asserts the order is still as it was read: the batch is undone if someone changed it meanwhile. */
const unchangedSince = (env: Env, order: OrderRow) =>
  assertion(
    env.DB,
    "order-unchanged",
    "EXISTS (SELECT 1 FROM orders WHERE id = ? AND version = ?)",
    order.id,
    order.version,
  );

/**
 * Human order numbers: a counter per year that only goes up, so a number is never reused. The year is the
 * one in which ROMS received the order (not what a sender claims as its placing time), so it always has
 * four digits and numbers follow the order of arrival.
 */
async function allocateNumber(env: Env, received: Date): Promise<string> {
  const year = received.getUTCFullYear();
  const last = await env.DB.prepare(
    `INSERT INTO order_counters (year, last) VALUES (?, 1)
     ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`,
  )
    .bind(year)
    .first<number>("last");
  return `R-${year}-${String(last).padStart(6, "0")}`;
}

export function totalsOf(
  lines: { unitPriceMinor: number; quantity: number; taxRateBp: number }[],
  shipping: number,
  discount: number,
) {
  const subtotal = lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0);
  const tax = lines.reduce((s, l) => s + lineTax(l.unitPriceMinor * l.quantity, l.taxRateBp), 0);
  return { subtotal, tax, total: subtotal + tax + shipping - discount };
}

export async function notifyRoom(env: Env, orderId: string, event: Record<string, unknown>) {
  try {
    await env.ORDER_ROOM.getByName(orderId).publish(event);
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "warn",
        msg: "order room publish failed",
        order_id: orderId,
        error: String(error),
      }),
    );
  }
}

// Placing

export interface DraftLine {
  productId: string | null;
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
  taxRateBp: number;
  /** The customer's own ranked substitutes (from the cart). */
  wanted: string[];
}

export interface DraftOrder {
  kind: "sale" | "purchase";
  source: string;
  externalRef: string | null;
  customerId: string | null;
  merchant: string | null;
  currency: string;
  lines: DraftLine[];
  shippingMinor: number;
  discountMinor: number;
  paymentStatus: OrderRow["payment_status"];
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  notes: string | null;
  staffNotes: string | null;
  placedAt: string;
  actorId: string | null;
  intakeHash: string | null;
  cartId: string | null;
}

interface PlannedLine extends DraftLine {
  id: string;
  lineNo: number;
  fill: LineRow["fill"];
  locationId: string | null;
  reserved: number;
  riskReason: string | null;
  substitutes: string[];
}

/** Picks where each line's stock comes from, or says why it cannot be filled. */
async function planLines(env: Env, draft: DraftOrder): Promise<PlannedLine[]> {
  const planned: PlannedLine[] = [];
  for (const [i, line] of draft.lines.entries()) {
    const base = { ...line, id: newId(), lineNo: i + 1, substitutes: [] as string[] };
    if (draft.kind !== "sale" || line.productId === null) {
      planned.push({ ...base, fill: "untracked", locationId: null, reserved: 0, riskReason: null });
      continue;
    }
    const { locationId, most } = await locationFor(env, line.productId, line.quantity);
    planned.push(
      locationId
        ? { ...base, fill: "ok", locationId, reserved: line.quantity, riskReason: null }
        : {
            ...base,
            fill: "short",
            locationId: null,
            reserved: 0,
            riskReason: `Only ${most} available for ${line.quantity} ordered.`,
          },
    );
  }
  return planned;
}

/** Substitutes to offer for a short line: the customer's own choices that are in stock, else similar ones. */
async function offerSubstitutes(env: Env, line: PlannedLine): Promise<string[]> {
  // Offered only when one location can hold the whole line, as placing the substitute will need.
  const fits = async (ids: string[]) => {
    const found: string[] = [];
    for (const id of ids) {
      if (found.length === 2) break;
      if ((await locationFor(env, id, line.quantity)).most >= line.quantity) found.push(id);
    }
    return found;
  };
  const own = await fits(line.wanted);
  if (own.length > 0 || line.productId === null) return own;
  const similar = await similarProducts(env, undefined, line.productId, 5).catch(() => ({ items: [] }));
  return fits(similar.items.map((i) => i.product.id));
}

const PLACE_ATTEMPTS = 3;

/** Places an order: lines planned against stock, reservations, events and the order row in one batch. */
export async function placeOrder(env: Env, draft: DraftOrder): Promise<{ id: string; status: OrderStatus }> {
  for (let attempt = 1; attempt <= PLACE_ATTEMPTS; attempt++) {
    const lines = await planLines(env, draft);
    const short = lines.filter((l) => l.fill === "short");
    for (const l of short) l.substitutes = await offerSubstitutes(env, l);

    const now = new Date().toISOString();
    const steps: OrderStatus[] =
      draft.kind === "purchase"
        ? []
        : short.length === 0
          ? ["picking"]
          : short.every((l) => l.substitutes.length > 0)
            ? ["under_risk", "awaiting_customer"]
            : ["under_risk"];
    const status = steps.at(-1) ?? "placed";
    const totals = totalsOf(draft.lines, draft.shippingMinor, draft.discountMinor);
    const id = newId();
    const number = await allocateNumber(env, new Date(now));
    const reached = Object.fromEntries(steps.map((s) => [REACHED_AT[s], now]));

    const statements: D1PreparedStatement[] = [
      env.DB.prepare(
        `INSERT INTO orders (id, number, kind, status, source, external_ref, customer_id, merchant, currency,
                             subtotal_minor, tax_minor, shipping_minor, discount_minor, total_minor, payment_status,
                             carrier, tracking_number, tracking_url, notes, staff_notes, intake_hash, placed_at,
                             under_risk_at, awaiting_customer_at, picking_at, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(
        id,
        number,
        draft.kind,
        status,
        draft.source,
        draft.externalRef,
        draft.customerId,
        draft.merchant,
        draft.currency,
        totals.subtotal,
        totals.tax,
        draft.shippingMinor,
        draft.discountMinor,
        totals.total,
        draft.paymentStatus,
        draft.carrier,
        draft.trackingNumber,
        draft.trackingUrl,
        draft.notes,
        draft.staffNotes,
        draft.intakeHash,
        draft.placedAt,
        reached.under_risk_at ?? null,
        reached.awaiting_customer_at ?? null,
        reached.picking_at ?? null,
        draft.actorId,
        now,
        now,
      ),
      ...lines.map((l) =>
        env.DB.prepare(
          `INSERT INTO order_lines (id, order_id, line_no, product_id, sku, name, quantity, unit_price_minor, tax_rate_bp,
                                    location_id, reserved, fill, risk_reason, substitutes)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).bind(
          l.id,
          id,
          l.lineNo,
          l.productId,
          l.sku,
          l.name,
          l.quantity,
          l.unitPriceMinor,
          l.taxRateBp,
          l.locationId,
          l.reserved,
          l.fill,
          l.riskReason,
          JSON.stringify(l.substitutes),
        ),
      ),
      eventStatement(env, {
        orderId: id,
        type: "created",
        to: "placed",
        source: draft.source,
        actorId: draft.actorId,
        details: { number, lines: lines.length, total: totals.total, currency: draft.currency },
        at: now,
      }),
      ...steps.map((to, i) =>
        eventStatement(env, {
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
          at: now,
        }),
      ),
      ...lines
        .filter((l) => l.fill === "ok" && l.locationId !== null && l.productId !== null)
        .flatMap((l) =>
          legStatements(env, reserveLeg(l.productId as string, l.locationId as string, l.quantity), {
            actorId: draft.actorId,
            referenceType: "order",
            referenceId: id,
            reason: `Order ${number}`,
          }),
        ),
      ...(draft.cartId
        ? [
            assertion(
              env.DB,
              "cart-open",
              "EXISTS (SELECT 1 FROM carts WHERE id = ? AND status = 'open')",
              draft.cartId,
            ),
            env.DB.prepare("UPDATE carts SET status = 'ordered', updated_at = ? WHERE id = ?").bind(
              now,
              draft.cartId,
            ),
          ]
        : []),
      clearAssertions(env.DB),
    ];
    try {
      await env.DB.batch(statements);
    } catch (error) {
      if (failedAssertion(error) && attempt < PLACE_ATTEMPTS) continue; // stock moved under us: plan again
      if (failedAssertion(error))
        throw conflict("Stock or the cart changed while the order was placed; try again.");
      if (isUniqueViolation(error)) throw new DuplicateOrder();
      throw error;
    }
    await notifyRoom(env, id, { type: "status", status, order_id: id });
    return { id, status };
  }
  throw conflict("Stock changed while the order was placed; try again.");
}

/** Thrown when (source, external_ref) already exists: intake turns it into an update. */
export class DuplicateOrder extends Error {}

export async function placeFromCart(env: Env, principal: Principal, input: { notes?: string | undefined }) {
  if (principal.kind !== "user" || principal.role !== "customer" || !principal.customerId) {
    throw forbidden("Orders are placed from carts by customer users linked to a customer.");
  }
  const cart = await env.DB.prepare("SELECT id FROM carts WHERE user_id = ? AND status = 'open'")
    .bind(principal.id)
    .first<{ id: string }>();
  const { results } = cart
    ? await env.DB.prepare(
        `SELECT l.product_id, l.quantity, l.substitutes, p.sku, p.name, p.price_minor, p.currency, p.tax_rate_bp
           FROM cart_lines l JOIN products p ON p.id = l.product_id
          WHERE l.cart_id = ? AND p.status = 'published' AND p.deleted_at IS NULL ORDER BY l.added_at, l.product_id`,
      )
        .bind(cart.id)
        .all<{
          product_id: string;
          quantity: number;
          substitutes: string;
          sku: string;
          name: string;
          price_minor: number;
          currency: string;
          tax_rate_bp: number;
        }>()
    : { results: [] };
  if (!cart || results.length === 0) throw conflict("Your cart is empty.");
  const currencies = new Set(results.map((r) => r.currency));
  if (currencies.size > 1) throw conflict("An order is in one currency; your cart holds several. Split it.");
  const placed = await placeOrder(env, {
    kind: "sale",
    source: "cart",
    externalRef: null,
    customerId: principal.customerId,
    merchant: null,
    currency: results[0]?.currency as string,
    lines: results.map((r) => ({
      productId: r.product_id,
      sku: r.sku,
      name: r.name,
      quantity: r.quantity,
      unitPriceMinor: r.price_minor,
      taxRateBp: r.tax_rate_bp,
      wanted: JSON.parse(r.substitutes) as string[],
    })),
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
  // Placed with the staff view; answer with what this customer may see.
  return getOrder(env, principal, placed.id);
}

// The lifecycle

export interface TransitionInput {
  to: OrderStatus;
  source: string;
  actorId: string | null;
  note?: string | undefined;
  details?: Record<string, unknown>;
}

const CUSTOMER_CANCELLABLE: OrderStatus[] = ["placed", "under_risk", "awaiting_customer"];

/** The moves of fulfilment, which vendors make; cancelling and risk decisions stay with the shop. */
const FULFILMENT_MOVES: OrderStatus[] = ["picking", "shipped", "delivered"];

/**
 * Who may make which move: the shop (staff, integrations) any allowed move; vendors the moves of
 * fulfilment; customers only cancel, and only before picking.
 */
export function checkMovePermission(principal: Principal, order: OrderRow, to: OrderStatus) {
  const audience = audienceOf(principal);
  if (audience === "vendor" && !FULFILMENT_MOVES.includes(to)) {
    throw forbidden(`Vendors move orders through ${FULFILMENT_MOVES.join(", ")}; ${to} is for the shop.`);
  }
  if (audience === "customer" && (to !== "cancelled" || !CUSTOMER_CANCELLABLE.includes(order.status))) {
    throw forbidden("Customers may cancel an order before picking starts; other moves are for staff.");
  }
}

/** Where a change came from, as the timeline records it. */
const sourceOf = (principal: Principal) =>
  principal.kind === "api_key"
    ? "api"
    : ({ shop: "staff", vendor: "vendor", customer: "customer" } as const)[audienceOf(principal)];

/** Applies one allowed move with its stock effects, in one batch. */
export async function transition(
  env: Env,
  order: OrderRow,
  lines: LineRow[],
  input: TransitionInput,
): Promise<void> {
  if (!canMove(order.status, input.to)) {
    throw conflict(`An order that is ${order.status} cannot become ${input.to}.`, {
      current: order.status,
      allowed: TRANSITIONS[order.status],
    });
  }
  const short = lines.filter((l) => l.fill === "short");
  if ((input.to === "picking" || input.to === "shipped") && short.length > 0) {
    throw conflict(
      `Lines ${short.map((l) => l.line_no).join(", ")} cannot be filled yet; choose substitutes or cancel.`,
      {
        current: order.status,
        allowed: TRANSITIONS[order.status],
      },
    );
  }
  const now = new Date().toISOString();
  const ctx = {
    actorId: input.actorId,
    referenceType: "order",
    referenceId: order.id,
    reason: `Order ${order.number}`,
  };
  const effects: D1PreparedStatement[] = [];
  if (input.to === "cancelled") {
    for (const l of lines.filter((x) => x.reserved > 0 && x.product_id && x.location_id)) {
      effects.push(
        ...legStatements(env, releaseLeg(l.product_id as string, l.location_id as string, l.reserved), ctx),
      );
      effects.push(env.DB.prepare("UPDATE order_lines SET reserved = 0 WHERE id = ?").bind(l.id));
    }
  }
  if (input.to === "shipped") {
    for (const l of lines.filter((x) => x.fill === "ok" && x.product_id && x.location_id)) {
      effects.push(
        ...legStatements(
          env,
          saleLeg(l.product_id as string, l.location_id as string, l.quantity, l.reserved),
          ctx,
        ),
      );
      effects.push(env.DB.prepare("UPDATE order_lines SET reserved = 0 WHERE id = ?").bind(l.id));
    }
  }
  try {
    await env.DB.batch([
      unchangedSince(env, order),
      env.DB.prepare(
        `UPDATE orders SET status = ?, ${REACHED_AT[input.to]} = ?, version = version + 1, updated_at = ? WHERE id = ?`,
      ).bind(input.to, now, now, order.id),
      eventStatement(env, {
        orderId: order.id,
        type: "status",
        from: order.status,
        to: input.to,
        source: input.source,
        actorId: input.actorId,
        details: { ...(input.note && { note: input.note }), ...input.details },
        at: now,
      }),
      ...effects,
      clearAssertions(env.DB),
    ]);
  } catch (error) {
    if (!failedAssertion(error)) throw error;
    const fresh = await loadOrder(env, order.id);
    if (fresh && fresh.order.version !== order.version) {
      throw conflict("The order changed meanwhile; read it again.", {
        current: fresh.order.status,
        allowed: TRANSITIONS[fresh.order.status],
      });
    }
    throw conflict("There is not enough stock at the line's location to ship it.", { current: order.status });
  }
  await notifyRoom(env, order.id, {
    type: "status",
    order_id: order.id,
    from: order.status,
    to: input.to,
    source: input.source,
  });
}

export async function moveOrder(env: Env, principal: Principal, id: string, to: OrderStatus, note?: string) {
  const { order, lines } = await visibleOrder(env, principal, id);
  checkMovePermission(principal, order, to);
  const source = sourceOf(principal);
  await transition(env, order, lines, { to, source, actorId: principal.id, note });
  return getOrder(env, principal, id);
}

/**
 * Puts a substitute on a short line: the customer picks one of the offered ones, staff any published
 * product. Its stock is reserved in the same batch; when no line is short any more the order goes to picking.
 */
export async function chooseSubstitute(
  env: Env,
  principal: Principal,
  orderId: string,
  lineId: string,
  productId: string,
) {
  const audience = audienceOf(principal);
  if (audience === "vendor") throw forbidden("Substitutes are chosen by the customer or the shop.");
  const { order, lines } = await visibleOrder(env, principal, orderId);
  const line = lines.find((l) => l.id === lineId);
  if (!line) throw notFound("No such line.");
  if (!["under_risk", "awaiting_customer"].includes(order.status) || line.fill !== "short") {
    throw conflict("Only a short line of an order at risk takes a substitute.", { current: order.status });
  }
  const offered = JSON.parse(line.substitutes) as string[];
  if (audience === "customer" && !offered.includes(productId)) {
    throw badRequest("Choose one of the substitutes offered for this line.", [
      { in: "body", path: "product_id", message: `One of: ${offered.join(", ") || "(none offered)"}` },
    ]);
  }
  const product = await env.DB.prepare(
    "SELECT id, sku, name, price_minor, currency, tax_rate_bp FROM products WHERE id = ? AND status = 'published' AND deleted_at IS NULL",
  )
    .bind(productId)
    .first<{
      id: string;
      sku: string;
      name: string;
      price_minor: number;
      currency: string;
      tax_rate_bp: number;
    }>();
  if (!product) throw notFound("No such product.");
  if (product.currency !== order.currency)
    throw conflict(`The substitute is priced in ${product.currency}, the order in ${order.currency}.`);
  const place = await locationFor(env, product.id, line.quantity);
  if (!place.locationId) {
    throw conflict(`The substitute is not in stock for ${line.quantity} either.`, { current: order.status });
  }

  const now = new Date().toISOString();
  const newLines = lines.map((l) =>
    l.id === line.id
      ? { ...l, unit_price_minor: product.price_minor, tax_rate_bp: product.tax_rate_bp, fill: "ok" as const }
      : l,
  );
  const totals = totalsOf(
    newLines.map((l) => ({
      unitPriceMinor: l.unit_price_minor,
      quantity: l.quantity,
      taxRateBp: l.tax_rate_bp,
    })),
    order.shipping_minor,
    order.discount_minor,
  );
  const stillShort = newLines.some((l) => l.fill === "short");
  const source = sourceOf(principal);
  const statements = [
    unchangedSince(env, order),
    env.DB.prepare(
      `UPDATE order_lines SET product_id = ?, sku = ?, name = ?, unit_price_minor = ?, tax_rate_bp = ?, location_id = ?,
              reserved = ?, fill = 'ok', risk_reason = NULL, substitutes = '[]', replaced_product_id = ? WHERE id = ?`,
    ).bind(
      product.id,
      product.sku,
      product.name,
      product.price_minor,
      product.tax_rate_bp,
      place.locationId,
      line.quantity,
      line.product_id,
      line.id,
    ),
    ...legStatements(env, reserveLeg(product.id, place.locationId as string, line.quantity), {
      actorId: principal.id,
      referenceType: "order",
      referenceId: order.id,
      reason: `Order ${order.number} substitute`,
    }),
    eventStatement(env, {
      orderId: order.id,
      type: "substitute",
      source,
      actorId: principal.id,
      details: {
        line_no: line.line_no,
        from: { product_id: line.product_id, sku: line.sku },
        to: { product_id: product.id, sku: product.sku },
      },
      at: now,
    }),
    env.DB.prepare(
      `UPDATE orders SET subtotal_minor = ?, tax_minor = ?, total_minor = ?, version = version + 1, updated_at = ?
         ${stillShort ? "" : ", status = 'picking', picking_at = ?"} WHERE id = ?`,
    ).bind(totals.subtotal, totals.tax, totals.total, now, ...(stillShort ? [] : [now]), order.id),
    ...(stillShort
      ? []
      : [
          eventStatement(env, {
            orderId: order.id,
            type: "status",
            from: order.status,
            to: "picking",
            source,
            actorId: principal.id,
            details: { reason: "every line filled" },
            at: now,
          }),
        ]),
    clearAssertions(env.DB),
  ];
  try {
    await env.DB.batch(statements);
  } catch (error) {
    if (failedAssertion(error))
      throw conflict("The order or the substitute's stock changed meanwhile; try again.");
    throw error;
  }
  await notifyRoom(env, order.id, {
    type: "substitute",
    order_id: order.id,
    line_no: line.line_no,
    product_id: product.id,
  });
  return getOrder(env, principal, order.id);
}

export interface OrderPatch {
  notes?: string | null | undefined;
  staff_notes?: string | null | undefined;
  payment_status?: OrderRow["payment_status"] | undefined;
  tracking?:
    | {
        carrier?: string | null | undefined;
        number?: string | null | undefined;
        url?: string | null | undefined;
      }
    | undefined;
}

/**
 * Edits of notes, payment status and tracking, recorded as one event: the shop edits all of them, a vendor
 * the tracking of the parcels it ships.
 */
export async function updateOrder(env: Env, principal: Principal, id: string, patch: OrderPatch) {
  const audience = audienceOf(principal);
  if (audience === "customer") throw forbidden("Orders are edited by staff.");
  if (audience === "vendor") {
    const refused = (["notes", "staff_notes", "payment_status"] as const).filter(
      (f) => patch[f] !== undefined,
    );
    if (refused.length > 0) {
      throw forbidden(`Vendors set tracking only; ${refused.join(", ")} are edited by the shop.`);
    }
  }
  const { order } = await visibleOrder(env, principal, id);
  const set: Record<string, unknown> = {};
  if (patch.notes !== undefined && patch.notes !== order.notes) set.notes = patch.notes;
  if (patch.staff_notes !== undefined && patch.staff_notes !== order.staff_notes)
    set.staff_notes = patch.staff_notes;
  if (patch.payment_status !== undefined && patch.payment_status !== order.payment_status)
    set.payment_status = patch.payment_status;
  if (patch.tracking?.carrier !== undefined && patch.tracking.carrier !== order.carrier)
    set.carrier = patch.tracking.carrier;
  if (patch.tracking?.number !== undefined && patch.tracking.number !== order.tracking_number)
    set.tracking_number = patch.tracking.number;
  if (patch.tracking?.url !== undefined && patch.tracking.url !== order.tracking_url)
    set.tracking_url = patch.tracking.url;
  const columns = Object.keys(set);
  if (columns.length === 0) return getOrder(env, principal, id);
  const now = new Date().toISOString();
  try {
    await env.DB.batch([
      unchangedSince(env, order),
      env.DB.prepare(
        `UPDATE orders SET ${columns.map((c) => `${c} = ?`).join(", ")}, version = version + 1, updated_at = ? WHERE id = ?`,
      ).bind(...columns.map((c) => set[c]), now, id),
      eventStatement(env, {
        orderId: id,
        type: "updated",
        source: sourceOf(principal),
        actorId: principal.id,
        details: { changes: columns },
        at: now,
      }),
      clearAssertions(env.DB),
    ]);
  } catch (error) {
    if (failedAssertion(error)) throw conflict("The order changed meanwhile; read it again.");
    throw error;
  }
  await notifyRoom(env, id, {
    type: "updated",
    order_id: id,
    changes: columns.filter((c) => c !== "staff_notes"),
  });
  return getOrder(env, principal, id);
}

// Lists and dashboards

export interface OrderFilter {
  status?: OrderStatus | undefined;
  kind?: "sale" | "purchase" | undefined;
  source?: string | undefined;
  customer_id?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Months (yyyymm) from `from` to `to`, or undefined when the range is open or longer than two years. */
export function monthsBetween(from: string | undefined, to: string | undefined): string[] | undefined {
  if (!from || !to) return undefined;
  const start = new Date(from);
  const end = new Date(Date.parse(to) - 1);
  const months: string[] = [];
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth();
  while (year < end.getUTCFullYear() || (year === end.getUTCFullYear() && month <= end.getUTCMonth())) {
    months.push(`${year}${String(month + 1).padStart(2, "0")}`);
    if (months.length > 24) return undefined;
    month = (month + 1) % 12;
    if (month === 0) year++;
  }
  return months;
}

/**
 * The words people typed, as prefixes, ANDed with bucket tokens for status, kind and placed month when
 * those filters are given: the index then returns only orders in those buckets, so the work is bounded by
 * a bucket's size (about a month of orders), not by the table's.
 */
function ftsMatch(filter: OrderFilter): string | undefined {
  const words = searchWords(filter.q ?? "");
  if (words.length === 0) return undefined;
  const terms = prefixTerms(words);
  if (filter.status) terms.push(`zs${filter.status.replaceAll("_", "")}`);
  if (filter.kind) terms.push(`zk${filter.kind}`);
  const months = monthsBetween(filter.from, filter.to);
  if (months && months.length > 0) terms.push(`(${months.map((m) => `zm${m}`).join(" OR ")})`);
  return terms.join(" AND ");
}

/** Newest placed first, keyset on (placed_at, id). Customers see their own orders only. */
export async function listOrders(env: Env, principal: Principal, filter: OrderFilter) {
  const after = decodeCursor(filter.cursor, 2) as [string, string] | undefined;
  const where: string[] = [];
  const binds: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    binds.push(...values);
  };
  const scope = customerScope(principal);
  if (scope !== null) add("o.customer_id = ?", scope);
  else if (filter.customer_id) add("o.customer_id = ?", filter.customer_id);
  if (filter.status) add("o.status = ?", filter.status);
  if (filter.kind) add("o.kind = ?", filter.kind);
  if (filter.source) add("o.source = ?", filter.source);
  // Times arrive as RFC 3339 with any offset; stored ones are UTC, so compare in UTC.
  if (filter.from) add("o.placed_at >= ?", new Date(filter.from).toISOString());
  if (filter.to) add("o.placed_at < ?", new Date(filter.to).toISOString());
  if (after) add("(o.placed_at < ? OR (o.placed_at = ? AND o.id < ?))", after[0], after[0], after[1]);
  const match = filter.q === undefined ? undefined : ftsMatch(filter);
  if (filter.q !== undefined && match === undefined) return { items: [], next_cursor: null };
  const from =
    match === undefined ? "orders o" : "orders_fts CROSS JOIN orders o ON o.rowid = orders_fts.rowid";
  if (match !== undefined) {
    where.unshift("orders_fts MATCH ?");
    binds.unshift(match);
  }
  const { results } = await env.DB.prepare(
    `SELECT o.* FROM ${from} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY o.placed_at DESC, o.id DESC LIMIT ?`,
  )
    .bind(...binds, filter.limit + 1)
    .all<OrderRow>();
  const page = toPage(results, filter.limit, (o) => [o.placed_at, o.id]);
  const audience = audienceOf(principal);
  return {
    items: page.items.map((o) => {
      const { lines: _lines, ...summary } = toOrderView(o, [], audience);
      return summary;
    }),
    next_cursor: page.next_cursor,
  };
}

const IN_PROGRESS: OrderStatus[] = ["placed", "under_risk", "awaiting_customer", "picking", "shipped"];

/** UTC instant of the start of today in an IANA time zone. */
export function startOfDay(timeZone: string, now = new Date()): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offset = asUtc - Math.floor(now.getTime() / 1000) * 1000;
  return new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) - offset);
}

const zeroCounts = () =>
  Object.fromEntries(Object.keys(TRANSITIONS).map((s) => [s, 0])) as Record<OrderStatus, number>;

const dashboardSummary = (o: OrderRow) => ({
  id: o.id,
  number: o.number,
  status: o.status,
  total: money(o.total_minor, o.currency),
  placed_at: o.placed_at,
});

/**
 * Customers: their orders by status, in progress, needing their action, recent. The shop and vendors:
 * today's sales (and, for the shop, their revenue per currency) and purchases, and orders by status, with
 * sales and purchases counted apart. One round trip either way.
 */
export async function dashboard(env: Env, principal: Principal, timeZone: string) {
  const scope = customerScope(principal);
  if (scope !== null) {
    const list = (statuses: readonly OrderStatus[], limit: number) =>
      env.DB.prepare(
        `SELECT * FROM orders WHERE customer_id = ? AND status IN (${statuses.map(() => "?").join(",")})
          ORDER BY placed_at DESC, id DESC LIMIT ?`,
      ).bind(scope, ...statuses, limit);
    const [byStatus, inProgress, needsAction, recent] = await env.DB.batch([
      env.DB.prepare("SELECT status, COUNT(*) AS n FROM orders WHERE customer_id = ? GROUP BY status").bind(
        scope,
      ),
      list(IN_PROGRESS, 20),
      list(["awaiting_customer"], 20),
      list(Object.keys(TRANSITIONS) as OrderStatus[], 5),
    ]);
    const counts = zeroCounts();
    for (const r of (byStatus?.results ?? []) as { status: OrderStatus; n: number }[]) counts[r.status] = r.n;
    const rows = (result: D1Result | undefined) =>
      ((result?.results ?? []) as OrderRow[]).map(dashboardSummary);
    return {
      view: "customer" as const,
      counts,
      in_progress: rows(inProgress),
      needs_your_action: rows(needsAction),
      recent: rows(recent),
    };
  }
  const since = startOfDay(timeZone).toISOString();
  const [byStatus, today] = await env.DB.batch([
    env.DB.prepare("SELECT kind, status, COUNT(*) AS n FROM orders GROUP BY kind, status"),
    env.DB.prepare(
      `SELECT kind, currency, COUNT(*) AS n, SUM(CASE WHEN status != 'cancelled' THEN total_minor ELSE 0 END) AS total
         FROM orders WHERE placed_at >= ? GROUP BY kind, currency`,
    ).bind(since),
  ]);
  const counts = { sale: zeroCounts(), purchase: zeroCounts() };
  for (const r of (byStatus?.results ?? []) as {
    kind: "sale" | "purchase";
    status: OrderStatus;
    n: number;
  }[])
    counts[r.kind][r.status] = r.n;
  const todays = (today?.results ?? []) as {
    kind: "sale" | "purchase";
    currency: string;
    n: number;
    total: number;
  }[];
  const sales = todays.filter((r) => r.kind === "sale");
  return {
    view: "staff" as const,
    time_zone: timeZone,
    today_since: since,
    today_orders: sales.reduce((sum, r) => sum + r.n, 0),
    // Revenue is the shop's business; fulfilment partners see the work, not the money.
    ...(audienceOf(principal) === "shop" && { today_revenue: sales.map((r) => money(r.total, r.currency)) }),
    today_purchases: todays.filter((r) => r.kind === "purchase").reduce((sum, r) => sum + r.n, 0),
    counts,
  };
}

export { PROGRESS, pathTo };
