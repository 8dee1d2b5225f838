// An invoice's or credit note's PDF: rendered from the frozen row by the documents renderer, kept in R2, and
// served from there afterwards (rendered again only if the object is missing). The renderer loads on use.
import { eq } from "drizzle-orm";
import { getDb } from "../../db";
import { invoices } from "../../db/schema/billing";
import type { Env } from "../../env";
import { addressLines } from "../shop/profile";
import { documentTotals } from "./issue";
import { type InvoiceRow, rateText } from "./view";

const keyOf = (row: InvoiceRow) => `invoices/${row.issuedOn.slice(0, 4)}/${row.number}.pdf`;

export async function renderInvoicePdf(env: Env, row: InvoiceRow, orderNumber: string | null) {
  const [{ renderInvoice }, { fontBytes }] = await Promise.all([
    import("../../documents/documents"),
    import("../../documents/fonts"),
  ]);
  const party = (p: InvoiceRow["seller"]) => [
    ...addressLines(p.address, p.name),
    ...(p.email ? [p.email] : []),
  ];
  const refersTo = row.refersToId
    ? ((
        await getDb(env.DB)
          .select({ number: invoices.number })
          .from(invoices)
          .where(eq(invoices.id, row.refersToId))
      )[0]?.number ?? null)
    : null;
  const pdf = await renderInvoice(await fontBytes(env), "a4", {
    kind: row.kind,
    number: row.number,
    refers_to: refersTo,
    issued_on: row.issuedOn,
    due_on: row.dueOn,
    order_number: orderNumber,
    currency: row.currency,
    seller: party(row.seller),
    seller_tax_id: row.seller.tax_id,
    buyer: party(row.buyer),
    buyer_tax_id: row.buyer.tax_id,
    lines: row.lines.map((l) => ({
      description: l.description,
      sku: l.sku,
      quantity: l.quantity,
      unit_price_minor: l.unit_price_minor,
      tax_rate: rateText(l.tax_rate_bp),
      total_minor: l.net_minor,
    })),
    taxes: documentTotals(row.lines).taxes.map((t) => ({
      rate: rateText(t.rate_bp),
      base_minor: t.base_minor,
      tax_minor: t.tax_minor,
    })),
    net_minor: row.netMinor,
    tax_minor: row.taxMinor,
    total_minor: row.totalMinor,
    notes: row.note,
  });
  return pdf.bytes;
}

/** The document's PDF bytes: from R2 when kept, else rendered now and kept. */
export async function invoicePdf(env: Env, row: InvoiceRow, orderNumber: string | null) {
  const key = row.pdfKey ?? keyOf(row);
  const kept = await env.FILES.get(key);
  if (kept) return new Uint8Array(await kept.arrayBuffer());
  const bytes = await renderInvoicePdf(env, row, orderNumber);
  await env.FILES.put(key, bytes, { httpMetadata: { contentType: "application/pdf" } });
  await getDb(env.DB).update(invoices).set({ pdfKey: key }).where(eq(invoices.id, row.id));
  return bytes;
}
