// Barcode kinds the catalog accepts, with the GS1 check digit rule for EAN-13 and UPC-A.
import { gs1Error } from "../../lib/gs1";

export type BarcodeKind = "ean13" | "upca" | "internal";

/** Why a barcode is not valid for its kind, or undefined when it is. */
export function barcodeProblem(barcode: string, kind: BarcodeKind): string | undefined {
  if (kind === "internal") {
    return /^[\x21-\x7e]{1,64}$/.test(barcode)
      ? undefined
      : "Internal barcodes are 1 to 64 printable characters";
  }
  const error = gs1Error(barcode, kind);
  return error ? `${barcode} ${error}` : undefined;
}
