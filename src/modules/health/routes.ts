// /health answers that the Worker is alive; /health/ready that what it depends on is there.
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, json } from "../../lib/openapi";
import { liveness } from "./liveness";
import { readiness } from "./service";

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

const LivenessSchema = HealthSchema.omit({ components: true, status: true })
  .extend({ status: z.literal("ok") })
  .openapi("Liveness");

const live = createRoute({
  method: "get",
  path: "/health",
  tags: ["health"],
  summary: "Liveness: the Worker answers (touches neither D1 nor R2)",
  security: [],
  responses: { 200: json(LivenessSchema, "Alive") },
});

const ready = createRoute({
  method: "get",
  path: "/health/ready",
  tags: ["health"],
  summary: "Readiness: D1 and R2 reachable, schema migrated (checked at most every 5 s per isolate)",
  security: [],
  responses: {
    200: json(HealthSchema, "Every component is up"),
    503: json(HealthSchema, "At least one component is down"),
  },
});

export const healthRoutes = createRouter()
  // src/index.ts answers these paths before the app is built; this route documents them (and serves the app alone).
  .openapi(live, async (c) => {
    c.header("cache-control", "no-store");
    return c.json(liveness(c.env), 200);
  })
  .openapi(ready, async (c) => {
    const report = await readiness(c.env);
    c.header("cache-control", "no-store");
    return report.status === "ok" ? c.json(report, 200) : c.json(report, 503);
  });
