// What a claim is to the API: its row, lines and photos mapped to the view every audience sees.
import { money } from "../../lib/money";
import type { LoadedClaim } from "./store";

export function toClaimView({ claim: c, lines, photos }: LoadedClaim) {
  return {
    id: c.id,
    order_id: c.orderId,
    customer_id: c.customerId,
    status: c.status,
    claimed: money(c.claimedMinor, c.currency),
    lines: lines.map((l) => ({
      id: l.id,
      order_line_id: l.orderLineId,
      quantity: l.quantity,
      reason: l.reason,
      description: l.description,
      value: money(l.valueMinor, c.currency),
      refund_quantity: l.refundQuantity,
      replace_quantity: l.replaceQuantity,
    })),
    photos: photos.map((p) => ({
      id: p.id,
      content_type: p.contentType,
      bytes: p.bytes,
      filename: p.filename,
      url: `/api/v1/claims/${c.id}/photos/${p.id}`,
      created_at: p.createdAt,
    })),
    review: c.review,
    refund: c.refundMinor === null ? null : money(c.refundMinor, c.currency),
    credit_note_id: c.creditNoteId,
    replacement_order_id: c.replacementOrderId,
    decision_note: c.decisionNote,
    decided_by: c.decidedBy,
    filed_by: c.filedBy,
    submitted_at: c.submittedAt,
    decided_at: c.decidedAt,
    resolved_at: c.resolvedAt,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}
export type ClaimView = ReturnType<typeof toClaimView>;
