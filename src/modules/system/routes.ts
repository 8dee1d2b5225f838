import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, json, problems } from "../../lib/openapi";
import { PageQuery, pageOf } from "../../lib/pagination";
import { notFound } from "../../lib/problem";
import { requirePermission } from "../auth/middleware";
import { getInboundMessage, listCronRuns, listInboundMessages } from "./service";

const InboundMessage = z
  .object({
    id: z.string(),
    received_at: z.string(),
    mail_from: z.string(),
    rcpt_to: z.string(),
    message_id: z.string().nullable(),
    subject: z.string().nullable(),
    sha256: z.string(),
    size: z.number().int(),
    status: z.enum(["stored", "parsed", "failed"]),
    error: z.string().nullable(),
  })
  .openapi("InboundMessage");

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

const IdParam = z.object({ id: z.string().min(1).max(64) });
const intakeRead = requirePermission("intake", "read");

const listMessages = createRoute({
  method: "get",
  path: "/inbound-messages",
  tags: ["intake"],
  summary: "Raw inbound emails, newest first",
  middleware: [intakeRead] as const,
  request: { query: PageQuery },
  responses: { 200: json(pageOf(InboundMessage), "A page of messages"), ...problems(400, 401, 403) },
});

const rawMessage = createRoute({
  method: "get",
  path: "/inbound-messages/{id}/raw",
  tags: ["intake"],
  summary: "The message exactly as received (message/rfc822)",
  middleware: [intakeRead] as const,
  request: { params: IdParam },
  responses: {
    200: { description: "The raw message", content: { "message/rfc822": { schema: z.string() } } },
    ...problems(401, 403, 404),
  },
});

const listRuns = createRoute({
  method: "get",
  path: "/cron-runs",
  tags: ["system"],
  summary: "Runs of the Cron Triggers, newest first",
  middleware: [intakeRead] as const,
  request: { query: PageQuery },
  responses: { 200: json(pageOf(CronRun), "A page of runs"), ...problems(400, 401, 403) },
});

export const systemRoutes = createRouter()
  .openapi(listMessages, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await listInboundMessages(c.env, limit, cursor);
    return c.json(
      {
        items: page.items.map((m) => ({
          id: m.id,
          received_at: m.receivedAt,
          mail_from: m.mailFrom,
          rcpt_to: m.rcptTo,
          message_id: m.messageId,
          subject: m.subject,
          sha256: m.sha256,
          size: m.size,
          status: m.status,
          error: m.error,
        })),
        next_cursor: page.next_cursor,
      },
      200,
    );
  })
  .openapi(rawMessage, async (c) => {
    const message = await getInboundMessage(c.env, c.req.valid("param").id);
    const object = message ? await c.env.FILES.get(message.r2Key) : null;
    if (!message || !object) throw notFound("No such inbound message.");
    return new Response(object.body, {
      headers: { "content-type": "message/rfc822", "content-length": String(object.size) },
    });
  })
  .openapi(listRuns, async (c) => {
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
