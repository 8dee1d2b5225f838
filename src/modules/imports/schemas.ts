// The imports module's contract: a format's column mapping, an import job with its progress, the preview.
import { z } from "@hono/zod-openapi";
import { ORDER_STATUSES, PAYMENT_STATUSES } from "../../db/schema/orders";
import { CurrencySchema } from "../../lib/money";
import { PageQuery } from "../../lib/pagination";
import { TimeZoneSchema } from "../../lib/zone";

export const DATE_FORMATS = [
  "YYYY-MM-DD",
  "DD.MM.YYYY",
  "DD/MM/YYYY",
  "MM/DD/YYYY",
  "DD-MM-YYYY",
  "YYYY/MM/DD",
] as const;

const column = z.string().trim().min(1).max(100);

export const ColumnsSchema = z
  .strictObject({
    order_ref: column.optional().openapi({
      description:
        "The order's id in the export. Rows with the same value are one order with several lines: they must be adjacent in the file. Without it each row is an order of its own, its external ref a hash of the row.",
    }),
    date: column.openapi({ description: "The sale's date, optionally with its time (HH:MM[:SS])" }),
    time: column.optional().openapi({ description: "The time of day, when the export keeps it apart" }),
    country: column.optional().openapi({ description: "ISO 3166-1 alpha-2, e.g. DE" }),
    currency: column.optional(),
    sku: column,
    name: column.optional().openapi({ description: "The product's name; the SKU when left out" }),
    quantity: column.optional().openapi({ description: "Whole units; 1 when left out" }),
    unit_price: column.optional().openapi({ description: "Net price of one unit" }),
    line_total: column
      .optional()
      .openapi({ description: "Net price of the line, when the export has no unit price" }),
    tax_rate: column.optional().openapi({ description: "Percent, e.g. 19 or 7,5" }),
    buyer_name: column.optional(),
    buyer_email: column.optional(),
    status: column.optional().openapi({ description: "The sale's status as the export says it" }),
    address_line1: column.optional(),
    city: column.optional(),
    postal_code: column.optional(),
  })
  .refine((c) => c.unit_price !== undefined || c.line_total !== undefined, {
    path: ["unit_price"],
    message: "Name the unit_price or the line_total column",
  });
export type ImportColumns = z.output<typeof ColumnsSchema>;
export type ColumnRole = keyof ImportColumns;

export const StatusEnum = z.enum(ORDER_STATUSES);

export const ImportMappingSchema = z
  .strictObject({
    columns: ColumnsSchema,
    date_format: z.enum(DATE_FORMATS).default("YYYY-MM-DD"),
    time_zone: TimeZoneSchema.default("UTC").openapi({
      description: "The IANA zone the file's dates and times are written in; stored as UTC",
    }),
    decimal: z.enum([".", ","]).default("."),
    default_currency: CurrencySchema.optional(),
    default_country: z
      .string()
      .regex(/^[A-Z]{2}$/, "ISO 3166-1 alpha-2, e.g. DE")
      .optional(),
    default_status: StatusEnum.default("delivered").openapi({
      description:
        "The status of an imported sale when the file says none. A delivered sale is invoiced (ROMS invoices every delivered sale in its delivery's batch): use shipped for history invoiced elsewhere.",
    }),
    statuses: z
      .record(z.string().min(1).max(50), StatusEnum)
      .optional()
      .openapi({ description: 'The file\'s own status words, e.g. {"Completed": "delivered"}' }),
    payment_status: z.enum(PAYMENT_STATUSES).optional(),
  })
  .refine((m) => m.columns.currency !== undefined || m.default_currency !== undefined, {
    path: ["default_currency"],
    message: "Name a currency column or give a default_currency",
  })
  .openapi("ImportMapping");
export type ImportMapping = z.output<typeof ImportMappingSchema>;

export const FormatName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, "Lower-case letters, digits and . _ - (at most 40)")
  .openapi({ example: "shopify-2025" });

export const FormatParam = z.object({ name: FormatName });

export const FormatBody = ImportMappingSchema.openapi("ImportFormatBody");

export const FormatSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    source: z.string().openapi({ description: "The intake source of its orders", example: "import:shopify" }),
    mapping: z.record(z.string(), z.unknown()),
    updated_at: z.string(),
  })
  .openapi("ImportFormat");
export const FormatList = z.object({ items: z.array(FormatSchema) });

export const UploadQuery = z.object({
  format: FormatName,
  filename: z.string().trim().min(1).max(200).optional(),
  rerun: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "Import a file imported before again (it creates nothing new)" }),
});

export const PreviewQuery = z.object({
  format: FormatName.optional(),
  mapping: z.string().max(10_000).optional().openapi({ description: "An ImportMapping as JSON" }),
  rows: z.coerce.number().int().min(1).max(200).default(20),
});

export const ImportJobSchema = z
  .object({
    id: z.string(),
    format: z.string(),
    filename: z.string().nullable(),
    bytes: z.number().int(),
    file_hash: z.string(),
    status: z.enum(["queued", "running", "done", "failed", "cancelled"]),
    rows_total: z.number().int().nullable().openapi({ description: "Data rows in the file, once counted" }),
    rows_done: z.number().int().openapi({ description: "Rows read so far, good and bad" }),
    rows_failed: z.number().int(),
    orders_created: z.number().int(),
    orders_unchanged: z.number().int(),
    chunks_done: z.number().int(),
    progress: z.number().openapi({ description: "0 to 1" }),
    rows_per_second: z.number().nullable(),
    seconds_left: z.number().nullable().openapi({ description: "Estimated from the rate so far" }),
    error: z.string().nullable(),
    errors_url: z.string(),
    created_by: z.string().nullable(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi("ImportJob");

export const ImportJobQuery = PageQuery.extend({
  status: z.enum(["queued", "running", "done", "failed", "cancelled"]).optional(),
});

const PreviewLine = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  unit_price: z.number().int(),
  tax_rate_bp: z.number().int(),
});

export const PreviewSchema = z
  .object({
    delimiter: z.string(),
    header_line: z.number().int(),
    headers: z.array(z.string()),
    rows: z.array(
      z.object({
        line: z.number().int(),
        cells: z.record(z.string(), z.string()),
        order: z
          .object({
            external_ref: z.string(),
            placed_at: z.string(),
            country: z.string().nullable(),
            currency: z.string(),
            status: StatusEnum,
            line: PreviewLine,
          })
          .nullable(),
        errors: z.array(z.string()),
      }),
    ),
  })
  .openapi("ImportPreview");
