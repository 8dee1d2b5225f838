// Barcodes drawn as vector paths: bwip-js encodes (its generic drawing interface hands us bars and module
// outlines in its own pixel grid), and we write them into the PDF page as filled rectangles and polygons, so
// a barcode is as sharp as the printer and costs a few hundred bytes. Every value is checked first (codes.ts),
// and a bad one is a 400 problem that names it, never a half-drawn page.
import { code128, type DrawingContext, datamatrix, ean13, qrcode, upca } from "bwip-js/generic";
import {
  closePath,
  fill,
  lineTo,
  moveTo,
  type PDFOperator,
  type PDFPage,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingGrayscaleColor,
} from "pdf-lib";
import { badRequest } from "../lib/problem";
import { type BarcodeValue, checkBarcode, isLinear, type Symbology } from "./codes";

// Quiet zones in modules (ISO/IEC 15417, 15420, 18004, 16022), and bwip-js's pixels per module at scale 1.
const QUIET: Record<Symbology, { left: number; right: number; vertical: number }> = {
  code128: { left: 10, right: 10, vertical: 0 },
  ean13: { left: 11, right: 7, vertical: 0 },
  upca: { left: 9, right: 9, vertical: 0 },
  qrcode: { left: 4, right: 4, vertical: 4 },
  datamatrix: { left: 2, right: 2, vertical: 2 },
};
const PIXELS_PER_MODULE: Record<Symbology, number> = {
  code128: 1,
  ean13: 1,
  upca: 1,
  qrcode: 2,
  datamatrix: 2,
};
const ENCODERS = { code128, ean13, upca, qrcode, datamatrix };

/** Narrowest module we draw: 0.19 mm, what a common scanner still reads from a thermal print. */
export const MIN_MODULE_PT = 0.54;

type Shape = { rect: [number, number, number, number] } | { poly: [number, number][] };

interface Encoded {
  width: number;
  height: number;
  shapes: Shape[];
}

/** With `parsefnc` on, a caret starts a function code; a caret of the value itself is written "^^". */
const escapeCarets = (text: string) => text.replaceAll("^", "^^");

/** The symbol in bwip-js's pixel grid (y down): bars as rectangles, 2-D modules as traced outlines. */
function encode(code: BarcodeValue): Encoded {
  const shapes: Shape[] = [];
  let width = 0;
  let height = 0;
  const drawing: DrawingContext<Encoded> = {
    scale: () => null,
    measure: () => ({ width: 0, ascent: 0, descent: 0 }),
    init(w, h) {
      width = w;
      height = h;
    },
    // A bar: stroked along its centre with pen width lw, the end pixels included (bwip-js's convention).
    line(x0, y0, x1, y1, lw) {
      if (x0 === x1) {
        const left = x0 - Math.ceil(lw / 2);
        shapes.push({ rect: [left, Math.min(y0, y1), lw, Math.abs(y1 - y0) + 1] });
      } else {
        const top = y0 - Math.ceil(lw / 2);
        shapes.push({ rect: [Math.min(x0, x1), top, Math.abs(x1 - x0) + 1, lw] });
      }
    },
    polygon(points) {
      shapes.push({ poly: points.map(([x, y]) => [x, y] as [number, number]) });
    },
    hexagon(points) {
      shapes.push({ poly: points.map(([x, y]) => [x, y] as [number, number]) });
    },
    ellipse() {
      throw new Error("bwip-js asked for an ellipse; no symbology ROMS prints uses one");
    },
    fill() {},
    text() {},
    end: () => ({ width, height, shapes }),
  };
  // bwip-js writes a value's characters as UTF-8 bytes; beyond ASCII, a QR code says so (ECI 26) so a reader
  // does not take the bytes for Shift-JIS or Latin-1. DataMatrix readers print an ECI as a character of the
  // value, so its UTF-8 goes plain.
  const twoD = code.symbology === "qrcode" || code.symbology === "datamatrix";
  const ascii = [...code.value].every((ch) => ch.charCodeAt(0) < 128);
  const eci = code.symbology === "qrcode" && !ascii ? "^ECI000026" : "";
  const text = twoD ? `${eci}${escapeCarets(code.value)}` : code.value;
  const linear = isLinear(code.symbology);
  // A linear code's bars are drawn to the box's height whatever their height here; 2-D modules stay square.
  return ENCODERS[code.symbology](
    { bcid: code.symbology, text, scale: 1, ...(linear && { height: 10 }), ...(twoD && { parsefnc: true }) },
    drawing,
  );
}

export interface Placement {
  /** Left edge of the box, in points from the page's left. */
  x: number;
  /** Bottom edge of the box, in points from the page's bottom. */
  y: number;
  width: number;
  height: number;
}

export interface Drawn {
  /** Where the symbol's bars or modules landed (quiet zones outside it). */
  x: number;
  y: number;
  width: number;
  height: number;
  module: number;
}

/**
 * Draws the code inside `box` with its quiet zones, as large as fits: linear codes fill the box's height,
 * 2-D codes are square and centred. Throws a 400 problem when the box is too small for modules that scan.
 */
export function drawBarcode(page: PDFPage, code: BarcodeValue, box: Placement, where = "barcode"): Drawn {
  checkBarcode(code, where);
  const encoded = encode(code);
  const quiet = QUIET[code.symbology];
  const perModule = PIXELS_PER_MODULE[code.symbology];
  const modulesWide = encoded.width / perModule + quiet.left + quiet.right;
  const modulesHigh = encoded.height / perModule + 2 * quiet.vertical;
  const linear = isLinear(code.symbology);
  const module = linear
    ? box.width / modulesWide
    : Math.min(box.width / modulesWide, box.height / modulesHigh);
  if (module < MIN_MODULE_PT) {
    throw badRequest(
      `${code.symbology} value ${JSON.stringify(code.value)} does not fit this label: its modules would be ${(module / 2.835).toFixed(2)} mm wide, under the 0.19 mm a scanner reads. Use a larger label, a shorter value or a 2-D code.`,
      [{ in: "body", path: where, message: "too long for the label" }],
    );
  }
  const scaleX = module / perModule;
  const scaleY = linear ? box.height / encoded.height : scaleX;
  const symbolWidth = encoded.width * scaleX;
  const symbolHeight = encoded.height * scaleY;
  const left = linear
    ? box.x + (box.width - modulesWide * module) / 2 + quiet.left * module
    : box.x + (box.width - symbolWidth) / 2;
  const top = linear ? box.y + box.height : box.y + (box.height + symbolHeight) / 2;
  const px = (x: number) => left + x * scaleX;
  const py = (y: number) => top - y * scaleY;

  const ops: PDFOperator[] = [pushGraphicsState(), setFillingGrayscaleColor(0)];
  for (const shape of encoded.shapes) {
    if ("rect" in shape) {
      const [x, y, w, h] = shape.rect;
      ops.push(rectangle(px(x), py(y + h), w * scaleX, h * scaleY));
    } else {
      const [first, ...rest] = shape.poly;
      if (!first) continue;
      ops.push(moveTo(px(first[0]), py(first[1])));
      for (const [x, y] of rest) ops.push(lineTo(px(x), py(y)));
      ops.push(closePath());
    }
  }
  // One fill for the whole symbol, nonzero winding: bwip-js traces outer edges one way, holes the other.
  ops.push(fill(), popGraphicsState());
  page.pushOperators(...ops);
  return { x: left, y: top - symbolHeight, width: symbolWidth, height: symbolHeight, module };
}
