// Identity tables: who may sign in, and with what role.
import { sql } from "drizzle-orm";
import { sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const ROLES = ["admin", "manager", "staff", "vendor", "customer"] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Stored lower-cased; unique. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    /** Set for customer users: the customer whose records they may see. */
    customerId: text("customer_id"),
    /** JSON array of module names narrowing the role's defaults; null means the role's full set. */
    allowedModules: text("allowed_modules", { mode: "json" }).$type<string[] | null>(),
    /** Versioned: "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>". */
    passwordHash: text("password_hash").notNull(),
    status: text("status", { enum: ["active", "disabled"] })
      .notNull()
      .default("active"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("users_email_uq").on(t.email)],
);
