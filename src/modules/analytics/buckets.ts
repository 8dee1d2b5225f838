// A report's range cut into local days, ISO weeks or months of one IANA time zone, each as its UTC instants:
// SQL groups rows by these boundaries, so a 23- or 25-hour day around a clock change is counted as it was.
import { badRequest } from "../../lib/problem";
import { addDays, isoWeek, isoWeekday, zonedInstant } from "../../lib/zone";

export const PERIODS = ["day", "week", "month"] as const;
export type Period = (typeof PERIODS)[number];

export interface Bucket {
  /** 2026-03-29, 2026-W13 or 2026-03 */
  label: string;
  /** First local date of the bucket inside the range (a week or month is clipped to the range). */
  firstDate: string;
  /** UTC instants, start inclusive, end exclusive. */
  start: string;
  end: string;
}

/** The longest range a report reads: two years of days keeps the bucket list and the answer small. */
export const MAX_DAYS = 732;

const labelOf = (date: string, by: Period) =>
  by === "day" ? date : by === "week" ? isoWeek(date) : date.slice(0, 7);

/** The next bucket's first date after `date`: tomorrow, next Monday, or the first of next month. */
function nextStart(date: string, by: Period): string {
  if (by === "day") return addDays(date, 1);
  if (by === "week") return addDays(date, 8 - isoWeekday(date));
  const [y, m] = date.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

/** The buckets covering local dates `from`..`to` (inclusive) in `timeZone`, in order, without gaps. */
export function bucketsOf(from: string, to: string, by: Period, timeZone: string): Bucket[] {
  if (to < from)
    throw badRequest("`to` is before `from`.", [{ in: "query", path: "to", message: "On or after from" }]);
  if (addDays(from, MAX_DAYS) <= to) {
    throw badRequest(`A report covers at most ${MAX_DAYS} days.`, [
      { in: "query", path: "to", message: `At most ${MAX_DAYS} days after from` },
    ]);
  }
  const last = addDays(to, 1);
  const buckets: Bucket[] = [];
  for (let date = from; date < last; ) {
    // The last bucket ends with the range: a week or month is clipped, so the buckets sum to the range.
    const next = [nextStart(date, by), last].sort()[0] as string;
    buckets.push({
      label: labelOf(date, by),
      firstDate: date,
      start: new Date(zonedInstant(date, "00:00", timeZone)).toISOString(),
      end: new Date(zonedInstant(next, "00:00", timeZone)).toISOString(),
    });
    date = next;
  }
  return buckets;
}

/** The bucket a local date falls in (for rows already dated locally, as attendance's are). */
export function bucketOfDate(buckets: Bucket[], date: string): Bucket | undefined {
  let found: Bucket | undefined;
  for (const b of buckets) if (b.firstDate <= date) found = b;
  return found;
}
