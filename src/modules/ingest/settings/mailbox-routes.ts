// The REST door of mailboxes: the addresses the email door receives at and who may send to them.
import { createRoute, z } from "@hono/zod-openapi";
import { IdempotencyHeader, idempotent } from "../../../lib/idempotency";
import { createRouter, IdParam, json, jsonBody, problems } from "../../../lib/openapi";
import { requirePermission } from "../../auth/middleware";
import { createMailbox, deleteMailbox, getMailbox, listMailboxes, updateMailbox } from "./mailboxes";
import { MailboxPatchBody, MailboxSchema, NewMailboxBody } from "./schemas";

const read = requirePermission("intake", "read");
const write = requirePermission("intake", "write");
const tags = ["mailboxes"];

const routes = {
  create: createRoute({
    method: "post",
    path: "/mailboxes",
    tags,
    summary: "Set up an address the email door receives order mail at",
    description:
      "Mail to the address from one of `allowed_senders` is read into orders of `order_kind` with `source`; mail from anyone else is kept in the ingest log but creates nothing.",
    middleware: [write] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(NewMailboxBody) },
    responses: { 201: json(MailboxSchema, "Set up"), ...problems(400, 401, 403, 409, 422) },
  }),
  list: createRoute({
    method: "get",
    path: "/mailboxes",
    tags,
    summary: "Every mailbox, newest first",
    middleware: [read] as const,
    responses: { 200: json(z.object({ items: z.array(MailboxSchema) }), "Mailboxes"), ...problems(401, 403) },
  }),
  get: createRoute({
    method: "get",
    path: "/mailboxes/{id}",
    tags,
    summary: "One mailbox",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(MailboxSchema, "The mailbox"), ...problems(401, 403, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/mailboxes/{id}",
    tags,
    summary: "Change a mailbox: its address, senders, order kind, source, currency, or switch it off",
    description: "`allowed_senders` is replaced whole.",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(MailboxPatchBody) },
    responses: { 200: json(MailboxSchema, "Changed"), ...problems(400, 401, 403, 404, 409) },
  }),
  remove: createRoute({
    method: "delete",
    path: "/mailboxes/{id}",
    tags,
    summary: "Delete a mailbox; its mail stays in the ingest log",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...problems(401, 403, 404) },
  }),
};

export const mailboxRoutes = createRouter()
  .openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    return idempotent(c, async () => ({ status: 201 as const, body: await createMailbox(c.env, body) }));
  })
  .openapi(routes.list, async (c) => c.json({ items: await listMailboxes(c.env) }, 200))
  .openapi(routes.get, async (c) => c.json(await getMailbox(c.env, c.req.valid("param").id), 200))
  .openapi(routes.update, async (c) =>
    c.json(await updateMailbox(c.env, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(routes.remove, async (c) => {
    await deleteMailbox(c.env, c.req.valid("param").id);
    return c.body(null, 204);
  });
