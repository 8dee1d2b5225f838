// Enrolment: staff (or the device itself) arm a device for an employee; the next card read on it binds that
// card to them, or is refused when the card is someone else's. Either way the mode ends with that read.
import { and, desc, eq, getTableColumns, gt, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { cards, employees, enrollments, unknownCards } from "../../db/schema/attendance";
import { devices } from "../../db/schema/auth";
import type { Env } from "../../env";
import type { Statement } from "../../lib/batch";
import { isUniqueViolation } from "../../lib/db-errors";
import { newId } from "../../lib/ids";
import { conflict, notFound } from "../../lib/problem";
import { employeeNames, employeeRef } from "./employees";

type EnrollmentRow = typeof enrollments.$inferSelect;
type EmployeeRow = typeof employees.$inferSelect;

/** An armed enrolment past its time reads as expired, whether or not a later one has settled it. */
const stateAt = (e: EnrollmentRow, now: string) =>
  e.state === "armed" && e.expiresAt <= now ? "expired" : e.state;

export const enrollmentView = (
  e: EnrollmentRow,
  employee: Pick<EmployeeRow, "id" | "code" | "name">,
  now: string,
) => ({
  id: e.id,
  device_id: e.deviceId,
  employee: employeeRef(employee),
  state: stateAt(e, now),
  armed_by: e.armedBy,
  armed_at: e.armedAt,
  expires_at: e.expiresAt,
  card_uid: e.cardUid,
  reason: e.reason,
  settled_at: e.settledAt,
});

/** Enrolments with their employee's code and name. */
const withEmployee = (db: Db) =>
  db.select({ ...getTableColumns(enrollments), ...employeeNames(enrollments.employeeId) }).from(enrollments);

type WithEmployee = Awaited<ReturnType<ReturnType<typeof withEmployee>["limit"]>>[number];
const employeeOf = (e: WithEmployee) => ({ id: e.employeeId, code: e.employeeCode, name: e.employeeName });

/**
 * Arms `deviceId` for an employee (by id or by code) for `minutes`; an enrolment already armed there is
 * cancelled by it. `by` is the user who armed it, or the device arming itself.
 */
export async function armEnrollment(
  env: Env,
  by: string,
  deviceId: string,
  employee: { id: string } | { code: string },
  minutes: number,
) {
  const db = getDb(env.DB);
  const [[device], [person]] = await db.batch([
    db.select({ revokedAt: devices.revokedAt }).from(devices).where(eq(devices.id, deviceId)),
    db
      .select()
      .from(employees)
      .where("id" in employee ? eq(employees.id, employee.id) : eq(employees.code, employee.code)),
  ]);
  if (!device) throw notFound("No such device.");
  if (device.revokedAt) throw conflict("This device's token is revoked; it can read no cards.");
  if (!person) {
    throw notFound("id" in employee ? "No such employee." : `No employee has the code ${employee.code}.`);
  }
  if (!person.active)
    throw conflict(`${person.name} is not active; reactivate them before enrolling a card.`);
  const now = new Date();
  const row: EnrollmentRow = {
    id: newId(),
    deviceId,
    employeeId: person.id,
    state: "armed",
    armedBy: by,
    armedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
    cardUid: null,
    deviceEventId: null,
    reason: null,
    settledAt: null,
  };
  try {
    await db.batch([
      endArmed(db, deviceId, row.armedAt, "replaced by a new enrolment"),
      db.insert(enrollments).values(row),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("Someone armed this device at the same moment; look again.");
    throw error;
  }
  return enrollmentView(row, person, row.armedAt);
}

const endArmed = (db: Db, deviceId: string, now: string, reason: string) =>
  db
    .update(enrollments)
    .set({
      state: sql`CASE WHEN ${enrollments.expiresAt} <= ${now} THEN 'expired' ELSE 'cancelled' END`,
      reason: sql`CASE WHEN ${enrollments.expiresAt} <= ${now} THEN 'no card was read in time' ELSE ${reason} END`,
      settledAt: now,
    })
    .where(and(eq(enrollments.deviceId, deviceId), eq(enrollments.state, "armed")));

/** Disarms the device; its latest enrolment, or 404 when it never had one. */
export async function cancelEnrollment(env: Env, deviceId: string) {
  const db = getDb(env.DB);
  await endArmed(db, deviceId, new Date().toISOString(), "cancelled by staff");
  return latestEnrollment(env, deviceId);
}

/** The device's latest enrolment. */
export async function latestEnrollment(env: Env, deviceId: string) {
  const [row] = await withEmployee(getDb(env.DB))
    .where(eq(enrollments.deviceId, deviceId))
    .orderBy(desc(enrollments.armedAt), desc(enrollments.id))
    .limit(1);
  if (!row) throw notFound("This device has had no enrolment.");
  return enrollmentView(row, employeeOf(row), new Date().toISOString());
}

/** The enrolment armed on the device now, if any (for the device's heartbeat and its batch of reads). */
export function armedEnrollment(db: Db, deviceId: string, now: string) {
  return withEmployee(db)
    .where(
      and(eq(enrollments.deviceId, deviceId), eq(enrollments.state, "armed"), gt(enrollments.expiresAt, now)),
    )
    .limit(1);
}

export type Armed = Awaited<ReturnType<typeof armedEnrollment>>[number];
export { employeeOf };

/**
 * The statements that let one card read settle the armed enrolment, in the device batch after the read's
 * insert: they act only when the read was new (its row exists) and the enrolment is still armed, so of a
 * batch's card reads the first new one takes it. The first statement returns the settled state.
 */
export function enrollmentStatements(
  db: Db,
  armed: Armed,
  read: { rowId: string; uid: string },
  now: string,
) {
  const id = armed.id;
  const holder = sql`FROM cards c JOIN employees e ON e.id = c.employee_id
    WHERE c.uid = ${read.uid} AND c.revoked_at IS NULL AND c.employee_id <> ${enrollments.employeeId}`;
  const inactive = sql`NOT EXISTS (SELECT 1 FROM employees WHERE id = ${enrollments.employeeId} AND active = 1)`;
  const settle = db
    .update(enrollments)
    .set({
      state: sql`CASE WHEN EXISTS (SELECT 1 ${holder}) OR ${inactive} THEN 'refused' ELSE 'bound' END`,
      reason: sql`coalesce(
        (SELECT 'Card ' || ${read.uid} || ' is already bound to ' || e.name || ' (' || e.code || '); revoke it there, or arm again and read another card' ${holder}),
        CASE WHEN ${inactive} THEN 'The employee is no longer active' END,
        CASE WHEN EXISTS (SELECT 1 FROM cards WHERE uid = ${read.uid} AND revoked_at IS NULL) THEN 'The card was already theirs' END)`,
      cardUid: read.uid,
      deviceEventId: read.rowId,
      settledAt: now,
    })
    .where(
      and(
        eq(enrollments.id, id),
        eq(enrollments.state, "armed"),
        gt(enrollments.expiresAt, now),
        sql`EXISTS (SELECT 1 FROM device_events WHERE id = ${read.rowId})`,
      ),
    )
    .returning({ state: enrollments.state, reason: enrollments.reason });
  const boundHere = sql`EXISTS (SELECT 1 FROM enrollments WHERE id = ${id} AND state = 'bound' AND device_event_id = ${read.rowId})`;
  const bind = db.insert(cards).select(
    sql`SELECT ${newId()}, ${read.uid}, employee_id, ${now}, armed_by, device_id, NULL, NULL, NULL
        FROM enrollments WHERE id = ${id} AND state = 'bound' AND device_event_id = ${read.rowId}
        AND NOT EXISTS (SELECT 1 FROM cards WHERE uid = ${read.uid} AND revoked_at IS NULL)`,
  );
  const known = db.delete(unknownCards).where(and(eq(unknownCards.uid, read.uid), boundHere));
  return [settle, bind, known] as const satisfies readonly Statement[];
}
