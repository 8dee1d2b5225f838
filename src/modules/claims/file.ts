// Filing a claim and sending it for review: lines checked against the delivered order (never more than was
// delivered less what other claims took), then the automatic review's verdict, written with its reasons.
import { and, eq, gte, inArray, ne, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { type CLAIM_REASONS, claimLines, claims } from "../../db/schema/claims";
import type { Env } from "../../env";
import { assertion, clearAssertions, failedAssertion, runBatch } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { lineTax } from "../../lib/money";
import { conflict, forbidden, unprocessable } from "../../lib/problem";
import { audienceOf, type Principal } from "../auth/principal";
import { visibleOrder } from "../orders/store";
import { approveClaim } from "./decide";
import { photoInspector, reviewClaim } from "./review";
import { getPolicy } from "./settings";
import {
  claimEvent,
  claimMove,
  claimSource,
  claimUnchanged,
  loadClaim,
  publishClaim,
  visibleClaim,
} from "./store";
import { type ClaimView, toClaimView } from "./view";

export interface ClaimInput {
  order_id: string;
  lines: {
    order_line_id: string;
    quantity: number;
    reason: (typeof CLAIM_REASONS)[number];
    description?: string | undefined;
  }[];
}

/** POST /claims: an open claim on a delivered sale, by its customer's users or by staff for them. */
export async function fileClaim(env: Env, principal: Principal, input: ClaimInput): Promise<ClaimView> {
  if (audienceOf(principal) === "vendor") throw forbidden("Claims are between the customer and the shop.");
  // Another customer's order answers 404, as if it did not exist.
  const { order, lines } = await visibleOrder(env, principal, input.order_id);
  if (order.kind !== "sale" || order.customerId === null) {
    throw unprocessable("Claims are filed on sales to a customer.");
  }
  if (order.status !== "delivered") {
    throw conflict(`Order ${order.number} is ${order.status}; claims are filed once it is delivered.`);
  }
  const db = getDb(env.DB);
  const wanted = input.lines.map((l) => l.order_line_id);
  if (new Set(wanted).size !== wanted.length) throw unprocessable("Each order line appears once in a claim.");
  // What other claims (not rejected) already took of each line.
  const taken = await db
    .select({ line: claimLines.orderLineId, quantity: sql<number>`sum(${claimLines.quantity})` })
    .from(claimLines)
    .innerJoin(claims, eq(claims.id, claimLines.claimId))
    .where(
      and(
        eq(claims.orderId, order.id),
        ne(claims.status, "rejected"),
        inArray(claimLines.orderLineId, wanted),
      ),
    )
    .groupBy(claimLines.orderLineId);
  const takenOf = new Map(taken.map((t) => [t.line, Number(t.quantity)]));
  const id = newId();
  const rows = input.lines.map((want, i) => {
    const line = lines.find((l) => l.id === want.order_line_id);
    if (!line) throw unprocessable(`lines[${i}]: order ${order.number} has no line ${want.order_line_id}.`);
    const left = line.quantity - (takenOf.get(line.id) ?? 0);
    if (want.quantity > left) {
      throw unprocessable(
        `lines[${i}]: line ${line.lineNo} (${line.sku}) has ${left} left to claim of ${line.quantity} delivered; ${want.quantity} asked.`,
      );
    }
    const net = line.unitPriceMinor * want.quantity;
    return {
      id: newId(),
      claimId: id,
      orderLineId: line.id,
      quantity: want.quantity,
      reason: want.reason,
      description: want.description ?? null,
      valueMinor: net + lineTax(net, line.taxRateBp),
    };
  });
  const at = new Date().toISOString();
  await runBatch(db, [
    db.insert(claims).values({
      id,
      orderId: order.id,
      customerId: order.customerId,
      status: "open",
      currency: order.currency,
      claimedMinor: rows.reduce((s, r) => s + r.valueMinor, 0),
      filedBy: principal.id,
      createdAt: at,
      updatedAt: at,
    }),
    db.insert(claimLines).values(rows),
    // Claims filed at the same moment on the same lines: together they never claim more than was delivered.
    assertion(
      db,
      "claimable",
      sql`NOT EXISTS (SELECT 1 FROM claim_lines cl JOIN claims c ON c.id = cl.claim_id
                       JOIN order_lines ol ON ol.id = cl.order_line_id
                      WHERE c.order_id = ${order.id} AND c.status <> 'rejected'
                      GROUP BY cl.order_line_id HAVING sum(cl.quantity) > max(ol.quantity))`,
    ),
    claimEvent(db, {
      claimId: id,
      type: "filed",
      to: "open",
      actorId: principal.id,
      details: { lines: rows.length },
      at,
    }),
    clearAssertions(db),
  ]).catch((error: unknown) => {
    if (failedAssertion(error))
      throw conflict("Another claim took these items meanwhile; read the order's claims again.");
    throw error;
  });
  const loaded = await loadClaim(env, id);
  publishClaim(
    env,
    { id, orderId: order.id, customerId: order.customerId },
    [{ from: null, to: "open", source: claimSource(principal) }],
    at,
  );
  return toClaimView(loaded as NonNullable<typeof loaded>);
}

/**
 * POST /claims/{id}/submit: the claim goes to the automatic review (open -> ai_processing), which writes its
 * verdict and reasons and moves it on in the same batch: to manual_review, or — when staff enabled automatic
 * approval and every rule passes — approved with a refund of every line.
 */
export async function submitClaim(env: Env, principal: Principal, id: string): Promise<ClaimView> {
  const loaded = await visibleClaim(env, principal, id);
  const { claim } = loaded;
  if (claim.status !== "open")
    throw conflict(`The claim is ${claim.status}; only an open claim is submitted.`);
  const db = getDb(env.DB);
  const policy = await getPolicy(env);
  const at = new Date().toISOString();
  const since = new Date(Date.parse(at) - policy.history_days * 86_400_000).toISOString();
  const [order, earlier] = await Promise.all([
    visibleOrder(env, principal, claim.orderId),
    db
      .select({ n: sql<number>`count(*)` })
      .from(claims)
      .where(
        and(eq(claims.customerId, claim.customerId), ne(claims.id, claim.id), gte(claims.submittedAt, since)),
      ),
  ]);
  // The seam for a vision model: none is configured, so the review says the photos were not inspected.
  const inspector = photoInspector();
  const findings = inspector
    ? {
        inspector: inspector.name,
        findings: await inspector.inspect(
          loaded.photos.map((p) => ({ key: p.key, contentType: p.contentType })),
        ),
      }
    : null;
  const review = reviewClaim(
    {
      currency: claim.currency,
      claimed_minor: claim.claimedMinor,
      reasons: loaded.lines.map((l) => l.reason),
      photos: loaded.photos.length,
      delivered_at: order.order.deliveredAt,
      submitted_at: at,
      earlier_claims: Number(earlier[0]?.n ?? 0),
    },
    policy,
    findings,
  );
  // Sent to a person unless the review approves; then the approval is made next, as a person's would be.
  const to = review.verdict === "approve" ? ("ai_processing" as const) : ("manual_review" as const);
  try {
    await runBatch(db, [
      claimUnchanged(db, claim),
      claimMove(db, claim.id, "ai_processing", at, { submittedAt: at }),
      claimEvent(db, {
        claimId: claim.id,
        type: "status",
        from: "open",
        to: "ai_processing",
        actorId: principal.id,
        at,
      }),
      claimMove(db, claim.id, to, at, { review }),
      claimEvent(db, {
        claimId: claim.id,
        type: "reviewed",
        from: "ai_processing",
        to: to === "manual_review" ? to : null,
        actorId: null,
        details: { verdict: review.verdict, reasons: review.reasons },
        at,
      }),
      clearAssertions(db),
    ]);
  } catch (error) {
    if (failedAssertion(error)) throw conflict("The claim changed meanwhile; read it again.");
    throw error;
  }
  const source = claimSource(principal);
  const reviewed = to === "manual_review" ? [{ from: "ai_processing" as const, to, source: "review" }] : [];
  publishClaim(env, claim, [{ from: "open", to: "ai_processing", source }, ...reviewed], at);
  if (review.verdict === "approve") {
    // Approved by the review itself, refunding every line. Should that fail, a person decides, told why.
    try {
      return await approveClaim(env, null, claim.id, {
        outcome: "refund",
        note: "Approved by the automatic review.",
      });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      await toManualReview(env, claim.id, `Automatic approval failed: ${why}`);
    }
  }
  return toClaimView((await loadClaim(env, claim.id)) as NonNullable<Awaited<ReturnType<typeof loadClaim>>>);
}

/** A claim the review approved whose approval failed goes to a person (from ai_processing only). */
async function toManualReview(env: Env, id: string, reason: string): Promise<void> {
  const db = getDb(env.DB);
  const at = new Date().toISOString();
  try {
    await runBatch(db, [
      assertion(
        db,
        "claim-reviewing",
        sql`EXISTS (SELECT 1 FROM claims WHERE id = ${id} AND status = 'ai_processing')`,
      ),
      claimMove(db, id, "manual_review", at),
      claimEvent(db, {
        claimId: id,
        type: "status",
        from: "ai_processing",
        to: "manual_review",
        actorId: null,
        details: { reason },
        at,
      }),
      clearAssertions(db),
    ]);
  } catch (error) {
    if (failedAssertion(error)) return; // decided meanwhile
    throw error;
  }
  const claim = await loadClaim(env, id);
  if (claim)
    publishClaim(env, claim.claim, [{ from: "ai_processing", to: "manual_review", source: "review" }], at);
}
