// Attendance's doors for what happened: raw punches, managers' corrections, reports (days, weeks, months,
// who is in, CSV), and the live "who is in" room.
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, IdParam, json, jsonBody, problems } from "../../lib/openapi";
import { pageOf } from "../../lib/pagination";
import { joinRoom, memberOf, upgradeResponses } from "../../rooms/join";
import { attendanceRoom } from "../../rooms/stubs";
import { principalOf, requirePermission } from "../auth/middleware";
import { correctAttendance, listCorrections, withdrawCorrection } from "./corrections";
import { listPunches } from "./punches";
import {
  CorrectionQuery,
  CorrectionSchema,
  DayRowSchema,
  DaysQuery,
  MonthQuery,
  MonthRowSchema,
  NewCorrectionBody,
  PresentQuery,
  PresentRowSchema,
  PunchQuery,
  PunchSchema,
  WeekRowSchema,
  WithdrawBody,
} from "./schemas";
import { dayRows, daysCsv, monthRows, presentAt, weekRows } from "./timesheets";

const read = requirePermission("attendance", "read");
const write = requirePermission("attendance", "write");
const tags = ["attendance"];
const report = <T extends z.ZodType>(row: T) => z.object({ time_zone: z.string(), items: z.array(row) });

const routes = {
  punches: createRoute({
    method: "get",
    path: "/attendance/punches",
    tags,
    summary: "Raw punches (card reads that found their card), newest first; never edited",
    middleware: [read] as const,
    request: { query: PunchQuery },
    responses: { 200: json(pageOf(PunchSchema), "A page of punches"), ...problems(400, 401, 403) },
  }),
  correct: createRoute({
    method: "post",
    path: "/attendance/corrections",
    tags,
    summary:
      "Correct attendance: add a forgotten clock-in or clock-out, or set a punch aside (with a reason)",
    description:
      "Kept with who made it and why; punches are never changed. A correction counts in every report from then on, and the sessions it touched are flagged `corrected`.",
    middleware: [write] as const,
    request: { body: jsonBody(NewCorrectionBody) },
    responses: { 201: json(CorrectionSchema, "Recorded"), ...problems(400, 401, 403, 404, 409) },
  }),
  corrections: createRoute({
    method: "get",
    path: "/attendance/corrections",
    tags,
    summary: "Corrections, withdrawn ones too, newest first: the audit trail",
    middleware: [read] as const,
    request: { query: CorrectionQuery },
    responses: { 200: json(pageOf(CorrectionSchema), "A page of corrections"), ...problems(400, 401, 403) },
  }),
  withdraw: createRoute({
    method: "post",
    path: "/attendance/corrections/{id}/withdraw",
    tags,
    summary: "Withdraw a correction (kept, marked withdrawn, with who and why)",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(WithdrawBody) },
    responses: { 200: json(CorrectionSchema, "Withdrawn"), ...problems(400, 401, 403, 404) },
  }),
  days: createRoute({
    method: "get",
    path: "/attendance/days",
    tags,
    summary: "Per employee per local day: minutes, first in, last out, late, left early, flags",
    description:
      "A session counts toward the local day it started on (a night shift to its evening); minutes are real elapsed time, so a daylight-saving change inside a shift counts as it happened. A scheduled day with no session is `absent`.",
    middleware: [read] as const,
    request: { query: DaysQuery },
    responses: { 200: json(report(DayRowSchema), "Days"), ...problems(400, 401, 403) },
  }),
  daysCsv: createRoute({
    method: "get",
    path: "/attendance/days.csv",
    tags,
    summary: "The same days as CSV (RFC 4180), for payroll",
    middleware: [read] as const,
    request: { query: DaysQuery },
    responses: {
      200: {
        description: "CSV, one row per employee and day",
        content: { "text/csv": { schema: z.string() } },
      },
      ...problems(400, 401, 403),
    },
  }),
  weeks: createRoute({
    method: "get",
    path: "/attendance/weeks",
    tags,
    summary: "Minutes per employee and ISO week of the local days in range",
    middleware: [read] as const,
    request: { query: DaysQuery },
    responses: { 200: json(report(WeekRowSchema), "Weeks"), ...problems(400, 401, 403) },
  }),
  month: createRoute({
    method: "get",
    path: "/attendance/months",
    tags,
    summary:
      "Monthly totals per employee: minutes, days worked, late, left early, absent, forgotten clock-outs",
    middleware: [read] as const,
    request: { query: MonthQuery },
    responses: { 200: json(report(MonthRowSchema), "The month"), ...problems(400, 401, 403) },
  }),
  present: createRoute({
    method: "get",
    path: "/attendance/present",
    tags,
    summary: "Who is in now (or at `at`), earliest arrival first",
    middleware: [read] as const,
    request: { query: PresentQuery },
    responses: {
      200: json(report(PresentRowSchema).extend({ at: z.string() }), "Who is in"),
      ...problems(400, 401, 403),
    },
  }),
  live: createRoute({
    method: "get",
    path: "/attendance/live",
    tags: ["rooms"],
    summary:
      "Join the who-is-in room: everyone clocked in, then each change (WebSocket; token as Bearer or ?access_token=)",
    description: "Read-only. The frames are in /asyncapi.json (channel `attendance`).",
    middleware: [read] as const,
    responses: { 101: upgradeResponses[101], ...problems(400, 401, 403) },
  }),
};

export const attendanceReportRoutes = createRouter()
  .openapi(routes.punches, async (c) => c.json(await listPunches(c.env, c.req.valid("query")), 200))
  .openapi(routes.correct, async (c) =>
    c.json(await correctAttendance(c.env, principalOf(c), c.req.valid("json")), 201),
  )
  .openapi(routes.corrections, async (c) => c.json(await listCorrections(c.env, c.req.valid("query")), 200))
  .openapi(routes.withdraw, async (c) =>
    c.json(
      await withdrawCorrection(c.env, principalOf(c), c.req.valid("param").id, c.req.valid("json").reason),
      200,
    ),
  )
  .openapi(routes.days, async (c) => c.json(await dayRows(c.env, c.req.valid("query")), 200))
  .openapi(routes.daysCsv, async (c) => {
    const q = c.req.valid("query");
    c.header("content-disposition", `attachment; filename="attendance-${q.from}-${q.to}.csv"`);
    return c.body(await daysCsv(c.env, q), 200, { "content-type": "text/csv; charset=utf-8" });
  })
  .openapi(routes.weeks, async (c) => c.json(await weekRows(c.env, c.req.valid("query")), 200))
  .openapi(routes.month, async (c) => c.json(await monthRows(c.env, c.req.valid("query")), 200))
  .openapi(routes.present, async (c) => c.json(await presentAt(c.env, c.req.valid("query")), 200))
  .openapi(routes.live, async (c) => joinRoom(c, attendanceRoom(c.env), memberOf(c)));
