// Local time in IANA time zones by Intl alone: the wall clock of an instant, the instant of a wall clock,
// dates and ISO weeks. Reports ("today", attendance days) read time through here; storage stays UTC.
import { z } from "@hono/zod-openapi";

const DAY_MS = 86_400_000;

/** Whether the runtime knows the zone (an IANA name such as Europe/Berlin). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A `tz` query parameter: an IANA time zone the runtime knows. */
export const TimeZoneSchema = z.string().max(64).refine(isTimeZone, "An IANA time zone, e.g. Europe/Berlin");

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(t: number, timeZone: string) {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, format);
  }
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(t)) if (part.type !== "literal") p[part.type] = Number(part.value);
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour! % 24, mi: p.minute!, s: p.second! };
}

/** The zone's offset from UTC at instant `t`, in milliseconds. */
function offsetAt(t: number, timeZone: string): number {
  const p = localParts(t, timeZone);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - Math.floor(t / 1000) * 1000;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

export function localDate(t: number, timeZone: string): string {
  const p = localParts(t, timeZone);
  return `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}`;
}

export function localRfc3339(t: number, timeZone: string): string {
  const p = localParts(t, timeZone);
  const offset = Math.round(offsetAt(t, timeZone) / 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${localDate(t, timeZone)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * The instant of a local date and "HH:MM" in the zone. A wall time skipped by a spring change lands after
 * the gap; one repeated by an autumn change is taken the second time.
 */
export function zonedInstant(date: string, time: string, timeZone: string): number {
  const [y, mo, d] = ymd(date);
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m) throw new RangeError(`not a local time HH:MM: ${time}`);
  const wall = Date.UTC(y, mo - 1, d, Number(m[1]), Number(m[2]));
  const guess = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(guess, timeZone);
}

function ymd(date: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function addDays(date: string, n: number): string {
  const [y, mo, d] = ymd(date);
  return new Date(Date.UTC(y, mo - 1, d) + n * DAY_MS).toISOString().slice(0, 10);
}

/** 1 (Monday) .. 7 (Sunday) */
export function isoWeekday(date: string): number {
  const [y, mo, d] = ymd(date);
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDay() || 7;
}

export function isoWeek(date: string): string {
  const [y, mo, d] = ymd(date);
  // The ISO week belongs to the year of its Thursday.
  const thursday = Date.UTC(y, mo - 1, d) + (4 - isoWeekday(date)) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${pad(week)}`;
}

/** The instant the local day of `now` began in the zone. */
export const startOfDay = (timeZone: string, now = new Date()): Date =>
  new Date(zonedInstant(localDate(now.getTime(), timeZone), "00:00", timeZone));
