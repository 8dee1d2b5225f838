// The orders module's contract: the order and its lines, events, chat messages, dashboards, and the one
// OrderIntake every door normalizes what it received into.
import { z } from "@hono/zod-openapi";
import { LINE_FILLS, ORDER_KINDS, ORDER_STATUSES, PAYMENT_STATUSES } from "../../db/schema/orders";
import { AddressSchema } from "../../lib/address";
import { CurrencySchema, MinorAmount, MoneySchema } from "../../lib/money";
import { Id } from "../../lib/openapi";
import { PageQuery } from "../../lib/pagination";
import { plausibleInstant } from "../../lib/time";
import { TimeZoneSchema } from "../../lib/zone";

export const StatusEnum = z.enum(ORDER_STATUSES);

const LineSchema = z.object({
  id: z.string(),
  line_no: z.number().int(),
  product_id: z.string().nullable(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  unit_price: MoneySchema,
  tax_rate_bp: z.number().int(),
  line_total: MoneySchema,
  fill: z.enum(LINE_FILLS),
  risk_reason: z.string().nullable(),
  substitutes: z.array(z.string()),
  replaced_product_id: z.string().nullable(),
  location_id: z.string().nullable().optional(),
  reserved: z.number().int().optional(),
});

export const BuyerSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    email: z.email().max(254).optional(),
    phone: z.string().trim().min(1).max(50).optional(),
  })
  .openapi("Buyer");

const OrderBase = z.object({
  id: z.string(),
  number: z.string().openapi({ example: "R-2026-000123" }),
  kind: z.enum(ORDER_KINDS),
  status: StatusEnum,
  allowed_transitions: z.array(StatusEnum),
  source: z.string(),
  external_ref: z.string().nullable(),
  customer_id: z.string().nullable(),
  merchant: z.string().nullable(),
  buyer: z.object({
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  shipping_address: AddressSchema.nullable(),
  billing_address: AddressSchema.nullable(),
  currency: z.string(),
  totals: z.object({
    subtotal: MoneySchema,
    tax: MoneySchema,
    shipping: MoneySchema,
    discount: MoneySchema,
    total: MoneySchema,
  }),
  payment_status: z.enum(PAYMENT_STATUSES),
  tracking: z.object({
    carrier: z.string().nullable(),
    number: z.string().nullable(),
    url: z.string().nullable(),
  }),
  notes: z.string().nullable(),
  staff_notes: z.string().nullable().optional(),
  reached: z.record(z.string(), z.string().nullable()),
  version: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const OrderSchema = OrderBase.extend({ lines: z.array(LineSchema) }).openapi("Order");
export const OrderSummary = OrderBase.openapi("OrderSummary");

export const EventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    from_status: z.string().nullable(),
    to_status: z.string().nullable(),
    source: z.string(),
    actor_id: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.string(),
  })
  .openapi("OrderEvent");

export const MessageSchema = z
  .object({
    id: z.string(),
    author: z.object({ id: z.string(), name: z.string(), role: z.string() }),
    body: z.string(),
    at: z.string(),
  })
  .openapi("OrderMessage");

const StatusCounts = z.record(StatusEnum, z.number().int()).openapi("OrderStatusCounts");
const DashboardOrder = z.object({
  id: z.string(),
  number: z.string(),
  status: StatusEnum,
  total: MoneySchema,
  placed_at: z.string(),
});
export const DashboardSchema = z
  .discriminatedUnion("view", [
    z
      .object({
        view: z.literal("customer"),
        counts: StatusCounts,
        in_progress: z.array(DashboardOrder),
        needs_your_action: z.array(DashboardOrder),
        recent: z.array(DashboardOrder),
      })
      .openapi("CustomerDashboard"),
    z
      .object({
        view: z.literal("staff"),
        time_zone: z.string(),
        today_since: z.string().openapi({ description: "Start of today in `time_zone`, as UTC" }),
        today_orders: z.number().int().openapi({ description: "Sales placed today" }),
        today_revenue: z
          .array(MoneySchema)
          .optional()
          .openapi({ description: "Today's sales not cancelled, per currency (not shown to vendors)" }),
        today_purchases: z.number().int().openapi({ description: "Purchases placed today" }),
        counts: z.object({ sale: StatusCounts, purchase: StatusCounts }),
        low_stock: z
          .object({
            count: z.number().int().openapi({ description: "Levels at or below their low-stock threshold" }),
            lowest: z.array(
              z.object({
                product_id: z.string(),
                sku: z.string(),
                name: z.string(),
                location_id: z.string(),
                available: z.number().int(),
                threshold: z.number().int(),
              }),
            ),
          })
          .optional()
          .openapi({
            description: "For those who may read stock: the lowest ten, furthest below their threshold first",
          }),
      })
      .openapi("StaffDashboard"),
  ])
  .openapi("OrderDashboard");

export const IntakeResultSchema = z
  .object({
    outcome: z.enum(["created", "updated", "unchanged"]),
    order: OrderSchema,
    changes: z.array(z.string()),
  })
  .openapi("IntakeResult");

export const OrderListQuery = PageQuery.extend({
  status: StatusEnum.optional(),
  kind: z.enum(ORDER_KINDS).optional(),
  source: z.string().max(50).optional(),
  customer_id: Id.optional(),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: "placed_at at or after" }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: "placed_at before" }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: "Number, external ref, customer or merchant" }),
});
export type OrderFilter = z.output<typeof OrderListQuery>;

export const LineParam = z.object({ id: Id, line_id: Id });
export const EventList = z.object({ items: z.array(EventSchema) });
export const MessageList = z.object({ items: z.array(MessageSchema) });
export const DashboardQuery = z.object({
  tz: TimeZoneSchema.default("UTC").openapi({ description: "IANA time zone for 'today'" }),
});

export const FromCartBody = z.strictObject({ notes: z.string().max(2000).optional() }).openapi("FromCart");

export const OrderPatchSchema = z
  .strictObject({
    notes: z.string().max(2000).nullable().optional(),
    staff_notes: z.string().max(2000).nullable().optional(),
    payment_status: z.enum(PAYMENT_STATUSES).optional(),
    tracking: z
      .strictObject({
        carrier: z.string().max(50).nullable().optional(),
        number: z.string().max(100).nullable().optional(),
        url: z.url().max(500).nullable().optional(),
      })
      .optional(),
  })
  .openapi("OrderPatch");
export type OrderPatch = z.output<typeof OrderPatchSchema>;

export const TransitionBody = z.strictObject({ to: StatusEnum, note: z.string().max(1000).optional() });
export const SubstituteBody = z.strictObject({ product_id: Id });
export const MessageBody = z.strictObject({ body: z.string().min(1).max(4000) });

export const OrderIntakeSchema = z
  .strictObject({
    source: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .regex(/^[a-z0-9][a-z0-9:._-]*$/, "Lower-case letters, digits and : . _ -")
      .openapi({ example: "shopify" }),
    external_ref: z.string().trim().min(1).max(200).openapi({ example: "#1042" }),
    kind: z.enum(ORDER_KINDS).default("sale"),
    customer_id: z.string().min(1).max(64).optional(),
    merchant: z
      .string()
      .trim()
      .max(200)
      .optional()
      .openapi({ description: "For purchases: who we bought from" }),
    currency: CurrencySchema.optional().openapi({ description: "Needed to create an order" }),
    buyer: BuyerSchema.optional(),
    shipping_address: AddressSchema.optional(),
    billing_address: AddressSchema.optional(),
    lines: z
      .array(
        z.strictObject({
          product_id: z.string().min(1).max(64).optional(),
          sku: z.string().trim().min(1).max(64),
          name: z.string().trim().min(1).max(200),
          quantity: z.number().int().min(1).max(1_000_000),
          unit_price: MinorAmount.min(0).openapi({ description: "Minor units" }),
          tax_rate_bp: z.number().int().min(0).max(10_000).default(0),
        }),
      )
      .min(1)
      .max(200)
      .optional()
      .openapi({
        description:
          "Needed to create an order; left out, an update keeps the order's lines (a shipping notice, a cancellation)",
      }),
    shipping: MinorAmount.min(0).default(0),
    discount: MinorAmount.min(0).default(0),
    status: StatusEnum.optional().openapi({ description: "Where the sender says the order is now" }),
    payment_status: z.enum(PAYMENT_STATUSES).optional(),
    tracking: z
      .strictObject({
        carrier: z.string().trim().max(50).optional(),
        number: z.string().trim().max(100).optional(),
        url: z.url().max(500).optional(),
      })
      .optional(),
    notes: z.string().max(2000).optional(),
    placed_at: z.iso
      .datetime({ offset: true })
      .refine((at) => plausibleInstant(at), "A time between 2000-01-01 and one day from now")
      .optional()
      .openapi({ description: "When the buyer placed it; defaults to when ROMS received it" }),
  })
  .refine((intake) => intake.lines === undefined || intake.currency !== undefined, {
    path: ["currency"],
    message: "Lines come with their currency",
  })
  .openapi("OrderIntake");

export type OrderIntake = z.output<typeof OrderIntakeSchema>;
/** What a door's parser produces, before the schema checks it and fills defaults. */
export type OrderIntakeInput = z.input<typeof OrderIntakeSchema>;
