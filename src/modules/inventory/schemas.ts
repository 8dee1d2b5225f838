// The stock module's contract: request bodies and the shapes of levels, movements and locations.
import { z } from "@hono/zod-openapi";
import { MOVEMENT_KINDS } from "../../db/schema/inventory";
import { Id } from "../../lib/openapi";
import { PageQuery } from "../../lib/pagination";

export const Quantity = z.number().int().min(1).max(1_000_000);
const Reason = z.string().trim().max(500).optional();

export const LocationSchema = z
  .object({ id: z.string(), name: z.string(), kind: z.enum(["warehouse", "shop"]), created_at: z.string() })
  .openapi("Location");

export const LevelSchema = z
  .object({
    product_id: z.string(),
    location_id: z.string(),
    on_hand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
    version: z.number().int(),
    low_stock_threshold: z.number().int().nullable(),
    bin: z
      .string()
      .nullable()
      .openapi({ description: "Where the product sits at this location, e.g. A-03-2" }),
    updated_at: z.string(),
  })
  .openapi("StockLevel");
export type LevelView = z.output<typeof LevelSchema>;

export const MovementSchema = z
  .object({
    id: z.string(),
    product_id: z.string(),
    location_id: z.string(),
    kind: z.enum(MOVEMENT_KINDS),
    quantity: z.number().int().openapi({ description: "Change of on_hand" }),
    reserved_delta: z.number().int().openapi({ description: "Change of reserved" }),
    actor_id: z.string().nullable(),
    reason: z.string().nullable(),
    reference_type: z.string().nullable(),
    reference_id: z.string().nullable(),
    transfer_id: z.string().nullable(),
    created_at: z.string(),
    seq: z.number().int().openapi({
      description: "Its place in its location's stream (1, 2, 3… in the order written); rooms resume by it",
    }),
  })
  .openapi("StockMovement");
export type MovementView = z.output<typeof MovementSchema>;

export const MoveResultSchema = z
  .object({ movement: MovementSchema, level: LevelSchema })
  .openapi("StockChange");

export const TransferResultSchema = z
  .object({ transfer_id: z.string(), movements: z.array(MovementSchema), from: LevelSchema, to: LevelSchema })
  .openapi("StockTransferResult");

export const StockQuery = PageQuery.extend({ product_id: Id.optional(), location_id: Id.optional() });
/** Filters of the level and movement lists. */
export type StockFilter = z.output<typeof StockQuery>;

export const LocationBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(["warehouse", "shop"]),
});

export const ThresholdBody = z.strictObject({
  low_stock_threshold: z.number().int().min(0).max(1_000_000_000).nullable(),
});

export const BinBody = z.strictObject({
  bin: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$/,
      "A bin is 1 to 32 letters, digits, dots, dashes or slashes, e.g. A-03-2",
    )
    .nullable(),
});

export const AdjustBody = z
  .strictObject({
    product_id: Id,
    location_id: Id,
    delta: z.number().int().min(-1_000_000).max(1_000_000),
    kind: z.enum(["adjust", "receive", "damage"]).default("adjust"),
    reason: Reason,
  })
  .openapi("StockAdjustment");

export const CountBody = z
  .strictObject({
    product_id: Id,
    location_id: Id,
    counted: z.number().int().min(0).max(1_000_000_000),
    expected_version: z
      .number()
      .int()
      .min(0)
      .openapi({ description: "The level's version when it was counted" }),
    reason: Reason,
  })
  .openapi("StockCount");

export const ReservationBody = z
  .strictObject({
    product_id: Id,
    location_id: Id,
    quantity: Quantity,
    reference_type: z.string().trim().min(1).max(30).default("manual"),
    reference_id: z.string().trim().max(100).optional(),
    reason: Reason,
  })
  .openapi("StockReservation");

export const TransferBody = z
  .strictObject({
    product_id: Id,
    from_location_id: Id,
    to_location_id: Id,
    quantity: Quantity,
    reason: Reason,
  })
  .openapi("StockTransfer");
