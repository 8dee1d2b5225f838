// The claims module's REST door: filing, photos, review, decisions, the review queue, the claim's room and
// chat, and the review's policy.
import { createRoute, z } from "@hono/zod-openapi";
import { IdempotencyHeader, idempotent } from "../../lib/idempotency";
import { createRouter, IdParam, json, jsonBody, optionalJsonBody, problems } from "../../lib/openapi";
import { pageOf } from "../../lib/pagination";
import { joinRoom, memberOf, postToRoom, upgradeResponses } from "../../rooms/join";
import { claimRoom } from "../../rooms/stubs";
import { principalOf, requirePermission, requireShop } from "../auth/middleware";
import { MessageBody, MessageList, MessageSchema } from "../orders/schemas";
import { approveClaim, rejectClaim, resolveClaim } from "./decide";
import { fileClaim, submitClaim } from "./file";
import { addPhoto, claimAfterPhoto, MAX_PHOTO_BYTES, MAX_PHOTOS, photoBytes } from "./photos";
import { claimTimeline, listClaims } from "./queries";
import {
  ApproveBody,
  ClaimBody,
  ClaimEventSchema,
  ClaimQuery,
  ClaimSchema,
  PhotoParam,
  PhotoQuery,
  PolicySchema,
  RejectBody,
  ResolveBody,
} from "./schemas";
import { getPolicy, setPolicy } from "./settings";
import { visibleClaim } from "./store";
import { toClaimView } from "./view";

const read = requirePermission("claims", "read");
const write = requirePermission("claims", "write");
const claimAnswer = (description: string) => json(ClaimSchema, description);
const decision = (
  path: string,
  summary: string,
  description: string,
  body: typeof ApproveBody | typeof RejectBody | typeof ResolveBody,
) =>
  createRoute({
    method: "post",
    path,
    tags: ["claims"],
    summary,
    description,
    middleware: [write, requireShop("Claims are decided and closed by the shop's staff.")] as const,
    request: {
      params: IdParam,
      body: body === ApproveBody || body === ResolveBody ? optionalJsonBody(body) : jsonBody(body),
    },
    responses: { 200: claimAnswer("The claim"), ...problems(400, 401, 403, 404, 409, 422) },
  });

const routes = {
  list: createRoute({
    method: "get",
    path: "/claims",
    tags: ["claims"],
    summary: "Claims (customers: their own); ?status=manual_review is the review queue, oldest first",
    middleware: [read] as const,
    request: { query: ClaimQuery },
    responses: { 200: json(pageOf(ClaimSchema), "A page"), ...problems(400, 401, 403) },
  }),
  file: createRoute({
    method: "post",
    path: "/claims",
    tags: ["claims"],
    summary: "File a claim on a delivered sale (its customer's users, or staff for them); it starts open",
    description:
      "Lines name the order's lines with the quantity and reason (missing, damaged, wrong_item, quality, late, other). At most what was delivered less what other claims (not rejected) took. Another customer's order answers 404. Add photos, then POST …/submit for the review.",
    middleware: [write] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(ClaimBody) },
    responses: { 201: claimAnswer("Filed (open)"), ...problems(400, 401, 403, 404, 409, 422) },
  }),
  get: createRoute({
    method: "get",
    path: "/claims/{id}",
    tags: ["claims"],
    summary: "One claim with its lines, photos, review and decision",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: claimAnswer("The claim"), ...problems(401, 403, 404) },
  }),
  events: createRoute({
    method: "get",
    path: "/claims/{id}/events",
    tags: ["claims"],
    summary: "The claim's timeline, oldest first",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: {
      200: json(z.object({ items: z.array(ClaimEventSchema) }), "Events"),
      ...problems(401, 403, 404),
    },
  }),
  photo: createRoute({
    method: "post",
    path: "/claims/{id}/photos",
    tags: ["claims"],
    summary: `Add a photo (the image's bytes as the body): JPEG, PNG, WebP or HEIC, up to ${MAX_PHOTO_BYTES / 1024 / 1024} MiB, ${MAX_PHOTOS} per claim`,
    description:
      "The type is read from the bytes, never from the name or Content-Type: anything else (a .jpg holding HTML, say) is a 422. EXIF, XMP and IPTC metadata (where the photo was taken) is removed before the photo is kept; what is kept is what is served. The same photo twice is kept once (200).",
    middleware: [write] as const,
    request: {
      params: IdParam,
      query: PhotoQuery,
      body: {
        required: true,
        content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
      },
    },
    responses: {
      200: claimAnswer("Already there"),
      201: claimAnswer("Added"),
      ...problems(401, 403, 404, 409, 413, 422),
    },
  }),
  photoFile: createRoute({
    method: "get",
    path: "/claims/{id}/photos/{photo_id}",
    tags: ["claims"],
    summary: "A photo's bytes (without location metadata), for the claim's customer and staff",
    middleware: [read] as const,
    request: { params: PhotoParam },
    responses: {
      200: {
        description: "The image",
        content: { "image/*": { schema: { type: "string", format: "binary" } } },
      },
      ...problems(401, 403, 404),
    },
  }),
  submit: createRoute({
    method: "post",
    path: "/claims/{id}/submit",
    tags: ["claims"],
    summary:
      "Send an open claim to the automatic review (open -> ai_processing -> manual_review, or approved)",
    description:
      "The review is deterministic and writes its verdict with a reason per rule (see ClaimReview). It approves on its own only when staff switched automatic approval on and every rule passes (refunding every line); otherwise the claim waits in the manual-review queue.",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 200: claimAnswer("Reviewed"), ...problems(401, 403, 404, 409) },
  }),
  approve: decision(
    "/claims/{id}/approve",
    "Approve a claim in manual review (staff): refund, replacement, or both line by line",
    "Refunded items get a credit note (CN-…) against the order's invoice and a ledger credit; replaced items a new zero-priced sale order (source `claim`) placed like any order, stock reserved. Money moves once: a concurrent approval gets 409. Asking again once approved answers the claim as it is.",
    ApproveBody,
  ),
  reject: decision(
    "/claims/{id}/reject",
    "Reject a claim in manual review (staff), saying why",
    "The note is shown to the customer.",
    RejectBody,
  ),
  resolve: decision(
    "/claims/{id}/resolve",
    "Close a decided claim (staff)",
    "From approved or rejected.",
    ResolveBody,
  ),
  messages: createRoute({
    method: "get",
    path: "/claims/{id}/messages",
    tags: ["claims"],
    summary: "The claim room's chat history",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(MessageList, "Messages, oldest first"), ...problems(401, 403, 404) },
  }),
  postMessage: createRoute({
    method: "post",
    path: "/claims/{id}/messages",
    tags: ["claims"],
    summary: "Post to the claim room (everyone connected sees it live)",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(MessageBody) },
    responses: { 201: json(MessageSchema, "Posted"), ...problems(400, 401, 403, 404, 429) },
  }),
  room: createRoute({
    method: "get",
    path: "/claims/{id}/room",
    tags: ["rooms"],
    summary:
      "Join a claim's live room: chat, presence, status (WebSocket; token as Bearer or ?access_token=)",
    description: "Staff, and the users of the claim's customer; anyone else gets 404 as for a missing claim.",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: upgradeResponses,
  }),
  policy: createRoute({
    method: "get",
    path: "/claims/policy",
    tags: ["claims"],
    summary: "The automatic review's policy",
    middleware: [requirePermission("billing", "read"), requireShop()] as const,
    responses: { 200: json(PolicySchema, "The policy"), ...problems(401, 403) },
  }),
  setPolicy: createRoute({
    method: "put",
    path: "/claims/policy",
    tags: ["claims"],
    summary: "Set the automatic review's policy (billing:write: managers)",
    middleware: [requirePermission("billing", "write"), requireShop()] as const,
    request: { body: jsonBody(PolicySchema) },
    responses: { 200: json(PolicySchema, "The policy"), ...problems(400, 401, 403) },
  }),
};

export const claimRoutes = createRouter()
  .openapi(routes.list, async (c) =>
    c.json(await listClaims(c.env, principalOf(c), c.req.valid("query")), 200),
  )
  .openapi(routes.policy, async (c) => {
    return c.json(await getPolicy(c.env), 200);
  })
  .openapi(routes.setPolicy, async (c) => {
    return c.json(await setPolicy(c.env, principalOf(c).id, c.req.valid("json")), 200);
  })
  .openapi(routes.file, async (c) => {
    const body = c.req.valid("json");
    return idempotent(c, async () => ({
      status: 201 as const,
      body: await fileClaim(c.env, principalOf(c), body),
    }));
  })
  .openapi(routes.get, async (c) =>
    c.json(toClaimView(await visibleClaim(c.env, principalOf(c), c.req.valid("param").id)), 200),
  )
  .openapi(routes.events, async (c) =>
    c.json({ items: await claimTimeline(c.env, principalOf(c), c.req.valid("param").id) }, 200),
  )
  .openapi(routes.photo, async (c) => {
    const { id } = c.req.valid("param");
    const added = await addPhoto(
      c.env,
      principalOf(c),
      id,
      await c.req.arrayBuffer(),
      c.req.valid("query").filename ?? null,
    );
    const view = await claimAfterPhoto(c.env, id);
    return added.created ? c.json(view, 201) : c.json(view, 200);
  })
  .openapi(routes.photoFile, async (c) => {
    const { id, photo_id } = c.req.valid("param");
    const { photo, body } = await photoBytes(c.env, principalOf(c), id, photo_id);
    return new Response(body, {
      headers: {
        "content-type": photo.contentType,
        "content-disposition": `inline; filename="${photo.id}"`,
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
      },
    }) as never;
  })
  .openapi(routes.submit, async (c) =>
    c.json(await submitClaim(c.env, principalOf(c), c.req.valid("param").id), 200),
  )
  .openapi(routes.approve, async (c) => {
    return c.json(
      await approveClaim(c.env, principalOf(c), c.req.valid("param").id, c.req.valid("json") ?? {}),
      200,
    );
  })
  .openapi(routes.reject, async (c) => {
    const { note } = c.req.valid("json") as { note: string };
    return c.json(await rejectClaim(c.env, principalOf(c), c.req.valid("param").id, note), 200);
  })
  .openapi(routes.resolve, async (c) => {
    const { note } = (c.req.valid("json") ?? {}) as { note?: string };
    return c.json(await resolveClaim(c.env, principalOf(c), c.req.valid("param").id, note), 200);
  })
  .openapi(routes.messages, async (c) => {
    const { id } = c.req.valid("param");
    await visibleClaim(c.env, principalOf(c), id);
    return c.json({ items: await claimRoom(c.env, id).history() }, 200);
  })
  .openapi(routes.postMessage, async (c) => {
    const { id } = c.req.valid("param");
    const member = memberOf(c);
    await visibleClaim(c.env, principalOf(c), id);
    return c.json(await postToRoom(claimRoom(c.env, id), member, c.req.valid("json").body), 201);
  })
  .openapi(routes.room, async (c) => {
    const member = memberOf(c);
    const { id } = c.req.valid("param");
    await visibleClaim(c.env, principalOf(c), id);
    return joinRoom(c, claimRoom(c.env, id), member);
  });
