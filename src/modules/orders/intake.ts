// The one intake path: every door (API, webhooks, email, scrapes, store pulls, imports) normalizes what it
// received into an OrderIntake and calls upsertIntake, which creates, updates or leaves the order alone —
// in one read and one batch. The content hash of what was applied is written in that same batch, so a
// report that did not apply is never taken for one that did.
import { eq, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { orderLines, orders } from "../../db/schema/orders";
import type { Env } from "../../env";
import { failedAssertion, type Statement } from "../../lib/batch";
import { totalsOf } from "../../lib/money";
import { conflict, notFound, Problem } from "../../lib/problem";
import { utc } from "../../lib/time";
import type { PlannedMovement } from "../inventory/legs";
import type { StockOptions } from "../inventory/levels";
import { intakeHash, readForIntake } from "./intake-read";
import { type OrderStatus, PROGRESS, pathTo } from "./lifecycle";
import { type DraftLine, offerSubstitutes, orderMovementContext, planLines, writeLines } from "./lines";
import { DuplicateOrder, placeOrder } from "./place";
import type { OrderIntake } from "./schemas";
import { commitOrder, type LoadedOrder, orderEvent } from "./store";
import { planMove, publishOrderChanges } from "./transition";
import { type LineRow, type OrderRow, type OrderView, toOrderView } from "./view";

export interface IntakeResult {
  outcome: "created" | "updated" | "unchanged";
  order: OrderView;
  changes: string[];
}

interface Plan {
  statements: Statement[];
  next: LoadedOrder;
  movements: PlannedMovement[];
  events: Record<string, unknown>[];
}

/**
 * Moves an order towards the status a sender reports. Updates can arrive out of order: a status the order
 * is already past (a shipping notice after the delivery notice) is recorded as ignored; a status further on
 * than the next step (a delivery notice before the shipping notice) walks every step in between, each with
 * its own event and stock effects, marked `inferred`; a move the order cannot make yet (lines still short)
 * is recorded as blocked — kept, not lost, and the sender is told it was received.
 */
function planWalk(
  db: Db,
  plan: Plan,
  target: OrderStatus,
  source: string,
  actorId: string | null,
  at: string,
  changes: string[],
) {
  const from = plan.next.order.status;
  if (from === target) return;
  const skipped = (type: "status_ignored" | "status_blocked", status: OrderStatus, reason: string) =>
    plan.statements.push(
      orderEvent(db, {
        orderId: plan.next.order.id,
        type,
        from: status,
        to: target,
        source,
        actorId,
        details: { reason },
        at,
      }),
    );
  const stale =
    from === "cancelled" ||
    from === "delivered" ||
    (target !== "cancelled" && PROGRESS[target] < PROGRESS[from]);
  const path = stale ? null : pathTo(from, target);
  if (!path) {
    skipped("status_ignored", from, stale ? "already past that status" : "no allowed path");
    changes.push(`status ${target} ignored (order is ${from})`);
    return;
  }
  for (const step of path) {
    const current = plan.next.order.status;
    try {
      const details = step === target ? {} : { inferred: true, reported: target };
      const move = planMove(db, plan.next, { to: step, source, actorId, details }, at);
      plan.statements.push(...move.statements);
      plan.movements.push(...move.movements);
      plan.events.push(move.event);
      plan.next = move.next;
    } catch (error) {
      if (!(error instanceof Problem) || error.status !== 409) throw error;
      const reason = error.detail ?? error.title;
      skipped("status_blocked", current, reason);
      changes.push(`status ${target} blocked at ${current}: ${reason}`);
      return;
    }
    changes.push(`status ${current} -> ${step}${step === target ? "" : " (inferred)"}`);
  }
}

/** The new lines of an order that holds no stock, planned and reserved as placing plans them. */
async function replaceLines(
  env: Env,
  db: Db,
  plan: Plan,
  draftLines: DraftLine[],
  options: Map<string, StockOptions>,
  actorId: string | null,
  at: string,
): Promise<boolean> {
  const { order } = plan.next;
  const lines = planLines(order.id, order.kind, draftLines, options);
  const short = lines.some((l) => l.fill === "short");
  // Past picking an order cannot go back to being at risk: a person decides.
  if (short && order.status === "picking") return false;
  await offerSubstitutes(env, lines);
  const written = writeLines(db, lines, orderMovementContext(order.id, actorId), at);
  plan.statements.push(db.delete(orderLines).where(eq(orderLines.orderId, order.id)), ...written.statements);
  plan.movements.push(...written.movements);
  plan.next = { order, lines: lines.map(({ wanted: _wanted, ...line }) => line) };
  return true;
}

/** The update of an existing order to what the intake reports, planned on the order as read. */
async function planUpdate(
  env: Env,
  db: Db,
  state: LoadedOrder,
  intake: OrderIntake,
  read: { draftLines: DraftLine[] | null; options: Map<string, StockOptions> },
  hash: string,
  actorId: string | null,
  at: string,
) {
  const { order, lines } = state;
  const changes: string[] = [];
  const set: Partial<OrderRow> = {};
  const tracking = {
    carrier: intake.tracking?.carrier ?? order.carrier,
    trackingNumber: intake.tracking?.number ?? order.trackingNumber,
    trackingUrl: intake.tracking?.url ?? order.trackingUrl,
  };
  if (
    tracking.carrier !== order.carrier ||
    tracking.trackingNumber !== order.trackingNumber ||
    tracking.trackingUrl !== order.trackingUrl
  ) {
    Object.assign(set, tracking);
    changes.push("tracking");
  }
  if (intake.payment_status && intake.payment_status !== order.paymentStatus) {
    set.paymentStatus = intake.payment_status;
    changes.push(`payment ${order.paymentStatus} -> ${intake.payment_status}`);
  }
  if (intake.notes !== undefined && intake.notes !== order.notes) {
    set.notes = intake.notes;
    changes.push("notes");
  }
  const buyer = buyerColumns(intake);
  for (const [column, change] of [
    ["buyerName", "buyer"],
    ["buyerEmail", "buyer"],
    ["buyerPhone", "buyer"],
    ["shippingAddress", "shipping address"],
    ["billingAddress", "billing address"],
  ] as const) {
    const value = buyer[column];
    if (value === undefined || JSON.stringify(value) === JSON.stringify(order[column])) continue;
    Object.assign(set, { [column]: value });
    if (!changes.includes(change)) changes.push(change);
  }
  const plan: Plan = { statements: [], next: state, movements: [], events: [] };
  const reported = read.draftLines;
  const sameLines =
    reported === null ||
    (reported.length === lines.length &&
      reported.every((l, i) => {
        const old = lines[i] as LineRow;
        return (
          old.sku === l.sku &&
          old.quantity === l.quantity &&
          old.unitPriceMinor === l.unitPriceMinor &&
          old.taxRateBp === l.taxRateBp
        );
      }));
  let review = false;
  if (!sameLines) {
    // Lines that hold stock, or that went out already, change only by a person's decision.
    const replaceable = lines.every((l) => l.reserved === 0) && PROGRESS[order.status] < PROGRESS.shipped;
    if (replaceable && (await replaceLines(env, db, plan, reported, read.options, actorId, at))) {
      const totals = totalsOf(reported, intake.shipping, intake.discount);
      Object.assign(set, {
        subtotalMinor: totals.subtotal,
        taxMinor: totals.tax,
        shippingMinor: intake.shipping,
        discountMinor: intake.discount,
        totalMinor: totals.total,
      });
      changes.push("lines");
    } else {
      review = true;
      changes.push("lines changed: needs review");
    }
  }
  const recorded = changes.filter((c) => c !== "lines changed: needs review");
  plan.statements.push(
    db
      .update(orders)
      .set({ ...set, intakeHash: hash, version: sql`${orders.version} + 1`, updatedAt: at })
      .where(eq(orders.id, order.id)),
  );
  plan.next = {
    ...plan.next,
    order: { ...plan.next.order, ...set, intakeHash: hash, version: order.version + 1, updatedAt: at },
  };
  if (review) {
    plan.statements.push(
      orderEvent(db, {
        orderId: order.id,
        type: "lines_need_review",
        source: intake.source,
        actorId,
        details: { received: intake.lines },
        at,
      }),
    );
  }
  if (recorded.length > 0) {
    plan.statements.push(
      orderEvent(db, {
        orderId: order.id,
        type: "updated",
        source: intake.source,
        actorId,
        details: { changes: recorded },
        at,
      }),
    );
    plan.events.push({ type: "updated", order_id: order.id, changes: recorded });
  }
  // New lines all held on an order that was waiting for stock: it goes on to picking.
  const next = plan.next;
  if (
    changes.includes("lines") &&
    next.order.kind === "sale" &&
    ["placed", "under_risk", "awaiting_customer"].includes(next.order.status) &&
    next.lines.every((l) => l.fill !== "short")
  ) {
    planWalk(db, plan, "picking", intake.source, actorId, at, changes);
  }
  if (intake.status) planWalk(db, plan, intake.status, intake.source, actorId, at, changes);
  return { plan, changes };
}

/** The buyer's columns an intake reports (undefined: not reported, left as they are). */
const buyerColumns = (intake: OrderIntake): Partial<OrderRow> => ({
  buyerName: intake.buyer?.name,
  buyerEmail: intake.buyer?.email?.toLowerCase(),
  buyerPhone: intake.buyer?.phone,
  shippingAddress: intake.shipping_address,
  billingAddress: intake.billing_address,
});

const UPDATE_ATTEMPTS = 3;

export async function upsertIntake(
  env: Env,
  actorId: string | null,
  intake: OrderIntake,
): Promise<IntakeResult> {
  const db = getDb(env.DB);
  const hash = await intakeHash(intake);
  let read = await readForIntake(db, intake);

  if (!read.existing) {
    if (!read.draftLines || !intake.currency) {
      throw notFound(
        `No order ${intake.external_ref} from ${intake.source} yet. An intake without lines only updates an order; send the order with its lines and currency to create it.`,
      );
    }
    const changes = ["created"];
    try {
      const created = await placeOrder(
        env,
        {
          kind: intake.kind,
          source: intake.source,
          externalRef: intake.external_ref,
          customerId: intake.customer_id ?? null,
          merchant: intake.merchant ?? null,
          buyer: {
            name: intake.buyer?.name ?? null,
            email: intake.buyer?.email ?? null,
            phone: intake.buyer?.phone ?? null,
          },
          shippingAddress: intake.shipping_address ?? null,
          billingAddress: intake.billing_address ?? null,
          currency: intake.currency,
          lines: read.draftLines,
          shippingMinor: intake.shipping,
          discountMinor: intake.discount,
          paymentStatus: intake.payment_status ?? "unpaid",
          carrier: intake.tracking?.carrier ?? null,
          trackingNumber: intake.tracking?.number ?? null,
          trackingUrl: intake.tracking?.url ?? null,
          notes: intake.notes ?? null,
          staffNotes: null,
          placedAt: intake.placed_at ? utc(intake.placed_at) : new Date().toISOString(),
          actorId,
          intakeHash: hash,
          hold: intake.status === "placed",
        },
        {
          options: read.options,
          after: (_db, placed, at) => {
            changes.splice(1); // planned again after a retry: only this plan's changes count
            const plan: Plan = { statements: [], next: placed, movements: [], events: [] };
            if (intake.status) planWalk(db, plan, intake.status, intake.source, actorId, at, changes);
            return plan;
          },
        },
      );
      return { outcome: "created", order: toOrderView(created.order, created.lines, "shop"), changes };
    } catch (error) {
      if (!(error instanceof DuplicateOrder)) throw error;
      read = await readForIntake(db, intake); // a racing delivery created it first
      if (!read.existing) throw error;
    }
  }

  for (let attempt = 1; ; attempt++) {
    const state = read.existing as LoadedOrder;
    if (state.order.intakeHash === hash) {
      return { outcome: "unchanged", order: toOrderView(state.order, state.lines, "shop"), changes: [] };
    }
    const at = new Date().toISOString();
    const { plan, changes } = await planUpdate(env, db, state, intake, read, hash, actorId, at);
    try {
      const committed = await commitOrder(db, state.order.id, state.order, plan.statements, plan.next);
      publishOrderChanges(env, committed, plan.movements, plan.events);
      const outcome = changes.length > 0 ? "updated" : "unchanged";
      return { outcome, order: toOrderView(committed.order, committed.lines, "shop"), changes };
    } catch (error) {
      if (!failedAssertion(error)) throw error;
      // Someone changed the order (or its stock) meanwhile: plan again on what is there now.
      if (attempt >= UPDATE_ATTEMPTS)
        throw conflict("The order kept changing while this update was applied; send it again.");
      read = await readForIntake(db, intake);
      if (!read.existing) throw error;
    }
  }
}
