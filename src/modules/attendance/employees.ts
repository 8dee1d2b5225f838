// The people who clock in, and their cards: adding and changing employees, binding a card by its UID,
// revoking one, and the cards read that nobody has yet.
import { and, desc, eq, getTableColumns, inArray, isNull, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { getDb } from "../../db";
import { cards, employees, type StoredSchedule, unknownCards } from "../../db/schema/attendance";
import type { Env } from "../../env";
import { isUniqueViolation } from "../../lib/db-errors";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { conflict, notFound } from "../../lib/problem";
import type { Principal } from "../auth/principal";
import type { ScheduleInput } from "./schemas";

type EmployeeRow = typeof employees.$inferSelect;
type CardRow = typeof cards.$inferSelect;

export const cardView = (c: CardRow) => ({
  id: c.id,
  uid: c.uid,
  employee_id: c.employeeId,
  enrolled_at: c.enrolledAt,
  enrolled_by: c.enrolledBy,
  device_id: c.deviceId,
  revoked_at: c.revokedAt,
  revoked_by: c.revokedBy,
  revoke_reason: c.revokeReason,
});

const employeeView = (e: EmployeeRow, active: CardRow[]) => ({
  id: e.id,
  code: e.code,
  name: e.name,
  active: e.active,
  schedule: e.schedule ? { ...e.schedule.days, grace_minutes: e.schedule.grace_minutes } : null,
  cards: active.map(cardView),
  created_at: e.createdAt,
  updated_at: e.updatedAt,
});

export const employeeRef = (e: Pick<EmployeeRow, "id" | "code" | "name">) => ({
  id: e.id,
  code: e.code,
  name: e.name,
});

/**
 * The code and name of the employee a row names, as two columns to select beside the row's own. Flat on
 * purpose: inside a D1 batch drizzle maps rows by column name, where a join's two `id`s would collide.
 */
export const employeeNames = (employeeId: SQLiteColumn) => ({
  employeeCode: sql<string>`(SELECT code FROM employees WHERE id = ${employeeId})`.as("employee_code"),
  employeeName: sql<string>`(SELECT name FROM employees WHERE id = ${employeeId})`.as("employee_name"),
});

const stored = (schedule: ScheduleInput | null | undefined): StoredSchedule | null | undefined => {
  if (schedule === undefined || schedule === null) return schedule;
  const { grace_minutes, ...days } = schedule;
  return { days: days as StoredSchedule["days"], grace_minutes };
};

const activeCards = (env: Env, employeeIds: string[]) =>
  employeeIds.length === 0
    ? Promise.resolve([] as CardRow[])
    : getDb(env.DB)
        .select()
        .from(cards)
        .where(and(inArray(cards.employeeId, employeeIds), isNull(cards.revokedAt)))
        .orderBy(cards.enrolledAt);

export async function addEmployee(
  env: Env,
  input: { code: string; name: string; schedule?: ScheduleInput | null | undefined },
) {
  try {
    const [row] = await getDb(env.DB)
      .insert(employees)
      .values({ id: newId(), code: input.code, name: input.name, schedule: stored(input.schedule) ?? null })
      .returning();
    return employeeView(row as EmployeeRow, []);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`An employee with code ${input.code} already exists.`);
    throw error;
  }
}

export async function listEmployees(
  env: Env,
  filter: { active?: "true" | "false" | undefined; limit: number; cursor?: string | undefined },
) {
  const page = await newestFirst(
    getDb(env.DB).select().from(employees).$dynamic(),
    { time: employees.createdAt, id: employees.id },
    [filter.active ? eq(employees.active, filter.active === "true") : undefined],
    filter,
    (e) => [e.createdAt, e.id],
  );
  const held = await activeCards(
    env,
    page.items.map((e) => e.id),
  );
  return {
    items: page.items.map((e) =>
      employeeView(
        e,
        held.filter((c) => c.employeeId === e.id),
      ),
    ),
    next_cursor: page.next_cursor,
  };
}

export async function loadEmployee(env: Env, id: string): Promise<EmployeeRow> {
  const row = await getDb(env.DB).query.employees.findFirst({ where: eq(employees.id, id) });
  if (!row) throw notFound("No such employee.");
  return row;
}

export async function getEmployee(env: Env, id: string) {
  const row = await loadEmployee(env, id);
  return employeeView(row, await activeCards(env, [id]));
}

/** Renames, reschedules, or (de)activates; deactivating revokes the employee's cards in the same batch. */
export async function changeEmployee(
  env: Env,
  actor: Principal,
  id: string,
  patch: {
    name?: string | undefined;
    active?: boolean | undefined;
    schedule?: ScheduleInput | null | undefined;
  },
) {
  const db = getDb(env.DB);
  const now = new Date().toISOString();
  const schedule = stored(patch.schedule);
  const held = and(eq(cards.employeeId, id), isNull(cards.revokedAt));
  const results = await db.batch([
    db
      .update(employees)
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.active !== undefined && { active: patch.active }),
        ...(schedule !== undefined && { schedule }),
        updatedAt: now,
      })
      .where(eq(employees.id, id))
      .returning(),
    ...(patch.active === false
      ? [
          db
            .update(cards)
            .set({ revokedAt: now, revokedBy: actor.id, revokeReason: "employee deactivated" })
            .where(held),
        ]
      : []),
    db.select().from(cards).where(held).orderBy(cards.enrolledAt),
  ]);
  const row = (results[0] as EmployeeRow[])[0];
  if (!row) throw notFound("No such employee.");
  return employeeView(row, results.at(-1) as CardRow[]);
}

/** Binds a card UID to an employee (staff typing it in, or picking it from the unknown cards). */
export async function bindCard(env: Env, actor: Principal, employeeId: string, uid: string) {
  const db = getDb(env.DB);
  const [[employee], [held]] = await db.batch([
    db.select().from(employees).where(eq(employees.id, employeeId)),
    db
      .select({ ...getTableColumns(cards), ...employeeNames(cards.employeeId) })
      .from(cards)
      .where(and(eq(cards.uid, uid), isNull(cards.revokedAt))),
  ]);
  if (!employee) throw notFound("No such employee.");
  if (!employee.active)
    throw conflict(`${employee.name} is not active; reactivate them before adding a card.`);
  if (held?.employeeId === employeeId) return { card: cardView(held), created: false };
  if (held) throw cardTaken(uid, { id: held.employeeId, code: held.employeeCode, name: held.employeeName });
  try {
    const [[card]] = await db.batch([
      db
        .insert(cards)
        .values({ id: newId(), uid, employeeId, enrolledAt: new Date().toISOString(), enrolledBy: actor.id })
        .returning(),
      db.delete(unknownCards).where(eq(unknownCards.uid, uid)),
    ]);
    return { card: cardView(card as CardRow), created: true };
  } catch (error) {
    // Bound by someone else between the look and the insert.
    if (isUniqueViolation(error))
      throw conflict(`Card ${uid} was just bound to someone else; reload and look.`);
    throw error;
  }
}

const cardTaken = (uid: string, holder: Pick<EmployeeRow, "id" | "code" | "name">) =>
  conflict(`Card ${uid} is already bound to ${holder.name} (${holder.code}); revoke it there first.`, {
    employee_id: holder.id,
  });

export async function listCards(env: Env, employeeId: string) {
  await loadEmployee(env, employeeId);
  const rows = await getDb(env.DB)
    .select()
    .from(cards)
    .where(eq(cards.employeeId, employeeId))
    .orderBy(desc(cards.enrolledAt), desc(cards.id));
  return rows.map(cardView);
}

/** Revoking twice is fine; the card's later reads show as an unknown card. */
export async function revokeCard(env: Env, actor: Principal, cardId: string, reason: string | undefined) {
  const db = getDb(env.DB);
  await db
    .update(cards)
    .set({ revokedAt: new Date().toISOString(), revokedBy: actor.id, revokeReason: reason ?? null })
    .where(and(eq(cards.id, cardId), isNull(cards.revokedAt)));
  const card = await db.query.cards.findFirst({ where: eq(cards.id, cardId) });
  if (!card) throw notFound("No such card.");
  return cardView(card);
}

export async function listUnknownCards(env: Env, page: { limit: number; cursor?: string | undefined }) {
  const result = await newestFirst(
    getDb(env.DB).select().from(unknownCards).$dynamic(),
    { time: unknownCards.lastSeenAt, id: unknownCards.uid },
    [],
    page,
    (u) => [u.lastSeenAt, u.uid],
  );
  return {
    items: result.items.map((u) => ({
      uid: u.uid,
      first_seen_at: u.firstSeenAt,
      last_seen_at: u.lastSeenAt,
      last_device_id: u.lastDeviceId,
      reads: u.reads,
    })),
    next_cursor: result.next_cursor,
  };
}
