// Pick lists: made from the orders in picking (one per location, walked by bin), read back as a picker's
// device shows them, with `next` (where the picker is) so a device that drops and rejoins carries on there.
import {
  and,
  asc,
  eq,
  getTableColumns,
  inArray,
  isNotNull,
  type SQL,
  type SQLWrapper,
  sql,
} from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { locations, stockLevels } from "../../db/schema/inventory";
import { orderLines, orders } from "../../db/schema/orders";
import { pickLines, pickLists } from "../../db/schema/warehouse";
import type { Env } from "../../env";
import { runBatch, type Statement } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { conflict, notFound } from "../../lib/problem";
import { publishToLocation } from "../inventory/live";
import type { OrderStatus } from "../orders/lifecycle";
import { publishToOrder } from "../orders/store";
import type { PickListFilter, PickListView } from "./schemas";

export type PickListRow = typeof pickLists.$inferSelect;
export type PickLineRow = typeof pickLines.$inferSelect & { orderNumber: string; orderStatus: OrderStatus };

/** A line is still to pick while it is active and its order is picking (a cancelled order's is not). */
export const toPick = (l: PickLineRow) => l.active && l.orderStatus === "picking";

export const toPickLineView = (l: PickLineRow) => ({
  id: l.id,
  position: l.position,
  order_id: l.orderId,
  order_number: l.orderNumber,
  order_line_id: l.orderLineId,
  product_id: l.productId,
  sku: l.sku,
  name: l.name,
  bin: l.bin,
  quantity: l.quantity,
  picked: l.picked,
  short_quantity: l.shortQuantity,
  short_reason: l.shortReason,
  done: !toPick(l),
});
export type PickLineView = ReturnType<typeof toPickLineView>;

const toSummary = (list: PickListRow, counts: { lines: number; done: number; short: number }) => ({
  id: list.id,
  location_id: list.locationId,
  status: list.status,
  picker_id: list.pickerId,
  created_by: list.createdBy,
  created_at: list.createdAt,
  updated_at: list.updatedAt,
  version: list.version,
  counts,
});

/** `lines` in position order. */
export function toPickListView(list: PickListRow, lines: PickLineRow[]): PickListView {
  const views = lines.map(toPickLineView);
  const counts = {
    lines: views.length,
    done: views.filter((l) => l.done).length,
    short: views.filter((l) => l.short_quantity !== null).length,
  };
  return { ...toSummary(list, counts), next: views.find((l) => !l.done) ?? null, lines: views };
}

/** The reads of pick lists and their lines (with their orders' numbers and statuses), for a caller's batch. */
export function pickListReads(db: Db, ids: string[]) {
  return [
    db.select().from(pickLists).where(inArray(pickLists.id, ids)).orderBy(asc(pickLists.locationId)),
    db
      .select({ ...getTableColumns(pickLines), orderNumber: orders.number, orderStatus: orders.status })
      .from(pickLines)
      .innerJoin(orders, eq(orders.id, pickLines.orderId))
      .where(inArray(pickLines.pickListId, ids))
      .orderBy(asc(pickLines.pickListId), asc(pickLines.position)),
  ] as const;
}

/** The lists of pickListReads' results, each with its lines. */
export const pickListViews = (lists: PickListRow[], lines: PickLineRow[]): PickListView[] =>
  lists.map((list) =>
    toPickListView(
      list,
      lines.filter((l) => l.pickListId === list.id),
    ),
  );

export async function getPickList(env: Env, id: string): Promise<PickListView> {
  const db = getDb(env.DB);
  const [[list], lines] = await db.batch(pickListReads(db, [id]));
  if (!list) throw notFound("No such pick list.");
  return toPickListView(list, lines);
}

/** Newest first, with how far along each is. */
export async function listPickLists(env: Env, filter: PickListFilter) {
  const db = getDb(env.DB);
  const count = (where: SQL) =>
    sql<number>`(SELECT COUNT(*) FROM pick_lines pl JOIN orders o ON o.id = pl.order_id
                 WHERE pl.pick_list_id = pick_lists.id AND ${where})`;
  const page = await newestFirst(
    db
      .select({
        ...getTableColumns(pickLists),
        lines: count(sql`1`),
        toPick: count(sql`pl.active = 1 AND o.status = 'picking'`),
        short: count(sql`pl.short_quantity IS NOT NULL`),
      })
      .from(pickLists)
      .$dynamic(),
    { time: pickLists.createdAt, id: pickLists.id },
    [
      filter.location_id ? eq(pickLists.locationId, filter.location_id) : undefined,
      filter.status ? eq(pickLists.status, filter.status) : undefined,
    ],
    filter,
    (l) => [l.createdAt, l.id],
  );
  return {
    items: page.items.map(({ lines, toPick, short, ...list }) =>
      toSummary(list, { lines, done: lines - toPick, short }),
    ),
    next_cursor: page.next_cursor,
  };
}

/**
 * An order line is not to be put on a list while it is on one being walked, or once it was picked whole
 * (it is in the tote, even if its order came back to picking after a short elsewhere). A short or
 * abandoned line is picked again from a new list.
 */
const notOnAList = (orderLineId: SQL) =>
  sql`NOT EXISTS (SELECT 1 FROM pick_lines pl WHERE pl.order_line_id = ${orderLineId}
        AND (pl.active = 1 OR (pl.picked = pl.quantity AND pl.short_quantity IS NULL)))`;

/** Ids as one bound parameter (a JSON array), so a hundred of them stay under D1's limit per statement. */
const inJson = (column: SQLWrapper, ids: string[]) =>
  sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;

interface NewLine {
  id: string;
  listId: string;
  position: number;
  orderLineId: string;
}

/**
 * Puts order lines on a new list. The line is copied from the order line as it is when the batch runs, and
 * only if its order is still picking and the line is on no other list: of two calls racing for the same
 * lines, the batch that runs second finds them taken and inserts none (the unique index on active lines
 * holds even so). The columns are the table's, in its order.
 */
const insertLines = (db: Db, rows: NewLine[]): Statement =>
  db
    .insert(pickLines)
    .select(sql`
      SELECT v.column1, v.column2, v.column3, ol.order_id, ol.id, ol.product_id, ol.sku, ol.name, sl.bin,
             ol.quantity, 0, NULL, NULL, 1
        FROM (VALUES ${sql.join(
          rows.map((r) => sql`(${r.id}, ${r.listId}, ${r.position}, ${r.orderLineId})`),
          sql`, `,
        )}) AS v
        JOIN order_lines ol ON ol.id = v.column4
        JOIN orders o ON o.id = ol.order_id
        JOIN pick_lists l ON l.id = v.column2
        LEFT JOIN stock_levels sl ON sl.product_id = ol.product_id AND sl.location_id = ol.location_id
       WHERE o.status = 'picking' AND ol.fill = 'ok' AND ol.product_id IS NOT NULL AND ol.quantity > 0
         AND ol.location_id = l.location_id AND ${notOnAList(sql.raw("ol.id"))}`)
    .onConflictDoNothing();

/** Rows per insert: four parameters each, under D1's 100 per statement. */
const ROWS_PER_INSERT = 20;

export interface MakeInput {
  locationId?: string | undefined;
  orderIds?: string[] | undefined;
}

/**
 * One new list per location from the lines of orders in picking that hold stock and are on no list yet
 * (those named, or all), in bin order (lines without a bin last) then SKU. One read, one write batch.
 * Answers the lists made: none when nothing was left to pick.
 */
export async function makePickLists(env: Env, actorId: string, input: MakeInput): Promise<PickListView[]> {
  const db = getDb(env.DB);
  const named = input.orderIds ? [...new Set(input.orderIds)] : undefined;
  const [found, location, candidates] = await db.batch([
    db
      .select({ id: orders.id, number: orders.number, status: orders.status })
      .from(orders)
      .where(inJson(orders.id, named ?? [])),
    db
      .select({ id: locations.id })
      .from(locations)
      .where(eq(locations.id, input.locationId ?? "")),
    db
      .select({ orderLineId: orderLines.id, orderId: orderLines.orderId, locationId: orderLines.locationId })
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .leftJoin(
        stockLevels,
        and(
          eq(stockLevels.productId, orderLines.productId),
          eq(stockLevels.locationId, orderLines.locationId),
        ),
      )
      .where(
        and(
          eq(orders.status, "picking"),
          eq(orderLines.fill, "ok"),
          isNotNull(orderLines.productId),
          isNotNull(orderLines.locationId),
          sql`${orderLines.quantity} > 0`,
          input.locationId ? eq(orderLines.locationId, input.locationId) : undefined,
          named ? inJson(orderLines.orderId, named) : undefined,
          notOnAList(sql`${orderLines.id}`),
        ),
      )
      .orderBy(
        asc(orderLines.locationId),
        sql`${stockLevels.bin} IS NULL`,
        asc(stockLevels.bin),
        asc(orderLines.sku),
        asc(orders.number),
        asc(orderLines.lineNo),
      ),
  ]);
  if (input.locationId && location.length === 0) throw notFound("No such location.");
  if (named) {
    const missing = named.filter((id) => !found.some((o) => o.id === id));
    if (missing.length > 0) throw notFound(`No such order: ${missing.join(", ")}.`);
    const elsewhere = found.filter((o) => o.status !== "picking");
    if (elsewhere.length > 0) {
      throw conflict(
        `Only orders that are picking go on a pick list: ${elsewhere.map((o) => `${o.number} is ${o.status}`).join("; ")}.`,
        { orders: elsewhere.map((o) => ({ id: o.id, number: o.number, status: o.status })) },
      );
    }
  }
  if (candidates.length === 0) return [];

  const at = new Date().toISOString();
  const byLocation = new Map<string, NewLine[]>();
  const listIds = new Map<string, string>();
  for (const c of candidates) {
    const locationId = c.locationId as string;
    const listId = listIds.get(locationId) ?? newId();
    listIds.set(locationId, listId);
    const rows = byLocation.get(locationId) ?? [];
    byLocation.set(locationId, rows);
    rows.push({ id: newId(), listId, position: rows.length + 1, orderLineId: c.orderLineId });
  }
  const ids = [...listIds.values()];
  const rows = [...byLocation.values()].flat();
  const results = await runBatch(db, [
    ...[...listIds].map(([locationId, id]) =>
      db.insert(pickLists).values({ id, locationId, createdBy: actorId, createdAt: at, updatedAt: at }),
    ),
    ...Array.from({ length: Math.ceil(rows.length / ROWS_PER_INSERT) }, (_, i) =>
      insertLines(db, rows.slice(i * ROWS_PER_INSERT, (i + 1) * ROWS_PER_INSERT)),
    ),
    // Lines a racing call took leave gaps: number what was inserted 1..n again, and drop lists left empty.
    // By id, which never changes (ids were made in position order and sort in it), not by the positions
    // this very statement is rewriting.
    db
      .update(pickLines)
      .set({
        position: sql`(SELECT COUNT(*) FROM pick_lines p
                        WHERE p.pick_list_id = pick_lines.pick_list_id AND p.id <= pick_lines.id)`,
      })
      .where(inArray(pickLines.pickListId, ids)),
    db
      .delete(pickLists)
      .where(
        and(
          inArray(pickLists.id, ids),
          sql`NOT EXISTS (SELECT 1 FROM pick_lines WHERE pick_lines.pick_list_id = pick_lists.id)`,
        ),
      ),
    ...pickListReads(db, ids),
  ]);
  const made = pickListViews(results.at(-2) as PickListRow[], results.at(-1) as PickLineRow[]);
  for (const list of made) {
    publishToLocation(env, list.location_id, {
      type: "pick_list",
      pick_list_id: list.id,
      status: list.status,
    });
    for (const orderId of new Set(list.lines.map((l) => l.order_id))) {
      publishToOrder(env, orderId, {
        type: "pick_list",
        order_id: orderId,
        pick_list_id: list.id,
        status: list.status,
      });
    }
  }
  return made;
}
