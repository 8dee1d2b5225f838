// The claims module's request and response schemas.
import { z } from "@hono/zod-openapi";
import { CLAIM_REASONS, CLAIM_STATUSES } from "../../db/schema/claims";
import { MoneySchema } from "../../lib/money";
import { Id } from "../../lib/openapi";
import { PageQuery } from "../../lib/pagination";

const Review = z
  .object({
    verdict: z.enum(["approve", "manual_review"]),
    reasons: z.array(z.object({ rule: z.string(), passed: z.boolean(), detail: z.string() })),
    photos: z.object({ inspector: z.string(), findings: z.array(z.string()) }).nullable(),
    at: z.string(),
  })
  .openapi("ClaimReview", {
    description:
      "The automatic review, rule by rule: window (filed within window_days of delivery), value (claimed value up to auto_approve_max_minor), history (fewer than history_max_claims other claims in history_days), photos (damaged, wrong_item and quality need at least one photo), auto_approve (staff switched automatic approval on). `approve` only when every rule passes; otherwise a person reviews it. Photos are counted, not judged: no vision model is configured (`photos` is null).",
  });

export const ClaimSchema = z
  .object({
    id: z.string(),
    order_id: z.string(),
    customer_id: z.string(),
    status: z.enum(CLAIM_STATUSES),
    claimed: MoneySchema,
    lines: z.array(
      z.object({
        id: z.string(),
        order_line_id: z.string(),
        quantity: z.number().int(),
        reason: z.enum(CLAIM_REASONS),
        description: z.string().nullable(),
        value: MoneySchema.openapi({ description: "At the order's price, tax included" }),
        refund_quantity: z.number().int().nullable(),
        replace_quantity: z.number().int().nullable(),
      }),
    ),
    photos: z.array(
      z.object({
        id: z.string(),
        content_type: z.string(),
        bytes: z.number().int(),
        filename: z.string().nullable(),
        url: z.string(),
        created_at: z.string(),
      }),
    ),
    review: Review.nullable(),
    refund: MoneySchema.nullable(),
    credit_note_id: z.string().nullable(),
    replacement_order_id: z.string().nullable(),
    decision_note: z.string().nullable(),
    decided_by: z.string().nullable(),
    filed_by: z.string(),
    submitted_at: z.string().nullable(),
    decided_at: z.string().nullable(),
    resolved_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Claim");

export const ClaimBody = z
  .strictObject({
    order_id: Id,
    lines: z
      .array(
        z.strictObject({
          order_line_id: Id,
          quantity: z.number().int().min(1),
          reason: z.enum(CLAIM_REASONS),
          description: z.string().trim().max(2000).optional(),
        }),
      )
      .min(1)
      .max(200),
  })
  .openapi("NewClaim");

export const ClaimQuery = PageQuery.extend({
  status: z.enum(CLAIM_STATUSES).optional().openapi({
    description: "manual_review: the review queue, oldest submission first; others newest first",
  }),
  order_id: Id.optional(),
});

export const ApproveBody = z
  .strictObject({
    outcome: z.enum(["refund", "replacement"]).optional().openapi({
      description: "Every line refunded (a credit note) or replaced (a zero-priced order); default refund",
    }),
    lines: z
      .array(
        z.strictObject({
          claim_line_id: Id,
          refund_quantity: z.number().int().min(0),
          replace_quantity: z.number().int().min(0),
        }),
      )
      .max(200)
      .optional()
      .openapi({ description: "Line by line instead: how many are refunded and how many replaced" }),
    note: z.string().trim().max(2000).optional(),
  })
  .openapi("ClaimApproval");

export const RejectBody = z
  .strictObject({
    note: z.string().trim().min(1).max(2000).openapi({ description: "Why, in words the customer reads" }),
  })
  .openapi("ClaimRejection");
export const ResolveBody = z
  .strictObject({ note: z.string().trim().max(2000).optional() })
  .openapi("ClaimResolution");

export const PolicySchema = z
  .strictObject({
    auto_approve: z.boolean(),
    auto_approve_max_minor: z.number().int().min(0),
    window_days: z.number().int().min(0).max(3650),
    history_days: z.number().int().min(1).max(3650),
    history_max_claims: z.number().int().min(0).max(1000),
  })
  .openapi("ClaimPolicy");

export const ClaimEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  actor_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  at: z.string(),
});

export const PhotoParam = z.object({ id: Id, photo_id: Id });
export const PhotoQuery = z.object({ filename: z.string().max(200).optional() });
