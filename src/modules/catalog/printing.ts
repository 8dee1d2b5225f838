// What a product label prints of a product: name, SKU, price and the code to scan (its own barcode, the
// lowest of its barcodes, or its SKU). Read for many products at once: a label job names up to 20,000.
import { and, asc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { productBarcodes, products } from "../../db/schema/catalog";
import type { Env } from "../../env";

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
  const where: SQL[] = [isNull(products.deletedAt)];
  if (!("ids" in selection)) {
    if (selection.category_id) where.push(eq(products.categoryId, selection.category_id));
    if (selection.status) where.push(eq(products.status, selection.status));
  }
  const rows: ProductForLabel[] = [];
  // D1 binds at most 100 parameters: ids are read in slices.
  const slices = "ids" in selection ? chunk(selection.ids, 90) : [null];
  for (const slice of slices) {
    const conditions = slice ? [isNull(products.deletedAt), inArray(products.id, slice)] : where;
    const found = await db
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
      .where(and(...conditions))
      .orderBy(asc(products.sku))
      .limit(limit + 1);
    rows.push(...found);
  }
  if ("ids" in selection) {
    const byId = new Map(rows.map((r) => [r.id, r]));
    return selection.ids.map((id) => byId.get(id)).filter((r): r is ProductForLabel => r !== undefined);
  }
  return rows;
}

const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
