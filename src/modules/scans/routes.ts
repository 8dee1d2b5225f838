// The scans' REST door: POST /scans for people's apps and device tokens alike, and the log.
import { createRoute } from "@hono/zod-openapi";
import { createRouter, json, jsonBody, problems } from "../../lib/openapi";
import { pageOf } from "../../lib/pagination";
import { principalOf, requirePermission, requirePermissionOrDevice } from "../auth/middleware";
import { ScanAnswerSchema, ScanBody, ScanLogSchema, ScanQuery } from "./schemas";
import { listScans, scan } from "./service";

const post = createRoute({
  method: "post",
  path: "/scans",
  tags: ["scans"],
  summary: "Scan a code: what it names, what it allows here, and (with `action`) do it",
  description:
    "For people (inventory:read; acting needs inventory:write for count and receive, orders:write for pick) and for device tokens. The code is read as a product barcode (EAN/UPC, internal label) or SKU, an order number, a pick-list id, or a location or bin label (`LOC:<id>`, `BIN:<location id>:<bin>`). Every scan is recorded, unknown ones (404) and refused ones (409, 422) too. Send `scan_id` to make a resend harmless.",
  middleware: [requirePermissionOrDevice("inventory", "read")] as const,
  request: { body: jsonBody(ScanBody) },
  responses: {
    200: json(ScanAnswerSchema, "Resolved (and done)"),
    ...problems(400, 401, 403, 404, 409, 422),
  },
});

const list = createRoute({
  method: "get",
  path: "/scans",
  tags: ["scans"],
  summary: "Scans, newest first: by people and devices, with what each named and what came of it",
  middleware: [requirePermission("inventory", "read")] as const,
  request: { query: ScanQuery },
  responses: { 200: json(pageOf(ScanLogSchema), "A page of scans"), ...problems(400, 401, 403) },
});

export const scanRoutes = createRouter()
  .openapi(post, async (c) => c.json(await scan(c.env, principalOf(c), c.req.valid("json")), 200))
  .openapi(list, async (c) => c.json(await listScans(c.env, c.req.valid("query")), 200));
