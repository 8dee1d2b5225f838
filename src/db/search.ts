// The FTS5 tables behind search, declared for queries only: custom migrations create them and triggers keep
// them (migrations/0003_catalog_search.sql, 0005_orders_search.sql), so they live outside db/schema, which
// drizzle-kit generates tables from.
import { integer, sqliteTable } from "drizzle-orm/sqlite-core";

export const productsFts = sqliteTable("products_fts", { rowid: integer("rowid").notNull() });
export const ordersFts = sqliteTable("orders_fts", { rowid: integer("rowid").notNull() });
