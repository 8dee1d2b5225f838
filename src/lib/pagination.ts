// Keyset pagination: the cursor is the sort key of the last row seen, opaque to clients.
import { z } from "@hono/zod-openapi";
import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
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

/** For a newest-first list ordered by (time, id): the rows that come after the cursor's row. */
export const olderThan = (time: SQLiteColumn, id: SQLiteColumn, after: CursorKey): SQL =>
  or(lt(time, after[0]), and(eq(time, after[0]), lt(id, after[1]))) as SQL;
