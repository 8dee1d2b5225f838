// Local calendar dates (YYYY-MM-DD) in the reader's time zone, for the reports' ranges: today, days before
// and after, the ISO week (Monday first) and the month a date falls in. Plain date arithmetic in UTC, so a
// clock change never moves a date.
import { timeZone } from "../../format";

const isoDate = new Intl.DateTimeFormat("en-CA", {
  timeZone,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** Today's date where the reader is. */
export const today = (): string => isoDate.format(new Date());

const utcOf = (date: string) => {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
};
const dateOf = (at: Date) => at.toISOString().slice(0, 10);

export const addDays = (date: string, days: number): string => {
  const at = utcOf(date);
  at.setUTCDate(at.getUTCDate() + days);
  return dateOf(at);
};

/** The Monday and Sunday of the ISO week holding `date`. */
export function weekOf(date: string): { from: string; to: string } {
  const weekday = (utcOf(date).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const from = addDays(date, -weekday);
  return { from, to: addDays(from, 6) };
}

/** The month holding `date`: YYYY-MM, its first and its last day. */
export function monthOf(date: string): { month: string; from: string; to: string } {
  const month = date.slice(0, 7);
  const [y, m] = month.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)); // day 0 of the next month
  return { month, from: `${month}-01`, to: dateOf(last) };
}

/** A valid YYYY-MM-DD, or the fallback. */
export const dateOr = (value: string | null | undefined, fallback: string): string =>
  value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(utcOf(value).getTime()) ? value : fallback;
