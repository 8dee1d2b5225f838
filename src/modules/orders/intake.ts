// The one intake path: every door (API, webhooks, email, scrapes, store pulls, imports) normalizes what it
// received into an OrderIntake and calls upsertIntake, which creates, updates or leaves the order alone.
import { z } from "@hono/zod-openapi";
import { ORDER_STATUSES } from "../../db/schema/orders";
import type { Env } from "../../env";
import { sha256Hex } from "../../lib/hash";
import { newId } from "../../lib/ids";
import { CurrencySchema, MinorAmount } from "../../lib/money";
import { badRequest, Problem } from "../../lib/problem";
import { customerExists } from "../customers/service";
import { canMove, type OrderStatus, PROGRESS, pathTo } from "./lifecycle";
import {
  DuplicateOrder,
  eventStatement,
  type LineRow,
  loadOrder,
  notifyRoom,
  type OrderRow,
  type OrderView,
  placeOrder,
  toOrderView,
  totalsOf,
  transition,
} from "./service";

const Status = z.enum(ORDER_STATUSES);

/** A sender's clock may be off by hours, not by years: a placing time outside this is a mistake. */
const EARLIEST_PLACED_AT = Date.parse("2000-01-01T00:00:00Z");
const plausiblePlacedAt = (value: string) => {
  const at = Date.parse(value);
  return at >= EARLIEST_PLACED_AT && at <= Date.now() + 86_400_000;
};

export const OrderIntakeSchema = z
  .strictObject({
    source: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .regex(/^[a-z0-9][a-z0-9:._-]*$/, "Lower-case letters, digits and : . _ -")
      .openapi({ example: "shopify" }),
    external_ref: z.string().trim().min(1).max(200).openapi({ example: "#1042" }),
    kind: z.enum(["sale", "purchase"]).default("sale"),
    customer_id: z.string().min(1).max(64).optional(),
    merchant: z
      .string()
      .trim()
      .max(200)
      .optional()
      .openapi({ description: "For purchases: who we bought from" }),
    currency: CurrencySchema,
    lines: z
      .array(
        z.strictObject({
          product_id: z.string().min(1).max(64).optional(),
          sku: z.string().trim().min(1).max(64),
          name: z.string().trim().min(1).max(200),
          quantity: z.number().int().min(1).max(1_000_000),
          unit_price: MinorAmount.min(0).openapi({ description: "Minor units" }),
          tax_rate_bp: z.number().int().min(0).max(10_000).default(0),
        }),
      )
      .min(1)
      .max(200),
    shipping: MinorAmount.min(0).default(0),
    discount: MinorAmount.min(0).default(0),
    status: Status.optional().openapi({ description: "Where the sender says the order is now" }),
    payment_status: z.enum(["unpaid", "partial", "paid", "refunded"]).optional(),
    tracking: z
      .strictObject({
        carrier: z.string().trim().max(50).optional(),
        number: z.string().trim().max(100).optional(),
        url: z.url().max(500).optional(),
      })
      .optional(),
    notes: z.string().max(2000).optional(),
    placed_at: z.iso
      .datetime({ offset: true })
      .refine(plausiblePlacedAt, "A time between 2000-01-01 and one day from now")
      .optional()
      .openapi({ description: "When the buyer placed it; defaults to when ROMS received it" }),
  })
  .openapi("OrderIntake");

export type OrderIntake = z.output<typeof OrderIntakeSchema>;

export interface IntakeResult {
  outcome: "created" | "updated" | "unchanged";
  order: OrderView;
  changes: string[];
}

/** Content hash of an intake: the same content, however its keys are ordered, hashes the same. */
async function intakeHash(intake: OrderIntake): Promise<string> {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === "object"
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  return sha256Hex(JSON.stringify(canonical(intake)));
}

async function linkProducts(env: Env, intake: OrderIntake) {
  const lines = [];
  for (const l of intake.lines) {
    const product = l.product_id
      ? await env.DB.prepare("SELECT id FROM products WHERE id = ? AND deleted_at IS NULL")
          .bind(l.product_id)
          .first<{ id: string }>()
      : await env.DB.prepare("SELECT id FROM products WHERE sku = ? AND deleted_at IS NULL")
          .bind(l.sku)
          .first<{ id: string }>();
    if (l.product_id && !product) {
      throw badRequest("No such product.", [
        { in: "body", path: `lines.${lines.length}.product_id`, message: "No such product" },
      ]);
    }
    lines.push({
      productId: product?.id ?? null,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPriceMinor: l.unit_price,
      taxRateBp: l.tax_rate_bp,
      wanted: [] as string[],
    });
  }
  return lines;
}

/**
 * Moves an order towards the status a sender reports. Updates can arrive out of order: a status the order
 * is already past (a shipping notice after the delivery notice) is recorded as ignored; a status further on
 * than the next step (a delivery notice before the shipping notice) walks every step in between, each with
 * its own event and stock effects, marked `inferred`.
 */
async function walk(
  env: Env,
  orderId: string,
  target: OrderStatus,
  source: string,
  actorId: string | null,
  changes: string[],
): Promise<void> {
  const from = ((await loadOrder(env, orderId)) as { order: OrderRow }).order.status;
  if (from === target) return;
  const stale =
    from === "cancelled" ||
    from === "delivered" ||
    (target !== "cancelled" && PROGRESS[target] < PROGRESS[from]);
  const path = stale ? null : pathTo(from, target);
  if (!path) {
    await recordSkipped(
      env,
      orderId,
      "status_ignored",
      from,
      target,
      source,
      actorId,
      stale ? "already past that status" : "no allowed path",
    );
    changes.push(`status ${target} ignored (order is ${from})`);
    return;
  }
  for (const step of path) {
    const { order, lines } = (await loadOrder(env, orderId)) as { order: OrderRow; lines: LineRow[] };
    if (!canMove(order.status, step)) break;
    try {
      await transition(env, order, lines, {
        to: step,
        source,
        actorId,
        details: step === target ? {} : { inferred: true, reported: target },
      });
    } catch (error) {
      // A move the order cannot make yet (lines still short, stock gone): the report is kept, not lost,
      // and the sender is told it was received; staff see why in the timeline.
      if (!(error instanceof Problem) || error.status !== 409) throw error;
      await recordSkipped(
        env,
        orderId,
        "status_blocked",
        order.status,
        target,
        source,
        actorId,
        error.detail ?? error.title,
      );
      changes.push(`status ${target} blocked at ${order.status}: ${error.detail ?? error.title}`);
      return;
    }
    changes.push(`status ${order.status} -> ${step}${step === target ? "" : " (inferred)"}`);
  }
}

function recordSkipped(
  env: Env,
  orderId: string,
  type: "status_ignored" | "status_blocked",
  from: OrderStatus,
  target: OrderStatus,
  source: string,
  actorId: string | null,
  reason: string,
) {
  return eventStatement(env, {
    orderId,
    type,
    from,
    to: target,
    source,
    actorId,
    details: { reason },
    at: new Date().toISOString(),
  }).run();
}

export async function upsertIntake(
  env: Env,
  actorId: string | null,
  intake: OrderIntake,
): Promise<IntakeResult> {
  if (intake.customer_id && !(await customerExists(env, intake.customer_id))) {
    throw badRequest("No such customer.", [{ in: "body", path: "customer_id", message: "No such customer" }]);
  }
  const hash = await intakeHash(intake);
  let existing = await loadOrder(env, { source: intake.source, externalRef: intake.external_ref });

  if (!existing) {
    try {
      const created = await placeOrder(env, {
        kind: intake.kind,
        source: intake.source,
        externalRef: intake.external_ref,
        customerId: intake.customer_id ?? null,
        merchant: intake.merchant ?? null,
        currency: intake.currency,
        lines: await linkProducts(env, intake),
        shippingMinor: intake.shipping,
        discountMinor: intake.discount,
        paymentStatus: intake.payment_status ?? "unpaid",
        carrier: intake.tracking?.carrier ?? null,
        trackingNumber: intake.tracking?.number ?? null,
        trackingUrl: intake.tracking?.url ?? null,
        notes: intake.notes ?? null,
        staffNotes: null,
        placedAt: intake.placed_at ? new Date(intake.placed_at).toISOString() : new Date().toISOString(),
        actorId,
        intakeHash: hash,
        cartId: null,
      });
      const changes = ["created"];
      if (intake.status && intake.status !== created.status)
        await walk(env, created.id, intake.status, intake.source, actorId, changes);
      return { outcome: "created", order: await view(env, created.id), changes };
    } catch (error) {
      if (!(error instanceof DuplicateOrder)) throw error;
      existing = await loadOrder(env, { source: intake.source, externalRef: intake.external_ref }); // a racing delivery created it first
      if (!existing) throw error;
    }
  }

  const { order, lines } = existing;
  if (order.intake_hash === hash)
    return { outcome: "unchanged", order: toOrderView(order, lines, "shop"), changes: [] };

  const changes: string[] = [];
  const now = new Date().toISOString();
  const set: Record<string, unknown> = {};
  const tracking = {
    carrier: intake.tracking?.carrier ?? order.carrier,
    tracking_number: intake.tracking?.number ?? order.tracking_number,
    tracking_url: intake.tracking?.url ?? order.tracking_url,
  };
  if (
    tracking.carrier !== order.carrier ||
    tracking.tracking_number !== order.tracking_number ||
    tracking.tracking_url !== order.tracking_url
  ) {
    Object.assign(set, tracking);
    changes.push("tracking");
  }
  if (intake.payment_status && intake.payment_status !== order.payment_status) {
    set.payment_status = intake.payment_status;
    changes.push(`payment ${order.payment_status} -> ${intake.payment_status}`);
  }
  if (intake.notes !== undefined && intake.notes !== order.notes) {
    set.notes = intake.notes;
    changes.push("notes");
  }
  const incoming = await linkProducts(env, intake);
  const sameLines =
    incoming.length === lines.length &&
    incoming.every((l, i) => {
      const old = lines[i] as LineRow;
      return (
        old.sku === l.sku &&
        old.quantity === l.quantity &&
        old.unit_price_minor === l.unitPriceMinor &&
        old.tax_rate_bp === l.taxRateBp
      );
    });
  const statements: D1PreparedStatement[] = [];
  if (!sameLines) {
    if (lines.some((l) => l.reserved > 0) || PROGRESS[order.status] >= PROGRESS.shipped) {
      // Lines that hold stock, or that went out already, change only by a person's decision.
      changes.push("lines changed: needs review");
      statements.push(
        event(env, order.id, "lines_need_review", intake.source, actorId, { received: intake.lines }, now),
      );
    } else {
      const totals = totalsOf(incoming, intake.shipping, intake.discount);
      statements.push(env.DB.prepare("DELETE FROM order_lines WHERE order_id = ?").bind(order.id));
      for (const [i, l] of incoming.entries()) {
        statements.push(
          env.DB.prepare(
            `INSERT INTO order_lines (id, order_id, line_no, product_id, sku, name, quantity, unit_price_minor, tax_rate_bp, fill, substitutes)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'untracked', '[]')`,
          ).bind(
            newId(),
            order.id,
            i + 1,
            l.productId,
            l.sku,
            l.name,
            l.quantity,
            l.unitPriceMinor,
            l.taxRateBp,
          ),
        );
      }
      Object.assign(set, {
        subtotal_minor: totals.subtotal,
        tax_minor: totals.tax,
        shipping_minor: intake.shipping,
        discount_minor: intake.discount,
        total_minor: totals.total,
      });
      changes.push("lines");
    }
  }
  const columns = Object.keys(set);
  statements.push(
    env.DB.prepare(
      `UPDATE orders SET ${[...columns.map((c) => `${c} = ?`), "intake_hash = ?", "version = version + 1", "updated_at = ?"].join(", ")} WHERE id = ?`,
    ).bind(...columns.map((c) => set[c]), hash, now, order.id),
  );
  const recorded = changes.filter((c) => c !== "lines changed: needs review");
  if (recorded.length > 0)
    statements.push(event(env, order.id, "updated", intake.source, actorId, { changes: recorded }, now));
  await env.DB.batch(statements);
  if (recorded.length > 0)
    await notifyRoom(env, order.id, { type: "updated", order_id: order.id, changes: recorded });
  if (intake.status) await walk(env, order.id, intake.status, intake.source, actorId, changes);
  return { outcome: "updated", order: await view(env, order.id), changes };
}

const event = (
  env: Env,
  orderId: string,
  type: string,
  source: string,
  actorId: string | null,
  details: Record<string, unknown>,
  at: string,
) => eventStatement(env, { orderId, type, source, actorId, details, at });

async function view(env: Env, id: string) {
  const loaded = (await loadOrder(env, id)) as { order: OrderRow; lines: LineRow[] };
  return toOrderView(loaded.order, loaded.lines, "shop");
}
