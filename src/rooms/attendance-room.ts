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
  since: string;
  until: string;
  as_of: string;
}

export class AttendanceRoom extends Room {
  protected override readonly takesChat = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS clocked_in (
      employee_id TEXT PRIMARY KEY,
      code TEXT NOT NULL,
      name TEXT NOT NULL,
      since TEXT NOT NULL,
      until TEXT NOT NULL,
      as_of TEXT NOT NULL
    )`);
    // An employee clocked out is remembered by when that was known, so an older state arriving late loses.
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS clocked_out (employee_id TEXT PRIMARY KEY, as_of TEXT NOT NULL)`,
    );
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
        .exec<Row>("SELECT * FROM clocked_in WHERE employee_id = ?", s.employee.id)
        .toArray()[0];
      const out = sql
        .exec<{ as_of: string }>("SELECT as_of FROM clocked_out WHERE employee_id = ?", s.employee.id)
        .toArray()[0];
      const known = held?.as_of ?? out?.as_of;
      if (known !== undefined && known > s.as_of) continue;
      if (s.in && s.since && s.until) {
        sql.exec("DELETE FROM clocked_out WHERE employee_id = ?", s.employee.id);
        sql.exec(
          "INSERT OR REPLACE INTO clocked_in (employee_id, code, name, since, until, as_of) VALUES (?, ?, ?, ?, ?, ?)",
          s.employee.id,
          s.employee.code,
          s.employee.name,
          s.since,
          s.until,
          s.as_of,
        );
        if (held?.since !== s.since) {
          this.#tell("in", s.employee, s.since);
          changed++;
        }
      } else {
        sql.exec("DELETE FROM clocked_in WHERE employee_id = ?", s.employee.id);
        sql.exec(
          "INSERT OR REPLACE INTO clocked_out (employee_id, as_of) VALUES (?, ?)",
          s.employee.id,
          s.as_of,
        );
        if (held) {
          this.#tell("out", s.employee, null);
          changed++;
        }
      }
    }
    await this.#setAlarm();
    return changed;
  }

  /** Sessions the rules close at their `until`: they leave the room then. */
  override async alarm(): Promise<void> {
    const now = new Date().toISOString();
    const due = this.ctx.storage.sql.exec<Row>("SELECT * FROM clocked_in WHERE until <= ?", now).toArray();
    for (const row of due) {
      this.ctx.storage.sql.exec("DELETE FROM clocked_in WHERE employee_id = ?", row.employee_id);
      this.ctx.storage.sql.exec(
        "INSERT OR REPLACE INTO clocked_out (employee_id, as_of) VALUES (?, ?)",
        row.employee_id,
        row.as_of,
      );
      this.#tell("closed_by_rule", { id: row.employee_id, code: row.code, name: row.name }, null);
    }
    await this.#setAlarm();
  }

  async #setAlarm(): Promise<void> {
    const next = this.ctx.storage.sql
      .exec<{ until: string | null }>("SELECT MIN(until) AS until FROM clocked_in")
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
      .exec<Row>("SELECT * FROM clocked_in ORDER BY since, employee_id")
      .toArray()
      .map((r) => ({ employee: { id: r.employee_id, code: r.code, name: r.name }, since: r.since }));
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
