// What a job prints, read once when the job is made: products, a location's bins, an order's parcels, or
// free codes, turned into label items (src/documents/labels.ts). Every code is checked here, so a bad value
// is a 400 naming it before anything is queued.
import { type BarcodeValue, barcodeError, type Symbology, symbologyFor } from "../../documents/codes";
import type { LabelItem, LabelTemplate } from "../../documents/label-items";
import type { Env } from "../../env";
import { badRequest, type FieldError, notFound } from "../../lib/problem";
import { productsForLabels } from "../catalog/printing";
import { binsAt, getLocation } from "../inventory/locations";
import { loadOrder } from "../orders/store";
import type { OrderRow } from "../orders/view";
import { listParcels, type ParcelView } from "../picking/pack";
import { addressLines, getShop, type ShopView, senderLines } from "../shop/profile";
import { type LabelSource, MAX_JOB_LABELS } from "./schemas";

/** The template each source prints with. */
export const templateOf = (source: LabelSource): LabelTemplate =>
  "products" in source ? "product" : "location" in source ? "shelf" : "order" in source ? "shipping" : "code";

function productItems(
  products: Awaited<ReturnType<typeof productsForLabels>>,
  symbology: Symbology | undefined,
): LabelItem[] {
  return products.map((p) => {
    const own = p.barcode && (!symbology || barcodeError(symbology, p.barcode) === null) ? p.barcode : null;
    const barcode: BarcodeValue = symbology
      ? { symbology, value: own ?? p.sku }
      : own
        ? { symbology: symbologyFor(own), value: own }
        : { symbology: "code128", value: p.sku };
    return {
      template: "product",
      name: p.name,
      sku: p.sku,
      price_minor: p.price_minor,
      currency: p.currency,
      barcode,
    };
  });
}

/** The source's label items, each code checked. */
export async function itemsOf(env: Env, source: LabelSource): Promise<LabelItem[]> {
  let items: LabelItem[];
  if ("products" in source) {
    const products = await productsForLabels(env, source.products, MAX_JOB_LABELS);
    if ("ids" in source.products) {
      const found = new Set(products.map((p) => p.id));
      const missing = source.products.ids.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw notFound(
          `No product ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ""}.`,
        );
      }
    }
    if (products.length === 0)
      throw badRequest("No product matches the selection: there is nothing to print.");
    items = productItems(products, source.symbology);
  } else if ("location" in source) {
    const location = await getLocation(env, source.location.id);
    const bins = source.location.bins ?? (await binsAt(env, location.id));
    items = bins.map((bin) => ({
      template: "shelf",
      title: bin,
      subtitle: location.name,
      barcode: { symbology: source.symbology, value: `BIN:${location.id}:${bin}` },
    }));
    if (source.location.with_location) {
      items.unshift({
        template: "shelf",
        title: location.name,
        subtitle: "Location",
        barcode: { symbology: source.symbology, value: `LOC:${location.id}` },
      });
    }
    if (items.length === 0) {
      throw badRequest(
        `${location.name} has no bins yet: set products' bins there (PUT …/bin) or name the bins to print.`,
      );
    }
  } else if ("order" in source) {
    const loaded = await loadOrder(env, source.order.id);
    if (!loaded) throw notFound("No such order.");
    const [shop, parcels] = await Promise.all([getShop(env), listParcels(env, loaded.order.id)]);
    items = shippingItems(loaded.order, shop, parcels);
  } else {
    items = source.codes.map((c) => ({
      template: "code",
      caption: c.caption ?? null,
      barcode: { symbology: c.symbology, value: c.value },
    }));
  }
  checkCodes(items);
  return items;
}

/** The order's shipping labels: one per parcel (n of m), or one for the whole order while none is packed. */
export function shippingItems(order: OrderRow, shop: ShopView, parcels: ParcelView[]): LabelItem[] {
  if (order.kind !== "sale")
    throw badRequest(`Order ${order.number} is a purchase: ROMS ships sale orders only.`);
  if (!order.shippingAddress) {
    throw badRequest(`Order ${order.number} has no shipping address: set one before printing its label.`, [
      { in: "body", path: "source.order.id", message: "the order has no shipping address" },
    ]);
  }
  const to = addressLines(order.shippingAddress, order.buyerName);
  const count = Math.max(1, parcels.length);
  return Array.from({ length: count }, (_, i) => ({
    template: "shipping" as const,
    from: senderLines(shop),
    to,
    order_number: order.number,
    parcel: i + 1,
    parcels: count,
    weight_grams: parcels[i]?.weight_grams ?? null,
    carrier: order.carrier,
    barcode: { symbology: "code128" as const, value: order.trackingNumber ?? order.number },
  }));
}

/** A 400 naming up to ten items whose code cannot be drawn. */
export function checkCodes(items: readonly LabelItem[]): void {
  const errors: FieldError[] = [];
  items.forEach((item, i) => {
    const error = barcodeError(item.barcode.symbology, item.barcode.value);
    if (error && errors.length < 10) {
      const name = item.template === "product" ? ` (${item.sku})` : "";
      errors.push({
        in: "body",
        path: `source.items.${i}`,
        message: `${item.barcode.symbology} value ${JSON.stringify(item.barcode.value)}${name} ${error}`,
      });
    }
  });
  if (errors.length > 0) {
    throw badRequest(
      `${errors.length === 10 ? "At least 10" : errors.length} label code(s) cannot be printed: ${errors[0]?.message}.`,
      errors,
    );
  }
}
