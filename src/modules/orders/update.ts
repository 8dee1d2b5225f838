// Editing an order's notes, payment status and tracking: the shop edits all of them, a vendor the tracking
// of the parcels it ships; one batch with its event, guarded by the version that was read.
import { eq, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { orders } from "../../db/schema/orders";
import type { Env } from "../../env";
import { failedAssertion } from "../../lib/batch";
import { conflict, forbidden } from "../../lib/problem";
import { audienceOf, type Principal } from "../auth/principal";
import type { OrderPatch } from "./schemas";
import { commitOrder, orderEvent, sourceOf, visibleOrder } from "./store";
import { publishOrderChanges } from "./transition";
import { type OrderRow, toOrderView } from "./view";

/** The patch's fields, as the order's columns (named as the timeline records them), with what changes. */
function changesOf(order: OrderRow, patch: OrderPatch) {
  const candidates: [column: string, field: keyof OrderRow, value: unknown][] = [
    ["notes", "notes", patch.notes],
    ["staff_notes", "staffNotes", patch.staff_notes],
    ["payment_status", "paymentStatus", patch.payment_status],
    ["carrier", "carrier", patch.tracking?.carrier],
    ["tracking_number", "trackingNumber", patch.tracking?.number],
    ["tracking_url", "trackingUrl", patch.tracking?.url],
  ];
  return candidates.filter(([, field, value]) => value !== undefined && value !== order[field]);
}

export async function updateOrder(env: Env, principal: Principal, id: string, patch: OrderPatch) {
  const audience = audienceOf(principal);
  if (audience === "customer") throw forbidden("Orders are edited by staff.");
  if (audience === "vendor") {
    const refused = (["notes", "staff_notes", "payment_status"] as const).filter(
      (f) => patch[f] !== undefined,
    );
    if (refused.length > 0) {
      throw forbidden(`Vendors set tracking only; ${refused.join(", ")} are edited by the shop.`);
    }
  }
  const state = await visibleOrder(env, principal, id);
  const changes = changesOf(state.order, patch);
  if (changes.length === 0) return toOrderView(state.order, state.lines, audience);
  const db = getDb(env.DB);
  const at = new Date().toISOString();
  const columns = changes.map(([column]) => column);
  try {
    const committed = await commitOrder(db, id, state.order, [
      db
        .update(orders)
        .set({
          ...Object.fromEntries(changes.map(([, field, value]) => [field, value])),
          version: sql`${orders.version} + 1`,
          updatedAt: at,
        })
        .where(eq(orders.id, id)),
      orderEvent(db, {
        orderId: id,
        type: "updated",
        source: sourceOf(principal),
        actorId: principal.id,
        details: { changes: columns },
        at,
      }),
    ]);
    publishOrderChanges(
      env,
      committed,
      [],
      [{ type: "updated", order_id: id, changes: columns.filter((c) => c !== "staff_notes") }],
    );
    return toOrderView(committed.order, committed.lines, audience);
  } catch (error) {
    if (failedAssertion(error)) throw conflict("The order changed meanwhile; read it again.");
    throw error;
  }
}
