import { z } from "@hono/zod-openapi";
import { CurrencySchema, MinorAmount, MoneySchema } from "../../lib/money";
import { PageQuery } from "../../lib/pagination";

export const BarcodeSchema = z
  .strictObject({
    barcode: z.string().min(1).max(64),
    kind: z.enum(["ean13", "upca", "internal"]),
  })
  .openapi("Barcode");

const Attributes = z
  .record(z.string().min(1).max(50), z.union([z.string().max(200), z.number(), z.boolean()]))
  .refine((a) => Object.keys(a).length <= 50, "At most 50 attributes")
  .openapi({ example: { color: "red", size: "M" } });

const Price = z
  .strictObject({ amount: MinorAmount.min(0), currency: CurrencySchema })
  .openapi("PriceInput", { description: "Minor units: 19.99 EUR is { amount: 1999, currency: 'EUR' }" });

export const ProductBody = z
  .strictObject({
    sku: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._\-/]+$/, "Letters, digits and . _ - /"),
    name: z.string().trim().min(1).max(200),
    description: z.string().max(5000).nullable().optional(),
    category_id: z.string().min(1).max(64).nullable().optional(),
    price: Price,
    tax_rate_bp: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .optional()
      .openapi({ description: "Basis points: 1900 is 19 %" }),
    unit: z.string().trim().min(1).max(20).optional(),
    attributes: Attributes.optional(),
    barcodes: z.array(BarcodeSchema).max(10).optional(),
    allow_backorder: z.boolean().optional(),
  })
  .openapi("NewProduct");

export const ProductPatchBody = ProductBody.partial().openapi("ProductPatch");

export const ProductSchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    category_id: z.string().nullable(),
    price: MoneySchema,
    tax_rate_bp: z.number().int(),
    unit: z.string(),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    barcodes: z.array(z.object({ barcode: z.string(), kind: z.string() })),
    image_url: z.string().nullable(),
    status: z.enum(["draft", "published"]),
    published_at: z.string().nullable(),
    allow_backorder: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
    deleted_at: z.string().nullable().optional().openapi({ description: "Staff only" }),
  })
  .openapi("Product");

const intQuery = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const ProductQuery = PageQuery.extend({
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: "Words in the name, SKU or a barcode (prefixes match)" }),
  category_id: z.string().max(64).optional(),
  min_price: intQuery.optional().openapi({ description: "Minor units" }),
  max_price: intQuery.optional().openapi({ description: "Minor units" }),
  currency: CurrencySchema.optional(),
  status: z
    .enum(["draft", "published"])
    .optional()
    .openapi({ description: "Staff only; others always see published" }),
  deleted: z.enum(["exclude", "include", "only"]).optional().openapi({ description: "Admins only" }),
});

export const CategorySchema = z
  .object({ id: z.string(), name: z.string(), parent_id: z.string().nullable(), created_at: z.string() })
  .openapi("Category");

export const CategoryBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    parent_id: z.string().min(1).max(64).nullable().optional(),
  })
  .openapi("NewCategory");

export const SimilarSchema = z
  .object({
    product_id: z.string(),
    items: z.array(
      z.object({
        product: ProductSchema,
        score: z.number(),
        available: z.number().int(),
        reasons: z.array(z.string()),
      }),
    ),
  })
  .openapi("SimilarProducts");

export const RiskSchema = z
  .object({
    product_id: z.string(),
    quantity: z.number().int(),
    location_id: z.string().nullable(),
    risk: z.enum(["low", "medium", "high"]),
    reason: z.string(),
    figures: z.object({
      on_hand: z.number().int(),
      reserved: z.number().int(),
      available: z.number().int(),
      demand_last_14_days: z.number().int(),
      low_stock_threshold: z.number().int().nullable(),
      allow_backorder: z.boolean(),
    }),
  })
  .openapi("FillRisk");
