// Doors for on-site devices (device tokens only): their reads.
import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { createRouter, json, jsonBody, problems } from "../../lib/openapi";
import { principalOf, requireDevice } from "../auth/middleware";
import { receiveDeviceEvents } from "./events";
import { DeviceBatchResultSchema, DeviceBatchSchema } from "./schemas";

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

export const deviceRoutes = createRouter().openapi(events, async (c) => {
  const results = await receiveDeviceEvents(
    c.env,
    principalOf(c),
    c.req.valid("json"),
    await c.req.arrayBuffer(),
    c.req.header("x-agent-version") ?? null,
  );
  return c.json({ results }, 200);
});
