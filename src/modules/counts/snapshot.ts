// What a count session's room starts from, read from D1: the session, and each product it covers with its
// level at the location (on hand and version), price and the codes that name it.
import { and, eq, isNull, like, type SQL, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { productBarcodes, products } from "../../db/schema/catalog";
import { stockLevels } from "../../db/schema/inventory";
import { countSessions } from "../../db/schema/warehouse";
import type { Env } from "../../env";

export interface CountSnapshotLine {
  product_id: string;
  sku: string;
  name: string;
  bin: string | null;
  price_minor: number;
  currency: string;
  on_hand: number;
  version: number;
  /** Its barcodes and its SKU: what a scan may read. */
  codes: string[];
}

export interface CountSnapshot {
  session: {
    id: string;
    location_id: string;
    status: "open" | "posted" | "cancelled";
    shelf: string | null;
    category_id: string | null;
  };
  lines: CountSnapshotLine[];
}

const lineColumns = {
  product_id: products.id,
  sku: products.sku,
  name: products.name,
  bin: stockLevels.bin,
  price_minor: products.priceMinor,
  currency: products.currency,
  on_hand: sql<number>`COALESCE(${stockLevels.onHand}, 0)`,
  version: sql<number>`COALESCE(${stockLevels.version}, 0)`,
  codes: sql<string>`(SELECT json_group_array(barcode) FROM ${productBarcodes} WHERE product_id = ${products.id})`,
};
type LineRow = {
  [K in keyof typeof lineColumns]: K extends "codes"
    ? string
    : CountSnapshotLine[K & keyof CountSnapshotLine];
};
const toLine = (r: LineRow): CountSnapshotLine => ({
  ...r,
  codes: [...(JSON.parse(r.codes) as string[]), r.sku],
});

/** Levels at a location joined to live products, with the session's filters. */
const linesAt = (db: Db, locationId: string, where: SQL[]) =>
  db
    .select(lineColumns)
    .from(stockLevels)
    .innerJoin(products, eq(products.id, stockLevels.productId))
    .where(and(eq(stockLevels.locationId, locationId), isNull(products.deletedAt), ...where))
    .orderBy(sql`${stockLevels.bin} IS NULL`, stockLevels.bin, products.sku);

/** The filters of a count: a shelf is a bin prefix ("A-03" covers A-03-1, A-03-2…); a category its products. */
export function scopeOf(shelf: string | null, categoryId: string | null): SQL[] {
  return [
    ...(shelf !== null ? [like(stockLevels.bin, `${shelf.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)] : []),
    ...(categoryId !== null ? [eq(products.categoryId, categoryId)] : []),
  ];
}

/** How many products a new count would cover (and so whether it covers any). */
export const countLinesAt = (db: Db, locationId: string, scope: SQL[]) =>
  db
    .select({ n: sql<number>`COUNT(*)` })
    .from(stockLevels)
    .innerJoin(products, eq(products.id, stockLevels.productId))
    .where(and(eq(stockLevels.locationId, locationId), isNull(products.deletedAt), ...scope));

export async function countSnapshot(env: Env, sessionId: string): Promise<CountSnapshot | null> {
  const db = getDb(env.DB);
  const [session] = await db.select().from(countSessions).where(eq(countSessions.id, sessionId));
  if (!session) return null;
  const rows = await linesAt(db, session.locationId, scopeOf(session.shelf, session.categoryId));
  return {
    session: {
      id: session.id,
      location_id: session.locationId,
      status: session.status,
      shelf: session.shelf,
      category_id: session.categoryId,
    },
    lines: (rows as LineRow[]).map(toLine),
  };
}

/** A product a count found that it did not list (named by the scans' resolver), with its level there. */
export async function countLineFor(
  env: Env,
  locationId: string,
  productId: string,
): Promise<CountSnapshotLine | null> {
  const [row] = await getDb(env.DB)
    .select(lineColumns)
    .from(products)
    .leftJoin(
      stockLevels,
      and(eq(stockLevels.productId, products.id), eq(stockLevels.locationId, locationId)),
    )
    .where(and(isNull(products.deletedAt), eq(products.id, productId)));
  return row ? toLine(row as LineRow) : null;
}

/** A product's level at a location now (zeros before anything moved there). */
export async function levelNow(env: Env, productId: string, locationId: string) {
  const [row] = await getDb(env.DB)
    .select({ on_hand: stockLevels.onHand, version: stockLevels.version })
    .from(stockLevels)
    .where(and(eq(stockLevels.productId, productId), eq(stockLevels.locationId, locationId)));
  return row ?? { on_hand: 0, version: 0 };
}
