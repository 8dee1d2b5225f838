import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, json, problems } from "../../lib/openapi";
import { PageQuery, pageOf } from "../../lib/pagination";
import { requirePermission } from "../auth/middleware";
import { listCronRuns } from "./service";

const CronRun = z
  .object({
    id: z.string(),
    cron: z.string(),
    scheduled_at: z.string(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    status: z.enum(["running", "ok", "failed"]),
    detail: z.unknown().nullable(),
  })
  .openapi("CronRun");

const intakeRead = requirePermission("intake", "read");

const listRuns = createRoute({
  method: "get",
  path: "/cron-runs",
  tags: ["system"],
  summary: "Runs of the Cron Triggers, newest first",
  middleware: [intakeRead] as const,
  request: { query: PageQuery },
  responses: { 200: json(pageOf(CronRun), "A page of runs"), ...problems(400, 401, 403) },
});

export const systemRoutes = createRouter().openapi(listRuns, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const page = await listCronRuns(c.env, limit, cursor);
  return c.json(
    {
      items: page.items.map((r) => ({
        id: r.id,
        cron: r.cron,
        scheduled_at: r.scheduledAt,
        started_at: r.startedAt,
        finished_at: r.finishedAt,
        status: r.status,
        detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown),
      })),
      next_cursor: page.next_cursor,
    },
    200,
  );
});
