// Label templates and the sheet they are laid out on: each label item (label-items.ts) drawn by its template
// into one label of the stock, adapting to the label's size.
import { PDFDocument, type PDFPage } from "pdf-lib";
import { formatMinor } from "../lib/money";
import { drawBarcode } from "./barcode";
import { type BarcodeValue, isLinear } from "./codes";
import { embedFonts, type FontBytes, type Fonts } from "./fonts";
import type { LabelItem } from "./label-items";
import { type Box, inside, type LabelStock, labelBox, perPage } from "./stock";
import { drawLine, wrap } from "./text";

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
