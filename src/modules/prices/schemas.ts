// The prices module's contract: watched items, observations recorded by hand or by other systems, prices by
// day and the forecast.
import { z } from "@hono/zod-openapi";
import { CurrencySchema, MoneySchema } from "../../lib/money";
import { Id } from "../../lib/openapi";
import { PageQuery } from "../../lib/pagination";
import { TimeZoneSchema } from "../../lib/zone";

export const ItemParam = z.object({ item: Id.openapi({ description: "The price item's id" }) });

export const ItemQuery = PageQuery.extend({
  product_id: Id.optional().openapi({ description: "Items linked to this catalog product" }),
  source: z.string().min(1).max(100).optional().openapi({ description: "Items of this source" }),
});

export const PriceItemSchema = z
  .object({
    id: z.string(),
    key: z
      .string()
      .openapi({ description: "`<source>:<the item's key there>`", example: "rival-shop:MUG-1" }),
    name: z.string(),
    product_id: z
      .string()
      .nullable()
      .openapi({ description: "The catalog product whose SKU an observation showed" }),
    url: z.string().nullable(),
    alert_below: z.number().int().nullable().openapi({
      description:
        "price.changed is announced when a price below this is recorded (minor units of its prices)",
    }),
    change_threshold_bp: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The item's own threshold; null takes the default" }),
    effective_change_threshold_bp: z.number().int().openapi({
      description:
        "A move of at least this many basis points announces price.changed (default PRICE_CHANGE_BP or 1000)",
    }),
    latest: z
      .object({ price: MoneySchema, source: z.string(), observed_at: z.string() })
      .nullable()
      .openapi({ description: "The last price recorded" }),
    created_at: z.string(),
  })
  .openapi("PriceItem");

export const ItemSettingsBody = z
  .strictObject({
    alert_below: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional().openapi({
      description: "Minor units of the item's prices; null: no alert",
      example: 1500,
    }),
    change_threshold_bp: z.number().int().min(1).max(1_000_000).nullable().optional().openapi({
      description: "Basis points (1000 = 10%); null: the default",
      example: 500,
    }),
  })
  .refine((b) => b.alert_below !== undefined || b.change_threshold_bp !== undefined, {
    message: "Give alert_below, change_threshold_bp or both",
  })
  .openapi("PriceItemSettings");

/** An observation may be up to this far ahead of the Worker's clock (clocks differ); later ones are refused. */
const FUTURE_SLACK_MS = 5 * 60_000;

export const ObservationInput = z
  .strictObject({
    source: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .openapi({ description: "Where the price was seen", example: "rival-shop" }),
    key: z.string().trim().min(1).max(300).openapi({
      description: "The item's key there (its SKU, URL or own id): with the source, it names the item",
      example: "MUG-1",
    }),
    name: z.string().trim().min(1).max(300),
    url: z.url().max(2000).nullable().optional(),
    sku: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .nullable()
      .optional()
      .openapi({ description: "A catalog SKU: the item is linked to that product" }),
    price_minor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ example: 1299 }),
    currency: CurrencySchema,
    observed_at: z.iso
      .datetime({ offset: true })
      .refine((at) => Date.parse(at) <= Date.now() + FUTURE_SLACK_MS, "Not in the future")
      .openapi({ example: "2026-11-23T09:30:00Z" }),
  })
  .openapi("PriceObservation");

export const ObservationsBody = z
  .strictObject({ observations: z.array(ObservationInput).min(1).max(1000) })
  .openapi("PriceObservations");

export const RecordedSchema = z
  .object({
    recorded: z
      .number()
      .int()
      .openapi({ description: "Prices kept: later than and different from the last" }),
    unchanged: z
      .number()
      .int()
      .openapi({ description: "The same as the item's last price from that source, or not later than it" }),
  })
  .openapi("PricesRecorded");

const LocalDate = z.iso.date().openapi({ example: "2026-11-23" });
const TimeZone = TimeZoneSchema.optional().openapi({
  description: "IANA time zone of the days; the shop's (SHOP_TIME_ZONE, else UTC) when left out",
});

/** Longest range one history answers. */
export const MAX_HISTORY_DAYS = 366;

export const HistoryQuery = z
  .object({
    from: LocalDate.optional().openapi({ description: "First day; 89 days before `to` when left out" }),
    to: LocalDate.optional().openapi({ description: "Last day; today in the time zone when left out" }),
    tz: TimeZone,
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: "`from` is not after `to`",
    path: ["to"],
  })
  .refine(
    (q) =>
      q.from === undefined ||
      q.to === undefined ||
      Date.parse(q.to) - Date.parse(q.from) < MAX_HISTORY_DAYS * 86_400_000,
    { message: `At most ${MAX_HISTORY_DAYS} days in one history`, path: ["to"] },
  );

export const ForecastQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(90)
    .default(14)
    .openapi({ description: "Days ahead", example: 14 }),
  to: LocalDate.optional().openapi({
    description: "As of this day (the series' last day); today in the time zone when left out",
  }),
  tz: TimeZone,
});

export const PriceDaySchema = z
  .object({
    date: z.string(),
    open: MoneySchema.openapi({ description: "The price in force at the day's start, or its first" }),
    low: MoneySchema,
    high: MoneySchema,
    close: MoneySchema,
    observations: z.number().int().openapi({ description: "Prices recorded that day" }),
    carried_forward: z.boolean().openapi({ description: "No observation that day: the price before it" }),
  })
  .openapi("PriceDay");

export const PriceHistorySchema = z
  .object({
    item_id: z.string(),
    time_zone: z.string(),
    from: z.string(),
    to: z.string(),
    currency: z.string().nullable(),
    note: z.string().openapi({ description: "How the days are made, in words" }),
    other_currency_observations: z
      .number()
      .int()
      .openapi({ description: "Prices in another currency than the latest, left out" }),
    days: z.array(PriceDaySchema),
  })
  .openapi("PriceHistory");

export const PriceForecastSchema = z
  .object({
    item_id: z.string(),
    as_of: z.string(),
    time_zone: z.string(),
    horizon_days: z.number().int(),
    status: z.enum(["forecast", "cannot_forecast"]),
    message: z.string().nullable().openapi({ example: "cannot forecast: 2 points; at least 3 are needed" }),
    points: z.number().int().openapi({ description: "Days in the fitted series" }),
    needed: z.number().int().openapi({ description: "The fewest days a forecast is made from" }),
    currency: z.string().nullable(),
    method: z.string().openapi({ description: "What was fitted on which days, and what the interval means" }),
    last: z.object({ date: z.string(), close: MoneySchema }).nullable(),
    moving_averages: z.array(z.object({ days: z.number().int(), value: MoneySchema })),
    changes: z.array(
      z.object({
        days: z.number().int(),
        since: z.string(),
        from: MoneySchema,
        amount: MoneySchema,
        percent: z.number().nullable(),
      }),
    ),
    fit: z
      .object({
        from: z.string(),
        to: z.string(),
        points: z.number().int(),
        intercept: z.number().openapi({ description: "The line on `from` (t = 0), minor units" }),
        slope_per_day: z.number().openapi({ description: "Minor units per day" }),
        residual_standard_error: z.number(),
        degrees_of_freedom: z.number().int(),
        t_quantile: z.number(),
        r_squared: z.number().nullable(),
        fitted_last: MoneySchema,
      })
      .nullable(),
    forecast: z.array(
      z.object({
        date: z.string(),
        t: z.number().int(),
        expected: MoneySchema,
        lower: MoneySchema,
        upper: MoneySchema,
      }),
    ),
  })
  .openapi("PriceForecast");
