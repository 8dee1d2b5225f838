// Attendance reports in the reader's time zone: a day (each employee's first in, last out, minutes and
// flags), an ISO week or a month of totals, moved a period at a time; and the period's days as CSV.
import { api } from "../../api";
import { clock, count, timeZone, words } from "../../format";
import { setQuery, useLocation } from "../../router";
import { CsvButton } from "../../ui/files";
import { useLoad } from "../../ui/hooks";
import { Field, Section, Select, Show, Table } from "../../ui/parts";
import { addDays, dateOr, monthOf, today, weekOf } from "./dates";
import type { AttendanceReport, DayRow, MonthRow, WeekRow } from "./types";

const PERIODS = ["day", "week", "month"] as const;
type Period = (typeof PERIODS)[number];

/** Minutes as hours and minutes: "7 h 05 min". */
export const duration = (minutes: number): string =>
  `${count(Math.floor(minutes / 60))} h ${String(minutes % 60).padStart(2, "0")} min`;

/** The local dates a period holding `date` covers. */
function rangeOf(period: Period, date: string): { from: string; to: string } {
  if (period === "day") return { from: date, to: date };
  return period === "week" ? weekOf(date) : monthOf(date);
}

/** The same period before (-1) or after (+1). */
function shift(period: Period, date: string, by: -1 | 1): string {
  if (period === "day") return addDays(date, by);
  if (period === "week") return addDays(date, 7 * by);
  const { from, to } = monthOf(date);
  return by < 0 ? monthOf(addDays(from, -1)).from : addDays(to, 1);
}

type Loaded =
  | { period: "day"; report: AttendanceReport<DayRow> }
  | { period: "week"; report: AttendanceReport<WeekRow> }
  | { period: "month"; report: AttendanceReport<MonthRow> };

async function load(period: Period, date: string): Promise<Loaded> {
  const { from, to } = rangeOf(period, date);
  if (period === "day") {
    const report = await api<AttendanceReport<DayRow>>("/attendance/days", {
      query: { from, to, tz: timeZone },
    });
    return { period, report };
  }
  if (period === "week") {
    const report = await api<AttendanceReport<WeekRow>>("/attendance/weeks", {
      query: { from, to, tz: timeZone },
    });
    return { period, report };
  }
  const report = await api<AttendanceReport<MonthRow>>("/attendance/months", {
    query: { month: monthOf(date).month, tz: timeZone },
  });
  return { period, report };
}

export function Timesheets() {
  const { query } = useLocation();
  const asked = query.get("report");
  const period: Period = PERIODS.includes(asked as Period) ? (asked as Period) : "day";
  const date = dateOr(query.get("date"), today());
  const { from, to } = rangeOf(period, date);
  const loaded = useLoad(() => load(period, date), [period, date]);
  const title =
    period === "day"
      ? `The day ${date}`
      : period === "week"
        ? `The week ${from} to ${to}`
        : `The month ${monthOf(date).month}`;
  return (
    <Section title="Reports">
      <form class="row" onSubmit={(e: Event) => e.preventDefault()}>
        <Select
          label="Report"
          name="report"
          value={period}
          options={[
            ["day", "a day"],
            ["week", "a week"],
            ["month", "a month"],
          ]}
          onChange={(v) => setQuery({ report: v })}
        />
        <Field
          label={period === "day" ? "Day" : period === "week" ? "A day in the week" : "A day in the month"}
          name="date"
          type="date"
          value={date}
          onInput={(v) => v && setQuery({ date: v })}
        />
        <div class="actions">
          <button type="button" class="secondary" onClick={() => setQuery({ date: shift(period, date, -1) })}>
            Earlier {period}
          </button>
          <button type="button" class="secondary" onClick={() => setQuery({ date: shift(period, date, 1) })}>
            Later {period}
          </button>
        </div>
      </form>
      <p class="muted">
        {title}, in {timeZone}.
      </p>
      <CsvButton
        label={`Download the ${period === "day" ? "day" : `${period}'s days`} (CSV)`}
        path="/attendance/days.csv"
        query={{ from, to, tz: timeZone }}
        file={`attendance-${from}-${to}.csv`}
      />
      <Show loaded={loaded}>{(data) => <ReportTable data={data} />}</Show>
    </Section>
  );
}

function ReportTable({ data }: { data: Loaded }) {
  if (data.period === "day")
    return (
      <Table
        caption="Attendance of the day"
        rows={data.report.items}
        empty="Nobody worked or was expected that day."
        columns={[
          { label: "Employee", cell: (r) => `${r.employee.name} (${r.employee.code})` },
          { label: "First in", cell: (r) => clock(r.first_in) },
          { label: "Last out", cell: (r) => clock(r.last_out) },
          { label: "Worked", cell: (r) => duration(r.minutes), numeric: true },
          {
            label: "Notes",
            cell: (r) =>
              [r.late ? "late" : "", r.left_early ? "left early" : "", ...r.flags.map(words)]
                .filter(Boolean)
                .join(", ") || "—",
          },
        ]}
      />
    );
  if (data.period === "week")
    return (
      <Table
        caption="Attendance of the week"
        rows={data.report.items}
        empty="Nobody worked that week."
        columns={[
          { label: "Employee", cell: (r) => `${r.employee.name} (${r.employee.code})` },
          { label: "Week", cell: (r) => r.week },
          { label: "Worked", cell: (r) => duration(r.minutes), numeric: true },
        ]}
      />
    );
  return (
    <Table
      caption="Attendance of the month"
      rows={data.report.items}
      empty="Nobody worked that month."
      columns={[
        { label: "Employee", cell: (r) => `${r.employee.name} (${r.employee.code})` },
        { label: "Worked", cell: (r) => duration(r.minutes), numeric: true },
        { label: "Days", cell: (r) => count(r.days_worked), numeric: true },
        { label: "Late", cell: (r) => count(r.late), numeric: true },
        { label: "Left early", cell: (r) => count(r.left_early), numeric: true },
        { label: "Absent", cell: (r) => count(r.absent), numeric: true },
        { label: "Forgot to clock out", cell: (r) => count(r.forgotten_clock_outs), numeric: true },
      ]}
    />
  );
}
