// Barcodes as people type them, with the kind their shape says. (Prices: toMinor/fromMinor in format.ts.)

/** Barcodes as typed (spaces, commas or lines between them), with the kind their shape says. */
export function barcodesOf(text: string): { barcode: string; kind: "ean13" | "upca" | "internal" }[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((barcode) => ({
      barcode,
      kind: /^\d{13}$/.test(barcode) ? "ean13" : /^\d{12}$/.test(barcode) ? "upca" : "internal",
    }));
}
