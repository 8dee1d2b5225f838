// Barcode kinds the catalog accepts, with the GS1 check digit rule for EAN-13 and UPC-A.
import { gs1CheckDigit } from "../../lib/gs1";

export type BarcodeKind = "ean13" | "upca" | "internal";

/** Why a barcode is not valid for its kind, or undefined when it is. */
export function barcodeProblem(barcode: string, kind: BarcodeKind): string | undefined {
  if (kind === "internal") {
    return /^[\x21-\x7e]{1,64}$/.test(barcode)
      ? undefined
      : "Internal barcodes are 1 to 64 printable characters";
  }
  const length = kind === "ean13" ? 13 : 12;
  if (!new RegExp(`^\\d{${length}}$`).test(barcode)) return `${kind.toUpperCase()} has ${length} digits`;
  const expected = gs1CheckDigit(barcode.slice(0, -1));
  return Number(barcode.at(-1)) === expected ? undefined : `Check digit should be ${expected}`;
}
