// Money as a person types it ("12.50", "12,5") into the API's minor units for a currency.

/** The currency's minor digits (2 for EUR, 0 for JPY, 3 for KWD); 2 for a code the browser does not know. */
export function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/** "12.50" EUR → 1250; null when it is not an amount with at most the currency's digits. */
export function toMinor(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const found = /^(\d{1,12})(?:[.,](\d*))?$/.exec(text.trim().replaceAll(" ", ""));
  if (!found) return null;
  const fraction = found[2] ?? "";
  if (fraction.length > digits) return null;
  return Number(found[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || 0);
}
