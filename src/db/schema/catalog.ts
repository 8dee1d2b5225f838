// The catalog: categories, products (money in minor units), barcodes. Full-text search lives in the
// products_fts FTS5 table kept by triggers (migrations/*_catalog_search.sql).
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const categories = sqliteTable(
  "categories",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    parentId: text("parent_id"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [
    index("categories_parent_idx").on(t.parentId),
    uniqueIndex("categories_name_parent_uq").on(t.parentId, t.name),
  ],
);

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    categoryId: text("category_id"),
    /** Price in minor units of `currency` (cents for EUR, yen for JPY). Never a float. */
    priceMinor: integer("price_minor").notNull(),
    currency: text("currency").notNull(),
    /** Tax rate in basis points: 1900 is 19 %. */
    taxRateBp: integer("tax_rate_bp").notNull().default(0),
    unit: text("unit").notNull().default("piece"),
    attributes: text("attributes", { mode: "json" })
      .$type<Record<string, string | number | boolean>>()
      .notNull(),
    imageKey: text("image_key"),
    imageType: text("image_type"),
    status: text("status", { enum: ["draft", "published"] })
      .notNull()
      .default("draft"),
    publishedAt: text("published_at"),
    allowBackorder: integer("allow_backorder", { mode: "boolean" }).notNull().default(false),
    deletedAt: text("deleted_at"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("products_sku_uq").on(t.sku),
    index("products_listing_idx").on(t.status, t.deletedAt, t.createdAt, t.id),
    index("products_category_idx").on(t.categoryId, t.status, t.createdAt, t.id),
    index("products_created_idx").on(t.createdAt, t.id),
  ],
);

export const productBarcodes = sqliteTable(
  "product_barcodes",
  {
    barcode: text("barcode").notNull(),
    productId: text("product_id").notNull(),
    kind: text("kind", { enum: ["ean13", "upca", "internal"] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.barcode] }), index("product_barcodes_product_idx").on(t.productId)],
);
