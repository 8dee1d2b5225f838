// Prices as people type them (12.50 or 12,50) and as the API keeps them (minor units of a currency).

const digitsOf = (currency: string): number => {
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
};

/** Minor units of a typed price, or null when it is not a price. */
export function toMinor(text: string, currency: string): number | null {
  const plain = text.trim().replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(plain)) return null;
  const digits = digitsOf(currency);
  const [whole = "0", fraction = ""] = plain.split(".");
  if (fraction.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
}

/** A price in minor units, as typed (12.50). */
export function fromMinor(amount: number, currency: string): string {
  const digits = digitsOf(currency);
  return digits === 0 ? String(amount) : (amount / 10 ** digits).toFixed(digits);
}

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
