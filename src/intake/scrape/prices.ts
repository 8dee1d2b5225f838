// Prices as retailers print them ("€1.234,56", "12.99 USD", "1 299 Kč"), read into minor units exactly, and
// the scraped rows of a price or catalog target as price observations.

import { isCurrency, minorDigits, parseDecimal } from "../../lib/money";
import type { Observation } from "../../modules/prices/observations";
import type { ScrapePayload } from "./read";

const SYMBOLS: Record<string, string> = {
  "€": "EUR",
  $: "USD",
  "£": "GBP",
  "¥": "JPY",
  "₹": "INR",
  zł: "PLN",
  Kč: "CZK",
  "Fr.": "CHF",
};

/** The currency a price text names (a code or a symbol), else `fallback`. */
export function currencyOf(text: string | null | undefined, fallback: string | null): string | null {
  const code = text ? /\b([A-Z]{3})\b/.exec(text)?.[1] : undefined;
  if (code && isCurrency(code)) return code;
  for (const [symbol, iso] of Object.entries(SYMBOLS)) if (text?.includes(symbol)) return iso;
  return fallback;
}

/**
 * The amount in a price text, in minor units of `currency`, or null when it is not a price. The decimal
 * mark is the last "." or "," followed by 1 to 3 digits and nothing else; other marks and spaces group
 * thousands. Never rounded: a price with more decimals than the currency has is not a price.
 */
export function parsePrice(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const number = text
    .replace(/[^\d.,\s\u00a0\u202f'-]/g, "")
    .trim()
    .replace(/[\s\u00a0\u202f']/g, "");
  if (!/\d/.test(number)) return null;
  const mark = /[.,](\d{1,3})$/.exec(number);
  const decimal = mark && (mark[1]?.length !== 3 || digits === 3) ? mark.index : -1;
  const whole = (decimal >= 0 ? number.slice(0, decimal) : number).replace(/[.,]/g, "");
  const fraction = decimal >= 0 ? number.slice(decimal + 1) : "";
  return parseDecimal(fraction ? `${whole}.${fraction}` : whole, digits);
}

/** The observations in a price or catalog scrape; rows without a readable price are reported, not guessed. */
export function observationsOf(
  payload: ScrapePayload,
  at: string,
): { observations: Observation[]; skipped: string[] } {
  const skipped: string[] = [];
  const observations = payload.records.flatMap((r, i): Observation[] => {
    const currency = currencyOf(r.currency ?? r.price, payload.default_currency);
    const price = r.price && currency ? parsePrice(r.price, currency) : null;
    const key =
      r.key ?? r.sku ?? r.url ?? (payload.kind === "price" ? payload.pages[0]?.url : null) ?? r.name;
    if (price === null || price < 0 || !currency || !key) {
      skipped.push(
        `row ${i + 1}: ${!currency ? "no currency" : price === null ? `"${r.price}" is not a price` : "no key"}`,
      );
      return [];
    }
    return [
      {
        source: `scrape:${payload.target}`,
        key,
        name: r.name ?? key,
        url: r.url ?? null,
        sku: r.sku ?? null,
        price_minor: price,
        currency,
        observed_at: at,
        scrape_job_id: payload.job_id,
      },
    ];
  });
  return { observations, skipped };
}
