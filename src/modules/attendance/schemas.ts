// Attendance's contract: employees and their schedules, cards, enrolment, punches, corrections, reports.
import { z } from "@hono/zod-openapi";
import { CORRECTION_KINDS, ENROLLMENT_STATES, WEEKDAYS } from "../../db/schema/attendance";
import { Id } from "../../lib/openapi";
import { PageQuery } from "../../lib/pagination";
import { plausibleInstant } from "../../lib/time";
import { TimeZoneSchema } from "../../lib/zone";

const LocalTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "A local time HH:MM, 00:00 to 23:59")
  .openapi({ example: "09:00" });

const Shift = z
  .strictObject({ start: LocalTime, end: LocalTime })
  .refine(
    (s) => s.start !== s.end,
    "A shift's start and end differ (an end before the start is a night shift)",
  )
  .openapi({ description: "Local start and end; an end not after the start ends on the next day" });

export const ScheduleSchema = z
  .strictObject({
    ...Object.fromEntries(WEEKDAYS.map((day) => [day, Shift.nullable().optional()])),
    grace_minutes: z.int().min(0).max(120).default(0).openapi({
      description: "Minutes past the start before an arrival is late (and before the end a leave is early)",
    }),
  })
  .openapi("Schedule", {
    description: "Working hours per weekday in the reporting time zone; a day missing or null is a day off.",
    example: {
      monday: { start: "09:00", end: "17:00" },
      friday: { start: "09:00", end: "13:00" },
      grace_minutes: 5,
    },
  });
export type ScheduleInput = z.infer<typeof ScheduleSchema>;

/** A card UID as readers print it: letters and digits, compared in upper case. */
export const CardUid = z
  .string()
  .trim()
  .min(4)
  .max(64)
  .regex(/^[0-9A-Za-z:-]+$/, "Letters, digits, ':' or '-', as the reader prints the card's UID")
  .transform((uid) => uid.toUpperCase())
  .openapi({ example: "04A2B3C4D5" });

export const CardSchema = z
  .object({
    id: z.string(),
    uid: z.string(),
    employee_id: z.string(),
    enrolled_at: z.string(),
    enrolled_by: z.string().openapi({ description: "The user, or the device, that bound it" }),
    device_id: z.string().nullable().openapi({ description: "The device whose read bound it" }),
    revoked_at: z.string().nullable(),
    revoked_by: z.string().nullable(),
    revoke_reason: z.string().nullable(),
  })
  .openapi("Card");

export const EmployeeSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    active: z.boolean(),
    schedule: ScheduleSchema.nullable(),
    cards: z.array(CardSchema).openapi({ description: "The employee's cards that are not revoked" }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Employee");

export const EmployeeCode = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9._-]+$/, "Letters, digits, '.', '_' or '-'")
  .openapi({ example: "E-7" });

export const NewEmployeeBody = z
  .strictObject({
    code: EmployeeCode,
    name: z.string().trim().min(1).max(120),
    schedule: ScheduleSchema.nullable().optional(),
  })
  .openapi("NewEmployee");

export const EmployeePatch = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    active: z.boolean().optional().openapi({
      description: "false revokes the employee's cards (their reads then show as unknown cards)",
    }),
    schedule: ScheduleSchema.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, "Send at least one of name, active, schedule")
  .openapi("EmployeePatch");

export const EmployeeQuery = PageQuery.extend({
  active: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "Only active (or inactive) employees" }),
});

export const NewCardBody = z.strictObject({ uid: CardUid }).openapi("NewCard");
export const RevokeCardBody = z
  .strictObject({ reason: z.string().trim().min(1).max(500).optional() })
  .openapi("RevokeCard");

export const UnknownCardSchema = z
  .object({
    uid: z.string(),
    first_seen_at: z.string(),
    last_seen_at: z.string(),
    last_device_id: z.string(),
    reads: z.int(),
  })
  .openapi("UnknownCard");

const EmployeeRef = z.object({ id: z.string(), code: z.string(), name: z.string() }).openapi("EmployeeRef");

export const EnrollmentSchema = z
  .object({
    id: z.string(),
    device_id: z.string(),
    employee: EmployeeRef,
    state: z.enum(ENROLLMENT_STATES).openapi({
      description:
        "armed: the next card read on the device binds; bound; refused (see reason); cancelled; expired (no card read in time)",
    }),
    armed_by: z.string(),
    armed_at: z.string(),
    expires_at: z.string(),
    card_uid: z.string().nullable(),
    reason: z.string().nullable(),
    settled_at: z.string().nullable(),
  })
  .openapi("Enrollment");

export const ArmBody = z
  .strictObject({
    employee_id: Id,
    minutes: z
      .int()
      .min(1)
      .max(30)
      .default(5)
      .openapi({ description: "How long the device waits for a card" }),
  })
  .openapi("ArmEnrollment");

export const DeviceArmBody = z
  .strictObject({
    employee_code: EmployeeCode,
    minutes: z.int().min(1).max(30).default(5),
  })
  .openapi("DeviceArmEnrollment");

export const PunchSchema = z
  .object({
    id: z.string(),
    employee_id: z.string(),
    card_uid: z.string(),
    device_id: z.string(),
    at: z.string(),
    recorded_at: z.string(),
  })
  .openapi("Punch");

const Instant = z.iso
  .datetime({ offset: true })
  .refine((at) => plausibleInstant(at), "A time before 2000 or more than a day ahead");

export const PunchQuery = PageQuery.extend({
  employee_id: Id.optional(),
  since: Instant.optional(),
  until: Instant.optional(),
});

export const CorrectionSchema = z
  .object({
    id: z.string(),
    employee_id: z.string(),
    kind: z.enum(CORRECTION_KINDS),
    at: z.string(),
    punch_id: z.string().nullable(),
    reason: z.string(),
    created_by: z.string(),
    created_at: z.string(),
    withdrawn_at: z.string().nullable(),
    withdrawn_by: z.string().nullable(),
    withdraw_reason: z.string().nullable(),
  })
  .openapi("AttendanceCorrection");

const Reason = z.string().trim().min(3).max(500).openapi({ description: "Why, for the audit trail" });

export const NewCorrectionBody = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("add_in"), employee_id: Id, at: Instant, reason: Reason }),
    z.strictObject({ kind: z.literal("add_out"), employee_id: Id, at: Instant, reason: Reason }),
    z.strictObject({ kind: z.literal("ignore_punch"), punch_id: Id, reason: Reason }),
  ])
  .openapi("NewAttendanceCorrection", {
    description:
      "add_in / add_out: a clock-in or clock-out the employee forgot; ignore_punch: a punch that should not count. Punches themselves are never changed.",
  });

export const WithdrawBody = z.strictObject({ reason: Reason }).openapi("WithdrawCorrection");

export const CorrectionQuery = PageQuery.extend({ employee_id: Id.optional() });

// --- reports ---

export const TimeZone = TimeZoneSchema.optional().openapi({
  description: "IANA time zone of the report; the shop's (SHOP_TIME_ZONE) when left out",
});

const LocalDate = z.iso.date().openapi({ example: "2026-11-23" });

/** Longest range one report reads. */
export const MAX_REPORT_DAYS = 62;

export const DaysQuery = z
  .object({ from: LocalDate, to: LocalDate, tz: TimeZone, employee_id: Id.optional() })
  .refine((q) => q.from <= q.to, { message: "`from` is not after `to`", path: ["to"] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) < MAX_REPORT_DAYS * 86_400_000, {
    message: `At most ${MAX_REPORT_DAYS} days in one report`,
    path: ["to"],
  });

export const MonthQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "A month YYYY-MM")
    .openapi({ example: "2026-11" }),
  tz: TimeZone,
  employee_id: Id.optional(),
});

export const PresentQuery = z.object({
  tz: TimeZone,
  at: Instant.optional().openapi({ description: "Who was in at this instant; now when left out" }),
});

export const DayRowSchema = z
  .object({
    employee: EmployeeRef,
    date: z.string(),
    minutes: z.int(),
    first_in: z.string().nullable().openapi({ description: "Local time with its offset" }),
    last_out: z.string().nullable(),
    late: z.boolean(),
    left_early: z.boolean(),
    flags: z.array(z.string()).openapi({
      description:
        "forgotten_clock_out (closed by rule), corrected, open (still in), absent (scheduled, no session)",
    }),
  })
  .openapi("AttendanceDay");

export const WeekRowSchema = z
  .object({ employee: EmployeeRef, week: z.string().openapi({ example: "2026-W48" }), minutes: z.int() })
  .openapi("AttendanceWeek");

export const MonthRowSchema = z
  .object({
    employee: EmployeeRef,
    month: z.string(),
    minutes: z.int(),
    days_worked: z.int(),
    late: z.int(),
    left_early: z.int(),
    absent: z.int(),
    forgotten_clock_outs: z.int(),
  })
  .openapi("AttendanceMonth");

export const PresentRowSchema = z
  .object({ employee: EmployeeRef, since: z.string().openapi({ description: "Local time with its offset" }) })
  .openapi("PresentEmployee");
