// Card reads become punches: each new card read from a device is, in the device door's own batch, either
// taken by the enrolment armed there, a punch for the card's employee, or an unknown card for staff. And
// the punches, listed.
import { and, eq, gte, inArray, isNull, lt, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { cards, employees, punches, unknownCards } from "../../db/schema/attendance";
import type { Env } from "../../env";
import type { Statement } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { utc } from "../../lib/time";
import { employeeRef } from "./employees";
import { type Armed, armedEnrollment, employeeOf, enrollmentStatements } from "./enrollment";

/** A card read the device door is inserting: its row id and the card's UID in upper case. */
export interface CardRead {
  rowId: string;
  uid: string;
}

type Ref = ReturnType<typeof employeeRef>;

/** How a card read ended the enrolment armed on its device, as the device is told. */
export type EnrollmentOutcome = {
  status: "bound" | "refused";
  employee: Ref;
  card_uid: string;
  reason?: string;
};

/** What one card read did, for the device's answer. */
export type CardOutcome =
  | { kind: "punch"; employeeId: string; employee: Ref | null; notice: string }
  | { kind: "unknown"; notice: string }
  | {
      kind: "enrollment";
      enrollment: EnrollmentOutcome;
      notice: string;
    }
  | { kind: "none" };

/** The card UID a read's value stands for: readers differ in case only. */
export const cardUidOf = (value: string) => value.trim().toUpperCase();

/**
 * What the batch needs to know before it writes: the enrolment armed on the device, and who holds the cards
 * read (for the device's notices). One round trip, only when the batch has card reads.
 */
export async function lookBeforeCardReads(db: Db, deviceId: string, uids: string[], now: string) {
  if (uids.length === 0) return { armed: undefined, holders: new Map<string, Ref>() };
  const [armed, held] = await db.batch([
    armedEnrollment(db, deviceId, now),
    db
      .select({ uid: cards.uid, id: employees.id, code: employees.code, name: employees.name })
      .from(cards)
      .innerJoin(employees, eq(employees.id, cards.employeeId))
      .where(and(inArray(cards.uid, [...new Set(uids)]), isNull(cards.revokedAt))),
  ]);
  return { armed: armed[0], holders: new Map(held.map((h) => [h.uid, employeeRef(h)])) };
}

/**
 * The statements for the batch's card reads (after their inserts), and how to read their results back. A
 * read that was a duplicate has no row from this batch, so every statement for it does nothing.
 */
export function cardReadStatements(
  db: Db,
  reads: CardRead[],
  look: Awaited<ReturnType<typeof lookBeforeCardReads>>,
  now: string,
) {
  const statements: Statement[] = [];
  const plans = reads.map((read) => {
    const enrolling = look.armed ? enrollmentStatements(db, look.armed, read, now) : undefined;
    if (enrolling) statements.push(...enrolling);
    const notEnrolling = sql`NOT EXISTS (SELECT 1 FROM enrollments WHERE device_event_id = ${read.rowId})`;
    statements.push(
      db
        .insert(punches)
        .select(
          sql`SELECT ${newId()}, c.employee_id, c.id, c.uid, de.device_id, de.id, de.read_at, ${now}
              FROM device_events de JOIN cards c ON c.uid = ${read.uid} AND c.revoked_at IS NULL
              WHERE de.id = ${read.rowId} AND ${notEnrolling}`,
        )
        .onConflictDoNothing()
        .returning({ employeeId: punches.employeeId }),
      db
        .insert(unknownCards)
        .select(
          sql`SELECT ${read.uid}, de.read_at, de.read_at, de.device_id, 1 FROM device_events de
              WHERE de.id = ${read.rowId} AND ${notEnrolling}
              AND NOT EXISTS (SELECT 1 FROM cards WHERE uid = ${read.uid} AND revoked_at IS NULL)`,
        )
        .onConflictDoUpdate({
          target: unknownCards.uid,
          set: {
            firstSeenAt: sql`min(${unknownCards.firstSeenAt}, excluded.first_seen_at)`,
            lastDeviceId: sql`CASE WHEN excluded.last_seen_at >= ${unknownCards.lastSeenAt} THEN excluded.last_device_id ELSE ${unknownCards.lastDeviceId} END`,
            lastSeenAt: sql`max(${unknownCards.lastSeenAt}, excluded.last_seen_at)`,
            reads: sql`${unknownCards.reads} + 1`,
          },
        })
        .returning({ uid: unknownCards.uid }),
    );
    return { read, enrolling: enrolling !== undefined };
  });

  /** Given the results of exactly these statements, in order, what each read did. */
  const outcomes = (results: unknown[]): CardOutcome[] => {
    let at = 0;
    return plans.map(({ read, enrolling }): CardOutcome => {
      const settled = enrolling
        ? (results[at] as { state: "bound" | "refused"; reason: string | null }[])
        : [];
      at += enrolling ? 3 : 0;
      const punched = results[at++] as { employeeId: string }[];
      const unknown = results[at++] as { uid: string }[];
      const armed = look.armed as Armed;
      if (settled[0]) {
        const employee = employeeOf(armed);
        const { state, reason } = settled[0];
        return {
          kind: "enrollment",
          enrollment: { status: state, employee, card_uid: read.uid, ...(reason && { reason }) },
          notice:
            state === "bound"
              ? `Card ${read.uid} enrolled for ${employee.name} (${employee.code})`
              : `Card ${read.uid} not enrolled: ${reason ?? "refused"}`,
        };
      }
      if (punched[0]) {
        const employee = look.holders.get(read.uid) ?? null;
        return {
          kind: "punch",
          employeeId: punched[0].employeeId,
          employee,
          notice: employee ? `Punch recorded for ${employee.name} (${employee.code})` : "Punch recorded",
        };
      }
      if (unknown[0])
        return { kind: "unknown", notice: `Unknown card ${read.uid}: recorded for staff to enroll` };
      return { kind: "none" };
    });
  };
  return { statements, outcomes };
}

const punchView = (p: typeof punches.$inferSelect) => ({
  id: p.id,
  employee_id: p.employeeId,
  card_uid: p.cardUid,
  device_id: p.deviceId,
  at: p.at,
  recorded_at: p.recordedAt,
});

export async function listPunches(
  env: Env,
  filter: {
    employee_id?: string | undefined;
    since?: string | undefined;
    until?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const page = await newestFirst(
    getDb(env.DB).select().from(punches).$dynamic(),
    { time: punches.at, id: punches.id },
    [
      filter.employee_id !== undefined ? eq(punches.employeeId, filter.employee_id) : undefined,
      filter.since ? gte(punches.at, utc(filter.since)) : undefined,
      filter.until ? lt(punches.at, utc(filter.until)) : undefined,
    ],
    filter,
    (p) => [p.at, p.id],
  );
  return { items: page.items.map(punchView), next_cursor: page.next_cursor };
}
