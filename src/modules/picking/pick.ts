// Picking: each item a picker takes is checked against the list (a wrong one changes nothing), and a line
// picked short puts its order at risk with the picker's reason. Guarded batches: concurrent pickers on one
// list cannot pick more than a line asks for.
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { products } from "../../db/schema/catalog";
import { pickLines, pickLists } from "../../db/schema/warehouse";
import type { Env } from "../../env";
import { assertion, clearAssertions, failedAssertion, runBatch, type Statement } from "../../lib/batch";
import { badRequest, conflict, notFound, Problem } from "../../lib/problem";
import type { Principal } from "../auth/principal";
import { publishToLocation } from "../inventory/live";
import { commitOrder, loadOrder, publishToOrder, sourceOf } from "../orders/store";
import { planMove, publishOrderChanges } from "../orders/transition";
import {
  type PickLineRow,
  type PickLineView,
  type PickListRow,
  pickListReads,
  toPick,
  toPickListView,
} from "./lists";
import type { PickListView } from "./schemas";

const nextText = (next: PickLineView | null) =>
  next
    ? `the next item is ${next.sku}${next.bin ? ` at bin ${next.bin}` : " (no bin)"}`
    : "nothing else is left to pick on this list";

/** 422 for an item that is not the one to take, saying where the picker should go instead. */
function wrongItem(
  view: PickListView,
  lines: PickLineRow[],
  input: PickInput,
  product: { sku: string; name: string } | undefined,
): Problem {
  const mine = lines.filter((l) => l.productId === input.productId);
  const known = product ?? mine[0];
  const what = known ? `${known.sku} (${known.name})` : `Product ${input.productId}`;
  const most = Math.max(0, ...mine.filter(toPick).map((l) => l.quantity - l.picked));
  const why =
    mine.length === 0
      ? `${what} is not on this pick list`
      : most === 0
        ? `Nothing of ${what} is left to pick on this pick list`
        : `At most ${most} of ${what} ${most === 1 ? "is" : "are"} left to pick on one line here, not ${input.quantity}`;
  return new Problem({
    status: 422,
    slug: "wrong-item",
    title: "Not an item to pick",
    detail: `${why}; ${nextText(view.next)}.`,
    extensions: { next: view.next },
  });
}

/**
 * After lines changed on the lists `where` selects: lines whose order left picking leave them, and an open
 * list with no active line left is picked. `walkedBy` records who picked on the list being walked.
 */
function settleLists(
  db: Db,
  where: SQL,
  at: string,
  walkedBy: { listId: string; pickerId: string },
): Statement[] {
  return [
    db
      .update(pickLines)
      .set({ active: false })
      .where(
        and(
          eq(pickLines.active, true),
          inArray(pickLines.pickListId, db.select({ id: pickLists.id }).from(pickLists).where(where)),
          sql`${pickLines.orderId} IN (SELECT id FROM orders WHERE status <> 'picking')`,
        ),
      ),
    db
      .update(pickLists)
      .set({
        status: sql`CASE WHEN EXISTS (SELECT 1 FROM pick_lines l WHERE l.pick_list_id = pick_lists.id AND l.active = 1)
                    THEN 'open' ELSE 'picked' END`,
        pickerId: sql`CASE WHEN pick_lists.id = ${walkedBy.listId} THEN ${walkedBy.pickerId} ELSE pick_lists.picker_id END`,
        version: sql`${pickLists.version} + 1`,
        updatedAt: at,
      })
      .where(and(eq(pickLists.status, "open"), where)),
  ];
}

export interface PickInput {
  pickListId: string;
  productId: string;
  /** How many of it the picker took at once (1 to 1000). */
  quantity: number;
  /** The scanner's id for the read; carried into the pick event so a device can match its own read. */
  scanId?: string | undefined;
}

const ATTEMPTS = 3;

/**
 * Records that the picker took `quantity` of a product for the list: on the first line (by position) still
 * to pick that has that many left. Any other item is refused with 422 and changes nothing. Picking a repeat
 * of the same read is the door's to prevent (REST: Idempotency-Key or scan_id; POST /scans: the scan's
 * client id): this picks each time it is called. Answers the list as it now is.
 */
export async function pickItem(env: Env, actor: { id: string }, input: PickInput): Promise<PickListView> {
  const db = getDb(env.DB);
  const q = input.quantity;
  for (let attempt = 1; ; attempt++) {
    const [[list], lines, [product]] = await db.batch([
      ...pickListReads(db, [input.pickListId]),
      db
        .select({ sku: products.sku, name: products.name })
        .from(products)
        .where(eq(products.id, input.productId)),
    ]);
    if (!list) throw notFound("No such pick list.");
    if (list.status !== "open") {
      throw conflict(`This pick list is ${list.status}: nothing is left to pick on it.`, {
        status: list.status,
      });
    }
    const view = toPickListView(list, lines);
    const line = lines.find(
      (l) => toPick(l) && l.productId === input.productId && l.quantity - l.picked >= q,
    );
    if (!line) throw wrongItem(view, lines, input, product);
    const at = new Date().toISOString();
    try {
      const results = await runBatch(db, [
        assertion(
          db,
          "pick-line-open",
          sql`EXISTS (SELECT 1 FROM pick_lines pl JOIN orders o ON o.id = pl.order_id
                       JOIN pick_lists l ON l.id = pl.pick_list_id
                      WHERE pl.id = ${line.id} AND pl.active = 1 AND pl.picked + ${q} <= pl.quantity
                        AND o.status = 'picking' AND l.status = 'open')`,
        ),
        db
          .update(pickLines)
          .set({
            picked: sql`${pickLines.picked} + ${q}`,
            // A line picked whole leaves the walk.
            active: sql`${pickLines.picked} + ${q} < ${pickLines.quantity}`,
          })
          .where(
            and(
              eq(pickLines.id, line.id),
              eq(pickLines.active, true),
              sql`${pickLines.picked} + ${q} <= ${pickLines.quantity}`,
            ),
          ),
        ...settleLists(db, eq(pickLists.id, list.id), at, { listId: list.id, pickerId: actor.id }),
        clearAssertions(db),
        ...pickListReads(db, [list.id]),
      ]);
      const after = toPickListView(...(results.at(-2) as [PickListRow]), results.at(-1) as PickLineRow[]);
      const picked = after.lines.find((l) => l.id === line.id) as PickLineView;
      const event = {
        type: "pick",
        pick_list_id: list.id,
        line_id: line.id,
        order_id: line.orderId,
        product_id: line.productId,
        picked: picked.picked,
        quantity: picked.quantity,
        scan_id: input.scanId ?? null,
      };
      publishToLocation(
        env,
        list.locationId,
        event,
        ...(after.status === list.status
          ? []
          : [{ type: "pick_list", pick_list_id: list.id, status: after.status }]),
      );
      publishToOrder(env, line.orderId, event);
      return after;
    } catch (error) {
      // Another picker took the last of that line (or its order left picking) between our read and write.
      if (!failedAssertion(error)) throw error;
      if (attempt >= ATTEMPTS) throw conflict("The pick list kept changing while picking; scan again.");
    }
  }
}

export interface ShortInput {
  pickListId: string;
  lineId: string;
  /** How many the picker found in all: fewer than the line's quantity. */
  found: number;
  reason: string;
}

/**
 * A line picked short: it records what was found and why the rest is missing, leaves the walk, and its
 * order goes from picking to under_risk with the reason (its other lines leave their lists with it), all in
 * one batch guarded by the order's version. Stock levels are not touched: what the shelf really holds is
 * for a count to establish, and the order keeps its reservation until someone decides.
 */
export async function shortPick(env: Env, principal: Principal, input: ShortInput): Promise<PickListView> {
  const db = getDb(env.DB);
  const [[list], lines] = await db.batch(pickListReads(db, [input.pickListId]));
  if (!list) throw notFound("No such pick list.");
  const line = lines.find((l) => l.id === input.lineId);
  if (!line) throw notFound("No such line on this pick list.");
  if (!toPick(line)) {
    const why =
      line.shortQuantity !== null
        ? "it was picked short already"
        : line.picked === line.quantity
          ? "it is picked"
          : `its order is ${line.orderStatus}`;
    throw conflict(`Line ${line.position} (${line.sku}) is not to pick any more: ${why}.`);
  }
  if (input.found >= line.quantity) {
    throw badRequest("A short pick finds fewer than the line asks for.", [
      { in: "body", path: "found", message: `Less than the line's quantity (${line.quantity})` },
    ]);
  }
  const state = await loadOrder(env, line.orderId);
  if (!state) throw notFound("No such order.");
  const at = new Date().toISOString();
  const missing = line.quantity - input.found;
  const move = planMove(
    db,
    state,
    {
      to: "under_risk",
      source: sourceOf(principal),
      actorId: principal.id,
      note: input.reason,
      details: { reason: input.reason, pick_list_id: list.id, sku: line.sku, missing },
    },
    at,
  );
  // The lists this order has lines on: all of them lose its lines, as the order leaves picking.
  const ordersLists = inArray(
    pickLists.id,
    db.select({ id: pickLines.pickListId }).from(pickLines).where(eq(pickLines.orderId, line.orderId)),
  );
  let committed: Awaited<ReturnType<typeof commitOrder>>;
  try {
    committed = await commitOrder(db, state.order.id, state.order, [
      assertion(
        db,
        "pick-line-open",
        sql`EXISTS (SELECT 1 FROM pick_lines WHERE id = ${line.id} AND active = 1)`,
      ),
      db
        .update(pickLines)
        .set({ picked: input.found, shortQuantity: missing, shortReason: input.reason, active: false })
        .where(and(eq(pickLines.id, line.id), eq(pickLines.active, true))),
      ...move.statements,
      ...settleLists(db, ordersLists, at, { listId: list.id, pickerId: principal.id }),
    ]);
  } catch (error) {
    if (!failedAssertion(error)) throw error;
    throw conflict("The pick list or the order changed meanwhile; read it again.");
  }
  const [[after], afterLines, touched] = await db.batch([
    ...pickListReads(db, [list.id]),
    db
      .select({
        id: pickLists.id,
        locationId: pickLists.locationId,
        status: pickLists.status,
        updatedAt: pickLists.updatedAt,
      })
      .from(pickLists)
      .where(ordersLists),
  ]);
  const short = {
    type: "short_pick",
    pick_list_id: list.id,
    line_id: line.id,
    order_id: line.orderId,
    product_id: line.productId,
    sku: line.sku,
    found: input.found,
    missing,
    reason: input.reason,
  };
  publishToLocation(env, list.locationId, short);
  for (const l of touched) {
    if (l.updatedAt === at && l.status === "picked") {
      publishToLocation(env, l.locationId, { type: "pick_list", pick_list_id: l.id, status: l.status });
    }
  }
  // The short pick, then the move it caused (with the feed and outbound order.status_changed).
  publishOrderChanges(env, committed, move.movements, [short, move.event]);
  return toPickListView(after as PickListRow, afterLines);
}
