import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, json } from "../../lib/openapi";
import { checkHealth } from "./service";

const Component = z.object({
  status: z.enum(["up", "down"]),
  latency_ms: z.number().int(),
  detail: z.string().optional(),
});

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    version: z.string(),
    environment: z.string(),
    time: z.string().openapi({ format: "date-time" }),
    components: z.object({ database: Component, files: Component }),
  })
  .openapi("Health");

const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["health"],
  summary: "Liveness and readiness: D1 and R2 reachable, schema migrated",
  security: [],
  responses: {
    200: json(HealthSchema, "Every component is up"),
    503: json(HealthSchema, "At least one component is down"),
  },
});

export const healthRoutes = createRouter().openapi(health, async (c) => {
  const report = await checkHealth(c.env);
  c.header("cache-control", "no-store");
  return report.status === "ok" ? c.json(report, 200) : c.json(report, 503);
});
