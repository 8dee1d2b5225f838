// The shop itself, as its documents print it: the sender of its parcels and the seller on its invoices.
import { sql } from "drizzle-orm";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Address } from "./customers";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/** One row, id "shop". */
export const shopProfile = sqliteTable("shop_profile", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  legalName: text("legal_name"),
  address: text("address", { mode: "json" }).$type<Address | null>(),
  taxId: text("tax_id"),
  email: text("email"),
  phone: text("phone"),
  updatedBy: text("updated_by"),
  updatedAt: text("updated_at").notNull().default(now),
});
