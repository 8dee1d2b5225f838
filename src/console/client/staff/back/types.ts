// What the back-office screens read from the API, typed from the API's own schemas (type-only imports:
// nothing of the server reaches the browser bundle).
import type { z } from "@hono/zod-openapi";
import type {
  InvoiceSchema,
  OrderBillingSchema,
  PaymentBody,
  PaymentSchema,
} from "../../../../modules/billing/schemas";
import type { ProductSchema } from "../../../../modules/catalog/schemas";
import type { ApproveBody, ClaimEventSchema, ClaimSchema } from "../../../../modules/claims/schemas";
import type { ConnectionSchema, PullSchema } from "../../../../modules/connectors/schemas";
import type { FormatSchema, ImportJobSchema, PreviewSchema } from "../../../../modules/imports/schemas";
import type { IngestRecordSchema, IngestStatsSchema } from "../../../../modules/ingest/schemas";
import type { LabelJobBody, LabelJobSchema } from "../../../../modules/labels/schemas";
import type {
  BankMappingSchema,
  ReportSchema,
  StatementDetailSchema,
  StatementMappingSchema,
  StatementSchema,
  TransactionSchema,
} from "../../../../modules/reconciliation/schemas";
import type { JobSchema, TargetSchema } from "../../../../modules/scrapes/schemas";

export type Claim = z.infer<typeof ClaimSchema>;
export type ClaimEvent = z.infer<typeof ClaimEventSchema>;
export type ClaimApproval = z.input<typeof ApproveBody>;
export type ClaimStatus = Claim["status"];

export type Invoice = z.infer<typeof InvoiceSchema>;
export type OrderBilling = z.infer<typeof OrderBillingSchema>;
export type Payment = z.infer<typeof PaymentSchema>;
export type NewPayment = z.input<typeof PaymentBody>;
export type PaymentMethod = NewPayment["method"];

export type ImportFormat = z.infer<typeof FormatSchema>;
export type ImportJob = z.infer<typeof ImportJobSchema>;
export type ImportPreview = z.infer<typeof PreviewSchema>;

export type LabelJob = z.infer<typeof LabelJobSchema>;
export type NewLabelJob = z.input<typeof LabelJobBody>;
export type LabelStock = Extract<NewLabelJob["stock"], string>;

export type IngestRecord = z.infer<typeof IngestRecordSchema>;
export type IngestStats = z.infer<typeof IngestStatsSchema>;
export type IngestDoor = IngestRecord["door"];

export type ScrapeTarget = z.infer<typeof TargetSchema>;
export type ScrapeJob = z.infer<typeof JobSchema>;
export type StoreConnection = z.infer<typeof ConnectionSchema>;
export type StorePull = z.infer<typeof PullSchema>;

export type BankMapping = z.infer<typeof BankMappingSchema>;
export type StatementMapping = z.input<typeof StatementMappingSchema>;
export type Statement = z.infer<typeof StatementSchema>;
export type StatementDetail = z.infer<typeof StatementDetailSchema>;
export type CardTransaction = z.infer<typeof TransactionSchema>;
export type ReconciliationReport = z.infer<typeof ReportSchema>;

export type Product = z.infer<typeof ProductSchema>;
