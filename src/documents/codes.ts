// What a barcode may carry, checked without drawing it: the symbologies ROMS prints, their limits, and the
// one check of a value (a bad one is a 400 problem naming it). Kept apart from barcode.ts so the API checks
// codes without loading the encoder and the PDF library; those load when something is drawn.

import { SYMBOLOGIES } from "../db/vocabulary";
import { gs1Error } from "../lib/gs1";
import { badRequest } from "../lib/problem";

export { SYMBOLOGIES };
export type Symbology = (typeof SYMBOLOGIES)[number];

export interface BarcodeValue {
  symbology: Symbology;
  value: string;
}

const LINEAR = new Set<Symbology>(["code128", "ean13", "upca"]);
export const isLinear = (symbology: Symbology) => LINEAR.has(symbology);

/** Longest values we print: beyond these a label's code would be too dense to scan from paper. */
export const MAX_LENGTH: Record<Symbology, number> = {
  code128: 48,
  ean13: 13,
  upca: 12,
  qrcode: 1000,
  datamatrix: 500,
};

const utf8Length = (value: string) => new TextEncoder().encode(value).length;

/** Why `value` cannot be drawn as `symbology`, or null when it can. */
export function barcodeError(symbology: Symbology, value: string): string | null {
  if (value.length === 0) return "is empty";
  switch (symbology) {
    case "ean13":
    case "upca":
      return gs1Error(value, symbology);
    case "code128": {
      const bad = [...value].find((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) > 126);
      if (bad !== undefined) {
        return `has ${JSON.stringify(bad)}, outside Code 128's printable ASCII (space to ~)`;
      }
      if (value.length > MAX_LENGTH.code128) {
        return `is ${value.length} characters; a Code 128 label takes at most ${MAX_LENGTH.code128}`;
      }
      return null;
    }
    case "qrcode":
    case "datamatrix": {
      const bytes = utf8Length(value);
      if (bytes > MAX_LENGTH[symbology]) {
        return `is ${bytes} bytes; a ${symbology === "qrcode" ? "QR code" : "DataMatrix"} label takes at most ${MAX_LENGTH[symbology]}`;
      }
      return null;
    }
  }
}

/** Throws a 400 problem naming the value when it cannot be drawn. `where` is the field it came from. */
export function checkBarcode(code: BarcodeValue, where = "barcode"): void {
  const error = barcodeError(code.symbology, code.value);
  if (error) {
    throw badRequest(`${code.symbology} value ${JSON.stringify(code.value)} ${error}.`, [
      { in: "body", path: where, message: `${JSON.stringify(code.value)} ${error}` },
    ]);
  }
}

/** The symbology a product's own barcode reads as: EAN-13 or UPC-A when it is one, Code 128 otherwise. */
export function symbologyFor(value: string): Symbology {
  if (gs1Error(value, "ean13") === null) return "ean13";
  if (gs1Error(value, "upca") === null) return "upca";
  return "code128";
}
