// Keeps the "who is in" room (src/rooms/attendance-room.ts) true: after punches or corrections change an
// employee's day, their state now is derived again by the same rules the reports use and told to the room.
// Never awaited by the request that caused it.
import { waitUntil } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { getDb } from "../../db";
import { employees } from "../../db/schema/attendance";
import type { Env } from "../../env";
import { employeeRef } from "./employees";
import { instant } from "./rules";
import { clockedIn, rulesOf } from "./timesheets";

/** An employee's state as the room keeps it; `as_of` orders states computed concurrently. */
export interface PresenceState {
  employee: { id: string; code: string; name: string };
  in: boolean;
  /** UTC; when they came in. */
  since: string | null;
  /** UTC; when the rules will close the session as a forgotten clock-out. */
  until: string | null;
  as_of: string;
}

/** The employees' states now, for the room. */
export async function presenceOf(env: Env, employeeIds: string[]): Promise<PresenceState[]> {
  const ids = [...new Set(employeeIds)];
  if (ids.length === 0) return [];
  const now = new Date().toISOString();
  const { present, people } = await clockedIn(env, now, ids);
  const since = new Map(present.map((p) => [p.employeeId, p.since]));
  const maxMs = rulesOf(env).maxShiftHours * 3_600_000;
  return ids.flatMap((id) => {
    const person = people.get(id);
    if (!person) return [];
    const from = since.get(id) ?? null;
    return [
      {
        employee: employeeRef(person),
        in: from !== null,
        since: from,
        until: from ? new Date(instant(from) + maxMs).toISOString() : null,
        as_of: now,
      },
    ];
  });
}

/** Tells the room what the employees' states are now, after the caller's batch committed. */
export function refreshPresence(env: Env, employeeIds: string[]): void {
  if (employeeIds.length === 0) return;
  waitUntil(
    Promise.all([presenceOf(env, employeeIds), import("../../rooms/stubs")])
      .then(([states, { attendanceRoom }]) => attendanceRoom(env).update(states))
      .catch((error: unknown) =>
        console.error(
          JSON.stringify({ level: "error", msg: "presence update failed", error: String(error) }),
        ),
      ),
  );
}

/**
 * The cron's check: every active employee's state told to the room again, so an update lost on the way
 * (the room unreachable once) is mended within a tick.
 */
export async function reconcilePresence(env: Env): Promise<{ employees: number; changed: number }> {
  const ids = (
    await getDb(env.DB).select({ id: employees.id }).from(employees).where(eq(employees.active, true))
  ).map((e) => e.id);
  const states = await presenceOf(env, ids);
  const { attendanceRoom } = await import("../../rooms/stubs");
  const changed = states.length > 0 ? await attendanceRoom(env).update(states) : 0;
  return { employees: ids.length, changed };
}
