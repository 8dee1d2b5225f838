// Doors for on-site devices (device tokens only): their reads, heartbeats and enrolment.
import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { createRouter, json, jsonBody, problems } from "../../lib/openapi";
import { armEnrollment, latestEnrollment } from "../attendance/enrollment";
import { DeviceArmBody, EnrollmentSchema } from "../attendance/schemas";
import { principalOf, requireDevice } from "../auth/middleware";
import { receiveDeviceEvents } from "./events";
import { recordHeartbeat } from "./heartbeat";
import {
  DeviceBatchResultSchema,
  DeviceBatchSchema,
  HeartbeatAnswerSchema,
  HeartbeatSchema,
} from "./schemas";

/** Reads the body as bytes before the validator parses it, so the bytes kept are exactly the ones sent. */
const bytesFirst: MiddlewareHandler<AppEnv> = async (c, next) => {
  await c.req.arrayBuffer();
  await next();
};

const events = createRoute({
  method: "post",
  path: "/devices/events",
  tags: ["devices"],
  summary: "A device's reads (card UIDs, barcodes), answered read by read",
  description:
    "A batch of up to 200 reads from an on-site agent. The batch is kept raw first; then each read is taken once per device and read id: `accepted` (taken now) and `duplicate` (taken before) both mean the agent may drop it, `refused` (with the reason) means it never will be taken. Records the device's last-seen time and its `x-agent-version`. 429 with Retry-After when a device sends too fast.",
  middleware: [requireDevice(), bytesFirst] as const,
  request: { body: jsonBody(DeviceBatchSchema) },
  responses: {
    200: json(DeviceBatchResultSchema, "One result per read, in the order sent"),
    ...problems(400, 401, 403, 413, 429),
  },
});

const heartbeat = createRoute({
  method: "post",
  path: "/devices/heartbeat",
  tags: ["devices"],
  summary:
    "A device says it is alive: its queue, its ports; answered with its interval and any armed enrolment",
  middleware: [requireDevice()] as const,
  request: { body: jsonBody(HeartbeatSchema) },
  responses: { 200: json(HeartbeatAnswerSchema, "Recorded"), ...problems(400, 401, 403) },
});

const armSelf = createRoute({
  method: "post",
  path: "/devices/enrollment",
  tags: ["devices"],
  summary: "The device arms itself for an employee by code (roms-agent enroll): its next card read binds",
  description:
    "What staff at the shop PC do with `roms-agent enroll E-7`. Recorded as armed by the device. See POST /devices/{id}/enrollment.",
  middleware: [requireDevice()] as const,
  request: { body: jsonBody(DeviceArmBody) },
  responses: { 201: json(EnrollmentSchema, "Armed"), ...problems(400, 401, 403, 404, 409) },
});

const ownEnrollment = createRoute({
  method: "get",
  path: "/devices/enrollment",
  tags: ["devices"],
  summary: "The device's latest enrolment and how it ended",
  middleware: [requireDevice()] as const,
  responses: { 200: json(EnrollmentSchema, "The latest enrolment"), ...problems(401, 403, 404) },
});

export const deviceRoutes = createRouter()
  .openapi(heartbeat, async (c) =>
    c.json(
      await recordHeartbeat(
        c.env,
        principalOf(c),
        c.req.valid("json"),
        c.req.header("x-agent-version") ?? null,
      ),
      200,
    ),
  )
  .openapi(armSelf, async (c) => {
    const device = principalOf(c);
    const body = c.req.valid("json");
    return c.json(
      await armEnrollment(c.env, device.id, device.id, { code: body.employee_code }, body.minutes),
      201,
    );
  })
  .openapi(ownEnrollment, async (c) => c.json(await latestEnrollment(c.env, principalOf(c).id), 200))
  .openapi(events, async (c) => {
    const results = await receiveDeviceEvents(
      c.env,
      principalOf(c),
      c.req.valid("json"),
      await c.req.arrayBuffer(),
      c.req.header("x-agent-version") ?? null,
    );
    return c.json({ results }, 200);
  });
