// The page documents: a pick list (lines in walking order, a code per line), a packing slip, and the
// invoice and credit note (their numbers, parties, lines, tax per rate and totals come from billing).
import { formatMinor } from "../lib/money";
import { drawBarcode } from "./barcode";
import type { FontBytes } from "./fonts";
import { PageWriter } from "./pages";
import type { Paper } from "./stock";

export interface PickListDocument {
  id: string;
  location: string;
  created_at: string;
  /** Lines in the order they are walked (bin, then SKU). */
  lines: {
    bin: string | null;
    sku: string;
    name: string;
    quantity: number;
    picked: number;
    order_number: string;
    code: string;
  }[];
}

/** A pick list: the list's own code at the top, then one row per line with a code the picker scans. */
export async function renderPickList(fonts: FontBytes, paper: Paper, list: PickListDocument) {
  const w = await PageWriter.create(fonts, paper, `Pick list ${list.id.slice(0, 8)}`);
  w.text("Pick list", { size: 18, bold: true });
  w.text(
    `${list.location} · ${list.lines.length} lines · made ${list.created_at.slice(0, 16).replace("T", " ")} UTC`,
    { size: 9, gap: 4 },
  );
  const top = w.y;
  drawBarcode(
    w.page,
    { symbology: "code128", value: list.id },
    { x: w.left + w.width - 300, y: top - 4, width: 300, height: 40 },
  );
  w.y = top - 48;
  w.table([
    { title: "Bin", width: 0.12 },
    { title: "SKU", width: 0.16 },
    { title: "Product", width: 0.3 },
    { title: "Order", width: 0.14 },
    { title: "Qty", width: 0.06, align: "right" },
    { title: "Scan", width: 0.22, align: "center" },
  ]);
  for (const line of list.lines) {
    w.row(
      [line.bin ?? "—", line.sku, line.name, line.order_number, String(line.quantity - line.picked), ""],
      {
        height: 30,
        extra: (box) =>
          drawBarcode(
            w.page,
            { symbology: "code128", value: line.code },
            {
              x: box.x + w.width * 0.78 + 2,
              y: box.y + 3,
              width: w.width * 0.22 - 4,
              height: box.height - 6,
            },
            `lines.${line.sku}`,
          ),
      },
    );
  }
  w.endTable();
  return w.finish();
}

export interface PartyLines {
  heading: string;
  lines: string[];
}

export interface PackingSlipDocument {
  order_number: string;
  placed_at: string;
  from: string[];
  ship_to: string[];
  lines: { sku: string; name: string; quantity: number }[];
  parcels: number;
  notes: string | null;
}

/** A packing slip: who from and to, the order's code, its lines and quantities (no prices). */
export async function renderPackingSlip(fonts: FontBytes, paper: Paper, slip: PackingSlipDocument) {
  const w = await PageWriter.create(fonts, paper, `Packing slip ${slip.order_number}`);
  w.text("Packing slip", { size: 18, bold: true });
  const top = w.y;
  w.text(
    `Order ${slip.order_number} · placed ${slip.placed_at.slice(0, 10)} · ${slip.parcels} parcel${slip.parcels === 1 ? "" : "s"}`,
    { size: 10, gap: 6 },
  );
  drawBarcode(
    w.page,
    { symbology: "code128", value: slip.order_number },
    { x: w.left + w.width - 200, y: top - 40, width: 200, height: 36 },
  );
  w.y = Math.min(w.y, top - 46);
  w.columns([
    { heading: "FROM", lines: slip.from },
    { heading: "SHIP TO", lines: slip.ship_to },
  ]);
  w.table([
    { title: "SKU", width: 0.22 },
    { title: "Product", width: 0.58 },
    { title: "Quantity", width: 0.2, align: "right" },
  ]);
  for (const line of slip.lines) w.row([line.sku, line.name, String(line.quantity)]);
  w.endTable();
  if (slip.notes) w.text(`Notes: ${slip.notes}`, { size: 9 });
  return w.finish();
}

export interface InvoiceDocument {
  kind: "invoice" | "credit_note";
  number: string;
  /** The invoice a credit note corrects. */
  refers_to?: string | null;
  issued_on: string;
  due_on?: string | null;
  order_number?: string | null;
  currency: string;
  seller: string[];
  seller_tax_id?: string | null;
  buyer: string[];
  buyer_tax_id?: string | null;
  lines: {
    description: string;
    sku?: string | null;
    quantity: number;
    unit_price_minor: number;
    tax_rate: string;
    total_minor: number;
  }[];
  /** Tax per rate: the rate as printed ("19%"), its base and its amount. */
  taxes: { rate: string; base_minor: number; tax_minor: number }[];
  net_minor: number;
  tax_minor: number;
  total_minor: number;
  notes?: string | null;
}

/** An invoice or credit note: parties, lines, tax per rate, totals; a QR of its number to find it again. */
export async function renderInvoice(fonts: FontBytes, paper: Paper, invoice: InvoiceDocument) {
  const title = invoice.kind === "invoice" ? "Invoice" : "Credit note";
  const money = (minor: number) => `${formatMinor(minor, invoice.currency)} ${invoice.currency}`;
  const w = await PageWriter.create(fonts, paper, `${title} ${invoice.number}`);
  const top = w.y;
  w.text(`${title} ${invoice.number}`, { size: 18, bold: true });
  const facts = [
    `Issued ${invoice.issued_on}`,
    invoice.due_on ? `Due ${invoice.due_on}` : null,
    invoice.order_number ? `Order ${invoice.order_number}` : null,
    invoice.refers_to ? `Corrects invoice ${invoice.refers_to}` : null,
  ].filter((f): f is string => f !== null);
  for (const fact of facts) w.text(fact, { size: 9.5 });
  drawBarcode(
    w.page,
    { symbology: "qrcode", value: invoice.number },
    { x: w.left + w.width - 60, y: top - 60, width: 60, height: 60 },
  );
  w.y = Math.min(w.y, top - 66) - 6;
  w.columns([
    {
      heading: "FROM",
      lines: [...invoice.seller, ...(invoice.seller_tax_id ? [`Tax ID ${invoice.seller_tax_id}`] : [])],
    },
    {
      heading: invoice.kind === "invoice" ? "BILL TO" : "CREDIT TO",
      lines: [...invoice.buyer, ...(invoice.buyer_tax_id ? [`Tax ID ${invoice.buyer_tax_id}`] : [])],
    },
  ]);
  w.table([
    { title: "Description", width: 0.4 },
    { title: "SKU", width: 0.14 },
    { title: "Qty", width: 0.08, align: "right" },
    { title: "Unit price", width: 0.14, align: "right" },
    { title: "Tax", width: 0.08, align: "right" },
    { title: "Amount", width: 0.16, align: "right" },
  ]);
  for (const line of invoice.lines) {
    w.row([
      line.description,
      line.sku ?? "",
      String(line.quantity),
      formatMinor(line.unit_price_minor, invoice.currency),
      line.tax_rate,
      formatMinor(line.total_minor, invoice.currency),
    ]);
  }
  w.endTable();
  w.total("Net", money(invoice.net_minor));
  for (const tax of invoice.taxes)
    w.total(`Tax ${tax.rate} on ${formatMinor(tax.base_minor, invoice.currency)}`, money(tax.tax_minor));
  w.total(invoice.kind === "invoice" ? "Total due" : "Total credited", money(invoice.total_minor), true);
  if (invoice.notes) {
    w.y -= 10;
    w.text(invoice.notes, { size: 9 });
  }
  return w.finish();
}
