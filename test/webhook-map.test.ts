// Reading each webhook kind's order payload as our OrderIntake: realistic payloads in, exact intakes out, and
// every intake one the schema accepts (or refuses at the field the sender got wrong).
import { describe, expect, it } from "vitest";
import { type Mapped, mapWebhook } from "../src/intake/webhooks/map";
import { type OrderIntakeInput, OrderIntakeSchema } from "../src/modules/orders/schemas";
import shopifyCancelled from "./fixtures/webhooks/shopify-order-cancelled.json";
import shopifyCreate from "./fixtures/webhooks/shopify-order-create.json";
import shopifyFulfilled from "./fixtures/webhooks/shopify-order-fulfilled.json";
import standardCreated from "./fixtures/webhooks/standard-order-created.json";
import wooCompleted from "./fixtures/webhooks/woocommerce-order-completed.json";
import wooProcessing from "./fixtures/webhooks/woocommerce-order-processing.json";

const shop = { source: "shop-eu", orderKind: "sale" } as const;

/** The intake of a mapping, after checking the schema takes it as it is. */
function accepted(mapped: Mapped): OrderIntakeInput {
  if (!("intake" in mapped)) throw new Error(`ignored: ${mapped.ignore}`);
  const parsed = OrderIntakeSchema.safeParse(mapped.intake);
  expect(parsed.error?.issues).toBeUndefined();
  return mapped.intake;
}

/** The paths at which the schema refuses a mapping's intake. */
function refusedAt(mapped: Mapped) {
  if (!("intake" in mapped)) throw new Error(`ignored: ${mapped.ignore}`);
  const parsed = OrderIntakeSchema.safeParse(mapped.intake);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join("."));
}

describe("a Shopify order", () => {
  const placed = {
    source: "shop-eu",
    kind: "sale",
    external_ref: "#1001",
    currency: "EUR",
    buyer: { name: "Erika Mustermann", email: "erika.mustermann@example.com", phone: "+4915112345678" },
    shipping_address: {
      name: "Erika Mustermann",
      phone: "+49 30 1234567",
      line1: "Hauptstraße 5",
      line2: "2. OG",
      city: "Berlin",
      postal_code: "10115",
      country: "DE",
    },
    billing_address: {
      name: "Erika Mustermann",
      company: "Mustermann GmbH",
      phone: "+49 30 7654321",
      line1: "Friedrichstraße 100",
      city: "Berlin",
      postal_code: "10117",
      region: "Berlin",
      country: "DE",
    },
    lines: [
      {
        sku: "SOCK-BL-M",
        name: "Trail Runner Sock - Blue / M",
        quantity: 2,
        unit_price: 1250,
        tax_rate_bp: 1900,
      },
      {
        sku: "shopify:44610569208040",
        name: "Merino Hoodie",
        quantity: 1,
        unit_price: 6499,
        tax_rate_bp: 1900,
      },
    ],
    shipping: 490,
    discount: 500,
    payment_status: "paid",
    notes: "Bitte beim Nachbarn abgeben, falls niemand öffnet.",
    placed_at: "2024-03-05T10:12:33+01:00",
  };

  it("is read from orders/create: lines, tax rates, shipping, discount, buyer and both addresses", () => {
    expect(accepted(mapWebhook("shopify", "orders/create", shopifyCreate, shop))).toStrictEqual(placed);
  });

  it("is cancelled when cancelled_at is set, and refunded when its payment was", () => {
    expect(accepted(mapWebhook("shopify", "orders/updated", shopifyCancelled, shop))).toStrictEqual({
      ...placed,
      status: "cancelled",
      payment_status: "refunded",
    });
  });

  it("is cancelled by the orders/cancelled topic alone", () => {
    expect(accepted(mapWebhook("shopify", "orders/cancelled", shopifyCreate, shop))).toMatchObject({
      status: "cancelled",
    });
  });

  it("is shipped when fulfilled, with the tracking of its latest fulfillment that was not cancelled", () => {
    expect(accepted(mapWebhook("shopify", "orders/fulfilled", shopifyFulfilled, shop))).toStrictEqual({
      ...placed,
      status: "shipped",
      tracking: {
        carrier: "DHL",
        number: "00340434161094042557",
        url: "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557",
      },
    });
    expect(accepted(mapWebhook("shopify", "orders/updated", shopifyFulfilled, shop))).toMatchObject({
      status: "shipped",
      tracking: { carrier: "DHL" },
    });
  });

  it("is unpaid while its payment is pending, authorized or voided", () => {
    for (const financial_status of ["pending", "authorized", "voided", "constructor"]) {
      const order = { ...shopifyCreate, financial_status };
      expect(accepted(mapWebhook("shopify", "orders/updated", order, shop)).payment_status).toBe("unpaid");
    }
  });

  it("takes source and kind from the webhook source, whatever the payload says", () => {
    const purchase = accepted(
      mapWebhook("shopify", "orders/create", shopifyCreate, { source: "supplier", orderKind: "purchase" }),
    );
    expect(purchase).toMatchObject({ source: "supplier", kind: "purchase" });
  });

  it("takes the net unit price out of a shop's prices with tax included, rounded half up", () => {
    const gross = { ...structuredClone(shopifyCreate), taxes_included: true };
    expect(accepted(mapWebhook("shopify", "orders/create", gross, shop)).lines).toStrictEqual([
      { ...placed.lines[0], unit_price: 1050 }, // 12.50 / 1.19 = 10.504
      { ...placed.lines[1], unit_price: 5461 }, // 64.99 / 1.19 = 54.613
    ]);
  });

  it("reads amounts of a currency without minor units, and stacked tax rates, exactly", () => {
    const yen = structuredClone(shopifyCreate) as any;
    yen.currency = "JPY";
    yen.line_items[0].price = "1250";
    yen.line_items[0].tax_lines = [{ rate: 0.045 }, { rate: 0.04375 }];
    yen.line_items[1].price = "6499.00";
    yen.total_discounts = "500";
    yen.shipping_lines = [{ price: "490" }, { price: "110.0" }];
    expect(accepted(mapWebhook("shopify", "orders/create", yen, shop))).toMatchObject({
      currency: "JPY",
      lines: [{ unit_price: 1250, tax_rate_bp: 888 }, { unit_price: 6499 }],
      shipping: 600,
      discount: 500,
    });
  });

  it("hands a price finer than the currency's minor unit to the schema, never rounding it", () => {
    const yen = { ...structuredClone(shopifyCreate), currency: "JPY" };
    // "12.50", "64.99" and "4.90" are not whole yen; "5.00" is.
    expect(refusedAt(mapWebhook("shopify", "orders/create", yen, shop))).toEqual([
      "lines.0.unit_price",
      "lines.1.unit_price",
      "shipping",
    ]);
  });

  it("hands a non-numeric price to the schema, which refuses that line's price", () => {
    const bad = structuredClone(shopifyCreate);
    bad.line_items[1]!.price = "sixty-four";
    const mapped = mapWebhook("shopify", "orders/create", bad, shop);
    expect(mapped).toMatchObject({ intake: { lines: [{ unit_price: 1250 }, { unit_price: "sixty-four" }] } });
    expect(refusedAt(mapped)).toEqual(["lines.1.unit_price"]);
  });

  it("ignores topics that are not about an order, and payloads that are not one", () => {
    expect(mapWebhook("shopify", "products/update", { id: 1, title: "Sock" }, shop)).toEqual({
      ignore: "topic products/update is not an order event",
    });
    expect(mapWebhook("shopify", "orders/delete", { id: 5880123456789 }, shop)).toEqual({
      ignore: "topic orders/delete is not an order event",
    });
    expect(mapWebhook("shopify", "orders/create", "nonsense", shop)).toEqual({
      ignore: "the payload is not a JSON object",
    });
  });
});

describe("a WooCommerce order", () => {
  const woo = { source: "woo-de", orderKind: "sale" } as const;
  const processing = {
    source: "woo-de",
    kind: "sale",
    external_ref: "727",
    currency: "EUR",
    buyer: { name: "Max Beispiel", email: "max.beispiel@example.org", phone: "040 1234567" },
    shipping_address: {
      name: "Max Beispiel",
      company: "Beispiel & Söhne KG",
      line1: "Hafenstraße 3",
      line2: "Hinterhaus",
      city: "Hamburg",
      postal_code: "20459",
      region: "HH",
      country: "DE",
    },
    billing_address: {
      name: "Max Beispiel",
      phone: "040 1234567",
      line1: "Lindenallee 12",
      city: "Hamburg",
      postal_code: "20095",
      region: "HH",
      country: "DE",
    },
    lines: [
      // Unit prices before the coupon (subtotal / quantity): the order's discount_total takes it off once.
      { sku: "woo:101", name: "Logo Tee - Blue", quantity: 2, unit_price: 1800, tax_rate_bp: 1900 },
      { sku: "BEANIE-GRY", name: "Wool Beanie", quantity: 1, unit_price: 1899, tax_rate_bp: 1900 },
      { sku: "BOOK-KNOTS", name: "Field Guide to Knots", quantity: 1, unit_price: 2400, tax_rate_bp: 700 },
    ],
    shipping: 490,
    discount: 500,
    payment_status: "paid",
    notes: "Bitte vor 18 Uhr liefern.",
    placed_at: "2024-03-05T09:12:33Z",
  };

  it("is read while processing: lines with their rates, shipping, discount, buyer and both addresses", () => {
    expect(accepted(mapWebhook("woocommerce", "order.created", wooProcessing, woo))).toStrictEqual(
      processing,
    );
  });

  it("is shipped when completed", () => {
    expect(accepted(mapWebhook("woocommerce", "order.updated", wooCompleted, woo))).toStrictEqual({
      ...processing,
      status: "shipped",
    });
  });

  it("is cancelled when cancelled or failed, and cancelled and refunded when refunded", () => {
    const as = (status: string) =>
      accepted(mapWebhook("woocommerce", "order.updated", { ...wooProcessing, status }, woo));
    expect(as("cancelled")).toMatchObject({ status: "cancelled", payment_status: "paid" });
    expect(as("failed")).toMatchObject({ status: "cancelled" });
    expect(as("refunded")).toMatchObject({ status: "cancelled", payment_status: "refunded" });
    expect(as("on-hold")).not.toHaveProperty("status");
  });

  it("is unpaid until paid, and leaves out an address the order has none of", () => {
    const virtual = structuredClone(wooProcessing) as any;
    virtual.date_paid = null;
    virtual.shipping = { first_name: "", last_name: "", company: "", address_1: "", address_2: "", city: "" };
    Object.assign(virtual.shipping, { state: "", postcode: "", country: "", phone: "" });
    const intake = accepted(mapWebhook("woocommerce", "order.created", virtual, woo));
    expect(intake.payment_status).toBe("unpaid");
    expect(intake).not.toHaveProperty("shipping_address");
  });

  it("falls back to the line's price when it has no subtotal", () => {
    const priced = structuredClone(wooProcessing) as any;
    delete priced.line_items[1].subtotal;
    expect(accepted(mapWebhook("woocommerce", "order.created", priced, woo)).lines?.[1]).toMatchObject({
      unit_price: 1799,
    });
  });

  it("hands a non-numeric subtotal to the schema, which refuses that line's price", () => {
    const bad = structuredClone(wooProcessing);
    bad.line_items[0]!.subtotal = "n/a";
    expect(refusedAt(mapWebhook("woocommerce", "order.created", bad, woo))).toEqual(["lines.0.unit_price"]);
  });

  it("ignores the creation ping, deleted orders, checkout drafts and other topics", () => {
    expect(mapWebhook("woocommerce", null, "webhook_id=12", woo)).toEqual({
      ignore: "WooCommerce's ping on saving the webhook",
    });
    expect(mapWebhook("woocommerce", null, { webhook_id: "12" }, woo)).toMatchObject({
      ignore: expect.any(String),
    });
    expect(mapWebhook("woocommerce", "order.deleted", { id: 727 }, woo)).toEqual({
      ignore: "a deleted order carries only its id; cancel it in ROMS if meant",
    });
    expect(
      mapWebhook("woocommerce", "order.created", { ...wooProcessing, status: "checkout-draft" }, woo),
    ).toEqual({
      ignore: "a checkout draft, not placed yet",
    });
    expect(mapWebhook("woocommerce", "product.updated", { id: 93 }, woo)).toEqual({
      ignore: "topic product.updated is not an order event",
    });
  });
});

describe("a Standard Webhooks order event", () => {
  const erp = { source: "erp", orderKind: "sale" } as const;

  it("is our OrderIntake already, with source and kind set by the webhook source", () => {
    expect(accepted(mapWebhook("standard", null, standardCreated, erp))).toStrictEqual({
      ...standardCreated.data,
      source: "erp",
      kind: "sale",
    });
  });

  it("is checked by the schema as it came", () => {
    const bad = structuredClone(standardCreated);
    (bad.data.lines[0] as any).unit_price = "14.50";
    expect(refusedAt(mapWebhook("standard", null, bad, erp))).toEqual(["lines.0.unit_price"]);
  });

  it("is ignored when its type is not about an order", () => {
    expect(mapWebhook("standard", null, { type: "invoice.paid", timestamp: "", data: {} }, erp)).toEqual({
      ignore: "event type invoice.paid is not an order event",
    });
    expect(mapWebhook("standard", null, [1, 2], erp)).toEqual({ ignore: "the payload is not a JSON object" });
  });
});
