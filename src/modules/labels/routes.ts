// Labels' REST door: jobs (made, listed, watched, downloaded, reprinted) and the documents printed straight
// from an order or a pick list.
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { IdempotencyHeader, idempotent } from "../../lib/idempotency";
import {
  createRouter,
  IdParam,
  json,
  jsonBody,
  optionalJsonBody,
  pdf,
  pdfResponse,
  problems,
} from "../../lib/openapi";
import { pageOf } from "../../lib/pagination";
import { signLink, verifyLink } from "../auth/links";
import { principalOf, requirePermission } from "../auth/middleware";
import { createJob, findJob, jobPdf, listJobs, readyJob, reprintJob, toJobView } from "./jobs";
import {
  DocumentQuery,
  LabelJobBody,
  LabelJobQuery,
  LabelJobSchema,
  ReprintBody,
  SignedLinkQuery,
  SignedLinkSchema,
} from "./schemas";

const read = requirePermission("labels", "read");
const write = requirePermission("labels", "write");
const LINK_SECONDS = 15 * 60;
const LINK_PURPOSE = "label-job-pdf";

const routes = {
  create: createRoute({
    method: "post",
    path: "/labels/jobs",
    tags: ["labels"],
    summary: "Make a label job: queued at once, rendered in chunks, one PDF at the end",
    description:
      "Reads the source now (a snapshot: later edits do not change this job) and checks every code; a value that cannot be drawn is a 400 naming it. 201 with the job (queued); poll GET /labels/jobs/{id} for `progress`, then download its `pdf_url`. A repeat with the same Idempotency-Key answers the first job and makes no other.",
    middleware: [write] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(LabelJobBody) },
    responses: { 201: json(LabelJobSchema, "The job, queued"), ...problems(400, 401, 403, 404, 503) },
  }),
  list: createRoute({
    method: "get",
    path: "/labels/jobs",
    tags: ["labels"],
    summary: "Label job history, newest first, with filters",
    middleware: [read] as const,
    request: { query: LabelJobQuery },
    responses: { 200: json(pageOf(LabelJobSchema), "A page of jobs"), ...problems(400, 401, 403) },
  }),
  get: createRoute({
    method: "get",
    path: "/labels/jobs/{id}",
    tags: ["labels"],
    summary: "One job and its progress",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(LabelJobSchema, "The job"), ...problems(401, 403, 404) },
  }),
  pdf: createRoute({
    method: "get",
    path: "/labels/jobs/{id}/pdf",
    tags: ["labels"],
    summary: "Download the job's PDF (409 until it is done)",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { ...pdfResponse, ...problems(401, 403, 404, 409) },
  }),
  link: createRoute({
    method: "post",
    path: "/labels/jobs/{id}/link",
    tags: ["labels"],
    summary: "A signed link to the job's PDF that works without a token for 15 minutes",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(SignedLinkSchema, "The link"), ...problems(401, 403, 404, 409) },
  }),
  file: createRoute({
    method: "get",
    path: "/labels/files/{id}",
    tags: ["labels"],
    summary: "Download a job's PDF by a signed link (no token)",
    security: [],
    request: { params: IdParam, query: SignedLinkQuery },
    responses: { ...pdfResponse, ...problems(400, 403, 404, 409, 410) },
  }),
  reprint: createRoute({
    method: "post",
    path: "/labels/jobs/{id}/reprint",
    tags: ["labels"],
    summary: "Print a past job's labels again: the same labels as then, optionally other copies or start",
    middleware: [write] as const,
    request: { params: IdParam, headers: IdempotencyHeader, body: optionalJsonBody(ReprintBody) },
    responses: {
      201: json(LabelJobSchema, "The new job, queued"),
      ...problems(400, 401, 403, 404, 409, 503),
    },
  }),
  orderDocuments: createRoute({
    method: "get",
    path: "/orders/{id}/documents",
    tags: ["labels"],
    summary: "An order's packing slip and its shipping labels (one per parcel, 4x6 in) in one PDF",
    middleware: [read] as const,
    request: { params: IdParam, query: DocumentQuery },
    responses: { ...pdfResponse, ...problems(400, 401, 403, 404) },
  }),
  pickList: createRoute({
    method: "get",
    path: "/pick-lists/{id}/document",
    tags: ["labels"],
    summary: "A pick list to print: lines in walking order, a code per line",
    middleware: [read] as const,
    request: { params: IdParam, query: DocumentQuery },
    responses: { ...pdfResponse, ...problems(401, 403, 404) },
  }),
};

async function download(c: Context<AppEnv>, id: string) {
  const { body } = await jobPdf(c.env, id);
  return pdf(body.body, `labels-${id}.pdf`);
}

export const labelRoutes = createRouter()
  .openapi(routes.create, (c) =>
    idempotent(c, async () => ({
      status: 201 as const,
      body: await createJob(c.env, principalOf(c).id, c.req.valid("json")),
    })),
  )
  .openapi(routes.list, async (c) => c.json(await listJobs(c.env, c.req.valid("query")), 200))
  .openapi(routes.get, async (c) => c.json(toJobView(await findJob(c.env, c.req.valid("param").id)), 200))
  .openapi(routes.pdf, (c) => download(c, c.req.valid("param").id) as never)
  .openapi(routes.link, async (c) => {
    const { id } = c.req.valid("param");
    await readyJob(c.env, id);
    return c.json(await signLink(c.env, LINK_PURPOSE, id, `/api/v1/labels/files/${id}`, LINK_SECONDS), 200);
  })
  .openapi(routes.file, async (c) => {
    const { id } = c.req.valid("param");
    const { expires, signature } = c.req.valid("query");
    await verifyLink(c.env, LINK_PURPOSE, id, expires, signature);
    return download(c, id) as never;
  })
  .openapi(routes.reprint, async (c) => {
    const body = (c.req.valid("json") ?? {}) as { copies?: number; start?: number };
    return idempotent(c, async () => ({
      status: 201 as const,
      body: await reprintJob(c.env, principalOf(c).id, c.req.valid("param").id, body),
    }));
  })
  .openapi(routes.orderDocuments, async (c) => {
    const { id } = c.req.valid("param");
    const { orderDocuments } = await import("./documents");
    const doc = await orderDocuments(c.env, principalOf(c), id, c.req.valid("query").paper);
    return pdf(doc.bytes, `order-${doc.number}.pdf`) as never;
  })
  .openapi(routes.pickList, async (c) => {
    const { id } = c.req.valid("param");
    const { pickListDocument } = await import("./documents");
    const doc = await pickListDocument(c.env, id, c.req.valid("query").paper);
    return pdf(doc.bytes, `pick-list-${id}.pdf`) as never;
  });
