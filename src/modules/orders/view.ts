// What an order is to each audience: the rows (typed by the drizzle tables) mapped to the API's views.
import type { orderEvents, orderLines, orders } from "../../db/schema/orders";
import { money } from "../../lib/money";
import type { Audience } from "../auth/principal";
import { TRANSITIONS } from "./lifecycle";

export type OrderRow = typeof orders.$inferSelect;
export type LineRow = typeof orderLines.$inferSelect;
export type EventRow = typeof orderEvents.$inferSelect;

/**
 * Where stock sits is for the shop and its fulfilment partners; staff notes are the shop's own (see
 * audienceOf).
 */
export function toOrderView(o: OrderRow, lines: LineRow[], audience: Audience) {
  const fulfils = audience !== "customer";
  return {
    ...toOrderSummary(o, audience),
    lines: lines.map((l) => ({
      id: l.id,
      line_no: l.lineNo,
      product_id: l.productId,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unit_price: money(l.unitPriceMinor, o.currency),
      tax_rate_bp: l.taxRateBp,
      line_total: money(l.unitPriceMinor * l.quantity, o.currency),
      fill: l.fill,
      risk_reason: l.riskReason,
      substitutes: l.substitutes,
      replaced_product_id: l.replacedProductId,
      ...(fulfils && { location_id: l.locationId, reserved: l.reserved }),
    })),
  };
}
export type OrderView = ReturnType<typeof toOrderView>;

/** The order without its lines, as lists show it. */
export function toOrderSummary(o: OrderRow, audience: Audience) {
  return {
    id: o.id,
    number: o.number,
    kind: o.kind,
    status: o.status,
    allowed_transitions: [...TRANSITIONS[o.status]],
    source: o.source,
    external_ref: o.externalRef,
    customer_id: o.customerId,
    merchant: o.merchant,
    // Every audience sees who bought and where it goes: customers their own, vendors what they ship.
    buyer: { name: o.buyerName, email: o.buyerEmail, phone: o.buyerPhone },
    shipping_address: o.shippingAddress ?? null,
    billing_address: o.billingAddress ?? null,
    currency: o.currency,
    totals: {
      subtotal: money(o.subtotalMinor, o.currency),
      tax: money(o.taxMinor, o.currency),
      shipping: money(o.shippingMinor, o.currency),
      discount: money(o.discountMinor, o.currency),
      total: money(o.totalMinor, o.currency),
    },
    payment_status: o.paymentStatus,
    tracking: { carrier: o.carrier, number: o.trackingNumber, url: o.trackingUrl },
    notes: o.notes,
    ...(audience === "shop" && { staff_notes: o.staffNotes }),
    reached: {
      placed: o.placedAt,
      under_risk: o.underRiskAt,
      awaiting_customer: o.awaitingCustomerAt,
      picking: o.pickingAt,
      shipped: o.shippedAt,
      delivered: o.deliveredAt,
      cancelled: o.cancelledAt,
    },
    version: o.version,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  };
}

export const toEventView = (e: EventRow) => ({
  id: e.id,
  type: e.type,
  from_status: e.fromStatus,
  to_status: e.toStatus,
  source: e.source,
  actor_id: e.actorId,
  details: e.details ?? null,
  created_at: e.createdAt,
});

/** An order as dashboards list it. */
export const toDashboardOrder = (o: OrderRow) => ({
  id: o.id,
  number: o.number,
  status: o.status,
  total: money(o.totalMinor, o.currency),
  placed_at: o.placedAt,
});
