// Money, dates and numbers in the reader's locale and time zone (the browser's own).
const locale = navigator.language || "en";
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const moneyFormats = new Map<string, Intl.NumberFormat>();
/** Money as the API sends it (minor units and a currency), as the reader writes money. */
export function money(value: { amount: number; currency: string }): string {
  const { amount: minor, currency } = value;
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, { style: "currency", currency });
    } catch {
      format = new Intl.NumberFormat(locale, { minimumFractionDigits: 2 });
    }
    moneyFormats.set(currency, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

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

/**
 * An amount a person typed ("12.50", "12,5", "1250") in the currency's minor units; null when it is not an
 * amount with at most the currency's digits after one decimal mark (a dot or a comma).
 */
export function toMinor(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const found = /^(\d{1,12})(?:[.,](\d*))?$/.exec(text.trim().replaceAll(" ", ""));
  if (!found) return null;
  const fraction = found[2] ?? "";
  if (fraction.length > digits) return null;
  return Number(found[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || 0);
}

/** Minor units as the plain decimal a person would type back ("12.50"). */
export function fromMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}

const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: zone });
const dateOnly = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: zone });
const timeOnly = new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone: zone });
const numbers = new Intl.NumberFormat(locale);

export const when = (iso: string | null | undefined): string => (iso ? dateTime.format(new Date(iso)) : "—");
export const day = (iso: string | null | undefined): string => (iso ? dateOnly.format(new Date(iso)) : "—");
export const clock = (iso: string | null | undefined): string => (iso ? timeOnly.format(new Date(iso)) : "—");
export const count = (n: number): string => numbers.format(n);
/** The reader's IANA time zone, for reports that group by day. */
export const timeZone = zone;

/** An API word (`awaiting_customer`) as people write it. */
export const words = (value: string): string => value.replaceAll("_", " ");
