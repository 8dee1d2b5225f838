// Attendance: who is in now, live from the who-is-in room (its welcome is everyone in; each change after it
// comes as it happens); the employees and their cards; and reports per day, week or month with CSV.
import { useRef, useState } from "hono/jsx/dom";
import { api } from "../api";
import { clock, count, day } from "../format";
import { joinLive, type RoomState } from "../live";
import type { ScreenProps } from "../screen";
import type { Page } from "../types";
import { useAction, useLoad, useSafeEffect } from "../ui/hooks";
import { Field, Pager, ProblemNote, Section, Select, Show, Table, usePager } from "../ui/parts";
import { Timesheets } from "./office/timesheets";
import type { AttendanceChange, AttendanceWelcome, ClockedIn, Employee } from "./office/types";

export default function Attendance({ me }: ScreenProps) {
  return (
    <>
      <WhoIsIn />
      <Timesheets />
      <Employees canWrite={me.permissions.includes("attendance:write")} />
    </>
  );
}

const earliestFirst = (a: ClockedIn, b: ClockedIn) => a.since.localeCompare(b.since);

function WhoIsIn() {
  const [rows, setRows] = useState<ClockedIn[] | null>(null);
  const [state, setState] = useState<RoomState>("connecting");
  const [refused, setRefused] = useState<string | null>(null);
  // A change frame that skips a number means one was missed: join again (the welcome is the whole state).
  const [round, setRound] = useState(0);
  const seq = useRef<number | null>(null);
  useSafeEffect(() => {
    const live = joinLive(
      "/attendance/live",
      (frame) => {
        if (frame.type === "welcome") {
          const welcome = frame as unknown as AttendanceWelcome;
          seq.current = welcome.seq;
          setRows([...welcome.clocked_in].sort(earliestFirst));
          setRefused(null);
        } else if (frame.type === "attendance") {
          const change = frame as unknown as AttendanceChange;
          if (seq.current !== null && change.seq <= seq.current) return; // seen already
          if (seq.current !== null && change.seq > seq.current + 1) {
            seq.current = null;
            live.close();
            setRound((r) => r + 1);
            return;
          }
          seq.current = change.seq;
          setRows((now) => {
            const others = (now ?? []).filter((r) => r.employee.id !== change.employee.id);
            if (change.change !== "in") return others;
            const since = change.since ?? new Date().toISOString();
            return [...others, { employee: change.employee, since }].sort(earliestFirst);
          });
        } else if (frame.type === "error") {
          setRefused(String(frame.detail));
        }
      },
      setState,
    );
    return () => live.close();
  }, [round]);

  return (
    <Section title="In now">
      <p class="live muted" aria-live="polite">
        {state === "open" ? "Live" : state === "connecting" ? "Connecting…" : "Offline"}
        {rows ? ` · ${count(rows.length)} ${rows.length === 1 ? "person" : "people"} in` : ""}
      </p>
      <ProblemNote error={refused} />
      {rows && (
        <Table
          caption="Employees clocked in now, earliest arrival first"
          rows={rows}
          empty="Nobody is clocked in."
          columns={[
            { label: "Employee", cell: (r) => r.employee.name },
            { label: "Code", cell: (r) => r.employee.code },
            { label: "In since", cell: (r) => `${day(r.since)} ${clock(r.since)}` },
          ]}
        />
      )}
    </Section>
  );
}

function Employees({ canWrite }: { canWrite: boolean }) {
  const [active, setActive] = useState("true");
  const pager = usePager();
  useSafeEffect(() => pager.reset(), [active]);
  const employees = useLoad(
    () => api<Page<Employee>>("/employees", { query: { active, cursor: pager.cursor, limit: 25 } }),
    [active, pager.cursor],
  );
  return (
    <Section title="Employees">
      <div class="row">
        <Select
          label="Show"
          name="active"
          value={active}
          options={[
            ["true", "active employees"],
            ["false", "former employees"],
            ["", "everyone"],
          ]}
          onChange={setActive}
        />
      </div>
      <Show loaded={employees}>
        {(page) => (
          <>
            <Table
              caption="Employees"
              rows={page.items}
              empty="No employees here."
              columns={[
                { label: "Code", cell: (e) => e.code },
                { label: "Name", cell: (e) => e.name },
                {
                  label: "Cards",
                  cell: (e) => (e.cards.length ? e.cards.map((c) => c.uid).join(", ") : "none"),
                },
                { label: "Schedule", cell: (e) => (e.schedule ? "set" : "none") },
                { label: "Since", cell: (e) => day(e.created_at) },
              ]}
            />
            <Pager pager={pager} nextCursor={page.next_cursor} />
          </>
        )}
      </Show>
      {canWrite && <NewEmployee added={employees.reload} />}
    </Section>
  );
}

function NewEmployee({ added }: { added: () => void }) {
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const made = await action.run(() =>
      api<Employee>("/employees", { method: "POST", body: { code, name } }),
    );
    if (!made) return;
    setCode("");
    setName("");
    added();
  };
  return (
    <form onSubmit={submit}>
      <h3>Add an employee</h3>
      <Field label="Name" name="name" required value={name} error={action.error} onInput={setName} />
      <Field
        label="Code"
        name="code"
        required
        value={code}
        hint="As on their badge or in payroll, e.g. E-7."
        error={action.error}
        onInput={setCode}
      />
      <ProblemNote error={action.error} />
      <button type="submit" disabled={action.busy}>
        {action.busy ? "Adding…" : "Add employee"}
      </button>
    </form>
  );
}
