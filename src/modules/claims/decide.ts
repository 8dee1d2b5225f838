// Deciding a claim: approval with its outcome (a credit note for what is refunded, a zero-priced replacement
// order for what is replaced, or both, line by line), rejection with a reason, and closing it as resolved.
// Approval moves money exactly once: the claim's status and version guard the batch that issues the credit
// note, and a claim has at most one credit note (unique in D1).
import { eq } from "drizzle-orm";
import { getDb } from "../../db";
import { claimLines, claims } from "../../db/schema/claims";
import type { Env } from "../../env";
import { clearAssertions, failedAssertion, runBatch, type Statement } from "../../lib/batch";
import { isUniqueViolation } from "../../lib/db-errors";
import { conflict, unprocessable } from "../../lib/problem";
import type { Principal } from "../auth/principal";
import { ensureInvoice, planCreditNote } from "../billing/payments";
import { DuplicateOrder, placeOrder } from "../orders/place";
import { loadOrder, orderEvent } from "../orders/store";
import {
  type ClaimStatus,
  claimEvent,
  claimMove,
  claimSource,
  claimUnchanged,
  type LoadedClaim,
  loadClaim,
  publishClaim,
  visibleClaim,
} from "./store";
import { type ClaimView, toClaimView } from "./view";

export interface ApproveInput {
  /** Every line refunded, or every line replaced; `lines` decides line by line instead. */
  outcome?: "refund" | "replacement" | undefined;
  lines?: { claim_line_id: string; refund_quantity: number; replace_quantity: number }[] | undefined;
  note?: string | undefined;
}

/** How many of each claimed line are refunded and replaced. */
function outcomeOf(loaded: LoadedClaim, input: ApproveInput) {
  if (input.lines) {
    return loaded.lines.map((l) => {
      const chosen = input.lines?.find((x) => x.claim_line_id === l.id);
      const refund = chosen?.refund_quantity ?? 0;
      const replace = chosen?.replace_quantity ?? 0;
      if (refund + replace > l.quantity) {
        throw unprocessable(
          `Line ${l.id}: ${refund} refunded and ${replace} replaced is more than the ${l.quantity} claimed.`,
        );
      }
      return { line: l, refund, replace };
    });
  }
  const replace = input.outcome === "replacement";
  return loaded.lines.map((l) => ({
    line: l,
    refund: replace ? 0 : l.quantity,
    replace: replace ? l.quantity : 0,
  }));
}

const loaded = async (env: Env, id: string) => toClaimView((await loadClaim(env, id)) as LoadedClaim);

/**
 * POST /claims/{id}/approve (staff), or the automatic review (`principal` null). From manual_review (or
 * ai_processing, for the review). Asking again once approved finishes a replacement that was not placed yet
 * and otherwise answers the claim as it is: the money has moved already and does not move again.
 */
export async function approveClaim(
  env: Env,
  principal: Principal | null,
  id: string,
  input: ApproveInput,
): Promise<ClaimView> {
  const claim = principal
    ? await visibleClaim(env, principal, id)
    : ((await loadClaim(env, id)) as LoadedClaim);
  const { claim: row } = claim;
  const actorId = principal?.id ?? null;
  if (row.status === "approved") {
    await placeReplacement(env, claim);
    return loaded(env, id);
  }
  const from: ClaimStatus = principal ? "manual_review" : "ai_processing";
  if (row.status !== from) {
    throw conflict(`The claim is ${row.status}; a claim is approved from ${from}.`);
  }
  const outcome = outcomeOf(claim, input);
  if (outcome.every((o) => o.refund + o.replace === 0))
    throw unprocessable("Approve at least one item, refunded or replaced.");
  const order = await loadOrder(env, row.orderId);
  if (!order) throw conflict("The claim's order is gone.");
  const at = new Date().toISOString();
  const db = getDb(env.DB);
  const refunds = outcome.filter((o) => o.refund > 0);
  let credit: { id: string; statements: Statement[]; total: number } | null = null;
  if (refunds.length > 0) {
    // A delivered order has its invoice; one delivered before invoicing existed gets it now.
    await ensureInvoice(env, order, actorId, principal ? claimSource(principal) : "review");
    credit = await planCreditNote(
      env,
      order,
      {
        lines: refunds.map((o) => ({ order_line_id: o.line.orderLineId, quantity: o.refund })),
        note: `Claim ${row.id}`,
        claimId: row.id,
      },
      actorId ?? "system",
      at,
    );
  }
  const source = principal ? claimSource(principal) : "review";
  try {
    await runBatch(db, [
      claimUnchanged(db, row),
      ...(credit?.statements ?? []),
      claimMove(db, row.id, "approved", at, {
        decidedAt: at,
        decidedBy: actorId,
        decisionNote: input.note ?? null,
        refundMinor: credit?.total ?? 0,
        creditNoteId: credit?.id ?? null,
      }),
      ...outcome.map((o) =>
        db
          .update(claimLines)
          .set({ refundQuantity: o.refund, replaceQuantity: o.replace })
          .where(eq(claimLines.id, o.line.id)),
      ),
      claimEvent(db, {
        claimId: row.id,
        type: "status",
        from,
        to: "approved",
        actorId,
        details: {
          credit_note_id: credit?.id ?? null,
          refunded: refunds.map((o) => ({ order_line_id: o.line.orderLineId, quantity: o.refund })),
          replaced: outcome
            .filter((o) => o.replace > 0)
            .map((o) => ({ order_line_id: o.line.orderLineId, quantity: o.replace })),
          ...(input.note && { note: input.note }),
        },
        at,
      }),
      orderEvent(db, {
        orderId: row.orderId,
        type: "claim_approved",
        source,
        actorId,
        details: { claim_id: row.id, credit_note_id: credit?.id ?? null },
        at,
      }),
      clearAssertions(db),
    ]);
  } catch (error) {
    // Another approval (or a change) got there first: it moved the money; this one moves nothing.
    if (failedAssertion(error) || isUniqueViolation(error)) {
      throw conflict("The claim was decided meanwhile; read it again.");
    }
    throw error;
  }
  publishClaim(env, row, [{ from, to: "approved", source }], at);
  await placeReplacement(env, (await loadClaim(env, id)) as LoadedClaim);
  return loaded(env, id);
}

/**
 * The replacement of an approved claim: a new sale order at zero prices for the replaced items, through the
 * same placement as any order (stock reserved, at risk when short). Placed once: its (source, reference) is
 * the claim, so a retry finds the order placed before.
 */
async function placeReplacement(env: Env, claim: LoadedClaim): Promise<void> {
  const { claim: row, lines } = claim;
  const replaced = lines.filter((l) => (l.replaceQuantity ?? 0) > 0);
  if (replaced.length === 0 || row.replacementOrderId) return;
  const original = await loadOrder(env, row.orderId);
  if (!original) return;
  const { order } = original;
  let placedId: string;
  try {
    const placed = await placeOrder(env, {
      kind: "sale",
      source: "claim",
      externalRef: row.id,
      customerId: row.customerId,
      merchant: null,
      buyer: { name: order.buyerName, email: order.buyerEmail, phone: order.buyerPhone },
      shippingAddress: order.shippingAddress,
      billingAddress: order.billingAddress,
      currency: order.currency,
      lines: replaced.map((l) => {
        const line = original.lines.find((x) => x.id === l.orderLineId);
        return {
          productId: line?.productId ?? null,
          sku: line?.sku ?? "?",
          name: `${line?.name ?? "Item"} (replacement)`,
          quantity: l.replaceQuantity ?? 0,
          unitPriceMinor: 0,
          taxRateBp: line?.taxRateBp ?? 0,
          wanted: [],
        };
      }),
      shippingMinor: 0,
      discountMinor: 0,
      paymentStatus: "paid",
      carrier: null,
      trackingNumber: null,
      trackingUrl: null,
      notes: `Replacement for claim ${row.id} on order ${order.number}`,
      staffNotes: null,
      placedAt: new Date().toISOString(),
      actorId: row.decidedBy,
      intakeHash: null,
    });
    placedId = placed.order.id;
  } catch (error) {
    if (!(error instanceof DuplicateOrder)) throw error;
    const existing = await loadOrder(env, { source: "claim", externalRef: row.id });
    if (!existing) throw error;
    placedId = existing.order.id;
  }
  await getDb(env.DB).update(claims).set({ replacementOrderId: placedId }).where(eq(claims.id, row.id));
}

/** POST /claims/{id}/reject: from manual_review, with the reason the customer will read. */
export async function rejectClaim(
  env: Env,
  principal: Principal,
  id: string,
  note: string,
): Promise<ClaimView> {
  return move(
    env,
    principal,
    id,
    ["manual_review"],
    "rejected",
    { decisionNote: note, decidedBy: principal.id },
    { note },
  );
}

/** POST /claims/{id}/resolve: a decided claim is closed (its refund or replacement done). */
export async function resolveClaim(
  env: Env,
  principal: Principal,
  id: string,
  note?: string,
): Promise<ClaimView> {
  return move(env, principal, id, ["approved", "rejected"], "resolved", {}, note ? { note } : {});
}

async function move(
  env: Env,
  principal: Principal,
  id: string,
  from: ClaimStatus[],
  to: ClaimStatus,
  set: Partial<typeof claims.$inferSelect>,
  details: Record<string, unknown>,
): Promise<ClaimView> {
  const { claim } = await visibleClaim(env, principal, id);
  if (!from.includes(claim.status)) {
    throw conflict(`The claim is ${claim.status}; it becomes ${to} from ${from.join(" or ")}.`);
  }
  const db = getDb(env.DB);
  const at = new Date().toISOString();
  const stamp = to === "resolved" ? { resolvedAt: at } : { decidedAt: at };
  try {
    await runBatch(db, [
      claimUnchanged(db, claim),
      claimMove(db, claim.id, to, at, { ...set, ...stamp }),
      claimEvent(db, {
        claimId: claim.id,
        type: "status",
        from: claim.status,
        to,
        actorId: principal.id,
        details,
        at,
      }),
      clearAssertions(db),
    ]);
  } catch (error) {
    if (failedAssertion(error)) throw conflict("The claim changed meanwhile; read it again.");
    throw error;
  }
  publishClaim(env, claim, [{ from: claim.status, to, source: claimSource(principal) }], at);
  return loaded(env, id);
}
