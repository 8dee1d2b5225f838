// What invoices, credit notes, payments and refunds are to the API: the rows mapped to their views.
import type { invoices, payments } from "../../db/schema/billing";
import { money } from "../../lib/money";
import { documentTotals } from "./issue";

export type InvoiceRow = typeof invoices.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;

/** "1900" basis points -> "19%"; "750" -> "7.5%". */
export const rateText = (bp: number) => `${(bp / 100).toString()}%`;

export function toInvoiceView(row: InvoiceRow, orderNumber: string | null) {
  const m = (minor: number) => money(minor, row.currency);
  return {
    id: row.id,
    kind: row.kind,
    number: row.number,
    order_id: row.orderId,
    order_number: orderNumber,
    customer_id: row.customerId,
    refers_to_id: row.refersToId,
    claim_id: row.claimId,
    currency: row.currency,
    lines: row.lines.map((l) => ({
      order_line_id: l.order_line_id,
      description: l.description,
      sku: l.sku,
      quantity: l.quantity,
      unit_price: m(l.unit_price_minor),
      tax_rate_bp: l.tax_rate_bp,
      net: m(l.net_minor),
      tax: m(l.tax_minor),
    })),
    taxes: documentTotals(row.lines).taxes.map((t) => ({
      rate_bp: t.rate_bp,
      rate: rateText(t.rate_bp),
      base: m(t.base_minor),
      tax: m(t.tax_minor),
    })),
    net: m(row.netMinor),
    tax: m(row.taxMinor),
    total: m(row.totalMinor),
    seller: row.seller,
    buyer: row.buyer,
    issued_on: row.issuedOn,
    due_on: row.dueOn,
    note: row.note,
    pdf: `/api/v1/invoices/${row.id}/pdf`,
    created_at: row.createdAt,
  };
}
export type InvoiceView = ReturnType<typeof toInvoiceView>;

export const toPaymentView = (p: PaymentRow) => ({
  id: p.id,
  kind: p.kind,
  order_id: p.orderId,
  customer_id: p.customerId,
  invoice_id: p.invoiceId,
  method: p.method,
  reference: p.reference,
  amount: money(p.amountMinor, p.currency),
  received_at: p.receivedAt,
  note: p.note,
  created_by: p.createdBy,
  created_at: p.createdAt,
});
export type PaymentView = ReturnType<typeof toPaymentView>;
