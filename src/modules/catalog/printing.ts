// What a product label prints of a product: name, SKU, price and the code to scan (its own barcode, the
// lowest of its barcodes, or its SKU). Read for many products at once: a label job names up to 20,000.
import { and, asc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { productBarcodes, products } from "../../db/schema/catalog";
import type { Env } from "../../env";
import { paramChunks } from "../../lib/batch";

export interface ProductForLabel {
  id: string;
  sku: string;
  name: string;
  price_minor: number;
  currency: string;
  /** The product's first barcode, or null when it has none. */
  barcode: string | null;
}

export type ProductSelection = { ids: string[] } | { category_id?: string; status?: "draft" | "published" };

/** Products named by id (in that order; unknown or deleted ids are left out) or by category and status. */
export async function productsForLabels(
  env: Env,
  selection: ProductSelection,
  limit: number,
): Promise<ProductForLabel[]> {
  const db = getDb(env.DB);
  const query = (where: SQL[]) =>
    db
      .select({
        id: products.id,
        sku: products.sku,
        name: products.name,
        price_minor: products.priceMinor,
        currency: products.currency,
        barcode: sql<string | null>`(SELECT ${productBarcodes.barcode} FROM ${productBarcodes}
          WHERE ${productBarcodes.productId} = ${products.id} ORDER BY ${productBarcodes.barcode} LIMIT 1)`,
      })
      .from(products)
      .where(and(isNull(products.deletedAt), ...where))
      .orderBy(asc(products.sku))
      .limit(limit + 1);
  if (!("ids" in selection)) {
    return query([
      ...(selection.category_id ? [eq(products.categoryId, selection.category_id)] : []),
      ...(selection.status ? [eq(products.status, selection.status)] : []),
    ]);
  }
  // Ids in slices under D1's parameter bound, all read in one round trip.
  const [first, ...rest] = paramChunks(selection.ids).map((slice) => query([inArray(products.id, slice)]));
  if (!first) return [];
  const byId = new Map((await db.batch([first, ...rest])).flat().map((r) => [r.id, r]));
  return selection.ids.map((id) => byId.get(id)).filter((r): r is ProductForLabel => r !== undefined);
}
