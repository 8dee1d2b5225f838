// Stored answers of idempotent requests (Idempotency-Key).
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/** A request sent again with the same Idempotency-Key gets the first answer back. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** principal id + ":" + the client's key. */
    key: text("key").primaryKey(),
    route: text("route").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    body: text("body").notNull(),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("idempotency_keys_created_idx").on(t.createdAt)],
);
