// Timesheets: punches and corrections read from D1 for a span, turned into sessions by the rules and into
// days, weeks, months, who is in, and CSV by the reports, in the shop's (or the asked) time zone.
import { and, gte, inArray, isNull, lt } from "drizzle-orm";
import { getDb } from "../../db";
import { attendanceCorrections, employees, punches, WEEKDAYS } from "../../db/schema/attendance";
import type { Env } from "../../env";
import { utc } from "../../lib/time";
import { addDays, localRfc3339, zonedInstant } from "../../lib/zone";
import { employeeRef } from "./employees";
import { dailyReport, type Schedule, toCsv, weeklyTotals, whoIsIn } from "./report";
import { type Correction, deriveSessions, instant, type Punch, type Rules } from "./rules";

/**
 * How far before a span punches are read, so the in/out toggle starts right: a gap longer than the longest
 * shift resets it, and a week without one is not a believable workplace.
 */
const LOOKBACK_MS = 7 * 86_400_000;

const number = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
};

export const rulesOf = (env: Env): Rules => ({
  duplicateWindowSeconds: number(env.ATTENDANCE_DUPLICATE_SECONDS, 60),
  maxShiftHours: number(env.ATTENDANCE_MAX_SHIFT_HOURS, 14),
});

export const shopTimeZone = (env: Env, asked?: string) => asked ?? env.SHOP_TIME_ZONE ?? "UTC";

type EmployeeRow = typeof employees.$inferSelect;

const scheduleOf = (e: EmployeeRow): Schedule | undefined =>
  e.schedule && e.active
    ? {
        days: Object.fromEntries(WEEKDAYS.map((day, i) => [i + 1, e.schedule?.days[day] ?? null])),
        graceMinutes: e.schedule.grace_minutes,
      }
    : undefined;

/**
 * Sessions of the employees (all when `only` is not given) that bear on [start, end), as of `now`: punches
 * and live corrections from a lookback before `start` to a longest shift after `end`, each employee's
 * toggle started after the first gap longer than a shift.
 */
async function sessionsFor(env: Env, start: number, end: number, now: string, only?: string[]) {
  const rules = rulesOf(env);
  const from = new Date(start - LOOKBACK_MS).toISOString();
  const to = new Date(Math.min(end + rules.maxShiftHours * 3_600_000, instant(now) + 1)).toISOString();
  const db = getDb(env.DB);
  const who = only ? [inArray(punches.employeeId, only)] : [];
  const [punchRows, correctionRows, people] = await db.batch([
    db
      .select({ id: punches.id, employeeId: punches.employeeId, at: punches.at, deviceId: punches.deviceId })
      .from(punches)
      .where(and(gte(punches.at, from), lt(punches.at, to), ...who))
      .orderBy(punches.at, punches.id),
    db
      .select()
      .from(attendanceCorrections)
      .where(
        and(
          gte(attendanceCorrections.at, from),
          lt(attendanceCorrections.at, to),
          isNull(attendanceCorrections.withdrawnAt),
          ...(only ? [inArray(attendanceCorrections.employeeId, only)] : []),
        ),
      ),
    only ? db.select().from(employees).where(inArray(employees.id, only)) : db.select().from(employees),
  ]);
  const corrections: Correction[] = correctionRows.map((c) => ({
    id: c.id,
    employeeId: c.employeeId,
    kind: c.kind,
    reason: c.reason,
    by: c.createdBy,
    ...(c.kind === "ignore_punch" ? { punchId: c.punchId ?? "" } : { at: c.at }),
  }));
  const { sessions } = deriveSessions(freshStarts(punchRows, rules, start), corrections, rules, now);
  return { sessions, people: new Map(people.map((p) => [p.id, p])) };
}

/**
 * Each employee's punches from the first one after a gap longer than a shift, when that gap comes before the
 * span: what was before it cannot bear on the span but could start the toggle wrong. All of them otherwise.
 */
function freshStarts(rows: Punch[], rules: Rules, start: number): Punch[] {
  const gap = rules.maxShiftHours * 3_600_000;
  const byEmployee = new Map<string, Punch[]>();
  for (const p of rows) byEmployee.set(p.employeeId, [...(byEmployee.get(p.employeeId) ?? []), p]);
  return [...byEmployee.values()].flatMap((list) => {
    const reset = list.findIndex((p, i) => i > 0 && instant(p.at) - instant((list[i - 1] as Punch).at) > gap);
    return reset > 0 && instant((list[reset] as Punch).at) <= start ? list.slice(reset) : list;
  });
}

const dayStart = (date: string, timeZone: string) => zonedInstant(date, "00:00", timeZone);

/** Per employee and local day in [from, to] (inclusive), against their schedules. */
export async function attendanceDays(
  env: Env,
  q: { from: string; to: string; tz?: string | undefined; employee_id?: string | undefined },
) {
  const timeZone = shopTimeZone(env, q.tz);
  const now = new Date().toISOString();
  const only = q.employee_id ? [q.employee_id] : undefined;
  const { sessions, people } = await sessionsFor(
    env,
    dayStart(q.from, timeZone),
    dayStart(addDays(q.to, 1), timeZone),
    now,
    only,
  );
  const schedules = new Map<string, Schedule>();
  for (const p of people.values()) {
    const schedule = scheduleOf(p);
    if (schedule) schedules.set(p.id, schedule);
  }
  const rows = dailyReport(sessions, schedules, timeZone, q.from, q.to).filter((r) =>
    people.has(r.employeeId),
  );
  return { timeZone, rows, people };
}

const ref = (people: Map<string, EmployeeRow>, id: string) => {
  const p = people.get(id);
  return p ? employeeRef(p) : { id, code: "", name: "" };
};

export async function dayRows(env: Env, q: Parameters<typeof attendanceDays>[1]) {
  const { timeZone, rows, people } = await attendanceDays(env, q);
  return {
    time_zone: timeZone,
    items: rows.map((r) => ({
      employee: ref(people, r.employeeId),
      date: r.date,
      minutes: r.minutes,
      first_in: r.firstIn,
      last_out: r.lastOut,
      late: r.late,
      left_early: r.leftEarly,
      flags: r.flags,
    })),
  };
}

export async function daysCsv(env: Env, q: Parameters<typeof attendanceDays>[1]) {
  const { rows, people } = await attendanceDays(env, q);
  return toCsv(rows, people);
}

export async function weekRows(env: Env, q: Parameters<typeof attendanceDays>[1]) {
  const { timeZone, rows, people } = await attendanceDays(env, q);
  return {
    time_zone: timeZone,
    items: weeklyTotals(rows).map((w) => ({
      employee: ref(people, w.employeeId),
      week: w.week,
      minutes: w.minutes,
    })),
  };
}

export async function monthRows(
  env: Env,
  q: { month: string; tz?: string | undefined; employee_id?: string | undefined },
) {
  const from = `${q.month}-01`;
  const to = addDays(`${nextMonth(q.month)}-01`, -1);
  const { timeZone, rows, people } = await attendanceDays(env, { ...q, from, to });
  const totals = new Map<
    string,
    {
      minutes: number;
      days_worked: number;
      late: number;
      left_early: number;
      absent: number;
      forgotten_clock_outs: number;
    }
  >();
  for (const r of rows) {
    const t = totals.get(r.employeeId) ?? {
      minutes: 0,
      days_worked: 0,
      late: 0,
      left_early: 0,
      absent: 0,
      forgotten_clock_outs: 0,
    };
    t.minutes += r.minutes;
    if (r.firstIn) t.days_worked++;
    if (r.late) t.late++;
    if (r.leftEarly) t.left_early++;
    if (r.flags.includes("absent")) t.absent++;
    if (r.flags.includes("forgotten_clock_out")) t.forgotten_clock_outs++;
    totals.set(r.employeeId, t);
  }
  return {
    time_zone: timeZone,
    items: [...totals].map(([id, t]) => ({ employee: ref(people, id), month: q.month, ...t })),
  };
}

const nextMonth = (month: string) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
};

/** Who is clocked in at `at` (now when not given), earliest arrival first. */
export async function presentAt(env: Env, q: { tz?: string | undefined; at?: string | undefined }) {
  const timeZone = shopTimeZone(env, q.tz);
  const at = q.at ? utc(q.at) : new Date().toISOString();
  const { present, people } = await clockedIn(env, at);
  return {
    time_zone: timeZone,
    at,
    items: present.map((p) => ({
      employee: ref(people, p.employeeId),
      since: localRfc3339(instant(p.since), timeZone),
    })),
  };
}

/** The employees (all, or `only`) clocked in at `at`, earliest first (since in UTC), and who they are. */
export async function clockedIn(env: Env, at: string, only?: string[]) {
  const t = instant(at);
  const { sessions, people } = await sessionsFor(env, t, t + 1, at, only);
  return { present: whoIsIn(sessions, at).filter((p) => people.has(p.employeeId)), people };
}
