// Customers: the businesses we sell to. Customer users are linked to one of these.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export interface Address {
  /** Who receives at it, when not the customer's company (orders from shops carry the buyer's name). */
  name?: string;
  company?: string;
  phone?: string;
  line1: string;
  line2?: string;
  city: string;
  postal_code: string;
  region?: string;
  country: string;
}

export const customers = sqliteTable(
  "customers",
  {
    id: text("id").primaryKey(),
    company: text("company").notNull(),
    contactName: text("contact_name"),
    email: text("email"),
    phone: text("phone"),
    taxId: text("tax_id"),
    billingAddress: text("billing_address", { mode: "json" }).$type<Address | null>(),
    shippingAddress: text("shipping_address", { mode: "json" }).$type<Address | null>(),
    /** Credit limit in minor units of credit_currency; null means none agreed. */
    creditLimitMinor: integer("credit_limit_minor"),
    creditCurrency: text("credit_currency"),
    /** Days from an invoice to its due date; null: the shop's default (DEFAULT_TERMS_DAYS). */
    paymentTermsDays: integer("payment_terms_days"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [index("customers_created_idx").on(t.createdAt, t.id), index("customers_company_idx").on(t.company)],
);
