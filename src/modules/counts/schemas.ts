// The count sessions' contract: opening one, its state (the lines as its room holds them), and posting it.
import { z } from "@hono/zod-openapi";
import { COUNT_STATUSES } from "../../db/schema/warehouse";
import { Id } from "../../lib/openapi";
import { PageQuery } from "../../lib/pagination";
import { CountLine } from "../../rooms/stock-frames";
import { MovementSchema } from "../inventory/schemas";

export const CountOpenBody = z
  .strictObject({
    location_id: Id,
    shelf: z.string().trim().min(1).max(32).optional().openapi({
      description: "Count one shelf: the products whose bin starts with this (A-03 covers A-03-1, A-03-2…)",
    }),
    category_id: Id.optional().openapi({ description: "Count one category's products" }),
    note: z.string().trim().max(500).optional(),
  })
  .openapi("CountOpen");

export const CountSessionSchema = z
  .object({
    id: z.string(),
    location_id: z.string(),
    status: z.enum(COUNT_STATUSES),
    shelf: z.string().nullable(),
    category_id: z.string().nullable(),
    note: z.string().nullable(),
    lines: z.int().openapi({ description: "How many products it covers" }),
    opened_by: z.string(),
    opened_at: z.string(),
    posted_by: z.string().nullable(),
    posted_at: z.string().nullable(),
    cancelled_at: z.string().nullable(),
  })
  .openapi("CountSession");
export type CountSessionView = z.output<typeof CountSessionSchema>;

const Totals = z.object({
  lines: z.int(),
  to_count: z.int(),
  claimed: z.int(),
  counted: z.int(),
  recount: z.int(),
  posted: z.int(),
  difference_units: z.int().openapi({ description: "Sum of counted - expected over counted lines" }),
  difference_value: z
    .array(z.object({ currency: z.string(), value_minor: z.int() }))
    .openapi({ description: "The differences at the products' prices, by currency" }),
});

export const CountReviewSchema = z
  .object({ session: CountSessionSchema, totals: Totals, lines: z.array(CountLine) })
  .openapi("CountReview");

export const CountPostResultSchema = z
  .object({
    session: CountSessionSchema,
    posted: z.array(MovementSchema).openapi({ description: "The count movements written now" }),
    recount: z
      .array(z.object({ product_id: z.string(), version_seen: z.int(), version_now: z.int() }))
      .openapi({
        description: "Counted lines whose level moved after they were counted: not posted, to count again",
      }),
  })
  .openapi("CountPosted");

export const TypedCountBody = z
  .strictObject({
    counted: z.int().min(0).max(1_000_000_000),
    op: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: "Your id for this count: sent again, it is not applied twice" }),
  })
  .openapi("CountEntry");

export const CountQuery = PageQuery.extend({
  location_id: Id.optional(),
  status: z.enum(COUNT_STATUSES).optional(),
});
