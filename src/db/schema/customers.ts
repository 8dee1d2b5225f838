// Customers: the businesses we sell to. Customer users are linked to one of these.
import { sql } from "drizzle-orm";
import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const customers = sqliteTable(
  "customers",
  {
    id: text("id").primaryKey(),
    company: text("company").notNull(),
    contactName: text("contact_name"),
    email: text("email"),
    phone: text("phone"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [index("customers_created_idx").on(t.createdAt, t.id), index("customers_company_idx").on(t.company)],
);
