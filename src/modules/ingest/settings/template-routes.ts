// The REST door of mail templates: patterns that read mail without markup from one sender.
import { createRoute } from "@hono/zod-openapi";
import { IdempotencyHeader, idempotent } from "../../../lib/idempotency";
import { createRouter, IdParam, json, jsonBody, problems } from "../../../lib/openapi";
import { pageOf } from "../../../lib/pagination";
import { requirePermission } from "../../auth/middleware";
import { MailTemplatePatchBody, MailTemplateQuery, MailTemplateSchema, NewMailTemplateBody } from "./schemas";
import { createTemplate, deleteTemplate, getTemplate, listTemplates, updateTemplate } from "./templates";

const read = requirePermission("intake", "read");
const write = requirePermission("intake", "write");
const tags = ["mail templates"];

const routes = {
  create: createRoute({
    method: "post",
    path: "/mail-templates",
    tags,
    summary: "Teach the email door to read one sender's mail (every pattern is checked now)",
    description:
      "Each pattern is a JavaScript regular expression, compiled when saved: one that does not compile, or is longer than 1,000 characters, is refused with the engine's message. A confirmation needs `line_pattern` with the named groups sku, name, quantity and price. To read again mail that was missed, reprocess its ingest record.",
    middleware: [write] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(NewMailTemplateBody) },
    responses: { 201: json(MailTemplateSchema, "Saved"), ...problems(400, 401, 403, 409, 422) },
  }),
  list: createRoute({
    method: "get",
    path: "/mail-templates",
    tags,
    summary: "Mail templates, newest first; ?sender= gives those that read a sender's mail",
    middleware: [read] as const,
    request: { query: MailTemplateQuery },
    responses: { 200: json(pageOf(MailTemplateSchema), "A page of templates"), ...problems(400, 401, 403) },
  }),
  get: createRoute({
    method: "get",
    path: "/mail-templates/{id}",
    tags,
    summary: "One mail template",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(MailTemplateSchema, "The template"), ...problems(401, 403, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/mail-templates/{id}",
    tags,
    summary: "Change a template (its patterns are checked again); `fields` is replaced whole",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(MailTemplatePatchBody) },
    responses: { 200: json(MailTemplateSchema, "Changed"), ...problems(400, 401, 403, 404) },
  }),
  remove: createRoute({
    method: "delete",
    path: "/mail-templates/{id}",
    tags,
    summary: "Delete a template; mail it read stays read",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...problems(401, 403, 404) },
  }),
};

export const templateRoutes = createRouter()
  .openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    return idempotent(c, async () => ({ status: 201 as const, body: await createTemplate(c.env, body) }));
  })
  .openapi(routes.list, async (c) => c.json(await listTemplates(c.env, c.req.valid("query")), 200))
  .openapi(routes.get, async (c) => c.json(await getTemplate(c.env, c.req.valid("param").id), 200))
  .openapi(routes.update, async (c) =>
    c.json(await updateTemplate(c.env, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(routes.remove, async (c) => {
    await deleteTemplate(c.env, c.req.valid("param").id);
    return c.body(null, 204);
  });
