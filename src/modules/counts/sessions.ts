// Count sessions: opened in D1, counted in their room (the room serializes every claim and +1), reviewed
// from the room, and posted as count movements in one step, each guarded by the version its counter saw.
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { categories } from "../../db/schema/catalog";
import { locations, stockLevels, stockMovements } from "../../db/schema/inventory";
import { countResults, countSessions } from "../../db/schema/warehouse";
import type { Env } from "../../env";
import { assertion, runBatch, type Statement } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { conflict, forbidden, notFound, unprocessable } from "../../lib/problem";
import type { Member } from "../../rooms/frames";
import type { CountLine } from "../../rooms/stock-frames";
import { countRoom } from "../../rooms/stubs";
import type { Principal } from "../auth/principal";
import { countLeg, planMovement, toMovementView } from "../inventory/legs";
import { publishMovements, publishToLocation } from "../inventory/live";
import type { CountSessionView } from "./schemas";
import { countLinesAt, scopeOf } from "./snapshot";

type SessionRow = typeof countSessions.$inferSelect;

export const toCountSessionView = (r: SessionRow): CountSessionView => ({
  id: r.id,
  location_id: r.locationId,
  status: r.status,
  shelf: r.shelf,
  category_id: r.categoryId,
  note: r.note,
  lines: r.lines,
  opened_by: r.openedBy,
  opened_at: r.openedAt,
  posted_by: r.postedBy,
  posted_at: r.postedAt,
  cancelled_at: r.cancelledAt,
});

/** Posts at most this many lines per D1 batch (4 statements each). */
const POST_CHUNK = 100;

export async function openCount(
  env: Env,
  principal: Principal,
  input: {
    location_id: string;
    shelf?: string | undefined;
    category_id?: string | undefined;
    note?: string | undefined;
  },
): Promise<CountSessionView> {
  const db = getDb(env.DB);
  const shelf = input.shelf ?? null;
  const categoryId = input.category_id ?? null;
  const [location, category, [covered]] = await db.batch([
    db.select({ id: locations.id }).from(locations).where(eq(locations.id, input.location_id)),
    db
      .select({ id: categories.id })
      .from(categories)
      .where(eq(categories.id, categoryId ?? "")),
    countLinesAt(db, input.location_id, scopeOf(shelf, categoryId)),
  ]);
  if (location.length === 0) throw notFound("No such location.");
  if (categoryId !== null && category.length === 0) throw notFound("No such category.");
  const lines = covered?.n ?? 0;
  if (lines === 0) {
    throw unprocessable(
      shelf !== null || categoryId !== null
        ? "Nothing to count: no product at this location is on that shelf or in that category (set bins with PUT /inventory/levels/{product_id}/{location_id}/bin)."
        : "Nothing to count: no product has ever been stocked at this location.",
    );
  }
  const [row] = await db
    .insert(countSessions)
    .values({
      id: newId(),
      locationId: input.location_id,
      shelf,
      categoryId,
      note: input.note ?? null,
      lines,
      openedBy: principal.id,
      openedAt: new Date().toISOString(),
    })
    .returning();
  const session = row as SessionRow;
  // The room reads its lines now; should this call fail, the first join or scan opens it the same way.
  await countRoom(env, session.id)
    .openCount(session.id)
    .catch(() => null);
  publishToLocation(env, session.locationId, { type: "count_opened", count_session_id: session.id });
  return toCountSessionView(session);
}

export async function getCount(env: Env, id: string): Promise<SessionRow> {
  const [row] = await getDb(env.DB).select().from(countSessions).where(eq(countSessions.id, id));
  if (!row) throw notFound("No such count session.");
  return row;
}

export async function listCounts(
  env: Env,
  filter: {
    location_id?: string | undefined;
    status?: SessionRow["status"] | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const page = await newestFirst(
    getDb(env.DB).select().from(countSessions).$dynamic(),
    { time: countSessions.openedAt, id: countSessions.id },
    [
      filter.location_id ? eq(countSessions.locationId, filter.location_id) : undefined,
      filter.status ? eq(countSessions.status, filter.status) : undefined,
    ],
    filter,
    (r) => [r.openedAt, r.id],
  );
  return { items: page.items.map(toCountSessionView), next_cursor: page.next_cursor };
}

/** The count as its room holds it, with totals for the manager's review. */
export async function reviewCount(env: Env, id: string) {
  const session = await getCount(env, id);
  const lines = await countLines(env, id);
  const totals = {
    lines: lines.length,
    to_count: 0,
    claimed: 0,
    counted: 0,
    recount: 0,
    posted: 0,
    difference_units: 0,
    difference_value: [] as { currency: string; value_minor: number }[],
  };
  const value = new Map<string, number>();
  for (const l of lines) {
    totals[l.status]++;
    if (l.difference !== null && l.status !== "posted") {
      totals.difference_units += l.difference;
      value.set(l.currency, (value.get(l.currency) ?? 0) + (l.value_minor ?? 0));
    }
  }
  totals.difference_value = [...value].map(([currency, value_minor]) => ({ currency, value_minor }));
  return { session: toCountSessionView(session), totals, lines };
}

async function countLines(env: Env, id: string): Promise<CountLine[]> {
  const room = countRoom(env, id);
  await room.openCount(id);
  return (await room.countState())?.lines ?? [];
}

/** A typed count over REST (the same as a `count` frame in the count's room). */
export async function enterCount(
  env: Env,
  id: string,
  who: Member,
  productId: string,
  counted: number,
  op: string | null,
): Promise<CountLine> {
  await openForCounting(env, id);
  const result = await countRoom(env, id).countSet(who, productId, counted, op);
  if ("refused" in result) throw conflict(result.refused);
  return result.line;
}

/** One item scanned into a count: +1 on the product its code names. */
export async function scanIntoCount(env: Env, id: string, who: Member, code: string, op: string | null) {
  await openForCounting(env, id);
  return countRoom(env, id).countScan(who, code, op);
}

async function openForCounting(env: Env, id: string) {
  const opened = await countRoom(env, id).openCount(id);
  if (!opened) throw notFound("No such count session.");
  if (opened.status !== "open")
    throw conflict(`This count is ${opened.status}; nothing more can be counted.`);
}

const MANAGERS = new Set(["manager", "admin"]);

/**
 * Posts every counted line not yet posted, as count movements each guarded by the version its counter saw:
 * those whose level moved since are not posted and go back to be counted again. The session is posted once
 * every line that was counted is.
 */
export async function postCount(env: Env, principal: Principal, id: string) {
  if (principal.kind === "user" && !MANAGERS.has(principal.role ?? "")) {
    throw forbidden("Posting a count is for a manager, who reviews its differences first.");
  }
  const session = await getCount(env, id);
  if (session.status !== "open") throw conflict(`This count is already ${session.status}.`);
  const db = getDb(env.DB);
  // Posted in D1 by an earlier post whose word to the room was lost: not posted twice.
  const earlier = await db
    .select({ productId: countResults.productId })
    .from(countResults)
    .where(and(eq(countResults.sessionId, id), isNotNull(countResults.movementId)));
  const done = new Set(earlier.map((r) => r.productId));
  const lines = await countLines(env, id);
  const toPost = lines.filter((l) => l.counted !== null && l.status !== "posted" && !done.has(l.product_id));
  if (toPost.length === 0)
    throw conflict("Nothing is counted that is not posted yet; count something first.");
  const at = new Date().toISOString();
  const ctx = { actorId: principal.id, reason: `Count ${id}`, referenceType: "count", referenceId: id };
  const planned = new Map<string, string>();
  for (let i = 0; i < toPost.length; i += POST_CHUNK) {
    const chunk = toPost.slice(i, i + POST_CHUNK);
    const statements: Statement[] = [
      assertion(
        db,
        "count:open",
        sql`EXISTS (SELECT 1 FROM count_sessions WHERE id = ${id} AND status = 'open')`,
      ),
    ];
    for (const l of chunk) {
      const movement = planMovement(
        db,
        countLeg(l.product_id, session.locationId, l.counted as number, l.version_seen),
        ctx,
        {
          at,
          assert: false,
        },
      );
      planned.set(l.product_id, movement.movementId);
      statements.push(
        ...movement.statements,
        db
          .insert(countResults)
          .select(sql`SELECT ${id}, ${l.product_id}, ${l.expected}, ${l.counted}, ${l.version_seen},
          ${l.counted_by?.id ?? null}, (SELECT id FROM stock_movements WHERE id = ${movement.movementId}), ${at}`),
      );
    }
    await runBatch(db, statements);
  }
  const [written, stale] = await db.batch([
    db
      .select()
      .from(stockMovements)
      .where(
        and(
          eq(stockMovements.referenceType, "count"),
          eq(stockMovements.referenceId, id),
          eq(stockMovements.createdAt, at),
        ),
      ),
    db
      .select({
        product_id: countResults.productId,
        version_seen: countResults.versionSeen,
        version_now: stockLevels.version,
        on_hand: stockLevels.onHand,
      })
      .from(countResults)
      .innerJoin(
        stockLevels,
        and(
          eq(stockLevels.productId, countResults.productId),
          eq(stockLevels.locationId, session.locationId),
        ),
      )
      .where(
        and(eq(countResults.sessionId, id), eq(countResults.postedAt, at), isNull(countResults.movementId)),
      ),
  ]);
  const movements = written.filter((m) => planned.get(m.productId) === m.id).map(toMovementView);
  const status = stale.length === 0 ? ("posted" as const) : ("open" as const);
  const [after] =
    status === "posted"
      ? await db
          .update(countSessions)
          .set({ status, postedBy: principal.id, postedAt: at })
          .where(and(eq(countSessions.id, id), eq(countSessions.status, "open")))
          .returning()
      : [session];
  publishMovements(env, movements);
  await countRoom(env, id).countSettled(
    [
      ...movements.map((m) => m.product_id),
      ...lines.filter((l) => done.has(l.product_id) && l.status !== "posted").map((l) => l.product_id),
    ],
    stale.map((s) => ({ product_id: s.product_id, on_hand: s.on_hand, version: s.version_now })),
    status,
  );
  publishToLocation(env, session.locationId, {
    type: "count_posted",
    count_session_id: id,
    posted: movements.length,
    recount: stale.length,
  });
  return {
    session: toCountSessionView(after ?? session),
    posted: movements,
    recount: stale.map(({ product_id, version_seen, version_now }) => ({
      product_id,
      version_seen,
      version_now,
    })),
  };
}

export async function cancelCount(env: Env, id: string) {
  const [row] = await getDb(env.DB)
    .update(countSessions)
    .set({ status: "cancelled", cancelledAt: new Date().toISOString() })
    .where(and(eq(countSessions.id, id), eq(countSessions.status, "open")))
    .returning();
  if (!row) {
    const session = await getCount(env, id);
    throw conflict(`This count is already ${session.status}.`);
  }
  await countRoom(env, id).countSettled([], [], "cancelled");
  return toCountSessionView(row);
}
