// The scans' contract: a code read in a context, what it names, what may be done with it, and the log.
import { z } from "@hono/zod-openapi";
import { SCAN_ACTIONS, SCAN_OUTCOMES, SCAN_TARGETS } from "../../db/schema/warehouse";
import { Id } from "../../lib/openapi";
import { PageQuery } from "../../lib/pagination";

export const ScanBody = z
  .strictObject({
    code: z.string().trim().min(1).max(128).openapi({ example: "4006381333931" }),
    count_session_id: Id.optional().openapi({ description: "Scanning into this open count: `count` adds 1" }),
    pick_list_id: Id.optional().openapi({
      description: "Picking this list: `pick` verifies and picks the item",
    }),
    location_id: Id.optional().openapi({
      description: "Standing at this location: `receive` adds stock here",
    }),
    action: z.enum(SCAN_ACTIONS).optional().openapi({
      description: "What to do with it; without one the code is only resolved, with the actions allowed",
    }),
    quantity: z.int().min(1).max(10_000).default(1).openapi({ description: "For receive and pick" }),
    scan_id: z.string().min(1).max(128).optional().openapi({
      description:
        "The scanner's own id for this read: sent again, it answers as the first time and does nothing more",
    }),
  })
  .openapi("ScanRequest");
export type ScanInput = z.output<typeof ScanBody>;

export const TargetSchema = z
  .object({
    kind: z.enum(SCAN_TARGETS),
    id: z.string(),
    label: z
      .string()
      .openapi({ description: "What to show: SKU and name, order number, location name and bin" }),
  })
  .catchall(z.unknown())
  .openapi("ScanTarget", {
    description:
      "A product (`via` barcode or sku, `sku`, `name`), an order (`status`), a pick list (`location_id`, `status`), a location, or a bin (`location_id`, `bin`).",
  });

export const ScanAnswerSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    target: TargetSchema,
    actions: z.array(z.enum(SCAN_ACTIONS)).openapi({ description: "What this code allows here and now" }),
    action: z.enum(SCAN_ACTIONS),
    result: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "What the action did: the count line, the stock change, the pick list" }),
  })
  .openapi("ScanAnswer");
export type ScanAnswer = z.output<typeof ScanAnswerSchema>;

export const ScanLogSchema = z
  .object({
    id: z.string(),
    actor_id: z.string(),
    code: z.string(),
    reader: z.string().nullable(),
    count_session_id: z.string().nullable(),
    pick_list_id: z.string().nullable(),
    location_id: z.string().nullable(),
    target: TargetSchema.nullable(),
    action: z.enum(SCAN_ACTIONS),
    outcome: z.enum(SCAN_OUTCOMES),
    detail: z.string().nullable(),
    scanned_at: z.string(),
  })
  .openapi("Scan");

export const ScanQuery = PageQuery.extend({
  actor_id: Id.optional().openapi({ description: "The user or device that scanned" }),
  device_id: Id.optional().openapi({ description: "Alias of actor_id for devices" }),
  count_session_id: Id.optional(),
  pick_list_id: Id.optional(),
  outcome: z.enum(SCAN_OUTCOMES).optional(),
});
