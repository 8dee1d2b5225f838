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
