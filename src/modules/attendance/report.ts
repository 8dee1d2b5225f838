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
import { csvLine } from "../../lib/csv";
import { addDays, isoWeek, isoWeekday, localDate, localRfc3339, zonedInstant } from "../../lib/zone";
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
  return [header, ...rows].map(csvLine).join("");
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
