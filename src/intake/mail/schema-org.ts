// schema.org Order and ParcelDelivery items (the e-mail markup Gmail documents) read as OrderIntakes: an Order
// is the order with its lines, a ParcelDelivery an update (tracking and status) of the order it is part of.
import { readCurrency, readMinor, readQuantity } from "./amounts";
import {
  type AddressInput,
  checkTotal,
  compact,
  type Intake,
  type IntakeLine,
  readDateTime,
  skuFromName,
  type Tracking,
} from "./intake";
import { asText, isA, isThing, localName, nameOf, node, nodes, type Thing, text, values } from "./markup";
import type { MailboxSettings } from "./read";

type Sets = Pick<Intake, "status" | "payment_status">;

/** What each OrderStatus moves the order to; the ones not listed leave it as it is. */
const ORDER_STATUSES: Record<string, Sets> = {
  orderprocessing: {},
  orderintransit: { status: "shipped" },
  orderdelivered: { status: "delivered" },
  ordercancelled: { status: "cancelled" },
  orderpaymentdue: { payment_status: "unpaid" },
  orderpickupavailable: {},
};
const PAYMENT_STATUSES: Record<string, Intake["payment_status"]> = {
  paymentcomplete: "paid",
  paymentdue: "unpaid",
  paymentpastdue: "unpaid",
};

/** "http://schema.org/OrderInTransit", "https://schema.org/OrderInTransit", "OrderInTransit" → "orderintransit". */
const enumName = (value: unknown) => {
  const name = isThing(value) && !("@id" in value) ? nameOf(value) : asText(value);
  return name === undefined
    ? undefined
    : localName(name)
        .replace(/^.*[/#]/, "")
        .toLowerCase();
};

/** The first value of the first property that has one. */
const first = (thing: Thing | undefined, ...properties: string[]) => {
  for (const property of properties) {
    const [value] = values(thing, property);
    if (value !== undefined) return value;
  }
  return undefined;
};
const firstText = (thing: Thing | undefined, ...properties: string[]) => {
  for (const property of properties) {
    const read = text(thing, property);
    if (read !== undefined) return read;
  }
  return undefined;
};

/** A PostalAddress as our Address; left out (with a note) without a two-letter country, never guessed. */
function addressOf(value: unknown, label: string, where: string, notes: string[]): AddressInput | undefined {
  if (value === undefined) return undefined;
  if (!isThing(value)) {
    notes.push(`${where}: the ${label} is plain text, not a PostalAddress; left out.`);
    return undefined;
  }
  const country = nameOf(first(value, "addressCountry"));
  if (!country || !/^[A-Za-z]{2}$/.test(country)) {
    notes.push(
      `${where}: the ${label} is left out: its country ${country ? JSON.stringify(country) : "is missing and"} is not a two-letter ISO 3166 code.`,
    );
    return undefined;
  }
  const [line1, ...more] = (text(value, "streetAddress") ?? "").split(/\s*\n\s*/).filter(Boolean);
  return compact({
    name: text(value, "name"),
    phone: text(value, "telephone")?.replace(/^tel:/i, ""),
    line1,
    line2: more.length > 0 ? more.join(", ") : undefined,
    city: text(value, "addressLocality"),
    postal_code: text(value, "postalCode"),
    region: text(value, "addressRegion"),
    country: country.toUpperCase(),
  }) as AddressInput;
}

/** Who ordered: a Person (or Organization) with name, email and telephone. */
function buyerOf(value: unknown): Intake["buyer"] {
  if (!isThing(value)) {
    const name = asText(value);
    return name ? { name } : undefined;
  }
  const buyer = compact({
    name: nameOf(value),
    email: text(value, "email")?.replace(/^mailto:/i, ""),
    phone: text(value, "telephone")?.replace(/^tel:/i, ""),
  });
  return Object.keys(buyer).length > 0 ? buyer : undefined;
}

function trackingOf(parcel: Thing | undefined): Tracking | undefined {
  if (!parcel) return undefined;
  const tracking = compact({
    carrier: nameOf(first(parcel, "carrier", "provider")),
    number: text(parcel, "trackingNumber"),
    url: text(parcel, "trackingUrl"),
  });
  return Object.keys(tracking).length > 0 ? tracking : undefined;
}

function orderStatusOf(order: Thing, where: string, notes: string[]): Sets {
  const value = first(order, "orderStatus");
  const name = enumName(value);
  const sets: Sets = {};
  if (name !== undefined) {
    const known = ORDER_STATUSES[name];
    if (known) Object.assign(sets, known);
    else
      notes.push(
        `${where}: its orderStatus ${JSON.stringify(asText(value) ?? name)} does not move the order; left as it is.`,
      );
  }
  const payment = enumName(first(order, "paymentStatus"));
  const paid = payment === undefined ? undefined : PAYMENT_STATUSES[payment];
  if (paid) sets.payment_status = paid;
  return sets;
}

/** One accepted Offer as an order line; what cannot be read is left out (the schema then says which line). */
function lineOf(offer: Thing, n: number, currency: string, where: string, notes: string[]): IntakeLine {
  const item = first(offer, "itemOffered");
  const product = isThing(item) ? item : undefined;
  const name = nameOf(item) ?? text(offer, "name");
  const ids = ["sku", "productID", "gtin13", "gtin", "gtin14", "gtin12", "gtin8", "mpn"];
  const sku =
    firstText(product, ...ids) ?? firstText(offer, ...ids) ?? (name ? skuFromName(name) : undefined);
  if (!name) notes.push(`${where}: line ${n} has no product name.`);

  const eligible = first(offer, "eligibleQuantity");
  const rawQuantity = isThing(eligible) ? first(eligible, "value") : eligible;
  const quantity = rawQuantity === undefined ? 1 : readQuantity(rawQuantity);
  if (quantity === null) {
    notes.push(
      `${where}: the quantity ${JSON.stringify(rawQuantity)} of line ${n} is not a whole number; left out.`,
    );
  }

  const priced = first(offer, "price") === undefined ? node(offer, "priceSpecification") : offer;
  const rawPrice = first(priced, "price");
  const ownCurrency = text(priced, "priceCurrency");
  let unitPrice: number | null = null;
  if (rawPrice === undefined) {
    notes.push(`${where}: line ${n} has no price.`);
  } else if (ownCurrency && (readCurrency(ownCurrency) ?? ownCurrency) !== currency) {
    notes.push(
      `${where}: line ${n} is priced in ${ownCurrency}, the order in ${currency}; its price is left out.`,
    );
  } else {
    unitPrice = readMinor(rawPrice, currency);
    if (unitPrice === null) {
      notes.push(
        `${where}: the price ${JSON.stringify(rawPrice)} of line ${n} cannot be read as ${currency}; left out.`,
      );
    }
  }
  // Left out, a field is missing for the schema to refuse: never a guess, never NaN.
  return compact({
    sku,
    name,
    quantity: quantity ?? undefined,
    unit_price: unitPrice ?? undefined,
  }) as IntakeLine;
}

/** An amount of the order in its currency, or undefined with a note. */
function amountOf(value: unknown, label: string, currency: string, where: string, notes: string[]) {
  if (value === undefined) return undefined;
  const amount = readMinor(value, currency);
  if (amount === null)
    notes.push(`${where}: the ${label} ${JSON.stringify(value)} cannot be read as ${currency}; left out.`);
  return amount ?? undefined;
}

function mapOrder(order: Thing, mailbox: MailboxSettings, notes: string[]): Intake | null {
  const ref = text(order, "orderNumber");
  if (!ref) {
    notes.push("An Order without an orderNumber was skipped.");
    return null;
  }
  const where = `Order ${ref}`;
  const offers = nodes(order, "acceptedOffer");
  const currencyText =
    text(order, "priceCurrency") ?? offers.map((o) => text(o, "priceCurrency")).find(Boolean);
  // A code that cannot be read goes on as written, for the schema to refuse: the order is not turned into
  // an update by leaving its lines out.
  const code = currencyText === undefined ? undefined : readCurrency(currencyText);
  if (code === null)
    notes.push(`${where}: its currency ${JSON.stringify(currencyText)} is not an ISO 4217 code.`);
  let currency = code ?? currencyText;
  const intake: Intake = { source: mailbox.source, kind: mailbox.orderKind, external_ref: ref };
  if (mailbox.orderKind === "purchase") {
    intake.merchant =
      nameOf(first(order, "merchant", "seller")) ??
      nameOf(offers.map((o) => first(o, "seller")).find(Boolean));
  }
  if (offers.length > 0 && currency === undefined) {
    currency = mailbox.defaultCurrency;
    notes.push(`${where}: no priceCurrency; read in the mailbox's ${currency}.`);
  }
  if (currency !== undefined) {
    const priced = currency;
    if (offers.length > 0) {
      intake.currency = priced;
      intake.lines = offers.map((offer, i) => lineOf(offer, i + 1, priced, where, notes));
    }
    const charges = nodes(order, "priceSpecification")
      .filter((p) => isA(p, "DeliveryChargeSpecification"))
      .map((charge) => amountOf(first(charge, "price"), "delivery charge", priced, where, notes));
    if (charges.length > 0 && charges.every((c) => c !== undefined)) {
      intake.shipping = charges.reduce((sum: number, c) => sum + (c ?? 0), 0);
    }
    intake.discount = amountOf(first(order, "discount"), "discount", priced, where, notes);
  }
  Object.assign(intake, orderStatusOf(order, where, notes));
  const date = text(order, "orderDate");
  if (date) {
    const placed = readDateTime(date);
    if (placed) intake.placed_at = placed;
    else notes.push(`${where}: its orderDate ${JSON.stringify(date)} is not an ISO 8601 date; left out.`);
  }
  intake.buyer = buyerOf(first(order, "customer"));
  intake.billing_address = addressOf(first(order, "billingAddress"), "billing address", where, notes);
  const delivery = node(order, "orderDelivery");
  intake.shipping_address = addressOf(first(delivery, "deliveryAddress"), "delivery address", where, notes);
  intake.tracking = trackingOf(delivery);
  const fitted = compact(intake);
  if (currency !== undefined) {
    const total = amountOf(
      first(order, "price") ?? first(node(order, "totalPaymentDue"), "price"),
      "total",
      currency,
      where,
      notes,
    );
    if (total !== undefined) checkTotal(fitted, total, where, notes);
  }
  return fitted;
}

/** Where a parcel is: in transit unless its status (or its order's) says delivered. */
function deliveryStatusOf(parcel: Thing, order: Thing | undefined): Intake["status"] {
  for (const value of [...values(parcel, "deliveryStatus"), ...values(order, "orderStatus")]) {
    const name = enumName(value);
    const status = name === undefined ? undefined : ORDER_STATUSES[name]?.status;
    if (status) return status;
    // A DeliveryEvent that says so in words ("Delivered", "Zugestellt").
    const words = isThing(value) ? [nameOf(value), text(value, "description")].join(" ") : "";
    if (/\b(?:delivered|zugestellt)\b/i.test(words) && !/\b(?:not|nicht)\b/i.test(words)) return "delivered";
  }
  return "shipped";
}

function mapParcel(parcel: Thing, mailbox: MailboxSettings, notes: string[]): Intake | null {
  const order = node(parcel, "partOfOrder");
  const ref = text(order, "orderNumber");
  if (!ref) {
    notes.push("A ParcelDelivery without partOfOrder.orderNumber was skipped: it names no order.");
    return null;
  }
  const where = `Parcel for order ${ref}`;
  return compact({
    source: mailbox.source,
    kind: mailbox.orderKind,
    external_ref: ref,
    merchant: mailbox.orderKind === "purchase" ? nameOf(first(order, "merchant", "seller")) : undefined,
    status: deliveryStatusOf(parcel, order),
    tracking: trackingOf(parcel),
    shipping_address: addressOf(first(parcel, "deliveryAddress"), "delivery address", where, notes),
  });
}

/** The intakes a message's schema.org items describe, and how many Order or ParcelDelivery items it had. */
export function intakesFromMarkup(things: Thing[], mailbox: MailboxSettings, notes: string[]) {
  const intakes: Intake[] = [];
  let items = 0;
  for (const thing of things) {
    const read = isA(thing, "Order")
      ? mapOrder(thing, mailbox, notes)
      : isA(thing, "ParcelDelivery")
        ? mapParcel(thing, mailbox, notes)
        : undefined;
    if (read === undefined) continue;
    items++;
    if (read) intakes.push(read);
  }
  return { intakes, items };
}
