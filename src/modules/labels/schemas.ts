// Label jobs' contract: what a job asks for, how it is shown, and the history's filters.
import { z } from "@hono/zod-openapi";
import { LABEL_JOB_STATUSES } from "../../db/schema/labels";
import { SYMBOLOGIES } from "../../documents/codes";
import { LABEL_TEMPLATES } from "../../documents/label-items";
import { CustomStockSchema, STOCK_IDS } from "../../documents/stock";
import { Id } from "../../lib/openapi";
import { PageQuery } from "../../lib/pagination";

/** Most labels one job prints (items times copies). */
export const MAX_JOB_LABELS = 20_000;

const Symbology = z.enum(SYMBOLOGIES).openapi({ description: "code128, ean13, upca, qrcode or datamatrix" });

export const LabelSource = z
  .union([
    z.strictObject({
      products: z.union([
        z.strictObject({ ids: z.array(Id).min(1).max(MAX_JOB_LABELS) }),
        z.strictObject({
          category_id: Id.optional(),
          status: z.enum(["draft", "published"]).optional(),
        }),
      ]),
      symbology: Symbology.optional().openapi({
        description:
          "Print every product's code as this; default: its barcode as EAN-13/UPC-A (else Code 128), or its SKU in Code 128",
      }),
    }),
    z.strictObject({
      location: z.strictObject({
        id: Id,
        bins: z.array(z.string().trim().min(1).max(40)).min(1).max(2000).optional().openapi({
          description: "Only these bins; default every bin products are kept in there",
        }),
        with_location: z
          .boolean()
          .default(false)
          .openapi({ description: "Also a label for the location itself (LOC:<id>)" }),
      }),
      symbology: Symbology.default("qrcode"),
    }),
    z.strictObject({ order: z.strictObject({ id: Id }) }),
    z.strictObject({
      codes: z
        .array(
          z.strictObject({
            symbology: Symbology,
            value: z.string().min(1).max(1000),
            caption: z.string().max(100).optional(),
          }),
        )
        .min(1)
        .max(MAX_JOB_LABELS),
    }),
  ])
  .openapi("LabelSource", {
    description:
      "What to print: `products` (by id, or every product of a category and status) with the product template; a `location`'s bins (BIN:<location>:<bin>) with the shelf template; an `order`'s parcels (n of m) with the shipping template; or free `codes` with the code template.",
  });
export type LabelSource = z.infer<typeof LabelSource>;

export const LabelJobBody = z
  .strictObject({
    template: z
      .enum(LABEL_TEMPLATES)
      .optional()
      .openapi({ description: "Default: the one the source prints with" }),
    stock: z.union([z.enum(STOCK_IDS), CustomStockSchema]).openapi({
      description: `A label stock (${STOCK_IDS.join(", ")}) or a custom sheet's grid`,
    }),
    source: LabelSource,
    copies: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(1)
      .openapi({ description: "Of each label, one after the other" }),
    start: z.number().int().min(0).max(199).default(0).openapi({
      description:
        "The first label's position on the first sheet (0 = top left): the ones before it are used",
    }),
  })
  .openapi("LabelJobBody");
export type LabelJobBody = z.infer<typeof LabelJobBody>;

export const LabelJobSchema = z
  .object({
    id: z.string(),
    template: z.enum(LABEL_TEMPLATES),
    stock: z.string(),
    stock_grid: CustomStockSchema.nullable(),
    source: z.record(z.string(), z.unknown()),
    copies: z.number().int(),
    start: z.number().int(),
    status: z.enum(LABEL_JOB_STATUSES),
    labels: z.number().int(),
    labels_done: z.number().int(),
    progress: z.number().openapi({ description: "labels_done / labels, 0 to 1" }),
    chunks: z.number().int(),
    chunks_done: z.number().int(),
    pages: z.number().int().nullable(),
    bytes: z.number().int().nullable(),
    error: z.string().nullable(),
    reprint_of: z.string().nullable(),
    created_by: z.string(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    pdf_url: z
      .string()
      .nullable()
      .openapi({ description: "Where the PDF is downloaded (with your token) once done" }),
  })
  .openapi("LabelJob");

export const LabelJobQuery = PageQuery.extend({
  status: z.enum(LABEL_JOB_STATUSES).optional(),
  template: z.enum(LABEL_TEMPLATES).optional(),
  created_by: Id.optional(),
  since: z.iso.datetime().optional().openapi({ description: "Made at or after" }),
  until: z.iso.datetime().optional().openapi({ description: "Made before" }),
});
export type LabelJobQuery = z.infer<typeof LabelJobQuery>;

export const ReprintBody = z
  .strictObject({
    copies: z.number().int().min(1).max(100).optional(),
    start: z.number().int().min(0).max(199).optional(),
  })
  .openapi("LabelReprintBody");

export const SignedLinkSchema = z
  .object({
    url: z.string().openapi({ description: "Downloads the PDF without a token until it expires" }),
    expires_at: z.string(),
  })
  .openapi("SignedLink");

export const SignedLinkQuery = z.object({
  expires: z.coerce.number().int().openapi({ description: "Unix seconds" }),
  signature: z.string().max(200),
});

export const DocumentQuery = z.object({
  paper: z.enum(["a4", "letter"]).default("a4"),
});
