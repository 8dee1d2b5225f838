// Shopify's order webhooks (the REST Admin Order resource, as orders/create and its siblings send it) read
// as our OrderIntake.
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
  minorSum,
  rateBp,
  record,
  text,
} from "./payload";

/** Topics whose payload is the whole order. orders/delete sends only the id; orders/edited an edit summary. */
const ORDER_TOPICS = new Set([
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/fulfilled",
  "orders/partially_fulfilled",
  "orders/paid",
]);

const PAYMENT = new Map<unknown, OrderIntakeInput["payment_status"]>([
  ["paid", "paid"],
  ["partially_paid", "partial"],
  ["refunded", "refunded"],
  ["partially_refunded", "refunded"],
]);

type Line = NonNullable<OrderIntakeInput["lines"]>[number];

export function mapShopify(topic: string | null, payload: unknown, target: WebhookTarget): Mapped {
  if (topic !== null && !ORDER_TOPICS.has(topic)) return { ignore: `topic ${topic} is not an order event` };
  if (!isRecord(payload)) return { ignore: "the payload is not a JSON object" };
  // Without a topic header, only a payload shaped like an order is taken for one.
  if (topic === null && !("line_items" in payload && "name" in payload)) {
    return { ignore: "no X-Shopify-Topic and the payload is not an order" };
  }
  const order = payload;
  const currency = order.currency;
  const taxesIncluded = order.taxes_included === true;
  const customer = record(order.customer);
  const billing = record(order.billing_address);
  const cancelled = Boolean(order.cancelled_at) || topic === "orders/cancelled";
  const shipped = !cancelled && (order.fulfillment_status === "fulfilled" || topic === "orders/fulfilled");

  const intake: OrderIntakeInput = {
    source: target.source,
    kind: target.orderKind,
    external_ref: text(order.name) ?? asIs<string>(order.name),
    currency: text(currency),
    buyer: buyerOf(order, customer, billing),
    shipping_address: addressOf(order.shipping_address),
    billing_address: addressOf(order.billing_address),
    lines: Array.isArray(order.line_items)
      ? order.line_items.map((item) => lineOf(record(item), currency, taxesIncluded))
      : asIs<Line[]>(order.line_items),
    shipping: minorSum(
      list(order.shipping_lines).map((line) => record(line).price),
      currency,
    ),
    discount: minor(order.total_discounts, currency),
    status: cancelled ? "cancelled" : shipped ? "shipped" : undefined,
    payment_status:
      typeof order.financial_status === "string"
        ? (PAYMENT.get(order.financial_status) ?? "unpaid")
        : undefined,
    tracking: shipped ? trackingOf(order.fulfillments) : undefined,
    notes: text(order.note),
    placed_at: text(order.created_at),
  };
  return { intake: compact(intake) };
}

function lineOf(item: Record<string, unknown>, currency: unknown, taxesIncluded: boolean): Line {
  const taxBp = rateBp(
    list(item.tax_lines).map((t) => record(t).rate),
    "fraction",
  );
  const price = minor(item.price, currency);
  const variant = idText(item.variant_id);
  const product = idText(item.product_id);
  const title = text(item.title);
  const variantTitle = typeof item.variant_title === "string" ? item.variant_title.trim() : "";
  return compact({
    // A line without a SKU is known by its variant (or product) id, so updates find the same line.
    sku:
      text(item.sku) ??
      (variant ? `shopify:${variant}` : product ? `shopify:${product}` : asIs<string>(item.sku)),
    name:
      typeof title === "string" && variantTitle
        ? `${title} - ${variantTitle}`
        : (title ?? asIs<string>(item.title)),
    quantity: asIs<number>(item.quantity),
    unit_price: taxesIncluded ? netOf(price, taxBp) : asIs<number>(price),
    tax_rate_bp: taxBp,
  });
}

/**
 * A shop that shows prices with tax (`taxes_included`, as most EU shops do) sends gross unit prices; ours are
 * net, with tax added on top, so the net price is taken back out, rounded half up to the minor unit.
 */
function netOf(gross: number | undefined, bp: number): number {
  if (gross === undefined || !Number.isSafeInteger(gross) || !Number.isSafeInteger(bp) || bp === 0) {
    return asIs<number>(gross);
  }
  return Math.floor((gross * 20_000 + (10_000 + bp)) / (2 * (10_000 + bp)));
}

function buyerOf(
  order: Record<string, unknown>,
  customer: Record<string, unknown>,
  billing: Record<string, unknown>,
): OrderIntakeInput["buyer"] {
  // Shops without access to protected customer data get the customer's name as null: the billing name stands in.
  const buyer = compact({
    name: joined(customer.first_name, customer.last_name) ?? joined(billing.first_name, billing.last_name),
    email: text(customer.email) ?? text(order.email) ?? text(order.contact_email),
    phone: text(customer.phone) ?? text(order.phone),
  });
  return Object.keys(buyer).length > 0 ? buyer : undefined;
}

function addressOf(value: unknown): OrderIntakeInput["shipping_address"] {
  if (!isRecord(value)) return undefined;
  return address({
    name: text(value.name) ?? joined(value.first_name, value.last_name),
    company: value.company,
    phone: value.phone,
    line1: value.address1,
    line2: value.address2,
    city: value.city,
    postal_code: value.zip,
    region: value.province,
    country: value.country_code,
  });
}

/** Tracking of the latest fulfillment that was not cancelled. */
function trackingOf(fulfillments: unknown): OrderIntakeInput["tracking"] {
  const at = (f: Record<string, unknown>) => Date.parse(String(f.updated_at ?? f.created_at)) || 0;
  const latest = list(fulfillments)
    .map(record)
    .filter((f) => f.status !== "cancelled")
    .reduce<Record<string, unknown> | undefined>(
      (best, f) => (best === undefined || at(f) >= at(best) ? f : best),
      undefined,
    );
  if (latest === undefined) return undefined;
  const tracking = compact({
    carrier: text(latest.tracking_company),
    number: text(latest.tracking_number) ?? text(list(latest.tracking_numbers)[0]),
    url: text(latest.tracking_url) ?? text(list(latest.tracking_urls)[0]),
  });
  return Object.keys(tracking).length > 0 ? tracking : undefined;
}
