// The reconciliation module's contract: bank mappings, card statements, their transactions and the report.
import { z } from "@hono/zod-openapi";
import { MATCH_STATUSES } from "../../db/schema/billing";
import { ORDER_STATUSES } from "../../db/schema/orders";
import { CurrencySchema, MoneySchema } from "../../lib/money";
import { Id } from "../../lib/openapi";

export const BankName = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "Letters, digits and . _ - (compared without case), e.g. dkb-visa")
  .openapi({ example: "dkb-visa", description: "A short name for the bank and card; compared without case" });

export const BankParam = z.object({ bank: BankName });

const Column = z.string().trim().min(1).max(100);

export const StatementMappingSchema = z
  .strictObject({
    date: Column.openapi({ description: "The column of the posting day", example: "Belegdatum" }),
    amount: Column.openapi({ description: "The column of the amount", example: "Betrag" }),
    description: Column.openapi({ description: "The column naming the merchant", example: "Beschreibung" }),
    currency: Column.optional().openapi({
      description: "The column of the currency code, if the file has one",
    }),
    reference: Column.optional().openapi({ description: "The column of the bank's reference, if any" }),
    date_format: z
      .enum(["iso", "dmy", "mdy"])
      .openapi({ description: "iso: 2026-11-23; dmy: 23.11.2026 or 23/11/26; mdy: 11/23/2026" }),
    decimal: z.enum([".", ","]).openapi({ description: '"," when amounts are written 1.234,56' }),
    charges: z
      .enum(["negative", "positive"])
      .openapi({ description: "How the file writes a charge: negative (most banks) or positive" }),
    default_currency: CurrencySchema.optional().openapi({
      description: "The currency when there is no column",
    }),
  })
  .refine((m) => m.currency !== undefined || m.default_currency !== undefined, {
    path: ["default_currency"],
    message: "Give the currency column, or default_currency when the file has none",
  })
  .openapi("StatementMapping", { description: "How one bank's statement CSV names its columns" });
export type StatementMappingInput = z.output<typeof StatementMappingSchema>;

export const BankMappingSchema = z
  .object({
    bank: z.string(),
    mapping: StatementMappingSchema,
    updated_by: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi("BankStatementMapping");
export const BankMappingList = z
  .object({ items: z.array(BankMappingSchema) })
  .openapi("BankStatementMappings");

export const ImportQuery = z.object({
  bank: BankName,
  mapping: z.string().max(4000).optional().openapi({
    description:
      "A StatementMapping as JSON, for a bank with none saved or one that changed; saved for the bank when the import succeeds",
  }),
  filename: z.string().trim().min(1).max(200).optional().openapi({ example: "visa-2026-11.csv" }),
});

export const MatchStatusEnum = z.enum(MATCH_STATUSES);

export const StatusCounts = z
  .object({
    matched: z.number().int(),
    ambiguous: z.number().int(),
    unmatched: z.number().int(),
    ignored: z.number().int(),
  })
  .openapi("ReconciliationCounts");

export const StatementSchema = z
  .object({
    id: z.string(),
    bank: z.string(),
    filename: z.string().nullable(),
    file_hash: z
      .string()
      .openapi({ description: "SHA-256 of the file: the same file is the same statement" }),
    rows: z.number().int().openapi({ description: "Transactions read from the file" }),
    counts: StatusCounts,
    created_by: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("CardStatement");

export const PurchaseRef = z
  .object({
    id: z.string(),
    number: z.string(),
    merchant: z.string().nullable(),
    placed_at: z.string(),
    total: MoneySchema,
    status: z.enum(ORDER_STATUSES),
  })
  .openapi("PurchaseRef");

export const TransactionSchema = z
  .object({
    id: z.string(),
    statement_id: z.string(),
    line_no: z.number().int().openapi({ description: "The row's line in the file (the header is line 1)" }),
    posted_on: z.string().openapi({ example: "2026-11-23" }),
    description: z.string(),
    reference: z.string().nullable(),
    amount: MoneySchema.openapi({ description: "A charge is positive, a credit back to the card negative" }),
    status: MatchStatusEnum,
    order: PurchaseRef.nullable().openapi({ description: "The purchase this charge paid, when matched" }),
    matched_by: z
      .string()
      .nullable()
      .openapi({ description: '"exact" or "auto" when matched by the rules; else "user:<id>" of who chose' }),
    score: z.number().int().nullable().openapi({ description: "0..100, see the import's description" }),
    candidates: z
      .array(PurchaseRef.extend({ score: z.number().int() }))
      .openapi({ description: "The purchases that fit, best first (up to 5); kept after an unmatch" }),
    updated_at: z.string(),
  })
  .openapi("CardTransaction");

export const TransactionPageQuery = z.object({
  status: MatchStatusEnum.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  cursor: z.string().max(512).optional().openapi({ description: "`next_cursor` of the previous page" }),
});

export const StatementDetailSchema = StatementSchema.extend({
  transactions: z.object({ items: z.array(TransactionSchema), next_cursor: z.string().nullable() }),
}).openapi("CardStatementDetail");

export const TransactionParam = z.object({ id: Id, tx: Id });
export const MatchBody = z
  .strictObject({ order_id: Id.openapi({ description: "A purchase order in the charge's currency" }) })
  .openapi("ManualMatch");

const Tally = z.object({ count: z.number().int(), total: MoneySchema });

export const ReportSchema = z
  .object({
    statement: StatementSchema,
    period: z
      .object({ from: z.string(), to: z.string() })
      .openapi({ description: "First and last posting day" }),
    orders_placed: z.object({ from: z.string(), to: z.string() }).openapi({
      description: "The days of the purchases this statement may have paid: the period widened by the window",
    }),
    totals: z.array(
      z.object({
        currency: z.string(),
        matched: Tally,
        ambiguous: Tally,
        unmatched: Tally,
        ignored: Tally,
        credits: Tally.openapi({
          description: "Credits back to the card (refunds): never matched automatically",
        }),
        orders_without_charge: Tally,
      }),
    ),
    unmatched: z.array(TransactionSchema).openapi({ description: "Charges no purchase fits, by line" }),
    ambiguous: z.array(TransactionSchema).openapi({ description: "Charges several purchases fit, by line" }),
    credits: z.array(TransactionSchema).openapi({ description: "Credits back to the card, by line" }),
    orders_without_charge: z.object({
      count: z.number().int(),
      items: z.array(PurchaseRef),
      truncated: z
        .boolean()
        .openapi({ description: "More than the items listed (the first 500 by placing)" }),
    }),
  })
  .openapi("ReconciliationReport");
