// The catalog: who sees which products, searching them, and the rules of publishing.
import { asc, eq, getTableColumns, gte, inArray, isNotNull, isNull, lte, type SQL, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { categories, productBarcodes, products } from "../../db/schema/catalog";
import { productsFts } from "../../db/search";
import type { Env } from "../../env";
import { isUniqueViolation } from "../../lib/db-errors";
import { newId } from "../../lib/ids";
import { money } from "../../lib/money";
import { newestFirst } from "../../lib/pagination";
import { badRequest, conflict, notFound } from "../../lib/problem";
import { prefixTerms, searchWords } from "../../lib/search";
import { customerScope, type Principal } from "../auth/principal";
import { type BarcodeKind, barcodeProblem } from "./barcodes";

type ProductRow = typeof products.$inferSelect;
export type Barcode = { barcode: string; kind: BarcodeKind };

/** Staff and vendors see drafts; the public and customers see published products only. */
export const seesDrafts = (principal: Principal | undefined): boolean =>
  principal !== undefined &&
  principal.kind !== "device" &&
  principal.permissions.includes("catalog:read") &&
  customerScope(principal) === null;

const seesDeleted = (principal: Principal | undefined) =>
  principal?.kind === "user" && principal.role === "admin";

export function toProductView(p: ProductRow, barcodes: Barcode[], staff: boolean) {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    description: p.description,
    category_id: p.categoryId,
    price: money(p.priceMinor, p.currency),
    tax_rate_bp: p.taxRateBp,
    unit: p.unit,
    attributes: p.attributes,
    barcodes,
    image_url: p.imageKey ? `/api/v1/products/${p.id}/image` : null,
    status: p.status,
    published_at: p.publishedAt,
    allow_backorder: p.allowBackorder,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    ...(staff && { deleted_at: p.deletedAt }),
  };
}
export type ProductView = ReturnType<typeof toProductView>;

async function barcodesOf(env: Env, ids: string[]): Promise<Map<string, Barcode[]>> {
  const map = new Map<string, Barcode[]>();
  if (ids.length === 0) return map;
  // Chunked under D1's 100 bound parameters.
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await getDb(env.DB)
      .select()
      .from(productBarcodes)
      .where(inArray(productBarcodes.productId, ids.slice(i, i + 90)))
      .orderBy(asc(productBarcodes.barcode));
    for (const r of rows)
      map.set(r.productId, [...(map.get(r.productId) ?? []), { barcode: r.barcode, kind: r.kind }]);
  }
  return map;
}

function checkBarcodes(barcodes: Barcode[]): void {
  const errors = barcodes.flatMap((b, i) => {
    const problem = barcodeProblem(b.barcode, b.kind);
    return problem ? [{ in: "body", path: `barcodes.${i}.barcode`, message: problem }] : [];
  });
  if (new Set(barcodes.map((b) => b.barcode)).size !== barcodes.length) {
    errors.push({ in: "body", path: "barcodes", message: "Barcodes must be distinct" });
  }
  if (errors.length > 0) throw badRequest("Some barcodes are not valid.", errors);
}

async function checkCategory(env: Env, categoryId: string | null | undefined): Promise<void> {
  if (!categoryId) return;
  const found = await env.DB.prepare("SELECT 1 AS one FROM categories WHERE id = ?").bind(categoryId).first();
  if (!found)
    throw badRequest("No such category.", [{ in: "body", path: "category_id", message: "No such category" }]);
}

function uniqueProblem(error: unknown): never {
  const text = String(error instanceof Error ? `${error.message} ${String(error.cause)}` : error);
  if (text.includes("product_barcodes"))
    throw conflict("One of these barcodes already belongs to another product.");
  throw conflict("A product with this SKU already exists.");
}

export interface ProductInput {
  sku: string;
  name: string;
  description?: string | null | undefined;
  category_id?: string | null | undefined;
  price: { amount: number; currency: string };
  tax_rate_bp?: number | undefined;
  unit?: string | undefined;
  attributes?: Record<string, string | number | boolean> | undefined;
  barcodes?: Barcode[] | undefined;
  allow_backorder?: boolean | undefined;
}

export async function createProduct(env: Env, input: ProductInput): Promise<ProductView> {
  const barcodes = input.barcodes ?? [];
  checkBarcodes(barcodes);
  await checkCategory(env, input.category_id);
  const id = newId();
  const db = getDb(env.DB);
  try {
    await db.batch([
      db.insert(products).values({
        id,
        sku: input.sku.trim(),
        name: input.name.trim(),
        description: input.description ?? null,
        categoryId: input.category_id ?? null,
        priceMinor: input.price.amount,
        currency: input.price.currency,
        taxRateBp: input.tax_rate_bp ?? 0,
        unit: input.unit ?? "piece",
        attributes: input.attributes ?? {},
        allowBackorder: input.allow_backorder ?? false,
      }),
      ...barcodes.map((b) =>
        db.insert(productBarcodes).values({ barcode: b.barcode, productId: id, kind: b.kind }),
      ),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) uniqueProblem(error);
    throw error;
  }
  return getProductView(env, undefined, id, true);
}

async function findProduct(env: Env, principal: Principal | undefined, id: string): Promise<ProductRow> {
  const row = await getDb(env.DB).query.products.findFirst({ where: eq(products.id, id) });
  const staff = seesDrafts(principal);
  if (!row || (row.deletedAt !== null && !seesDeleted(principal)) || (!staff && row.status !== "published")) {
    throw notFound("No such product.");
  }
  return row;
}

export async function getProductView(
  env: Env,
  principal: Principal | undefined,
  id: string,
  asStaff?: boolean,
) {
  const row = asStaff ? await findProductAsStaff(env, id) : await findProduct(env, principal, id);
  const barcodes = (await barcodesOf(env, [row.id])).get(row.id) ?? [];
  return toProductView(row, barcodes, asStaff ?? seesDrafts(principal));
}

/** Views of several products by id in two queries, in the order given; ids not found are left out. */
export async function productViews(
  env: Env,
  principal: Principal | undefined,
  ids: string[],
): Promise<ProductView[]> {
  if (ids.length === 0) return [];
  const rows = await getDb(env.DB)
    .select()
    .from(products)
    .where(inArray(products.id, ids.slice(0, 90)));
  const barcodes = await barcodesOf(env, ids);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const staff = seesDrafts(principal);
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toProductView(row, barcodes.get(id) ?? [], staff)] : [];
  });
}

async function findProductAsStaff(env: Env, id: string): Promise<ProductRow> {
  const row = await getDb(env.DB).query.products.findFirst({ where: eq(products.id, id) });
  if (!row || row.deletedAt !== null) throw notFound("No such product.");
  return row;
}

/** A product as the given caller may see it, or 404: used by carts, similar and risk. */
export const visibleProduct = findProduct;

export type ProductPatch = Partial<ProductInput> & { barcodes?: Barcode[] | undefined };

export async function updateProduct(env: Env, id: string, patch: ProductPatch): Promise<ProductView> {
  const current = await findProductAsStaff(env, id);
  if (patch.barcodes) checkBarcodes(patch.barcodes);
  await checkCategory(env, patch.category_id);
  const db = getDb(env.DB);
  const set: Partial<ProductRow> = { updatedAt: new Date().toISOString() };
  if (patch.sku !== undefined) set.sku = patch.sku.trim();
  if (patch.name !== undefined) set.name = patch.name.trim();
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.category_id !== undefined) set.categoryId = patch.category_id;
  if (patch.price !== undefined) {
    set.priceMinor = patch.price.amount;
    set.currency = patch.price.currency;
  }
  if (patch.tax_rate_bp !== undefined) set.taxRateBp = patch.tax_rate_bp;
  if (patch.unit !== undefined) set.unit = patch.unit;
  if (patch.attributes !== undefined) set.attributes = patch.attributes;
  if (patch.allow_backorder !== undefined) set.allowBackorder = patch.allow_backorder;
  try {
    await db.batch([
      db.update(products).set(set).where(eq(products.id, current.id)),
      ...(patch.barcodes
        ? [
            db.delete(productBarcodes).where(eq(productBarcodes.productId, id)),
            ...patch.barcodes.map((b) =>
              db.insert(productBarcodes).values({ barcode: b.barcode, productId: id, kind: b.kind }),
            ),
          ]
        : []),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) uniqueProblem(error);
    throw error;
  }
  return getProductView(env, undefined, id, true);
}

export async function setPublished(env: Env, id: string, published: boolean): Promise<ProductView> {
  await findProductAsStaff(env, id);
  const now = new Date().toISOString();
  await getDb(env.DB)
    .update(products)
    .set(
      published
        ? { status: "published", publishedAt: now, updatedAt: now }
        : { status: "draft", publishedAt: null, updatedAt: now },
    )
    .where(eq(products.id, id));
  return getProductView(env, undefined, id, true);
}

/** Soft delete: kept for history (orders and movements point at it), hidden everywhere but an admin view. */
export async function deleteProduct(env: Env, id: string): Promise<void> {
  const result = await env.DB.prepare(
    "UPDATE products SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL",
  )
    .bind(new Date().toISOString(), new Date().toISOString(), id)
    .run();
  if (result.meta.changes === 0) {
    const exists = await env.DB.prepare("SELECT 1 AS one FROM products WHERE id = ?").bind(id).first();
    if (!exists) throw notFound("No such product.");
  }
}

export interface ProductFilter {
  q?: string | undefined;
  category_id?: string | undefined;
  min_price?: number | undefined;
  max_price?: number | undefined;
  currency?: string | undefined;
  status?: "draft" | "published" | undefined;
  deleted?: "exclude" | "include" | "only" | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** User text to an FTS5 query: every word must match as a prefix; nothing the user types is syntax. */
export function ftsQuery(text: string): string | undefined {
  const words = searchWords(text);
  return words.length === 0 ? undefined : prefixTerms(words).join(" ");
}

export async function listProducts(env: Env, principal: Principal | undefined, filter: ProductFilter) {
  const staff = seesDrafts(principal);
  const where: SQL[] = [];
  if (!staff) where.push(eq(products.status, "published"));
  else if (filter.status) where.push(eq(products.status, filter.status));
  const deleted = seesDeleted(principal) ? (filter.deleted ?? "exclude") : "exclude";
  if (deleted === "exclude") where.push(isNull(products.deletedAt));
  if (deleted === "only") where.push(isNotNull(products.deletedAt));
  if (filter.category_id) where.push(eq(products.categoryId, filter.category_id));
  if (filter.currency) where.push(eq(products.currency, filter.currency));
  if (filter.min_price !== undefined) where.push(gte(products.priceMinor, filter.min_price));
  if (filter.max_price !== undefined) where.push(lte(products.priceMinor, filter.max_price));
  const match = filter.q === undefined ? undefined : ftsQuery(filter.q);
  if (filter.q !== undefined && match === undefined) return { items: [], next_cursor: null };
  const db = getDb(env.DB);
  // Searching, the matches drive (CROSS JOIN fixes the join order): a rare word stays fast however large
  // the catalog, where scanning the listing index for it would read most of the table.
  const query =
    match === undefined
      ? db.select().from(products).$dynamic()
      : db.select(getTableColumns(products)).from(productsFts).crossJoin(products).$dynamic();
  if (match !== undefined) {
    where.unshift(sql`${productsFts} MATCH ${match}`, sql`${products}.rowid = ${productsFts.rowid}`);
  }
  const page = await newestFirst(query, { time: products.createdAt, id: products.id }, where, filter, (p) => [
    p.createdAt,
    p.id,
  ]);
  const barcodes = await barcodesOf(
    env,
    page.items.map((p) => p.id),
  );
  return {
    items: page.items.map((p) => toProductView(p, barcodes.get(p.id) ?? [], staff)),
    next_cursor: page.next_cursor,
  };
}

export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export async function setProductImage(env: Env, id: string, bytes: ArrayBuffer, contentType: string) {
  await findProductAsStaff(env, id);
  const key = `products/${id}/image`;
  await env.FILES.put(key, bytes, { httpMetadata: { contentType } });
  await env.DB.prepare("UPDATE products SET image_key = ?, image_type = ?, updated_at = ? WHERE id = ?")
    .bind(key, contentType, new Date().toISOString(), id)
    .run();
  return getProductView(env, undefined, id, true);
}

export async function getProductImage(env: Env, principal: Principal | undefined, id: string) {
  const product = await findProduct(env, principal, id);
  const object = product.imageKey ? await env.FILES.get(product.imageKey) : null;
  if (!object) throw notFound("This product has no image.");
  return object;
}

// Categories

export const toCategoryView = (c: typeof categories.$inferSelect) => ({
  id: c.id,
  name: c.name,
  parent_id: c.parentId,
  created_at: c.createdAt,
});

export async function createCategory(
  env: Env,
  input: { name: string; parent_id?: string | null | undefined },
) {
  if (input.parent_id) {
    const parent = await env.DB.prepare("SELECT 1 AS one FROM categories WHERE id = ?")
      .bind(input.parent_id)
      .first();
    if (!parent)
      throw badRequest("No such parent category.", [
        { in: "body", path: "parent_id", message: "No such category" },
      ]);
  }
  try {
    const [row] = await getDb(env.DB)
      .insert(categories)
      .values({ id: newId(), name: input.name.trim(), parentId: input.parent_id ?? null })
      .returning();
    return toCategoryView(row as typeof categories.$inferSelect);
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict("A category with this name already exists under this parent.");
    throw error;
  }
}

export async function listCategories(env: Env) {
  const rows = await getDb(env.DB)
    .select()
    .from(categories)
    .orderBy(asc(categories.name), asc(categories.id));
  return rows.map(toCategoryView);
}
