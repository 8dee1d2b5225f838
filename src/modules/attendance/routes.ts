// Attendance's doors for people: employees and their cards, unknown cards, and arming a device to enroll.
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, IdParam, json, jsonBody, optionalJsonBody, problems } from "../../lib/openapi";
import { PageQuery, pageOf } from "../../lib/pagination";
import { principalOf, requirePermission } from "../auth/middleware";
import {
  addEmployee,
  bindCard,
  changeEmployee,
  getEmployee,
  listCards,
  listEmployees,
  listUnknownCards,
  revokeCard,
} from "./employees";
import { armEnrollment, cancelEnrollment, latestEnrollment } from "./enrollment";
import {
  ArmBody,
  CardSchema,
  EmployeePatch,
  EmployeeQuery,
  EmployeeSchema,
  EnrollmentSchema,
  NewCardBody,
  NewEmployeeBody,
  RevokeCardBody,
  UnknownCardSchema,
} from "./schemas";

const read = requirePermission("attendance", "read");
const write = requirePermission("attendance", "write");
const tags = ["attendance"];

const routes = {
  addEmployee: createRoute({
    method: "post",
    path: "/employees",
    tags,
    summary: "Add an employee (code, name, schedule)",
    middleware: [write] as const,
    request: { body: jsonBody(NewEmployeeBody) },
    responses: { 201: json(EmployeeSchema, "Added"), ...problems(400, 401, 403, 409) },
  }),
  listEmployees: createRoute({
    method: "get",
    path: "/employees",
    tags,
    summary: "Employees, newest first, with their cards",
    middleware: [read] as const,
    request: { query: EmployeeQuery },
    responses: { 200: json(pageOf(EmployeeSchema), "A page of employees"), ...problems(400, 401, 403) },
  }),
  getEmployee: createRoute({
    method: "get",
    path: "/employees/{id}",
    tags,
    summary: "One employee",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(EmployeeSchema, "The employee"), ...problems(401, 403, 404) },
  }),
  changeEmployee: createRoute({
    method: "patch",
    path: "/employees/{id}",
    tags,
    summary: "Rename, reschedule, deactivate (revokes their cards) or reactivate an employee",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(EmployeePatch) },
    responses: { 200: json(EmployeeSchema, "Changed"), ...problems(400, 401, 403, 404) },
  }),
  listCards: createRoute({
    method: "get",
    path: "/employees/{id}/cards",
    tags,
    summary: "Every card the employee has had, revoked ones too",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(z.object({ items: z.array(CardSchema) }), "Cards"), ...problems(401, 403, 404) },
  }),
  bindCard: createRoute({
    method: "post",
    path: "/employees/{id}/cards",
    tags,
    summary: "Bind a card by its UID (e.g. one from the unknown cards)",
    description:
      "201 when bound now, 200 when the card was already theirs; 409 when it is another employee's (revoke it there first) or the employee is inactive.",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(NewCardBody) },
    responses: {
      201: json(CardSchema, "Bound"),
      200: json(CardSchema, "Already theirs"),
      ...problems(400, 401, 403, 404, 409),
    },
  }),
  revokeCard: createRoute({
    method: "post",
    path: "/cards/{id}/revoke",
    tags,
    summary: "Revoke a card: its reads stop being punches and show as an unknown card",
    middleware: [write] as const,
    request: { params: IdParam, body: optionalJsonBody(RevokeCardBody) },
    responses: {
      200: json(CardSchema, "Revoked (also when it already was)"),
      ...problems(400, 401, 403, 404),
    },
  }),
  unknownCards: createRoute({
    method: "get",
    path: "/cards/unknown",
    tags,
    summary: "Card UIDs read with no card bound, last seen first, for staff to enroll",
    middleware: [read] as const,
    request: { query: PageQuery },
    responses: { 200: json(pageOf(UnknownCardSchema), "Unknown cards"), ...problems(400, 401, 403) },
  }),
  arm: createRoute({
    method: "post",
    path: "/devices/{id}/enrollment",
    tags,
    summary: "Arm a device: the next card read on it is bound to the employee",
    description:
      "The device's next card read binds that card to the employee (or is refused when the card is someone else's) and ends the mode; that read is not a punch. The agent is told in its answer to the read and in its heartbeats. Arming again replaces an armed enrolment; it expires after `minutes`.",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(ArmBody) },
    responses: { 201: json(EnrollmentSchema, "Armed"), ...problems(400, 401, 403, 404, 409) },
  }),
  latest: createRoute({
    method: "get",
    path: "/devices/{id}/enrollment",
    tags,
    summary: "The device's latest enrolment and how it ended",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(EnrollmentSchema, "The latest enrolment"), ...problems(401, 403, 404) },
  }),
  cancel: createRoute({
    method: "delete",
    path: "/devices/{id}/enrollment",
    tags,
    summary: "Disarm the device",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 200: json(EnrollmentSchema, "The latest enrolment, now ended"), ...problems(401, 403, 404) },
  }),
};

export const attendanceRoutes = createRouter()
  .openapi(routes.addEmployee, async (c) => c.json(await addEmployee(c.env, c.req.valid("json")), 201))
  .openapi(routes.listEmployees, async (c) => c.json(await listEmployees(c.env, c.req.valid("query")), 200))
  .openapi(routes.getEmployee, async (c) => c.json(await getEmployee(c.env, c.req.valid("param").id), 200))
  .openapi(routes.changeEmployee, async (c) =>
    c.json(await changeEmployee(c.env, principalOf(c), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(routes.listCards, async (c) =>
    c.json({ items: await listCards(c.env, c.req.valid("param").id) }, 200),
  )
  .openapi(routes.bindCard, async (c) => {
    const { card, created } = await bindCard(
      c.env,
      principalOf(c),
      c.req.valid("param").id,
      c.req.valid("json").uid,
    );
    return created ? c.json(card, 201) : c.json(card, 200);
  })
  .openapi(routes.revokeCard, async (c) =>
    c.json(await revokeCard(c.env, principalOf(c), c.req.valid("param").id, c.req.valid("json").reason), 200),
  )
  .openapi(routes.unknownCards, async (c) => c.json(await listUnknownCards(c.env, c.req.valid("query")), 200))
  .openapi(routes.arm, async (c) => {
    const body = c.req.valid("json");
    const armed = await armEnrollment(
      c.env,
      principalOf(c).id,
      c.req.valid("param").id,
      { id: body.employee_id },
      body.minutes,
    );
    return c.json(armed, 201);
  })
  .openapi(routes.latest, async (c) => c.json(await latestEnrollment(c.env, c.req.valid("param").id), 200))
  .openapi(routes.cancel, async (c) => c.json(await cancelEnrollment(c.env, c.req.valid("param").id), 200));
