// Stock: locations, levels per product and location, and the append-only movement ledger they sum.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const locations = sqliteTable("locations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["warehouse", "shop"] }).notNull(),
  createdAt: text("created_at").notNull().default(now),
});

/** on_hand and reserved always equal the sums of their movements; available = on_hand - reserved. */
export const stockLevels = sqliteTable(
  "stock_levels",
  {
    productId: text("product_id").notNull(),
    locationId: text("location_id").notNull(),
    onHand: integer("on_hand").notNull().default(0),
    reserved: integer("reserved").notNull().default(0),
    /** Bumped by every change: an absolute count must name the version its counter saw. */
    version: integer("version").notNull().default(0),
    lowStockThreshold: integer("low_stock_threshold"),
    /** Where the product sits at this location ("A-03-2"): pick lists walk bins in order, counts take a shelf. */
    bin: text("bin"),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.locationId] }),
    index("stock_levels_location_idx").on(t.locationId),
    index("stock_levels_location_bin_idx").on(t.locationId, t.bin),
  ],
);

export const MOVEMENT_KINDS = [
  "receive",
  "sale",
  "reserve",
  "release",
  "adjust",
  "count",
  "transfer",
  "damage",
] as const;

export const stockMovements = sqliteTable(
  "stock_movements",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull(),
    locationId: text("location_id").notNull(),
    kind: text("kind", { enum: MOVEMENT_KINDS }).notNull(),
    /** Change of on_hand (signed). */
    quantity: integer("quantity").notNull(),
    /** Change of reserved (signed). */
    reservedDelta: integer("reserved_delta").notNull().default(0),
    actorId: text("actor_id"),
    reason: text("reason"),
    referenceType: text("reference_type"),
    referenceId: text("reference_id"),
    /** Both legs of a transfer share it. */
    transferId: text("transfer_id"),
    createdAt: text("created_at").notNull().default(now),
    /**
     * The movement's place in its location's stream, 1, 2, 3… in the order written (given in the insert, inside
     * the batch, so a rolled-back batch uses none): the location's room pushes by it and clients resume by it.
     */
    seq: integer("seq").notNull().default(0),
  },
  (t) => [
    uniqueIndex("stock_movements_location_seq_uq").on(t.locationId, t.seq),
    index("stock_movements_level_idx").on(t.productId, t.locationId, t.createdAt, t.id),
    index("stock_movements_reference_idx").on(t.referenceType, t.referenceId),
    index("stock_movements_created_idx").on(t.createdAt, t.id),
  ],
);
