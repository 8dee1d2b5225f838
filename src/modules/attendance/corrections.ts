// Managers' corrections: a clock-in or clock-out added, a punch set aside; each with who and why, withdrawn
// (never deleted) when it was wrong. Punches themselves are never changed.
import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "../../db";
import { attendanceCorrections, punches } from "../../db/schema/attendance";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { conflict, notFound } from "../../lib/problem";
import { utc } from "../../lib/time";
import type { Principal } from "../auth/principal";
import { loadEmployee } from "./employees";
import { refreshPresence } from "./presence";

type CorrectionRow = typeof attendanceCorrections.$inferSelect;

export const correctionView = (c: CorrectionRow) => ({
  id: c.id,
  employee_id: c.employeeId,
  kind: c.kind,
  at: c.at,
  punch_id: c.punchId,
  reason: c.reason,
  created_by: c.createdBy,
  created_at: c.createdAt,
  withdrawn_at: c.withdrawnAt,
  withdrawn_by: c.withdrawnBy,
  withdraw_reason: c.withdrawReason,
});

export type NewCorrection =
  | { kind: "add_in" | "add_out"; employee_id: string; at: string; reason: string }
  | { kind: "ignore_punch"; punch_id: string; reason: string };

export async function correctAttendance(env: Env, actor: Principal, input: NewCorrection) {
  const db = getDb(env.DB);
  let target: { employeeId: string; at: string; punchId: string | null };
  if (input.kind === "ignore_punch") {
    const [[punch], [already]] = await db.batch([
      db.select().from(punches).where(eq(punches.id, input.punch_id)),
      db
        .select({ id: attendanceCorrections.id })
        .from(attendanceCorrections)
        .where(
          and(eq(attendanceCorrections.punchId, input.punch_id), isNull(attendanceCorrections.withdrawnAt)),
        ),
    ]);
    if (!punch) throw notFound("No such punch.");
    if (already) throw conflict("That punch is already set aside.", { correction_id: already.id });
    target = { employeeId: punch.employeeId, at: punch.at, punchId: punch.id };
  } else {
    await loadEmployee(env, input.employee_id);
    target = { employeeId: input.employee_id, at: utc(input.at), punchId: null };
  }
  const [row] = await db
    .insert(attendanceCorrections)
    .values({ id: newId(), kind: input.kind, reason: input.reason, createdBy: actor.id, ...target })
    .returning();
  refreshPresence(env, [target.employeeId]);
  return correctionView(row as CorrectionRow);
}

/** Withdrawing twice keeps the first withdrawal. */
export async function withdrawCorrection(env: Env, actor: Principal, id: string, reason: string) {
  const db = getDb(env.DB);
  await db
    .update(attendanceCorrections)
    .set({ withdrawnAt: new Date().toISOString(), withdrawnBy: actor.id, withdrawReason: reason })
    .where(and(eq(attendanceCorrections.id, id), isNull(attendanceCorrections.withdrawnAt)));
  const row = await db.query.attendanceCorrections.findFirst({ where: eq(attendanceCorrections.id, id) });
  if (!row) throw notFound("No such correction.");
  refreshPresence(env, [row.employeeId]);
  return correctionView(row);
}

export async function listCorrections(
  env: Env,
  filter: { employee_id?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const page = await newestFirst(
    getDb(env.DB).select().from(attendanceCorrections).$dynamic(),
    { time: attendanceCorrections.at, id: attendanceCorrections.id },
    [filter.employee_id !== undefined ? eq(attendanceCorrections.employeeId, filter.employee_id) : undefined],
    filter,
    (c) => [c.at, c.id],
  );
  return { items: page.items.map(correctionView), next_cursor: page.next_cursor };
}
