// The scrapes module's REST door: targets (saved, tried once, run now) and their jobs.
import { createRoute } from "@hono/zod-openapi";
import { createRouter, IdParam, json, jsonBody, problems } from "../../lib/openapi";
import { pageOf } from "../../lib/pagination";
import { principalOf, requirePermission, requireShop } from "../auth/middleware";
import { listJobs, runTarget } from "./runs";
import {
  JobQuery,
  JobSchema,
  TargetBody,
  TargetPatch,
  TargetQuery,
  TargetSchema,
  TryBody,
  TryResult,
} from "./schemas";
import { createTarget, getTarget, listTargets, loadTarget, tryRecipe, updateTarget } from "./targets";

const read = () => [requirePermission("intake", "read"), requireShop()];
const write = () => [requirePermission("intake", "write"), requireShop()];

const RECIPE =
  "The recipe: `wait_for` (a selector the page must show), `timeout_ms` (each step, up to 30 s), `login` (steps goto/fill/click/wait_for; a fill's value comes from the Worker secret it names, never from D1), `rows` (one record per match), `fields` (each a `selector` with an optional `attribute`, or a `json_ld` path; `required` ones missing fail the run as changed markup), `next_page` (a link or button, followed up to `max_pages`, at most 20), `default_currency`, and for order_status the `order_source` of the purchases it tracks. Kinds: order_status reads order_number and status (tracking_number, carrier, tracking_url); price reads price; catalog reads name and price per row.";

const routes = {
  list: createRoute({
    method: "get",
    path: "/scrapes/targets",
    tags: ["scrapes"],
    summary: "Scrape targets, newest first",
    middleware: read(),
    request: { query: TargetQuery },
    responses: { 200: json(pageOf(TargetSchema), "A page"), ...problems(400, 401, 403) },
  }),
  create: createRoute({
    method: "post",
    path: "/scrapes/targets",
    tags: ["scrapes"],
    summary: "Save a target (its recipe checked now)",
    description: RECIPE,
    middleware: write(),
    request: { body: jsonBody(TargetBody) },
    responses: { 201: json(TargetSchema, "Saved"), ...problems(400, 401, 403, 409) },
  }),
  try: createRoute({
    method: "post",
    path: "/scrapes/targets/test",
    tags: ["scrapes"],
    summary: "Run a recipe once without saving it: what it read, and a screenshot",
    description: `${RECIPE} A run that cannot finish (a timeout, changed markup, a missing secret) is a 422 saying which step.`,
    middleware: write(),
    request: { body: jsonBody(TryBody) },
    responses: { 200: json(TryResult, "What it read"), ...problems(400, 401, 403, 422) },
  }),
  get: createRoute({
    method: "get",
    path: "/scrapes/targets/{id}",
    tags: ["scrapes"],
    summary: "One target, with its last job",
    middleware: read(),
    request: { params: IdParam },
    responses: { 200: json(TargetSchema, "The target"), ...problems(401, 403, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/scrapes/targets/{id}",
    tags: ["scrapes"],
    summary: "Change a target; saving it (unless switching it off) lifts a pause",
    middleware: write(),
    request: { params: IdParam, body: jsonBody(TargetPatch) },
    responses: { 200: json(TargetSchema, "The target"), ...problems(400, 401, 403, 404, 409) },
  }),
  run: createRoute({
    method: "post",
    path: "/scrapes/targets/{id}/run",
    tags: ["scrapes"],
    summary: "Run a target now (its job is answered when it is done, ok or failed)",
    middleware: write(),
    request: { params: IdParam },
    responses: { 200: json(JobSchema, "The job"), ...problems(401, 403, 404) },
  }),
  jobs: createRoute({
    method: "get",
    path: "/scrapes/jobs",
    tags: ["scrapes"],
    summary: "Scrape jobs, newest first, by target and status",
    middleware: read(),
    request: { query: JobQuery },
    responses: { 200: json(pageOf(JobSchema), "A page"), ...problems(400, 401, 403) },
  }),
};

export const scrapeRoutes = createRouter()
  .openapi(routes.list, async (c) => c.json(await listTargets(c.env, c.req.valid("query")), 200))
  .openapi(routes.create, async (c) =>
    c.json(await createTarget(c.env, principalOf(c).id, c.req.valid("json")), 201),
  )
  .openapi(routes.try, async (c) => c.json(await tryRecipe(c.env, c.req.valid("json")), 200))
  .openapi(routes.get, async (c) => c.json(await getTarget(c.env, c.req.valid("param").id), 200))
  .openapi(routes.update, async (c) =>
    c.json(await updateTarget(c.env, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(routes.run, async (c) => {
    const target = await loadTarget(c.env, c.req.valid("param").id);
    return c.json(await runTarget(c.env, target, "manual"), 200);
  })
  .openapi(routes.jobs, async (c) => c.json(await listJobs(c.env, c.req.valid("query")), 200));
