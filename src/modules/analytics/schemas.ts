// What the analytics reports take and answer: one query shape for every report, one envelope, a row per report.
import { z } from "@hono/zod-openapi";
import { INGEST_DOORS } from "../../db/schema/ingest";
import { ORDER_KINDS, ORDER_STATUSES } from "../../db/schema/orders";
import { CurrencySchema, MoneySchema } from "../../lib/money";
import { TimeZoneSchema } from "../../lib/zone";
import { PERIODS } from "./buckets";

const LocalDate = z.iso.date().openapi({ example: "2026-03-29" });

export const ReportQuery = z.object({
  from: LocalDate.openapi({ description: "First local date, inclusive" }),
  to: LocalDate.openapi({ description: "Last local date, inclusive" }),
  tz: TimeZoneSchema.optional().openapi({
    description: "IANA time zone; the shop's (SHOP_TIME_ZONE) by default",
  }),
  by: z.enum(PERIODS).default("day").openapi({ description: "Local days, ISO weeks (Monday) or months" }),
  source: z.string().max(50).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, "ISO 3166-1 alpha-2, e.g. DE")
    .optional()
    .openapi({ description: "The shipping address's country" }),
  currency: CurrencySchema.optional(),
  kind: z
    .enum(ORDER_KINDS)
    .default("sale")
    .openapi({ description: "Sales by default; purchases on request" }),
  limit: z.coerce.number().int().min(1).max(100).default(10).openapi({ description: "Length of top lists" }),
  format: z.enum(["json", "csv"]).optional().openapi({ description: "csv, or send Accept: text/csv" }),
});
export type ReportQuery = z.output<typeof ReportQuery>;

const BucketSchema = z.object({ label: z.string(), start: z.string(), end: z.string() });

/** Every report: its range, zone, period, filters and the buckets (UTC instants), then its rows. */
export const reportOf = <T extends z.ZodType>(row: T, name: string) =>
  z
    .object({
      from: z.string(),
      to: z.string(),
      time_zone: z.string(),
      by: z.enum(PERIODS),
      filters: z.record(z.string(), z.string()),
      rule: z.string().openapi({ description: "How the figures are counted" }),
      buckets: z.array(BucketSchema),
      items: z.array(row),
    })
    .openapi(name);

const Rate = z
  .number()
  .nullable()
  .openapi({ description: "0..1, four decimals; null when nothing to divide by" });
const Hours = z.number().nullable().openapi({ description: "Hours, two decimals; null when none" });

export const SalesRow = z.object({
  bucket: z.string(),
  currency: z.string(),
  orders: z.number().int(),
  cancelled: z.number().int(),
  revenue: MoneySchema,
  average_order_value: MoneySchema.nullable(),
});
export const StatusRow = z.object({
  bucket: z.string(),
  status: z.enum(ORDER_STATUSES),
  orders: z.number().int(),
});
export const FulfilmentRow = z.object({
  bucket: z.string(),
  shipped: z.number().int(),
  to_ship_hours_median: Hours,
  to_ship_hours_avg: Hours,
  delivered: z.number().int(),
  to_deliver_hours_median: Hours,
  to_deliver_hours_avg: Hours,
});
export const ConversionRow = z.object({
  bucket: z.string(),
  carts_created: z.number().int(),
  carts_ordered: z.number().int(),
  conversion_rate: Rate,
});
export const ClaimRow = z.object({
  bucket: z.string(),
  delivered: z.number().int(),
  claimed: z.number().int(),
  claim_rate: Rate,
});
export const TopProductRow = z.object({
  list: z.enum(["by_quantity", "by_revenue"]),
  rank: z.number().int(),
  sku: z.string(),
  product_id: z.string().nullable(),
  name: z.string(),
  currency: z.string(),
  quantity: z.number().int(),
  revenue: MoneySchema,
});
export const CustomerRow = z.object({
  rank: z.number().int(),
  customer_id: z.string(),
  company: z.string().nullable(),
  currency: z.string(),
  orders: z.number().int(),
  revenue: MoneySchema,
});
export const AttendanceRow = z.object({
  bucket: z.string(),
  employee_id: z.string(),
  employee_code: z.string(),
  employee_name: z.string(),
  minutes: z.number().int(),
  hours: z.number(),
});
export const IngestionRow = z.object({
  bucket: z.string(),
  door: z.enum(INGEST_DOORS),
  received: z.number().int(),
  refused: z.number().int(),
  duplicate: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
});

export const ProductsReport = reportOf(TopProductRow, "AnalyticsProducts").extend({
  catalog: z.object({ draft: z.number().int(), published: z.number().int() }),
});

export const StockValueQuery = z.object({
  currency: CurrencySchema.optional(),
  format: z.enum(["json", "csv"]).optional(),
});
export const StockValueRow = z.object({
  location_id: z.string(),
  location_name: z.string().nullable(),
  currency: z.string(),
  products: z.number().int(),
  units: z.number().int(),
  value: MoneySchema,
});
export const StockValueReport = z
  .object({
    basis: z.literal("list_price"),
    rule: z.string(),
    items: z.array(StockValueRow),
    totals: z.array(z.object({ currency: z.string(), units: z.number().int(), value: MoneySchema })),
  })
  .openapi("AnalyticsStockValue");

export const KhataQuery = z.object({
  currency: CurrencySchema.optional(),
  min_balance: z.coerce
    .number()
    .int()
    .optional()
    .openapi({ description: "Minor units; balances below are left out" }),
  sort: z.enum(["balance", "oldest_debt"]).default("balance"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(64).optional(),
  format: z.enum(["json", "csv"]).optional(),
});
export type KhataQuery = z.output<typeof KhataQuery>;

const Aging = z.object({
  "0-30": MoneySchema,
  "31-60": MoneySchema,
  "61-90": MoneySchema,
  over_90: MoneySchema,
});
export const KhataRow = z.object({
  customer_id: z.string(),
  company: z.string().nullable(),
  currency: z.string(),
  balance: MoneySchema,
  aging: Aging,
});
export const KhataReport = z
  .object({
    as_of: z.string(),
    items: z.array(KhataRow),
    next_cursor: z.string().nullable(),
    totals: z.array(
      z.object({ currency: z.string(), customers: z.number().int(), balance: MoneySchema, aging: Aging }),
    ),
  })
  .openapi("AnalyticsKhata");
