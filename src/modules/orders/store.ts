// Where orders are kept: loading an order with its lines, who may see it, the event writer, the version
// guard every write carries, order numbers, and telling the order's room what changed.
import { and, asc, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { prepared, preparedInsert, readBatch } from "../../db/prepared";
import { orderCounters, orderEvents, orderLines, orders } from "../../db/schema/orders";
import type { Env } from "../../env";
import { assertion, clearAssertions, hasAssertions, runBatch, type Statement } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { forbidden, notFound } from "../../lib/problem";
import { orderRoom, publishInOrder } from "../../rooms/stubs";
import { audienceOf, customerScope, type Principal } from "../auth/principal";
import type { OrderStatus } from "./lifecycle";
import type { LineRow, OrderRow } from "./view";

export interface LoadedOrder {
  order: OrderRow;
  lines: LineRow[];
}

export type OrderKey = string | { source: string; externalRef: string };

const byKey = (by: string) =>
  by === "id"
    ? eq(orders.id, sql.placeholder("id"))
    : and(eq(orders.source, sql.placeholder("source")), eq(orders.externalRef, sql.placeholder("ref")));

/** An order's row, and its lines, by id or by (source, external_ref): prepared, read on every order call. */
const orderRow = prepared((db, by: "id" | "ref") => db.select().from(orders).where(byKey(by)));
const orderLineRows = prepared((db, by: "id" | "ref") =>
  db
    .select(getTableColumns(orderLines))
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(byKey(by))
    .orderBy(asc(orderLines.lineNo)),
);

const orderNumber = prepared((db) =>
  db
    .select({ number: orders.number })
    .from(orders)
    .where(eq(orders.id, sql.placeholder("id"))),
);

/** The two reads of an order and its lines, for a caller's batch (runBatch or readBatch). */
export function orderReads(db: Db, key: OrderKey) {
  const [by, values] =
    typeof key === "string"
      ? (["id", { id: key }] as const)
      : (["ref", { source: key.source, ref: key.externalRef }] as const);
  return [orderRow.bind(db, values, by), orderLineRows.bind(db, values, by)] as const;
}

export const loadedFrom = (order: OrderRow[], lines: LineRow[]): LoadedOrder | undefined =>
  order[0] ? { order: order[0], lines } : undefined;

/** An order and its lines in one round trip, by id or by (source, external_ref). */
export async function loadOrder(env: Env, key: OrderKey): Promise<LoadedOrder | undefined> {
  const db = getDb(env.DB);
  const [order, lines] = await readBatch(db, orderReads(db, key));
  return loadedFrom(order, lines);
}

/** The order as this caller may see it: a customer user asking for another customer's order gets 404. */
export async function visibleOrder(env: Env, principal: Principal, id: string): Promise<LoadedOrder> {
  const loaded = await loadOrder(env, id);
  const scope = customerScope(principal);
  if (!loaded || (scope !== null && loaded.order.customerId !== scope)) throw notFound("No such order.");
  return loaded;
}

/**
 * An order's chat is a conversation between the customer and the shop. A vendor fulfils the order from its
 * lines, buyer and tracking, and is not part of that conversation (which can hold prices, complaints and
 * personal matters), so it neither reads nor joins it.
 */
export function assertInConversation(principal: Principal): void {
  if (audienceOf(principal) === "vendor") {
    throw forbidden("An order's chat is between the customer and the shop; vendors do not take part.");
  }
}

/** Where a change came from, as the timeline records it. */
export const sourceOf = (principal: Principal) =>
  principal.kind === "api_key"
    ? "api"
    : ({ shop: "staff", vendor: "vendor", customer: "customer" } as const)[audienceOf(principal)];

export interface EventInput {
  orderId: string;
  type: string;
  from?: OrderStatus | null | undefined;
  to?: OrderStatus | null | undefined;
  source: string;
  actorId: string | null;
  details?: Record<string, unknown> | undefined;
  at: string;
}

const insertEvent = preparedInsert(orderEvents);

/** The one event writer: every state change of an order writes one of these in the same batch. */
export const orderEvent = (db: Db, e: EventInput): Statement =>
  insertEvent(db, {
    id: newId(),
    orderId: e.orderId,
    type: e.type,
    fromStatus: e.from ?? null,
    toStatus: e.to ?? null,
    source: e.source,
    actorId: e.actorId,
    details: e.details ?? null,
    createdAt: e.at,
  });

/** Asserts the order is still at the version it was read at: the batch is undone if it changed meanwhile. */
export const unchangedSince = (db: Db, order: Pick<OrderRow, "id" | "version">): Statement =>
  assertion(
    db,
    "order-unchanged",
    sql`EXISTS (SELECT 1 FROM orders WHERE id = ${order.id} AND version = ${order.version})`,
  );

const countOrder = prepared((db) =>
  db
    .insert(orderCounters)
    .values({ year: sql.placeholder("year"), last: sql`1` })
    .onConflictDoUpdate({ target: orderCounters.year, set: { last: sql`${orderCounters.last} + 1` } }),
);

/** A new order's row, its number taken from its year's counter (counted in the same batch). */
const insertOrder = preparedInsert(orders, {
  number: sql`(SELECT 'R-' || ${sql.placeholder("year_text")} || '-' || printf('%06d', last) FROM order_counters WHERE year = ${sql.placeholder("year")})`,
});

/**
 * Human order numbers: a counter per year that only goes up, so a number is never reused (a batch that
 * fails takes its increment back with it). The year is the one in which ROMS received the order, not what a
 * sender claims as its placing time, so numbers always read R-<4 digits>-<6 digits> and follow arrival.
 */
export function numberAllocation(db: Db, received: Date) {
  const year = received.getUTCFullYear();
  return {
    statement: countOrder.bind(db, { year }),
    /** The order's insert, numbered by this allocation. */
    insert: (order: OrderRow) => insertOrder(db, order, { year, year_text: String(year) }),
  };
}

/**
 * Tells the order's room what changed, in order, without holding up the request that changed it. Called by
 * the service that wrote the change, whoever asked for it.
 */
export function publishToOrder(env: Env, orderId: string, ...events: Record<string, unknown>[]): void {
  publishInOrder(orderRoom(env, orderId), events, { order_id: orderId });
}

/**
 * Runs an order's write batch, guarded by the version it was read at (when given), in one round trip. A
 * failed guard or stock assertion undoes the whole batch and throws. The order comes back as written: read
 * back in the same batch, or — when the caller planned the whole order (`planned`) — as planned, with only
 * what D1 assigns read back (its number).
 */
export async function commitOrder(
  db: Db,
  orderId: string,
  readAt: Pick<OrderRow, "id" | "version"> | null,
  statements: Statement[],
  planned?: LoadedOrder,
): Promise<LoadedOrder> {
  const guarded = [...(readAt ? [unchangedSince(db, readAt)] : []), ...statements];
  const writes = hasAssertions(guarded) ? [...guarded, clearAssertions(db)] : guarded;
  if (planned) {
    const results = await runBatch(db, [...writes, orderNumber.bind(db, { id: orderId })]);
    const [row] = results.at(-1) as { number: string }[];
    return { order: { ...planned.order, number: row?.number ?? planned.order.number }, lines: planned.lines };
  }
  const results = await runBatch(db, [...writes, ...orderReads(db, orderId)]);
  return loadedFrom(results.at(-2) as OrderRow[], results.at(-1) as LineRow[]) as LoadedOrder;
}

/**
 * Sets the order's payment status for billing's batch (billing says what it is, from its payments and
 * credit notes). Not a change of the order's content, so its version stays: a picker's guarded write is
 * not undone by a payment arriving.
 */
export const paymentStatusWrite = (db: Db, orderId: string, status: SQL, at: string): Statement =>
  db
    .update(orders)
    .set({ paymentStatus: sql`${status}` as unknown as OrderRow["paymentStatus"], updatedAt: at })
    .where(eq(orders.id, orderId));
