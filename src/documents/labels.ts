// Label templates and the sheet they are laid out on. A label is data (what a job snapshots: a product's
// name, SKU, price and code; a bin; a parcel's addresses) drawn by its template into one label of the stock.
// Each template adapts to the label's size and refuses stock too small to print it whole.
import { PDFDocument, type PDFPage } from "pdf-lib";
import { formatMinor } from "../lib/money";
import { badRequest } from "../lib/problem";
import { type BarcodeValue, drawBarcode, isLinear } from "./barcode";
import { embedFonts, type FontBytes, type Fonts } from "./fonts";
import { type Box, INCH, inside, type LabelStock, labelBox, perPage } from "./stock";
import { drawLine, wrap } from "./text";

export const LABEL_TEMPLATES = ["product", "shelf", "shipping", "code"] as const;
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

/** A code with its value printed under it (linear) or its caption (2-D), filling `box`. */
function codeWithText(page: PDFPage, fonts: Fonts, code: BarcodeValue, box: Box, caption?: string): void {
  const text = caption ?? (isLinear(code.symbology) ? code.value : "");
  const size = text ? Math.max(5, Math.min(10, box.height * 0.16)) : 0;
  const textHeight = text ? size * 1.25 : 0;
  const drawn = drawBarcode(page, code, { ...box, y: box.y + textHeight, height: box.height - textHeight });
  if (text) {
    drawLine(page, text, {
      font: fonts.regular,
      size,
      min: 4,
      x: box.x,
      y: Math.max(box.y, drawn.y - size * 1.05),
      width: box.width,
      align: "center",
    });
  }
}

function productLabel(
  page: PDFPage,
  fonts: Fonts,
  item: Extract<LabelItem, { template: "product" }>,
  box: Box,
) {
  const price =
    item.price_minor === null ? "" : `${formatMinor(item.price_minor, item.currency)} ${item.currency}`;
  const small = box.height < 45;
  const size = Math.max(5, Math.min(11, box.height * (small ? 0.2 : 0.12)));
  let top = box.y + box.height;
  if (small) {
    // One line: name, then price at the right; the code fills the rest.
    const priceWidth = price ? fonts.bold.widthOfTextAtSize(price, size) + 3 : 0;
    top -= size;
    drawLine(page, item.name, {
      font: fonts.bold,
      size,
      min: 4,
      x: box.x,
      y: top,
      width: box.width - priceWidth,
    });
    if (price)
      drawLine(page, price, { font: fonts.bold, size, x: box.x, y: top, width: box.width, align: "right" });
    top -= size * 0.3;
  } else {
    const lines = wrap(fonts.bold, item.name, size, box.width, box.height > 80 ? 2 : 1);
    for (const line of lines) {
      top -= size * 1.1;
      drawLine(page, line, { font: fonts.bold, size, x: box.x, y: top, width: box.width });
    }
    const priceSize = size * 1.3;
    top -= priceSize * 1.1;
    drawLine(page, `SKU ${item.sku}`, {
      font: fonts.regular,
      size: size * 0.85,
      min: 4,
      x: box.x,
      y: top,
      width: box.width * 0.5,
    });
    if (price) {
      drawLine(page, price, {
        font: fonts.bold,
        size: priceSize,
        min: 5,
        x: box.x + box.width * 0.4,
        y: top,
        width: box.width * 0.6,
        align: "right",
      });
    }
    top -= priceSize * 0.35;
  }
  codeWithText(page, fonts, item.barcode, { x: box.x, y: box.y, width: box.width, height: top - box.y });
}

function shelfLabel(page: PDFPage, fonts: Fonts, item: Extract<LabelItem, { template: "shelf" }>, box: Box) {
  const twoD = !isLinear(item.barcode.symbology);
  // 2-D: the code square at the left, the text beside it. Linear: text above, the code under it.
  if (twoD) {
    const side = Math.min(box.height, box.width * 0.45);
    drawBarcode(page, item.barcode, {
      x: box.x,
      y: box.y + (box.height - side) / 2,
      width: side,
      height: side,
    });
    const x = box.x + side + 4;
    const width = box.width - side - 4;
    const size = Math.min(28, box.height * 0.42);
    drawLine(page, item.title, { font: fonts.bold, size, min: 6, x, y: box.y + box.height / 2, width });
    drawLine(page, item.subtitle, {
      font: fonts.regular,
      size: size * 0.4,
      min: 4,
      x,
      y: box.y + box.height / 2 - size * 0.6,
      width,
    });
    return;
  }
  const size = Math.min(20, box.height * 0.28);
  const top = box.y + box.height - size;
  drawLine(page, item.title, { font: fonts.bold, size, min: 6, x: box.x, y: top, width: box.width * 0.6 });
  drawLine(page, item.subtitle, {
    font: fonts.regular,
    size: size * 0.5,
    min: 4,
    x: box.x + box.width * 0.6,
    y: top,
    width: box.width * 0.4,
    align: "right",
  });
  codeWithText(page, fonts, item.barcode, {
    x: box.x,
    y: box.y,
    width: box.width,
    height: top - size * 0.3 - box.y,
  });
}

function shippingLabel(
  page: PDFPage,
  fonts: Fonts,
  item: Extract<LabelItem, { template: "shipping" }>,
  box: Box,
) {
  const { x, width } = box;
  let top = box.y + box.height;
  const rule = (y: number) => page.drawLine({ start: { x, y }, end: { x: x + width, y }, thickness: 1 });
  // From: small, at the top.
  top -= 8;
  drawLine(page, "FROM", { font: fonts.bold, size: 7, x, y: top, width });
  for (const line of item.from.slice(0, 5)) {
    top -= 9;
    drawLine(page, line, { font: fonts.regular, size: 8, min: 5, x, y: top, width });
  }
  top -= 6;
  rule(top);
  // To: large.
  top -= 12;
  drawLine(page, "SHIP TO", { font: fonts.bold, size: 9, x, y: top, width });
  item.to.slice(0, 7).forEach((line, i) => {
    top -= i === 0 ? 18 : 15;
    drawLine(page, line, {
      font: i === 0 ? fonts.bold : fonts.regular,
      size: i === 0 ? 15 : 13,
      min: 7,
      x: x + 6,
      y: top,
      width: width - 6,
    });
  });
  top -= 10;
  rule(top);
  // The order, the parcel n of m, its weight and carrier.
  top -= 18;
  drawLine(page, `Order ${item.order_number}`, {
    font: fonts.bold,
    size: 14,
    min: 8,
    x,
    y: top,
    width: width * 0.6,
  });
  drawLine(page, `Parcel ${item.parcel} of ${item.parcels}`, {
    font: fonts.bold,
    size: 14,
    min: 8,
    x: x + width * 0.6,
    y: top,
    width: width * 0.4,
    align: "right",
  });
  top -= 14;
  const details = [
    item.carrier,
    item.weight_grams === null ? null : `${(item.weight_grams / 1000).toFixed(2)} kg`,
  ]
    .filter(Boolean)
    .join(" · ");
  if (details) drawLine(page, details, { font: fonts.regular, size: 10, x, y: top, width });
  top -= 8;
  rule(top);
  // The tracking code fills the rest.
  const caption = item.barcode.value;
  codeWithText(page, fonts, item.barcode, { x, y: box.y, width, height: top - 6 - box.y }, caption);
}

function drawLabel(page: PDFPage, fonts: Fonts, item: LabelItem, box: Box): void {
  switch (item.template) {
    case "product":
      productLabel(page, fonts, item, box);
      return;
    case "shelf":
      shelfLabel(page, fonts, item, box);
      return;
    case "shipping":
      shippingLabel(page, fonts, item, box);
      return;
    case "code":
      codeWithText(page, fonts, item.barcode, box, item.caption ?? undefined);
      return;
  }
}

export interface SheetOptions {
  /** Position on the first page of the first label (labels before it are already used). */
  start: number;
}

/**
 * Lays `items` out on `stock`, row by row from the top left of each page, starting at position `start`
 * (0-based) of the first page. Answers the PDF's bytes and its page count.
 */
export async function renderLabelSheet(
  fontBytes: FontBytes,
  stock: LabelStock,
  items: readonly LabelItem[],
  options: SheetOptions = { start: 0 },
): Promise<{ bytes: Uint8Array; pages: number }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc, fontBytes);
  let page: PDFPage | undefined;
  items.forEach((item, i) => {
    const position = options.start + i;
    if (!page || position % perPage(stock) === 0) page = doc.addPage([...stock.page] as [number, number]);
    drawLabel(page, fonts, item, inside(labelBox(stock, position), stock.inset));
  });
  if (!page) doc.addPage([...stock.page] as [number, number]);
  return { bytes: await doc.save({ useObjectStreams: true }), pages: doc.getPageCount() };
}
