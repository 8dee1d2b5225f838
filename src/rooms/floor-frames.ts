// Work on a location's floor besides moving stock — counts opened and posted, picking and packing — as the
// services that do it tell the location's room (and, for picking and packing, each order's room).
import { z } from "@hono/zod-openapi";
import { doc } from "./frame-docs";

export const CountOpened = doc(
  z.strictObject({ type: z.literal("count_opened"), count_session_id: z.string() }),
  "A count of this location (or a shelf or category of it) was opened: join its room to count.",
  "CountOpenedEvent",
);
export const CountPosted = doc(
  z.strictObject({
    type: z.literal("count_posted"),
    count_session_id: z.string(),
    posted: doc(z.int(), "Count movements written (they follow as `movement` frames)."),
    recount: doc(z.int(), "Counted lines refused because their level moved since: to count again."),
  }),
  "A manager posted a count's differences.",
  "CountPostedEvent",
);

export const PickListChanged = doc(
  z.strictObject({
    type: z.literal("pick_list"),
    pick_list_id: z.string(),
    order_id: doc(z.string().optional(), "In an order's room: the order whose lines the list holds."),
    status: z.enum(["open", "picked", "cancelled"]),
  }),
  "A pick list was made (open) or has nothing left to pick (picked).",
  "PickListEvent",
);
export const Picked = doc(
  z.strictObject({
    type: z.literal("pick"),
    pick_list_id: z.string(),
    line_id: z.string(),
    order_id: z.string(),
    product_id: z.string(),
    picked: doc(z.int(), "Picked of the line so far."),
    quantity: doc(z.int(), "What the line asks for."),
    scan_id: z.string().nullable(),
  }),
  "An item was picked and checked against the list.",
  "PickEvent",
);
export const ShortPicked = doc(
  z.strictObject({
    type: z.literal("short_pick"),
    pick_list_id: z.string(),
    line_id: z.string(),
    order_id: z.string(),
    product_id: z.string(),
    sku: z.string(),
    found: z.int(),
    missing: z.int(),
    reason: z.string(),
  }),
  "A line was picked short: its order goes under risk with the reason (a `status` event follows in its room).",
  "ShortPickEvent",
);
export const Packed = doc(
  z.strictObject({ type: z.literal("packed"), order_id: z.string(), parcel_id: z.string() }),
  "A parcel of the order was packed.",
  "PackedEvent",
);

export const PickingEvent = z.union([PickListChanged, Picked, ShortPicked, Packed]);
export const FloorEvent = z.union([CountOpened, CountPosted, PickListChanged, Picked, ShortPicked, Packed]);
