// Attendance reports from derived sessions, in one IANA time zone (Intl only): days against the schedule,
// ISO-week totals, who is in, CSV.
//
// Choices the reports make:
// - A session counts, whole, toward the local date on which it STARTED: a night shift 22:00–06:00 gives its
//   480 minutes to the evening it began. Minutes are real elapsed time between UTC instants, so a
//   daylight-saving change inside a shift counts as it happened (540 or 420 for that night shift in
//   Europe/Berlin), summed per day and rounded down to whole minutes.
// - A row exists for each employee and local date in range that has a session starting on it or a
//   scheduled shift; a scheduled day without a session is flagged `absent`, a day whose last session is
//   still open is flagged `open` (its minutes are not counted yet and it cannot have left early).
// - `firstIn` and `lastOut` are local times with their offset (RFC 3339, e.g. 2026-03-28T22:00:00+01:00),
//   so a row reads in local time and still names one instant.
// - Late: first in after schedule start + grace. Left early: last out before schedule end − grace, the end
//   falling on the next day when it is not after the start (a night shift).
import { instant, type Session } from "./rules";

export interface Schedule {
  /** Per ISO weekday 1 (Monday) .. 7: local "HH:MM" start and end, or null for a day off. */
  days: Record<number, { start: string; end: string } | null>;
  graceMinutes: number;
}

export interface DayReport {
  employeeId: string;
  /** Local YYYY-MM-DD */
  date: string;
  minutes: number;
  firstIn: string | null;
  lastOut: string | null;
  late: boolean;
  leftEarly: boolean;
  flags: string[];
}

const DAY_MS = 86_400_000;

/** One row per employee and local day, ordered by employee then date; `from` and `to` are inclusive. */
export function dailyReport(
  sessions: Session[],
  schedules: Map<string, Schedule>,
  timeZone: string,
  from: string,
  to: string,
): DayReport[] {
  const byDay = new Map<string, Session[]>();
  for (const s of sessions) {
    const date = localDate(instant(s.in), timeZone);
    if (date < from || date > to) continue;
    const key = `${s.employeeId}\n${date}`;
    byDay.set(key, [...(byDay.get(key) ?? []), s]);
  }
  const employees = [...new Set([...sessions.map((s) => s.employeeId), ...schedules.keys()])].sort();

  const rows: DayReport[] = [];
  for (const employeeId of employees) {
    const schedule = schedules.get(employeeId);
    for (let date = from; date <= to; date = addDays(date, 1)) {
      const day = (byDay.get(`${employeeId}\n${date}`) ?? []).sort((a, b) => instant(a.in) - instant(b.in));
      const shift = schedule?.days[isoWeekday(date)] ?? null;
      if (day.length === 0 && !shift) continue;

      const flags = new Set<string>(day.flatMap((s) => s.flags));
      let ms = 0;
      for (const s of day) if (s.out !== null) ms += instant(s.out) - instant(s.in);
      const first = day[0];
      const last = day.at(-1);
      if (last && last.out === null) flags.add("open");
      if (shift && !first) flags.add("absent");

      let late = false;
      let leftEarly = false;
      if (shift && schedule) {
        const grace = schedule.graceMinutes * 60_000;
        const start = zonedInstant(date, shift.start, timeZone);
        const endDate = shift.end > shift.start ? date : addDays(date, 1);
        const end = zonedInstant(endDate, shift.end, timeZone);
        late = first !== undefined && instant(first.in) > start + grace;
        leftEarly = last?.out != null && instant(last.out) < end - grace;
      }
      rows.push({
        employeeId,
        date,
        minutes: Math.floor(ms / 60_000),
        firstIn: first ? localRfc3339(instant(first.in), timeZone) : null,
        lastOut: last?.out ? localRfc3339(instant(last.out), timeZone) : null,
        late,
        leftEarly,
        flags: [...flags],
      });
    }
  }
  return rows;
}

/** Minutes per employee and ISO week (e.g. 2026-W48) of the rows' local dates. */
export function weeklyTotals(days: DayReport[]): { employeeId: string; week: string; minutes: number }[] {
  const totals = new Map<string, { employeeId: string; week: string; minutes: number }>();
  for (const d of days) {
    const week = isoWeek(d.date);
    const key = `${d.employeeId}\n${week}`;
    const total = totals.get(key) ?? { employeeId: d.employeeId, week, minutes: 0 };
    total.minutes += d.minutes;
    totals.set(key, total);
  }
  return [...totals.values()].sort((a, b) =>
    a.employeeId === b.employeeId ? compare(a.week, b.week) : compare(a.employeeId, b.employeeId),
  );
}

/** Employees with a session open at `now`, earliest arrival first. */
export function whoIsIn(sessions: Session[], now: string): { employeeId: string; since: string }[] {
  const t = instant(now);
  const since = new Map<string, string>();
  for (const s of sessions) {
    if (instant(s.in) > t || (s.out !== null && instant(s.out) <= t)) continue;
    const known = since.get(s.employeeId);
    if (!known || instant(s.in) > instant(known)) since.set(s.employeeId, s.in);
  }
  return [...since]
    .map(([employeeId, at]) => ({ employeeId, since: at }))
    .sort((a, b) => instant(a.since) - instant(b.since) || compare(a.employeeId, b.employeeId));
}

const spreadsheetText = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/**
 * RFC 4180: a header row, CRLF after every row, fields with a comma, quote or line break quoted. People are
 * named by their code and name, never by the internal id.
 */
export function toCsv(days: DayReport[], people: Map<string, { code: string; name: string }>): string {
  const header = [
    "employee_code",
    "name",
    "date",
    "minutes",
    "first_in",
    "last_out",
    "late",
    "left_early",
    "flags",
  ];
  const rows = days.map((d) => [
    // A code or name a spreadsheet would run as a formula (=, +, -, @ first) is written as text.
    spreadsheetText(people.get(d.employeeId)?.code ?? d.employeeId),
    spreadsheetText(people.get(d.employeeId)?.name ?? ""),
    d.date,
    String(d.minutes),
    d.firstIn ?? "",
    d.lastOut ?? "",
    String(d.late),
    String(d.leftEarly),
    d.flags.join(" "),
  ]);
  return [header, ...rows].map((fields) => `${fields.map(csvField).join(",")}\r\n`).join("");
}

const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// --- local time, by Intl alone ---

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

function localDate(t: number, timeZone: string): string {
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
function isoWeekday(date: string): number {
  const [y, mo, d] = ymd(date);
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDay() || 7;
}

function isoWeek(date: string): string {
  const [y, mo, d] = ymd(date);
  // The ISO week belongs to the year of its Thursday.
  const thursday = Date.UTC(y, mo - 1, d) + (4 - isoWeekday(date)) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${pad(week)}`;
}
