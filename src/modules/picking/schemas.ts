// Pick & pack's contract: pick lists and their lines, picks and short picks, parcels and the shipment.
import { z } from "@hono/zod-openapi";
import { PICK_STATUSES } from "../../db/schema/warehouse";
import { Id } from "../../lib/openapi";
import { PageQuery } from "../../lib/pagination";

export const PickLineSchema = z
  .object({
    id: z.string(),
    position: z
      .int()
      .openapi({ description: "Its place in the walk: by bin (lines without a bin last), then SKU" }),
    order_id: z.string(),
    order_number: z.string(),
    order_line_id: z.string(),
    product_id: z.string(),
    sku: z.string(),
    name: z.string(),
    bin: z.string().nullable(),
    quantity: z.int(),
    picked: z.int(),
    short_quantity: z.int().nullable().openapi({ description: "How many were missing, when picked short" }),
    short_reason: z.string().nullable(),
    done: z.boolean().openapi({
      description: "Nothing more to pick on it: fully picked, picked short, or its order left picking",
    }),
  })
  .openapi("PickLine");

const PickListBase = z.object({
  id: z.string(),
  location_id: z.string(),
  status: z.enum(PICK_STATUSES).openapi({
    description:
      "open while a line is left to pick; picked once none is (each picked, short, or gone with its order)",
  }),
  picker_id: z.string().nullable().openapi({ description: "Who picked on it last" }),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  version: z.int(),
  counts: z.object({ lines: z.int(), done: z.int(), short: z.int() }),
});

export const PickListSummary = PickListBase.openapi("PickListSummary");

export const PickListSchema = PickListBase.extend({
  next: PickLineSchema.nullable().openapi({
    description: "The first line (by position) still to pick: where the picker is, for a device that rejoins",
  }),
  lines: z.array(PickLineSchema),
}).openapi("PickList");
export type PickListView = z.output<typeof PickListSchema>;

export const PickListQuery = PageQuery.extend({
  location_id: Id.optional(),
  status: z.enum(PICK_STATUSES).optional(),
});
export type PickListFilter = z.output<typeof PickListQuery>;

export const MakePickListsBody = z
  .strictObject({
    location_id: Id.optional().openapi({ description: "Only the lines held at this location" }),
    order_ids: z
      .array(Id)
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "Only these orders (each must be picking); left out, every order that is" }),
  })
  .openapi("MakePickLists");

export const PickListsMade = z.object({ items: z.array(PickListSchema) }).openapi("PickListsMade");

export const PickBody = z
  .strictObject({
    product_id: Id,
    quantity: z.int().min(1).max(1000).default(1),
  })
  .openapi("Pick", {
    description:
      "The item taken, by product. A scanner sends the code it read to POST /scans (action pick, pick_list_id), which resolves it and comes here.",
  });

export const ShortPickBody = z
  .strictObject({
    found: z
      .int()
      .min(0)
      .max(1_000_000)
      .openapi({ description: "How many the picker found in all (less than the line's quantity)" }),
    reason: z.string().trim().min(1).max(500).openapi({ example: "Bin empty" }),
  })
  .openapi("ShortPick");

export const PickLineParam = z.object({ id: Id, line_id: Id });

const Millimetres = z.int().min(1).max(10_000);
export const ParcelBody = z
  .strictObject({
    weight_grams: z.int().min(1).max(1_000_000),
    length_mm: Millimetres.optional(),
    width_mm: Millimetres.optional(),
    height_mm: Millimetres.optional(),
  })
  .openapi("NewParcel");

export const ParcelSchema = z
  .object({
    id: z.string(),
    order_id: z.string(),
    weight_grams: z.int(),
    length_mm: z.int().nullable(),
    width_mm: z.int().nullable(),
    height_mm: z.int().nullable(),
    packed_by: z.string(),
    packed_at: z.string(),
  })
  .openapi("Parcel");
export const ParcelList = z.object({ items: z.array(ParcelSchema) });

export const ShipmentBody = z
  .strictObject({
    carrier: z.string().trim().min(1).max(100),
    tracking_number: z.string().trim().min(1).max(100),
    tracking_url: z.url().max(500).optional(),
  })
  .openapi("Shipment");
