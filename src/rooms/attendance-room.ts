// Who is in now (one room, "shop"): the employees clocked in, kept true by attendance after every punch and
// correction (src/modules/attendance/presence.ts), each change numbered and sent to everyone watching. An
// alarm closes, at its time, a session the rules would close as a forgotten clock-out. Read-only.
import type { Env } from "../env";
import type { PresenceState } from "../modules/attendance/presence";
import type { AttendanceChangeFrame, ClockedIn, Member } from "./frames";
import { Room, sendFrame } from "./room";

interface Row extends Record<string, SqlStorageValue> {
  employee_id: string;
  code: string;
  name: string;
  /** When they came in; null while they are out. */
  since: string | null;
  until: string | null;
  /** When this state was known, so an older state arriving late loses. */
  as_of: string;
}

export class AttendanceRoom extends Room {
  protected override readonly takesChat = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS employee_states (
      employee_id TEXT PRIMARY KEY,
      code TEXT NOT NULL,
      name TEXT NOT NULL,
      since TEXT,
      until TEXT,
      as_of TEXT NOT NULL
    )`);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL)",
    );
    ctx.storage.sql.exec("INSERT OR IGNORE INTO counter (id, seq) VALUES (1, 0)");
  }

  /** Takes the employees' states now (newer than what it holds), tells everyone what changed. By RPC. */
  async update(states: PresenceState[]): Promise<number> {
    const sql = this.ctx.storage.sql;
    let changed = 0;
    for (const s of states) {
      const held = sql
        .exec<Row>("SELECT * FROM employee_states WHERE employee_id = ?", s.employee.id)
        .toArray()[0];
      if (held && held.as_of > s.as_of) continue;
      const since = s.in ? s.since : null;
      sql.exec(
        "INSERT OR REPLACE INTO employee_states (employee_id, code, name, since, until, as_of) VALUES (?, ?, ?, ?, ?, ?)",
        s.employee.id,
        s.employee.code,
        s.employee.name,
        since,
        s.in ? s.until : null,
        s.as_of,
      );
      if ((held?.since ?? null) === since) continue;
      this.#tell(since ? "in" : "out", s.employee, since);
      changed++;
    }
    await this.#setAlarm();
    return changed;
  }

  /** Sessions the rules close at their `until`: they leave the room then. */
  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const due = sql
      .exec<Row>("SELECT * FROM employee_states WHERE until <= ?", new Date().toISOString())
      .toArray();
    for (const row of due) {
      sql.exec(
        "UPDATE employee_states SET since = NULL, until = NULL WHERE employee_id = ?",
        row.employee_id,
      );
      this.#tell("closed_by_rule", { id: row.employee_id, code: row.code, name: row.name }, null);
    }
    await this.#setAlarm();
  }

  async #setAlarm(): Promise<void> {
    const next = this.ctx.storage.sql
      .exec<{ until: string | null }>("SELECT MIN(until) AS until FROM employee_states")
      .one().until;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Date.parse(next));
  }

  #tell(
    change: AttendanceChangeFrame["change"],
    employee: AttendanceChangeFrame["employee"],
    since: string | null,
  ) {
    const { seq } = this.ctx.storage.sql
      .exec<{ seq: number }>("UPDATE counter SET seq = seq + 1 WHERE id = 1 RETURNING seq")
      .one();
    this.broadcast({ type: "attendance", seq, change, employee, since } satisfies AttendanceChangeFrame);
  }

  /** Everyone clocked in, earliest first. */
  clockedIn(): ClockedIn[] {
    return this.ctx.storage.sql
      .exec<Row>("SELECT * FROM employee_states WHERE since IS NOT NULL ORDER BY since, employee_id")
      .toArray()
      .map((r) => ({
        employee: { id: r.employee_id, code: r.code, name: r.name },
        since: r.since as string,
      }));
  }

  protected override greet(ws: WebSocket, member: Member): void {
    const { seq } = this.ctx.storage.sql.exec<{ seq: number }>("SELECT seq FROM counter WHERE id = 1").one();
    sendFrame(ws, {
      type: "welcome",
      you: member,
      present: this.present(),
      seq,
      clocked_in: this.clockedIn(),
    });
  }
}
