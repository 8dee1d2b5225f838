// The billing module's request and response schemas: invoices and credit notes, payments and refunds, an
// order's money and a customer's account.
import { z } from "@hono/zod-openapi";
import { INVOICE_KINDS, PAYMENT_KINDS, PAYMENT_METHODS } from "../../db/schema/billing";
import { AddressSchema } from "../../lib/address";
import { CurrencySchema, MinorAmount, MoneySchema } from "../../lib/money";
import { Id } from "../../lib/openapi";
import { PageQuery } from "../../lib/pagination";

const Party = z.object({
  name: z.string(),
  address: AddressSchema.nullable(),
  tax_id: z.string().nullable(),
  email: z.string().nullable(),
});

export const InvoiceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(INVOICE_KINDS),
    number: z.string().openapi({
      example: "INV-2026-000001",
      description: "INV-<year>-<6 digits> or CN-…; gapless per series and year",
    }),
    order_id: z.string(),
    order_number: z.string().nullable(),
    customer_id: z.string().nullable(),
    refers_to_id: z.string().nullable().openapi({ description: "A credit note: the invoice it corrects" }),
    claim_id: z.string().nullable(),
    currency: z.string(),
    lines: z.array(
      z.object({
        order_line_id: z.string().nullable(),
        description: z.string(),
        sku: z.string().nullable(),
        quantity: z.number().int(),
        unit_price: MoneySchema,
        tax_rate_bp: z.number().int(),
        net: MoneySchema,
        tax: MoneySchema,
      }),
    ),
    taxes: z.array(
      z.object({ rate_bp: z.number().int(), rate: z.string(), base: MoneySchema, tax: MoneySchema }),
    ),
    net: MoneySchema,
    tax: MoneySchema,
    total: MoneySchema,
    seller: Party,
    buyer: Party,
    issued_on: z.string(),
    due_on: z.string().nullable(),
    note: z.string().nullable(),
    pdf: z.string().openapi({ description: "Where its PDF is (GET, same token)" }),
    created_at: z.string(),
  })
  .openapi("Invoice");

export const InvoiceQuery = PageQuery.extend({
  kind: z.enum(INVOICE_KINDS).optional(),
  customer_id: Id.optional().openapi({
    description: "Staff: one customer's (customers always see only theirs)",
  }),
});

export const PaymentSchema = z
  .object({
    id: z.string(),
    kind: z.enum(PAYMENT_KINDS),
    order_id: z.string(),
    customer_id: z.string().nullable(),
    invoice_id: z.string().nullable(),
    method: z.enum(PAYMENT_METHODS),
    reference: z.string().nullable(),
    amount: MoneySchema,
    received_at: z.string(),
    note: z.string().nullable(),
    created_by: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Payment");

export const PaymentBody = z
  .strictObject({
    amount: z.strictObject({ amount: MinorAmount.min(1), currency: CurrencySchema }),
    method: z.enum(PAYMENT_METHODS),
    reference: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "The bank's or card's reference" }),
    received_at: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "When the money moved (default: now)" }),
    note: z.string().trim().max(1000).optional(),
  })
  .openapi("NewPayment");

export const CreditNoteBody = z
  .strictObject({
    lines: z
      .array(z.strictObject({ order_line_id: Id, quantity: z.number().int().min(1) }))
      .min(1)
      .max(200),
    note: z.string().trim().max(1000).optional(),
  })
  .openapi("NewCreditNote");

export const OrderBillingSchema = z
  .object({
    order_id: z.string(),
    order_number: z.string(),
    payment_status: z.string(),
    invoice: InvoiceSchema.nullable(),
    credit_notes: z.array(InvoiceSchema),
    payments: z.array(PaymentSchema),
    total: MoneySchema,
    credited: MoneySchema,
    due: MoneySchema.openapi({ description: "Total less credit notes" }),
    paid: MoneySchema.openapi({ description: "Payments less refunds" }),
    outstanding: MoneySchema.openapi({ description: "Due less paid (negative: the shop owes the customer)" }),
  })
  .openapi("OrderBilling");

export const AccountSchema = z
  .object({
    customer_id: z.string(),
    balances: z.array(z.object({ currency: z.string(), balance: MoneySchema })),
    items: z.array(
      z.object({
        id: z.string(),
        direction: z.enum(["debit", "credit"]),
        amount: MoneySchema,
        reference_type: z.string(),
        reference_id: z.string().nullable(),
        note: z.string().nullable(),
        created_at: z.string(),
        balance_after: MoneySchema,
        document: z.object({ id: z.string(), kind: z.enum(INVOICE_KINDS), number: z.string() }).nullable(),
        payment: z
          .object({ id: z.string(), method: z.string(), reference: z.string().nullable() })
          .nullable(),
        order_id: z.string().nullable(),
        order_number: z.string().nullable(),
      }),
    ),
    next_cursor: z.string().nullable(),
    modifications: z.array(
      z.object({
        order_id: z.string(),
        order_number: z.string(),
        type: z.string().openapi({ description: "substitute, updated or lines_replaced" }),
        details: z.record(z.string(), z.unknown()),
        at: z.string(),
      }),
    ),
  })
  .openapi("CustomerAccount");
