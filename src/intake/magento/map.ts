// Magento 2's sales orders and invoices (the REST `/V1/orders` and `/V1/invoices` items) read as our
// OrderIntake. Pure: what a page says, nothing looked up; a field that cannot be read goes on as it came, for
// the OrderIntake schema to refuse where it stands (src/intake/webhooks/payload.ts).
import { isCurrency, minorDigits } from "../../lib/money";
import type { OrderIntakeInput } from "../../modules/orders/schemas";
import { address, asIs, compact, idText, joined, list, rateBp, record, text } from "../webhooks/payload";

/** An intake for the schema to check, or why the item says nothing to act on. */
export type Mapped = { intake: OrderIntakeInput } | { ignore: string };

/** What the pull knows of an invoice's order: Magento's invoices name it by entity id only. */
export interface OrderRef {
  increment_id: string;
  state: string | null;
}

type Fields = Record<string, unknown>;
type Line = NonNullable<OrderIntakeInput["lines"]>[number];

/** Magento's invoice states (Magento\Sales\Model\Order\Invoice). */
const INVOICE_CANCELED = 3;

/** Order states past fulfilment: an invoice of such an order has nothing to add to where it is. */
const SETTLED_STATES = new Set(["complete", "closed", "canceled"]);

/**
 * Where an order's state puts it for us. Until it is invoiced (new, pending_payment, payment_review,
 * holded, processing) it is `placed`: its stock is reserved but it waits, because the invoice is what
 * releases an order to pick & pack; invoiced processing is picking; complete is shipped and invoiced;
 * canceled and closed (refunded in full) end it.
 */
function statusOf(state: unknown, invoiced: boolean): OrderIntakeInput["status"] {
  switch (state) {
    case "new":
    case "pending_payment":
    case "payment_review":
    case "holded":
      return "placed";
    case "processing":
      return invoiced ? "picking" : "placed";
    case "complete":
      return "shipped";
    case "canceled":
    case "closed":
      return "cancelled";
    default:
      return undefined;
  }
}

/**
 * An amount as Magento writes it (a JSON number of up to four decimals, e.g. 16.8067 for a net price taken
 * out of a gross one) in minor units, rounded half up to the currency's digits by decimal string arithmetic:
 * never a float sum. Absent when missing; anything not a plain decimal goes on as it came.
 */
export function magentoMinor(value: unknown, currency: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const written = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof written !== "string") return asIs<number>(value);
  const match = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(written.trim());
  if (!match) return asIs<number>(value);
  const [, sign, whole, fraction = ""] = match;
  const digits = typeof currency === "string" && isCurrency(currency) ? minorDigits(currency) : 2;
  const units = Number(`${whole}${fraction.slice(0, digits).padEnd(digits, "0")}`);
  const rounded = units + ((fraction[digits] ?? "0") >= "5" ? 1 : 0);
  if (!Number.isSafeInteger(rounded)) return asIs<number>(value);
  return sign === "-" && rounded !== 0 ? -rounded : rounded;
}

/** A quantity Magento writes as 2 or "2.0000": a whole number, or as it came for the schema to refuse. */
function quantityOf(value: unknown): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) ? n : asIs<number>(value);
}

/** "2025-03-01 10:00:00" (Magento's UTC, without a zone) as RFC 3339. */
export function magentoTime(value: unknown): string | undefined {
  const at = text(value);
  if (typeof at !== "string") return at;
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(at.trim());
  return match ? `${match[1]}T${match[2]}Z` : at;
}

function addressOf(value: unknown): OrderIntakeInput["shipping_address"] {
  const a = record(value);
  const street = list(a.street).filter((s) => typeof s === "string" && s.trim() !== "");
  return address({
    name: joined(a.firstname, a.middlename, a.lastname),
    company: a.company,
    phone: a.telephone,
    line1: street[0] ?? a.street,
    line2: street.length > 1 ? street.slice(1).join(", ") : undefined,
    city: a.city,
    postal_code: a.postcode,
    region: text(a.region) ?? text(a.region_code),
    country: a.country_id,
  });
}

/** The address the order ships to: the first shipping assignment's (a virtual order has none). */
const shippingAddressOf = (order: Fields) =>
  addressOf(
    record(record(list(record(order.extension_attributes).shipping_assignments)[0]).shipping).address,
  );

/**
 * The lines a person picks: every item but the children of a configurable or bundle. A configurable's
 * parent item carries the chosen variant's SKU and the price; its child repeats the SKU at price 0.
 */
function linesOf(items: unknown, currency: unknown): Line[] | undefined {
  if (!Array.isArray(items)) return asIs<Line[]>(items);
  return items
    .map(record)
    .filter((item) => item.parent_item_id === undefined || item.parent_item_id === null)
    .map((item) =>
      compact({
        // A line without a SKU is known by its product id, so a later update finds the same line.
        sku: text(item.sku) ?? (idText(item.product_id) ? `magento:${idText(item.product_id)}` : undefined),
        name: text(item.name) ?? asIs<string>(item.name),
        quantity: quantityOf(item.qty_ordered),
        // `price` is net of tax whatever the shop's display setting; tax is added from the rate.
        unit_price: magentoMinor(item.price, currency) ?? asIs<number>(item.price),
        tax_rate_bp: rateBp([item.tax_percent ?? 0], "percent"),
      } as Line),
    );
}

/** paid, partial or unpaid from what Magento took; refunded once anything went back. */
function paymentOf(order: Fields, currency: unknown): OrderIntakeInput["payment_status"] {
  const amount = (field: string) => {
    const value = magentoMinor(order[field], currency);
    return typeof value === "number" && Number.isSafeInteger(value) ? value : 0;
  };
  if (amount("total_refunded") > 0) return "refunded";
  const paid = amount("total_paid");
  const due = order.total_due === undefined ? amount("grand_total") - paid : amount("total_due");
  if (due <= 0) return paid > 0 || amount("grand_total") === 0 ? "paid" : "unpaid";
  return paid > 0 ? "partial" : "unpaid";
}

/**
 * A sales order (a `/V1/orders` item) as the intake of `source` (the connection's name, e.g. magento:main):
 * its increment id is the external ref; buyer, billing and shipping address, lines, shipping with its tax,
 * the discount (negative in Magento) and where its state puts it.
 */
export function mapMagentoOrder(value: unknown, source: string): Mapped {
  const order = record(value);
  const ref = idText(order.increment_id);
  if (ref === undefined)
    return { ignore: `an order without an increment_id (entity ${String(order.entity_id)})` };
  const currency = order.order_currency_code;
  const billing = record(order.billing_address);
  const invoiced = (magentoMinor(order.total_invoiced, currency) ?? 0) > 0;
  const buyer = compact({
    // A guest's order has no customer name: the billing name stands in.
    name:
      joined(order.customer_firstname, order.customer_lastname) ??
      joined(billing.firstname, billing.lastname),
    email: text(order.customer_email) ?? text(billing.email),
    phone: text(billing.telephone),
  });
  const discount = magentoMinor(order.discount_amount, currency);
  const intake: OrderIntakeInput = {
    source,
    kind: "sale",
    external_ref: ref,
    currency: text(currency),
    buyer: Object.keys(buyer).length > 0 ? buyer : undefined,
    shipping_address: shippingAddressOf(order),
    billing_address: addressOf(order.billing_address),
    lines: linesOf(order.items, currency),
    // Our shipping carries no tax of its own: Magento's with its tax, so the total is Magento's grand total.
    shipping: shippingOf(order, currency),
    discount: typeof discount === "number" && Number.isSafeInteger(discount) ? Math.abs(discount) : discount,
    status: statusOf(order.state, invoiced),
    payment_status: paymentOf(order, currency),
    notes: text(order.customer_note),
    placed_at: magentoTime(order.created_at),
  };
  return { intake: compact(intake) };
}

/** Shipping with its tax: `shipping_incl_tax`, or the net amount plus its tax where a Magento omits it. */
function shippingOf(order: Fields, currency: unknown): number | undefined {
  const gross = magentoMinor(order.shipping_incl_tax, currency);
  if (gross !== undefined) return gross;
  const net = magentoMinor(order.shipping_amount, currency);
  const tax = magentoMinor(order.shipping_tax_amount, currency) ?? 0;
  return net !== undefined && Number.isSafeInteger(net) && Number.isSafeInteger(tax) ? net + tax : net;
}

/**
 * An invoice (a `/V1/invoices` item) as an update of its order: invoiced, it is released to pick & pack
 * (`picking`). `orders` gives the increment id (and state) of each order entity id the page names. A
 * cancelled invoice, or one of an order already complete, closed or cancelled, says nothing new.
 */
export function mapMagentoInvoice(value: unknown, source: string, orders: Record<string, OrderRef>): Mapped {
  const invoice = record(value);
  const number = text(invoice.increment_id) ?? String(invoice.entity_id);
  const orderId = idText(invoice.order_id);
  const order = orderId === undefined ? undefined : orders[orderId];
  if (order === undefined) {
    return { ignore: `invoice ${number}: Magento did not name the order ${String(invoice.order_id)}` };
  }
  if (Number(invoice.state) === INVOICE_CANCELED) return { ignore: `invoice ${number} is cancelled` };
  if (order.state !== null && SETTLED_STATES.has(order.state)) {
    return { ignore: `invoice ${number}: order ${order.increment_id} is ${order.state} already` };
  }
  return { intake: { source, kind: "sale", external_ref: order.increment_id, status: "picking" } };
}
