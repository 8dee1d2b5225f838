// Label items: what a label job snapshots (a product's name, SKU, price and code; a bin; a parcel's
// addresses), the templates that print them, and the smallest label each needs. Light on purpose: the API
// makes jobs with these; labels.ts, which draws them, loads only when something is rendered.

import { LABEL_TEMPLATES } from "../db/vocabulary";
import { badRequest } from "../lib/problem";
import type { BarcodeValue } from "./codes";
import { INCH, type LabelStock } from "./stock";

export { LABEL_TEMPLATES };
export type LabelTemplate = (typeof LABEL_TEMPLATES)[number];

export type LabelItem =
  | {
      template: "product";
      name: string;
      sku: string;
      /** Null when the product has no price to print. */
      price_minor: number | null;
      currency: string;
      barcode: BarcodeValue;
    }
  | { template: "shelf"; title: string; subtitle: string; barcode: BarcodeValue }
  | {
      template: "shipping";
      from: string[];
      to: string[];
      order_number: string;
      parcel: number;
      parcels: number;
      weight_grams: number | null;
      carrier: string | null;
      /** The tracking number, or the order number while there is none. */
      barcode: BarcodeValue;
    }
  | { template: "code"; caption: string | null; barcode: BarcodeValue };

/** The smallest label each template prints on whole (width, height in points). */
export const MIN_LABEL: Record<LabelTemplate, [number, number]> = {
  product: [1.5 * INCH, 0.45 * INCH],
  shelf: [1.5 * INCH, 0.45 * INCH],
  shipping: [3.5 * INCH, 5 * INCH],
  code: [0.6 * INCH, 0.45 * INCH],
};

/** Throws a 400 problem when `stock` is too small for `template`. */
export function checkStock(template: LabelTemplate, stock: LabelStock): void {
  const [width, height] = MIN_LABEL[template];
  const [w, h] = stock.label;
  if (w + 0.01 < width || h + 0.01 < height) {
    throw badRequest(
      `A ${template} label needs at least ${(width / INCH).toFixed(2)} x ${(height / INCH).toFixed(2)} in; ${stock.description} is ${(w / INCH).toFixed(2)} x ${(h / INCH).toFixed(2)} in.${template === "shipping" ? " Print shipping labels on thermal-4x6." : ""}`,
      [{ in: "body", path: "stock", message: "too small for this template" }],
    );
  }
}
