// Carts: one open cart per customer user, its lines and their ranked substitutes.
import { sql } from "drizzle-orm";
import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const carts = sqliteTable(
  "carts",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    customerId: text("customer_id").notNull(),
    status: text("status", { enum: ["open", "ordered"] })
      .notNull()
      .default("open"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  // One open cart per customer user.
  (t) => [uniqueIndex("carts_open_user_uq").on(t.userId).where(sql`status = 'open'`)],
);

export const cartLines = sqliteTable(
  "cart_lines",
  {
    cartId: text("cart_id").notNull(),
    productId: text("product_id").notNull(),
    quantity: integer("quantity").notNull(),
    /** Up to two product ids, in the customer's order of preference. */
    substitutes: text("substitutes", { mode: "json" }).$type<string[]>().notNull(),
    addedAt: text("added_at").notNull().default(now),
  },
  (t) => [uniqueIndex("cart_lines_uq").on(t.cartId, t.productId)],
);
