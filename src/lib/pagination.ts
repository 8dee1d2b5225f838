// Keyset pagination: the cursor is the sort key of the last row seen, opaque to clients.
import { z } from "@hono/zod-openapi";
import { and, desc, eq, lt, or, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteSelect } from "drizzle-orm/sqlite-core";
import { badRequest } from "./problem";

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ example: 50 }),
  cursor: z.string().max(512).optional().openapi({ description: "`next_cursor` from the previous page." }),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });

export type CursorKey = (string | number)[];

export const encodeCursor = (key: CursorKey): string =>
  btoa(JSON.stringify(key)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

export const decodeCursor = (cursor: string | undefined, arity: number): CursorKey | undefined => {
  if (cursor === undefined) return undefined;
  try {
    const padded = cursor.replaceAll("-", "+").replaceAll("_", "/");
    const key: unknown = JSON.parse(atob(padded));
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((v) => typeof v === "string" || typeof v === "number")
    ) {
      return key;
    }
  } catch {
    // fall through to the same answer as a wrong shape
  }
  throw badRequest("The cursor is not valid.", [
    { in: "query", path: "cursor", message: "Not a cursor from this list" },
  ]);
};

/** Given `limit + 1` rows, returns the page and the cursor of its last row when more remain. */
export const toPage = <R>(rows: R[], limit: number, keyOf: (row: R) => CursorKey) => {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
};

/** The position in a newest-first list: the (time or sequence, id) of the last row seen. */
export type NewestCursor = readonly [at: string | number, id: string];

/** Rows after the cursor's row in a list ordered by (time, id), newest first. */
const olderThan = (
  time: SQLiteColumn,
  id: SQLiteColumn,
  after: NewestCursor | readonly [Placeholder, Placeholder],
): SQL => or(lt(time, after[0]), and(eq(time, after[0]), lt(id, after[1]))) as SQL;

export function decodeNewest(cursor: string | undefined): NewestCursor | undefined {
  const key = decodeCursor(cursor, 2);
  if (key === undefined) return undefined;
  if (typeof key[1] === "string") return key as [string | number, string];
  throw badRequest("The cursor is not valid.", [
    { in: "query", path: "cursor", message: "Not a cursor from this list" },
  ]);
}

/**
 * One page of a newest-first list, the one way every such list pages: the filters ANDed with "older than
 * the cursor's row", ordered by (time, id) descending (or by a sequence where a list has its own order) on an index that starts with the filters, limit + 1
 * rows to tell whether more remain. `keyOf` gives a row's (time, id) for the next cursor.
 */
export async function newestFirst<Q extends SQLiteSelect>(
  query: Q,
  key: { time: SQLiteColumn; id: SQLiteColumn },
  where: (SQL | undefined)[],
  page: { limit: number; cursor?: string | undefined },
  keyOf: (row: Awaited<Q>[number]) => NewestCursor,
): Promise<{ items: Awaited<Q>[number][]; next_cursor: string | null }> {
  const after = decodeNewest(page.cursor);
  const rows = (await query
    .where(and(...where, after && olderThan(key.time, key.id, after)))
    .orderBy(desc(key.time), desc(key.id))
    .limit(page.limit + 1)) as Awaited<Q>[number][];
  return toPage(rows, page.limit, (row) => [...keyOf(row)]);
}

/**
 * The same paging for a prepared read (src/db/prepared.ts), whose values are placeholders: its where ANDs
 * `olderThanCursor` in the shape that has a cursor, it orders by (time, id) descending and limits to the
 * `limit` placeholder; `cursorValues` gives those placeholders' values, and `toPage` makes the page.
 */
export const olderThanCursor = (time: SQLiteColumn, id: SQLiteColumn): SQL =>
  olderThan(time, id, [sql.placeholder("after_at"), sql.placeholder("after_id")]);

export function cursorValues(page: { limit: number; cursor?: string | undefined }) {
  const after = decodeNewest(page.cursor);
  return {
    hasCursor: after !== undefined,
    values: { limit: page.limit + 1, ...(after && { after_at: after[0], after_id: after[1] }) },
  };
}
