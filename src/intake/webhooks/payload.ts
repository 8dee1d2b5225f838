// Reading a sender's JSON, which promises nothing: any field may be missing, null or of another type. A field
// that is there but cannot be read is passed on as it came (`asIs`), so the OrderIntake schema refuses the
// intake at that field and the ingest log says which one; nothing here throws.
import { isCurrency, minorDigits, parseDecimal } from "../../lib/money";
import type { OrderIntakeInput } from "../../modules/orders/schemas";

type Fields = Record<string, unknown>;
type AddressInput = NonNullable<OrderIntakeInput["shipping_address"]>;

export const isRecord = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The object at `value`, or an empty one: reading a field of it never throws. */
export const record = (value: unknown): Fields => (isRecord(value) ? value : {});

/** The array at `value`, or an empty one. */
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A value of the wrong type, handed on for the schema to refuse where it stands. */
export const asIs = <T>(value: unknown) => value as T;

/** A text field: absent when missing, null or blank; anything but a string goes on as it came. */
export function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return asIs<string>(value);
  return value.trim() === "" ? undefined : value;
}

/** An id that senders write as a number or a string (12345 or "12345"); absent when missing, 0 or blank. */
export function idText(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === "string" && value.trim() !== "" && value.trim() !== "0") return value.trim();
  return undefined;
}

/** Non-blank parts joined by a space ("Erika" + "Mustermann"); absent when there are none. */
export function joined(...parts: unknown[]): string | undefined {
  const words = parts
    .filter((p): p is string => typeof p === "string" && p.trim() !== "")
    .map((p) => p.trim());
  return words.length > 0 ? words.join(" ") : undefined;
}

/** Digits of the currency's minor unit; a code Intl does not know reads as 2 (the schema refuses the code). */
const digitsOf = (currency: unknown) =>
  typeof currency === "string" && isCurrency(currency) ? minorDigits(currency) : 2;

/**
 * An amount ("19.99" or 19.99) in minor units of the currency, exactly: "19.99" EUR is 1999, "1000" JPY is
 * 1000. A number is read through its shortest decimal form, which is the decimal it was written as. Absent
 * when missing; an amount that is not a plain decimal, or is finer than the currency's minor unit, goes on
 * as it came.
 */
export function minor(value: unknown, currency: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" && !(typeof value === "number" && Number.isFinite(value))) {
    return asIs<number>(value);
  }
  return parseDecimal(String(value), digitsOf(currency)) ?? asIs<number>(value);
}

/** The sum of some amounts; the first that cannot be read goes on as it came. */
export function minorSum(values: unknown[], currency: unknown): number {
  let sum = 0;
  for (const value of values) {
    const amount = minor(value, currency);
    if (amount === undefined) continue;
    if (!Number.isSafeInteger(amount)) return amount;
    sum += amount;
  }
  return sum;
}

/**
 * Tax rates summed and rounded half up to whole basis points: as fractions (0.19 -> 1900; 0.045 + 0.04375
 * stacked local taxes -> 888) or as percents (19 -> 1900, 7.5 -> 750). Rates are read to a millionth by
 * string arithmetic, so 0.07 is 700, not 700.0000000000001. A rate that is not a number goes on as it came.
 */
export function rateBp(rates: unknown[], unit: "fraction" | "percent"): number {
  let millionths = 0;
  for (const rate of rates) {
    const value =
      typeof rate === "number" || typeof rate === "string"
        ? parseDecimal(String(rate), unit === "fraction" ? 6 : 4)
        : null;
    if (value === null) return asIs<number>(rate);
    millionths += value;
  }
  return Math.floor((millionths + 50) / 100);
}

/** `value` without its undefined fields, so an intake carries only what the sender said. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * An address, or absent when the sender sent none or only empty fields (shops send an all-blank shipping
 * address for orders with nothing to ship). A partial address is kept: the schema says what it lacks.
 */
export function address(parts: {
  name?: unknown;
  company?: unknown;
  phone?: unknown;
  line1: unknown;
  line2?: unknown;
  city: unknown;
  postal_code: unknown;
  region?: unknown;
  country: unknown;
}): AddressInput | undefined {
  const read = compact({
    name: text(parts.name),
    company: text(parts.company),
    phone: text(parts.phone),
    line1: text(parts.line1),
    line2: text(parts.line2),
    city: text(parts.city),
    postal_code: text(parts.postal_code),
    region: text(parts.region),
    country:
      typeof parts.country === "string" ? text(parts.country.trim().toUpperCase()) : text(parts.country),
  });
  const located = [read.line1, read.city, read.postal_code, read.country].some((v) => v !== undefined);
  return located ? (read as AddressInput) : undefined;
}
