// Attendance: the people who clock in, their cards, the raw punches their card reads made, and what managers
// corrected. Sessions and reports are derived from these (src/modules/attendance/rules.ts); punches are
// never edited.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A working week in the reporting time zone: local "HH:MM" start and end per weekday, null for a day off. */
export interface StoredSchedule {
  days: Partial<Record<Weekday, { start: string; end: string } | null>>;
  grace_minutes: number;
}

export const employees = sqliteTable(
  "employees",
  {
    id: text("id").primaryKey(),
    /** The shop's own short code, e.g. E-7: what people type and what exports carry. */
    code: text("code").notNull(),
    name: text("name").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    schedule: text("schedule", { mode: "json" }).$type<StoredSchedule>(),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("employees_code_uq").on(t.code), index("employees_name_idx").on(t.name, t.id)],
);

/** A card bound to an employee. A UID has at most one card that is not revoked. */
export const cards = sqliteTable(
  "cards",
  {
    id: text("id").primaryKey(),
    uid: text("uid").notNull(),
    employeeId: text("employee_id").notNull(),
    enrolledAt: text("enrolled_at").notNull(),
    /** The user, or the device (enrolment armed at the device), that bound it. */
    enrolledBy: text("enrolled_by").notNull(),
    /** The device whose read bound it; null when bound by UID over the API. */
    deviceId: text("device_id"),
    revokedAt: text("revoked_at"),
    revokedBy: text("revoked_by"),
    revokeReason: text("revoke_reason"),
  },
  (t) => [
    uniqueIndex("cards_active_uid_uq").on(t.uid).where(sql`revoked_at IS NULL`),
    index("cards_employee_idx").on(t.employeeId, t.enrolledAt),
  ],
);

/** A card read that found its card: the raw fact attendance is derived from. Never edited. */
export const punches = sqliteTable(
  "punches",
  {
    id: text("id").primaryKey(),
    employeeId: text("employee_id").notNull(),
    cardId: text("card_id").notNull(),
    cardUid: text("card_uid").notNull(),
    deviceId: text("device_id").notNull(),
    /** The device read it came from (device_events.id): one punch per read. */
    deviceEventId: text("device_event_id").notNull(),
    at: text("at").notNull(),
    recordedAt: text("recorded_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("punches_device_event_uq").on(t.deviceEventId),
    index("punches_at_idx").on(t.at, t.id),
    index("punches_employee_at_idx").on(t.employeeId, t.at),
  ],
);

/** Card UIDs read with no card bound to them, for staff to enroll. */
export const unknownCards = sqliteTable(
  "unknown_cards",
  {
    uid: text("uid").primaryKey(),
    firstSeenAt: text("first_seen_at").notNull(),
    lastSeenAt: text("last_seen_at").notNull(),
    lastDeviceId: text("last_device_id").notNull(),
    reads: integer("reads").notNull().default(1),
  },
  (t) => [index("unknown_cards_seen_idx").on(t.lastSeenAt, t.uid)],
);

export const CORRECTION_KINDS = ["add_in", "add_out", "ignore_punch"] as const;

/** A manager's correction: a clock-in or clock-out they add, or a punch they set aside, with the reason. */
export const attendanceCorrections = sqliteTable(
  "attendance_corrections",
  {
    id: text("id").primaryKey(),
    employeeId: text("employee_id").notNull(),
    kind: text("kind", { enum: CORRECTION_KINDS }).notNull(),
    /** For add_in and add_out; for ignore_punch, the punch's time (so a time range finds it). */
    at: text("at").notNull(),
    punchId: text("punch_id"),
    reason: text("reason").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull().default(now),
    /** A correction is never deleted: withdrawing it stops it counting and says who and why. */
    withdrawnAt: text("withdrawn_at"),
    withdrawnBy: text("withdrawn_by"),
    withdrawReason: text("withdraw_reason"),
  },
  (t) => [
    index("attendance_corrections_at_idx").on(t.at, t.id),
    index("attendance_corrections_employee_idx").on(t.employeeId, t.at),
  ],
);

export const ENROLLMENT_STATES = ["armed", "bound", "refused", "cancelled", "expired"] as const;
export type EnrollmentState = (typeof ENROLLMENT_STATES)[number];

/** A device armed to bind the next card read on it to an employee; one armed at a time per device. */
export const enrollments = sqliteTable(
  "enrollments",
  {
    id: text("id").primaryKey(),
    deviceId: text("device_id").notNull(),
    employeeId: text("employee_id").notNull(),
    state: text("state", { enum: ENROLLMENT_STATES }).notNull().default("armed"),
    armedBy: text("armed_by").notNull(),
    armedAt: text("armed_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    cardUid: text("card_uid"),
    /** The read that settled it. */
    deviceEventId: text("device_event_id"),
    reason: text("reason"),
    settledAt: text("settled_at"),
  },
  (t) => [
    uniqueIndex("enrollments_armed_uq").on(t.deviceId).where(sql`state = 'armed'`),
    index("enrollments_device_idx").on(t.deviceId, t.armedAt),
    index("enrollments_event_idx").on(t.deviceEventId),
  ],
);
