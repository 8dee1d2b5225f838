// WooCommerce's order webhooks (the REST API v3 order object, as order.created and order.updated send it)
// read as our OrderIntake.
import type { OrderIntakeInput } from "../../modules/orders/schemas";
import type { Mapped, WebhookTarget } from "./map";
import {
  address,
  asIs,
  compact,
  idText,
  isRecord,
  joined,
  list,
  minor,
  rateBp,
  record,
  text,
} from "./payload";

/** order.restored brings an order back from the bin, whole, like an update. */
const ORDER_TOPICS = new Set(["order.created", "order.updated", "order.restored"]);

/** Where the shop's status puts the order for us; a status not listed (pending, on-hold, processing) says nothing. */
const STATUS = new Map<unknown, OrderIntakeInput["status"]>([
  ["completed", "shipped"],
  ["cancelled", "cancelled"],
  ["failed", "cancelled"],
  ["refunded", "cancelled"],
]);

type Line = NonNullable<OrderIntakeInput["lines"]>[number];

/** WooCommerce's ping on saving a webhook: a form body `webhook_id=12`, unsigned and without a topic. */
export const isWooCommercePing = (payload: unknown) =>
  (typeof payload === "string" && /^webhook_id=\d+$/.test(payload.trim())) ||
  (isRecord(payload) && "webhook_id" in payload && !("line_items" in payload));

export function mapWooCommerce(topic: string | null, payload: unknown, target: WebhookTarget): Mapped {
  if (isWooCommercePing(payload)) return { ignore: "WooCommerce's ping on saving the webhook" };
  // order.deleted carries only the id, and a shop deletes (or bins) test and spam orders: not a cancellation.
  if (topic === "order.deleted")
    return { ignore: "a deleted order carries only its id; cancel it in ROMS if meant" };
  if (topic !== null && !ORDER_TOPICS.has(topic)) return { ignore: `topic ${topic} is not an order event` };
  if (!isRecord(payload)) return { ignore: "the payload is not a JSON object" };
  if (topic === null && !("line_items" in payload && "id" in payload)) {
    return { ignore: "no X-WC-Webhook-Topic and the payload is not an order" };
  }
  const order = payload;
  // Block checkout saves the cart as a draft order before the buyer places it.
  if (order.status === "checkout-draft") return { ignore: "a checkout draft, not placed yet" };

  const currency = order.currency;
  const billing = record(order.billing);
  const rates = ratePercents(order.tax_lines);
  const status = STATUS.get(order.status);
  const buyer = compact({
    name: joined(billing.first_name, billing.last_name),
    email: text(billing.email),
    phone: text(billing.phone),
  });

  const intake: OrderIntakeInput = {
    source: target.source,
    kind: target.orderKind,
    external_ref: idText(order.number) ?? idText(order.id) ?? asIs<string>(order.number ?? order.id),
    currency: text(currency),
    buyer: Object.keys(buyer).length > 0 ? buyer : undefined,
    shipping_address: addressOf(order.shipping),
    billing_address: addressOf(order.billing),
    lines: Array.isArray(order.line_items)
      ? order.line_items.map((item) => lineOf(record(item), currency, rates))
      : asIs<Line[]>(order.line_items),
    shipping: minor(order.shipping_total, currency),
    discount: minor(order.discount_total, currency),
    status,
    payment_status: order.status === "refunded" ? "refunded" : order.date_paid ? "paid" : "unpaid",
    notes: text(order.customer_note),
    placed_at: utc(order.date_created_gmt),
  };
  return { intake: compact(intake) };
}

/** The order's tax rates by rate id, as percents (`rate_percent`, sent since WooCommerce 3.7). */
function ratePercents(taxLines: unknown): Map<unknown, unknown> {
  return new Map(
    list(taxLines)
      .map(record)
      .filter((t) => t.rate_percent !== undefined && t.rate_percent !== null)
      .map((t) => [t.rate_id, t.rate_percent]),
  );
}

function lineOf(item: Record<string, unknown>, currency: unknown, rates: Map<unknown, unknown>): Line {
  // A line's taxes name the rates that applied; one the order does not list leaves the rate unknown: 0.
  const applied = list(item.taxes)
    .map(record)
    .filter((t) => rates.has(t.id) && (nonZero(t.subtotal, currency) || nonZero(t.total, currency)))
    .map((t) => rates.get(t.id));
  const variation = idText(item.variation_id);
  const product = idText(item.product_id);
  return compact({
    // A line without a SKU is known by its variation (or product) id: variations of one product stay apart.
    sku:
      text(item.sku) ??
      (variation ? `woo:${variation}` : product ? `woo:${product}` : asIs<string>(item.sku)),
    name: text(item.name) ?? asIs<string>(item.name),
    quantity: asIs<number>(item.quantity),
    unit_price: unitPrice(item, currency),
    tax_rate_bp: rateBp(applied, "percent"),
  });
}

/**
 * WooCommerce's `price` is the line's total after coupons divided by its quantity (a float), while the order's
 * discount_total is what the coupons took: taking `price` would take the discount twice. The unit price is the
 * line's subtotal (before coupons, without tax) over its quantity, rounded half up to the minor unit if it
 * does not divide; `price` only when there is no subtotal.
 */
function unitPrice(item: Record<string, unknown>, currency: unknown): number {
  const subtotal = minor(item.subtotal, currency);
  const quantity = item.quantity;
  if (subtotal === undefined) return asIs<number>(minor(item.price, currency));
  if (!Number.isSafeInteger(subtotal) || typeof quantity !== "number" || !Number.isSafeInteger(quantity)) {
    return subtotal;
  }
  if (quantity <= 0) return subtotal;
  return Math.floor((2 * subtotal + quantity) / (2 * quantity));
}

const nonZero = (value: unknown, currency: unknown) => {
  const amount = minor(value, currency);
  return amount !== undefined && amount !== 0;
};

function addressOf(value: unknown): OrderIntakeInput["shipping_address"] {
  if (!isRecord(value)) return undefined;
  return address({
    name: joined(value.first_name, value.last_name),
    company: value.company,
    phone: value.phone,
    line1: value.address_1,
    line2: value.address_2,
    city: value.city,
    postal_code: value.postcode,
    region: value.state,
    country: value.country,
  });
}

/** WooCommerce writes UTC times without a zone ("2024-03-05T09:12:33"): the Z says what it means. */
function utc(value: unknown): string | undefined {
  const at = text(value);
  if (typeof at !== "string" || /(Z|[+-]\d\d:?\d\d)$/.test(at)) return at;
  return `${at}Z`;
}
