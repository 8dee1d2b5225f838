// The pure rules of attendance: sessions derived from raw punches and corrections, and the reports on them.
import { describe, expect, it } from "vitest";
import { dailyReport, type Schedule, toCsv, weeklyTotals, whoIsIn } from "../src/modules/attendance/report";
import { type Correction, deriveSessions, type Punch, type Rules } from "../src/modules/attendance/rules";

const rules: Rules = { duplicateWindowSeconds: 60, maxShiftHours: 14 };
const BERLIN = "Europe/Berlin";

let seq = 0;
const punch = (employeeId: string, at: string): Punch => ({
  id: `p${++seq}`,
  employeeId,
  at,
  deviceId: "door-1",
});
const derive = (punches: Punch[], now: string, corrections: Correction[] = []) =>
  deriveSessions(punches, corrections, rules, now);

/** Monday to Friday 09:00–17:00 local, five minutes' grace. */
const officeHours: Schedule = {
  days: {
    1: { start: "09:00", end: "17:00" },
    2: { start: "09:00", end: "17:00" },
    3: { start: "09:00", end: "17:00" },
    4: { start: "09:00", end: "17:00" },
    5: { start: "09:00", end: "17:00" },
    6: null,
    7: null,
  },
  graceMinutes: 5,
};

describe("sessions from punches", () => {
  it("punches toggle in and out, in time order whatever order they arrive in", () => {
    const a = punch("ann", "2026-11-23T08:00:00Z");
    const b = punch("ann", "2026-11-23T12:00:00Z");
    const c = punch("ann", "2026-11-23T12:30:00Z");
    const d = punch("ann", "2026-11-23T16:00:00Z");
    const { sessions, ignored } = derive([d, b, a, c], "2026-11-23T18:00:00Z");
    expect(ignored).toEqual([]);
    expect(sessions).toEqual([
      {
        employeeId: "ann",
        in: "2026-11-23T08:00:00.000Z",
        out: "2026-11-23T12:00:00.000Z",
        closedBy: "punch",
        flags: [],
        punchIds: [a.id, b.id],
      },
      {
        employeeId: "ann",
        in: "2026-11-23T12:30:00.000Z",
        out: "2026-11-23T16:00:00.000Z",
        closedBy: "punch",
        flags: [],
        punchIds: [c.id, d.id],
      },
    ]);
  });

  it("ignores a double tap within the window of the previous kept punch, but not a punch after it", () => {
    const first = punch("ann", "2026-11-23T08:00:00Z");
    const tap = punch("ann", "2026-11-23T08:00:40Z");
    const out = punch("ann", "2026-11-23T08:01:01Z"); // 61 s after the kept punch: a real punch
    const { sessions, ignored } = derive([first, tap, out], "2026-11-23T18:00:00Z");
    expect(ignored).toEqual([{ punchId: tap.id, reason: "duplicate" }]);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      in: "2026-11-23T08:00:00.000Z",
      out: "2026-11-23T08:01:01.000Z",
      punchIds: [first.id, out.id],
    });
  });

  it("closes a forgotten clock-out by the rule at in + maxShiftHours, and the next punch is a fresh in", () => {
    const monday = punch("ann", "2026-11-23T08:00:00Z");
    const tuesday = punch("ann", "2026-11-24T08:00:00Z");
    const bob = punch("bob", "2026-11-24T07:00:00Z"); // still open more than 14 h later, as of now
    const { sessions } = derive([monday, tuesday, bob], "2026-11-24T21:30:00Z");
    expect(sessions).toEqual([
      {
        employeeId: "ann",
        in: "2026-11-23T08:00:00.000Z",
        out: "2026-11-23T22:00:00.000Z",
        closedBy: "rule",
        flags: ["forgotten_clock_out"],
        punchIds: [monday.id],
      },
      {
        employeeId: "ann",
        in: "2026-11-24T08:00:00.000Z",
        out: null,
        closedBy: null,
        flags: [],
        punchIds: [tuesday.id],
      },
      {
        employeeId: "bob",
        in: "2026-11-24T07:00:00.000Z",
        out: "2026-11-24T21:00:00.000Z",
        closedBy: "rule",
        flags: ["forgotten_clock_out"],
        punchIds: [bob.id],
      },
    ]);
  });

  it("applies a manager's corrections on top of the raw punches, which stay as they were", () => {
    const arrive = punch("ann", "2026-11-23T08:00:00Z");
    const stray = punch("ann", "2026-11-23T12:00:00Z"); // brushed the reader at lunch
    const nextDay = punch("ann", "2026-11-24T08:00:00Z");
    const bumped = punch("ann", "2026-11-24T10:00:00Z"); // a session whose only correction is an ignored punch
    const leave = punch("ann", "2026-11-24T16:00:00Z");
    const raw = [arrive, stray, nextDay, bumped, leave].map((p) => Object.freeze({ ...p }));
    const before = structuredClone(raw);
    const corrections: Correction[] = [
      {
        id: "c1",
        employeeId: "ann",
        kind: "ignore_punch",
        punchId: stray.id,
        reason: "stray tap",
        by: "mgr",
      },
      {
        id: "c2",
        employeeId: "ann",
        kind: "add_out",
        at: "2026-11-23T17:00:00Z",
        reason: "forgot to clock out",
        by: "mgr",
      },
      { id: "c3", employeeId: "ann", kind: "ignore_punch", punchId: bumped.id, reason: "bumped", by: "mgr" },
    ];
    const { sessions, ignored } = derive(raw, "2026-11-24T18:00:00Z", corrections);
    expect(raw).toEqual(before);
    expect(ignored).toEqual([
      { punchId: stray.id, reason: "corrected" },
      { punchId: bumped.id, reason: "corrected" },
    ]);
    expect(sessions).toEqual([
      {
        employeeId: "ann",
        in: "2026-11-23T08:00:00.000Z",
        out: "2026-11-23T17:00:00.000Z",
        closedBy: "correction",
        flags: ["corrected"],
        punchIds: [arrive.id],
      },
      {
        employeeId: "ann",
        in: "2026-11-24T08:00:00.000Z",
        out: "2026-11-24T16:00:00.000Z",
        closedBy: "punch",
        flags: ["corrected"],
        punchIds: [nextDay.id, leave.id],
      },
    ]);
  });
});

describe("daily report", () => {
  it("counts an overnight shift across midnight to the local day it started", () => {
    const { sessions } = derive(
      [punch("nia", "2026-11-20T21:00:00Z"), punch("nia", "2026-11-21T05:00:00Z")], // 22:00–06:00 CET
      "2026-11-21T12:00:00Z",
    );
    expect(dailyReport(sessions, new Map(), BERLIN, "2026-11-20", "2026-11-21")).toEqual([
      {
        employeeId: "nia",
        date: "2026-11-20",
        minutes: 480,
        firstIn: "2026-11-20T22:00:00+01:00",
        lastOut: "2026-11-21T06:00:00+01:00",
        late: false,
        leftEarly: false,
        flags: [],
      },
    ]);
  });

  it("counts real elapsed time across the daylight-saving changes in Europe/Berlin", () => {
    const saturdayNights: Schedule = { days: { 6: { start: "22:00", end: "06:00" } }, graceMinutes: 5 };
    const { sessions } = derive(
      [
        punch("nia", "2026-03-28T21:00:00Z"), // 22:00 CET
        punch("nia", "2026-03-29T04:00:00Z"), // 06:00 CEST: clocks went forward at 02:00
        punch("nia", "2026-10-24T20:00:00Z"), // 22:00 CEST
        punch("nia", "2026-10-25T05:00:00Z"), // 06:00 CET: clocks went back at 03:00
      ],
      "2026-10-26T00:00:00Z",
    );
    const schedules = new Map([["nia", saturdayNights]]);
    expect(dailyReport(sessions, schedules, BERLIN, "2026-03-28", "2026-03-29")).toEqual([
      {
        employeeId: "nia",
        date: "2026-03-28",
        minutes: 420,
        firstIn: "2026-03-28T22:00:00+01:00",
        lastOut: "2026-03-29T06:00:00+02:00",
        late: false,
        leftEarly: false,
        flags: [],
      },
    ]);
    expect(dailyReport(sessions, schedules, BERLIN, "2026-10-24", "2026-10-25")).toEqual([
      {
        employeeId: "nia",
        date: "2026-10-24",
        minutes: 540,
        firstIn: "2026-10-24T22:00:00+02:00",
        lastOut: "2026-10-25T06:00:00+01:00",
        late: false,
        leftEarly: false,
        flags: [],
      },
    ]);
  });

  it("marks late arrival and early leave beyond the grace, and a scheduled day without a session absent", () => {
    const { sessions } = derive(
      [
        punch("ann", "2026-11-23T08:05:00Z"), // Monday 09:05 CET: within grace
        punch("ann", "2026-11-23T15:55:00Z"), // 16:55: within grace
        punch("ann", "2026-11-24T08:06:00Z"), // Tuesday 09:06: late
        punch("ann", "2026-11-24T15:54:00Z"), // 16:54: left early
      ],
      "2026-11-26T00:00:00Z",
    );
    const rows = dailyReport(sessions, new Map([["ann", officeHours]]), BERLIN, "2026-11-23", "2026-11-29");
    expect(
      rows.map(({ date, minutes, late, leftEarly, flags }) => ({ date, minutes, late, leftEarly, flags })),
    ).toEqual([
      { date: "2026-11-23", minutes: 470, late: false, leftEarly: false, flags: [] },
      { date: "2026-11-24", minutes: 468, late: true, leftEarly: true, flags: [] },
      { date: "2026-11-25", minutes: 0, late: false, leftEarly: false, flags: ["absent"] },
      { date: "2026-11-26", minutes: 0, late: false, leftEarly: false, flags: ["absent"] },
      { date: "2026-11-27", minutes: 0, late: false, leftEarly: false, flags: ["absent"] },
    ]);
  });
});

describe("who is in, weekly totals, CSV", () => {
  it("lists who is in now, earliest arrival first", () => {
    const { sessions } = derive(
      [
        punch("ann", "2026-11-23T08:00:00Z"),
        punch("bob", "2026-11-23T07:00:00Z"),
        punch("bob", "2026-11-23T09:00:00Z"), // bob has left
        punch("cem", "2026-11-23T06:30:00Z"),
        punch("dan", "2026-11-22T06:00:00Z"), // forgot to clock out yesterday: closed by the rule
      ],
      "2026-11-23T10:00:00Z",
    );
    expect(whoIsIn(sessions, "2026-11-23T10:00:00Z")).toEqual([
      { employeeId: "cem", since: "2026-11-23T06:30:00.000Z" },
      { employeeId: "ann", since: "2026-11-23T08:00:00.000Z" },
    ]);
  });

  it("totals minutes by ISO week, a year's end falling in the week of its Thursday", () => {
    const day = (employeeId: string, date: string, minutes: number) => ({
      employeeId,
      date,
      minutes,
      firstIn: null,
      lastOut: null,
      late: false,
      leftEarly: false,
      flags: [],
    });
    const totals = weeklyTotals([
      day("ann", "2026-11-23", 480), // Monday
      day("ann", "2026-11-29", 60), // Sunday, same week
      day("ann", "2026-11-30", 300), // Monday, next week
      day("bob", "2026-12-31", 100),
      day("bob", "2027-01-01", 200), // Friday: still 2026's week 53
      day("bob", "2027-01-04", 400),
    ]);
    expect(totals).toEqual([
      { employeeId: "ann", week: "2026-W48", minutes: 540 },
      { employeeId: "ann", week: "2026-W49", minutes: 300 },
      { employeeId: "bob", week: "2026-W53", minutes: 300 },
      { employeeId: "bob", week: "2027-W01", minutes: 400 },
    ]);
  });

  it("writes RFC 4180 CSV: header, CRLF, fields with a comma or quote quoted and quotes doubled, formulas as text", () => {
    const csv = toCsv(
      [
        {
          employeeId: "ann",
          date: "2026-11-24",
          minutes: 468,
          firstIn: "2026-11-24T09:06:00+01:00",
          lastOut: "2026-11-24T16:54:00+01:00",
          late: true,
          leftEarly: true,
          flags: ["corrected", "forgotten_clock_out"],
        },
        {
          employeeId: "bob",
          date: "2026-11-24",
          minutes: 0,
          firstIn: null,
          lastOut: null,
          late: false,
          leftEarly: false,
          flags: ["absent"],
        },
      ],
      new Map([
        ["ann", { code: "E-1", name: 'Smith, Ann "Annie"' }],
        ["bob", { code: "-2", name: "=HYPERLINK(1)" }],
      ]),
    );
    expect(csv).toBe(
      "employee_code,name,date,minutes,first_in,last_out,late,left_early,flags\r\n" +
        'E-1,"Smith, Ann ""Annie""",2026-11-24,468,2026-11-24T09:06:00+01:00,2026-11-24T16:54:00+01:00,true,true,corrected forgotten_clock_out\r\n' +
        "'-2,'=HYPERLINK(1),2026-11-24,0,,,false,false,absent\r\n",
    );
  });
});
