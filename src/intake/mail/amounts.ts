// Amounts, quantities and currencies as mail writes them ("1.234,56 €", "$1,234.56", 12.5), read exactly into
// minor units, or not at all: a value that cannot be read is left out and the reader says why.
import { isCurrency, minorDigits, parseDecimal } from "../../lib/money";

/** Currency signs that stand for one currency. "$" alone is read as USD. */
const SIGNS: Record<string, string> = { "€": "EUR", $: "USD", US$: "USD", "£": "GBP", "¥": "JPY" };

/** An ISO 4217 code from a code or a sign ("eur", "€"), or null. */
export function readCurrency(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const text = value.trim();
  const code = SIGNS[text] ?? text.toUpperCase();
  return /^[A-Z]{3}$/.test(code) && isCurrency(code) ? code : null;
}

/** "1.234.567" → "1234567" when every group after the first has three digits; otherwise null. */
function ungroup(text: string, separator: string): string | null {
  const [head = "", ...tail] = text.split(separator);
  return /^\d{1,3}$/.test(head) && tail.every((g) => /^\d{3}$/.test(g)) ? [head, ...tail].join("") : null;
}

/**
 * "1.234,56", "1,234.56", "1 234,56", "1'234.56", "12.5" or "12" as a plain decimal ("1234.56"), or null.
 * With both marks the last is the decimal one. A single mark groups thousands when it repeats, or when it
 * stands between a 1–3 digit group and exactly three digits ("1.250" EUR is 1250; "0.125" and "12.5" are
 * decimals), unless the currency itself has three decimals.
 */
export function plainDecimal(text: string, digits: number): string | null {
  const match = /^([+-]?)(\d[\d.,' \u00a0\u202f]*)$/.exec(text.trim());
  if (!match) return null;
  const sign = match[1] ?? "";
  // Spaces and apostrophes only ever group thousands.
  const number = (match[2] ?? "").replace(/[' \u00a0\u202f](?=\d{3}(?:\D|$))/g, "");
  if (/[' \u00a0\u202f]/.test(number)) return null;
  const at = Math.max(number.lastIndexOf("."), number.lastIndexOf(","));
  if (at < 0) return `${sign}${number}`;
  const mark = number.charAt(at);
  const other = mark === "." ? "," : ".";
  const head = number.slice(0, at);
  const tail = number.slice(at + 1);
  const decimal = head.includes(other)
    ? true
    : head.includes(mark)
      ? false
      : !(tail.length === 3 && /^[1-9]\d{0,2}$/.test(head) && digits < 3);
  if (!decimal) {
    const whole = ungroup(number, mark);
    return whole === null ? null : `${sign}${whole}`;
  }
  const whole = head.includes(other) ? ungroup(head, other) : head;
  if (whole === null || !/^\d+$/.test(whole) || !/^\d+$/.test(tail)) return null;
  return `${sign}${whole}.${tail}`;
}

/**
 * An amount in minor units of `currency`, exactly ("1.234,56" EUR is 123456, 12.5 USD is 1250), from a number
 * or from text that may carry a currency sign or code ("20,00 €", "USD 1,250.00"). Null when it cannot be
 * read, or has more decimals than the currency has (never rounded).
 */
export function readMinor(value: unknown, currency: string): number | null {
  const digits = isCurrency(currency) ? minorDigits(currency) : 2;
  if (typeof value === "number") {
    return Number.isFinite(value) ? parseDecimal(String(value), digits) : null;
  }
  if (typeof value !== "string") return null;
  const bare = value
    .trim()
    .replace(/^(?:[A-Za-z]{3}|US\$|[$€£¥])\s*/, "")
    .replace(/\s*(?:[A-Za-z]{3}|[$€£¥])$/, "");
  const plain = plainDecimal(bare, digits);
  return plain === null ? null : parseDecimal(plain, digits);
}

/** A whole, positive quantity ("2", 2, "2.0"); null for "two", 1.5, 0 or anything else. */
export function readQuantity(value: unknown): number | null {
  if (typeof value !== "number" && typeof value !== "string") return null;
  const quantity = parseDecimal(String(value).trim(), 0);
  return quantity !== null && quantity >= 1 ? quantity : null;
}
