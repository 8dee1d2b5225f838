// Money is an integer amount of minor units and an ISO 4217 code. Never a float: display strings are made
// from the integer by string arithmetic.
import { z } from "@hono/zod-openapi";

const SUPPORTED = new Set(Intl.supportedValuesOf("currency"));
const exponents = new Map<string, number>();

export const isCurrency = (code: string) => SUPPORTED.has(code);

/** Digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD. */
export function minorDigits(currency: string): number {
  let digits = exponents.get(currency);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ??
      2;
    exponents.set(currency, digits);
  }
  return digits;
}

/** 1999 EUR -> "19.99"; -5 EUR -> "-0.05"; 1999 JPY -> "1999". */
export function formatMinor(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amount < 0 ? "-" : "";
  const text = Math.abs(amount)
    .toString()
    .padStart(digits + 1, "0");
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * A decimal string as a whole number of 10^-digits units, by string arithmetic (no float error):
 * ("19.99", 2) -> 1999, ("1000", 0) -> 1000, ("0.19", 4) -> 1900. Null when it is not a plain decimal, when
 * it has non-zero digits beyond `digits` (never rounded), or when the result is not a safe integer.
 */
export function parseDecimal(text: string, digits: number): number | null {
  const match = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) return null;
  const [, sign, whole, fraction = ""] = match;
  if (/[1-9]/.test(fraction.slice(digits))) return null;
  const value = Number(`${sign}${whole}${fraction.slice(0, digits).padEnd(digits, "0")}`);
  if (!Number.isSafeInteger(value)) return null;
  return value === 0 ? 0 : value; // "-0.00" is 0, not -0
}

export const CurrencySchema = z
  .string()
  .refine(
    (code) => /^[A-Z]{3}$/.test(code) && isCurrency(code),
    "An ISO 4217 currency code in capitals, e.g. EUR",
  )
  .openapi({ example: "EUR", pattern: "^[A-Z]{3}$" });

/** A whole number of minor units; 19.99 EUR is 1999. Fractions are refused, never rounded. */
export const MinorAmount = z
  .number()
  .int("Minor units are whole numbers: 19.99 EUR is 1999")
  .min(-Number.MAX_SAFE_INTEGER)
  .max(Number.MAX_SAFE_INTEGER)
  .openapi({ example: 1999 });

export const MoneyInput = z
  .strictObject({ amount: MinorAmount, currency: CurrencySchema })
  .openapi("MoneyInput");

export const MoneySchema = z
  .object({
    amount: z.number().int().openapi({ description: "Minor units (cents)", example: 1999 }),
    currency: z.string().openapi({ example: "EUR" }),
    display: z
      .string()
      .openapi({ description: "Decimal string made from `amount`, for display", example: "19.99" }),
  })
  .openapi("Money");

export const money = (amount: number, currency: string) => ({
  amount,
  currency,
  display: formatMinor(amount, currency),
});

/** Tax of a line in minor units, rounded half up from exact integer arithmetic. */
export const lineTax = (lineTotal: number, taxRateBp: number) =>
  Math.floor((lineTotal * taxRateBp + 5_000) / 10_000);

/** Totals derived from lines (tax rounded per line), plus shipping, less discount. */
export function totalsOf(
  lines: { unitPriceMinor: number; quantity: number; taxRateBp: number }[],
  shipping: number,
  discount: number,
) {
  const subtotal = lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0);
  const tax = lines.reduce((s, l) => s + lineTax(l.unitPriceMinor * l.quantity, l.taxRateBp), 0);
  return { subtotal, tax, total: subtotal + tax + shipping - discount };
}
