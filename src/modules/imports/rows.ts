// A sales export's rows read through a format's mapping: each record's date and time in the file's zone as
// UTC, country, currency, tax and amounts in exact minor units, or why not (with its line); then the rows
// of one sale (one row, or the adjacent rows sharing an order ref) as the OrderIntake the one intake path takes.
import { ORDER_STATUSES } from "../../db/schema/orders";
import { type CsvEncoding, type CsvRecord, findLayout, isBlank, parseAmount } from "../../lib/csv";
import { sha256Hex } from "../../lib/hash";
import { isCurrency, minorDigits } from "../../lib/money";
import { zonedInstant } from "../../lib/zone";
import { type OrderIntake, OrderIntakeSchema } from "../orders/schemas";
import type { ColumnRole, ImportMapping } from "./schemas";

type OrderStatus = (typeof ORDER_STATUSES)[number];

/** How a file is read: its layout, found once from its header, and the mapping as it was when it was sent. */
export interface ReadPlan {
  delimiter: string;
  newline: string;
  encoding: CsvEncoding;
  columns: Partial<Record<ColumnRole, number>>;
  mapping: ImportMapping;
}

export interface SaleLine {
  sku: string;
  name: string;
  quantity: number;
  unit_price: number;
  tax_rate_bp: number;
}

export interface Sale {
  order_ref: string | null;
  placed_at: string;
  country: string | null;
  currency: string;
  status: OrderStatus;
  buyer_name: string | null;
  buyer_email: string | null;
  address: { line1: string; city: string; postal_code: string } | null;
  line: SaleLine;
}

export interface ReadRow {
  line: number;
  /** The record as it was in the file (its line break dropped). */
  raw: string;
  cells: string[];
  sale: Sale | null;
  errors: string[];
}

/** The header's columns for a mapping, or a 400 naming the missing ones and the headers found. */
export function layoutFor(text: string, mapping: ImportMapping, fix: string) {
  const wanted = Object.entries(mapping.columns).filter(([, name]) => name !== undefined) as [
    ColumnRole,
    string,
  ][];
  const layout = findLayout(text, wanted, fix, {
    label: (role) => `the mapping's columns.${role}`,
    field: (role) => `mapping.columns.${role}`,
  });
  return { ...layout, columns: Object.fromEntries(layout.columns) as ReadPlan["columns"] };
}

const DATE_FORMS: Record<ImportMapping["date_format"], { pattern: RegExp; order: [number, number, number] }> =
  {
    "YYYY-MM-DD": { pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})/, order: [1, 2, 3] },
    "YYYY/MM/DD": { pattern: /^(\d{4})\/(\d{1,2})\/(\d{1,2})/, order: [1, 2, 3] },
    "DD.MM.YYYY": { pattern: /^(\d{1,2})\.(\d{1,2})\.(\d{4})/, order: [3, 2, 1] },
    "DD/MM/YYYY": { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})/, order: [3, 2, 1] },
    "DD-MM-YYYY": { pattern: /^(\d{1,2})-(\d{1,2})-(\d{4})/, order: [3, 2, 1] },
    "MM/DD/YYYY": { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})/, order: [3, 1, 2] },
  };
const TIME = /^(?:[T ]\s*|^)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const pad = (n: number) => String(n).padStart(2, "0");

/**
 * The instant a local date (and time) in the file's zone stands for, as UTC; an explicit offset or Z in the
 * cell wins over the zone. A day without a time is its midnight.
 */
export function placedAt(
  dateCell: string,
  timeCell: string | undefined,
  format: ImportMapping["date_format"],
  zone: string,
): string | { error: string } {
  const raw = dateCell.trim();
  const fail = { error: `"${raw}" is not a date written like ${format} (the format's date_format)` };
  const form = DATE_FORMS[format];
  const match = form.pattern.exec(raw);
  if (!match) return fail;
  const [y = 0, m = 0, d = 0] = form.order.map((i) => Number(match[i]));
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return fail;
  const rest = raw.slice(match[0].length);
  const timeText = rest.trim() === "" ? (timeCell?.trim() ?? "") : rest;
  let [h, mi, s, offset] = [0, 0, 0, undefined as string | undefined];
  if (timeText !== "") {
    const t = TIME.exec(timeText);
    if (!t || Number(t[1]) > 23 || Number(t[2]) > 59 || Number(t[3] ?? 0) > 59)
      return { error: `"${timeText.trim()}" is not a time of day written like 14:30 or 14:30:05` };
    [h, mi, s, offset] = [Number(t[1]), Number(t[2]), Number(t[3] ?? 0), t[4]];
  }
  const date = `${y}-${pad(m)}-${pad(d)}`;
  if (offset) {
    const zoneText = offset.toUpperCase() === "Z" ? "Z" : offset.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
    return new Date(`${date}T${pad(h)}:${pad(mi)}:${pad(s)}${zoneText}`).toISOString();
  }
  return new Date(zonedInstant(date, `${pad(h)}:${pad(mi)}`, zone) + s * 1000).toISOString();
}

/** Status words exports use, beside ROMS's own. */
const STATUS_WORDS: Record<string, OrderStatus> = {
  completed: "delivered",
  complete: "delivered",
  fulfilled: "delivered",
  closed: "delivered",
  sent: "shipped",
  dispatched: "shipped",
  canceled: "cancelled",
  refunded: "cancelled",
  voided: "cancelled",
  pending: "placed",
  open: "placed",
  processing: "placed",
  new: "placed",
};

function statusOf(cell: string | undefined, mapping: ImportMapping): OrderStatus | { error: string } {
  const word = cell?.trim() ?? "";
  if (word === "") return mapping.default_status;
  const own = Object.entries(mapping.statuses ?? {}).find(([k]) => k.toLowerCase() === word.toLowerCase());
  if (own) return own[1];
  const key = word.toLowerCase().replace(/[\s-]+/g, "_");
  if ((ORDER_STATUSES as readonly string[]).includes(key)) return key as OrderStatus;
  return (
    STATUS_WORDS[key] ?? {
      error: `"${word}" is not a status ROMS knows: map it in the format's statuses, e.g. {"${word}": "delivered"}`,
    }
  );
}

/** One record read through the plan: the sale it reports, or every reason it cannot be read. */
export function readRecord(record: CsvRecord, text: string, plan: ReadPlan): ReadRow {
  const { mapping, columns } = plan;
  const cell = (role: ColumnRole) => {
    const index = columns[role];
    return index === undefined ? undefined : (record.cells[index] ?? "").trim();
  };
  const raw = text.slice(record.start, record.end).replace(/\r?\n$|\r$/, "");
  const row: ReadRow = { line: record.line, raw, cells: record.cells, sale: null, errors: [] };
  const errors = row.errors;
  if (record.broken) {
    errors.push(
      'A quoted field here is not closed properly (a quote inside a quoted field is written twice: "")',
    );
    return row;
  }
  const at = placedAt(cell("date") ?? "", cell("time"), mapping.date_format, mapping.time_zone);
  if (typeof at !== "string") errors.push(`${mapping.columns.date}: ${at.error}`);

  const country = (cell("country") || mapping.default_country || "").toUpperCase() || null;
  if (country !== null && !/^[A-Z]{2}$/.test(country))
    errors.push(
      `${mapping.columns.country}: "${country}" is not an ISO 3166-1 alpha-2 country code, e.g. DE`,
    );

  const currency = (cell("currency") || mapping.default_currency || "").toUpperCase();
  const knownCurrency = /^[A-Z]{3}$/.test(currency) && isCurrency(currency);
  if (!knownCurrency)
    errors.push(`${mapping.columns.currency}: "${currency}" is not an ISO 4217 currency code`);

  const sku = cell("sku") ?? "";
  if (sku === "") errors.push(`${mapping.columns.sku}: no SKU`);
  const name = cell("name") || sku;

  let quantity = 1;
  const quantityCell = cell("quantity");
  if (quantityCell !== undefined) {
    const q = parseAmount(quantityCell, mapping.decimal, 0);
    if (typeof q !== "number" || q < 1)
      errors.push(`${mapping.columns.quantity}: "${quantityCell}" is not a whole number of units, 1 or more`);
    else quantity = q;
  }

  let unitPrice = 0;
  if (knownCurrency) {
    const digits = minorDigits(currency);
    const priceCell = cell("unit_price");
    const totalCell = cell("line_total");
    const price = parseAmount(priceCell ?? totalCell ?? "", mapping.decimal, digits);
    const which = priceCell !== undefined ? mapping.columns.unit_price : mapping.columns.line_total;
    if (typeof price !== "number") errors.push(`${which}: ${price.error}`);
    else if (price < 0) errors.push(`${which}: a sale's price is not negative (a refund is a claim)`);
    else if (priceCell === undefined && price % quantity !== 0)
      errors.push(
        `${which}: ${totalCell} is not a whole number of minor units per unit for ${quantity} units`,
      );
    else unitPrice = priceCell !== undefined ? price : price / quantity;
  }

  let taxRateBp = 0;
  const taxCell = cell("tax_rate");
  if (taxCell !== undefined && taxCell !== "") {
    const rate = parseAmount(taxCell.replace(/%$/, ""), mapping.decimal, 2);
    if (typeof rate !== "number" || rate < 0 || rate > 10_000)
      errors.push(`${mapping.columns.tax_rate}: "${taxCell}" is not a tax rate in percent from 0 to 100`);
    else taxRateBp = rate;
  }

  const status = statusOf(cell("status"), mapping);
  if (typeof status !== "string") errors.push(`${mapping.columns.status}: ${status.error}`);

  const email = cell("buyer_email") || null;
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    errors.push(`${mapping.columns.buyer_email}: "${email}" is not an email address`);

  const [line1, city, postal] = [cell("address_line1"), cell("city"), cell("postal_code")];
  if (errors.length > 0 || typeof at !== "string" || typeof status !== "string") return row;
  row.sale = {
    order_ref: cell("order_ref") || null,
    placed_at: at,
    country,
    currency,
    status,
    buyer_name: cell("buyer_name") || null,
    buyer_email: email,
    address: line1 && city && postal && country ? { line1, city, postal_code: postal } : null,
    line: { sku, name, quantity, unit_price: unitPrice, tax_rate_bp: taxRateBp },
  };
  if (mapping.columns.order_ref && row.sale.order_ref === null)
    errors.push(`${mapping.columns.order_ref}: no order ref`);
  return row;
}

/** The data rows of a slice of records: blank lines (and the header, when it is in the slice) left out. */
export const dataRows = (records: CsvRecord[], text: string, plan: ReadPlan, headerLine = 0) =>
  records
    .filter((r) => r.line > headerLine && !isBlank(r.cells))
    .map((record) => readRecord(record, text, plan));

export interface SaleGroup {
  rows: ReadRow[];
  intake: OrderIntake | null;
  /** Why the group's order is not taken, said on each of its rows without an error of its own. */
  error: string | null;
}

/**
 * The sales of a run of rows: one per row, or one per order ref (its rows in file order). External ref: the
 * order ref, else a hash of the row's cells, so the same row in another file (or this one again) is the same
 * sale; two identical rows are one sale.
 */
export async function saleGroups(rows: ReadRow[], source: string, mapping: ImportMapping) {
  const groups = new Map<string, ReadRow[]>();
  for (const row of rows) {
    const key = row.sale?.order_ref ?? `line:${row.line}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const result: SaleGroup[] = [];
  for (const [key, group] of groups) {
    const bad = group.find((r) => r.errors.length > 0 || !r.sale);
    if (bad) {
      result.push({
        rows: group,
        intake: null,
        error: `Its order has a row that cannot be read (line ${bad.line})`,
      });
      continue;
    }
    const sales = group.map((r) => r.sale as Sale);
    const first = sales[0] as Sale;
    if (sales.some((s) => s.currency !== first.currency)) {
      result.push({ rows: group, intake: null, error: `The rows of order ${key} are in several currencies` });
      continue;
    }
    const externalRef =
      first.order_ref ??
      `row:${(await sha256Hex((group[0] as ReadRow).cells.map((c) => c.trim()).join("\u001f"))).slice(0, 32)}`;
    const parsed = OrderIntakeSchema.safeParse({
      source,
      external_ref: externalRef,
      kind: "sale",
      currency: first.currency,
      ...(first.buyer_name || first.buyer_email
        ? {
            buyer: {
              ...(first.buyer_name && { name: first.buyer_name }),
              ...(first.buyer_email && { email: first.buyer_email }),
            },
          }
        : {}),
      ...(first.address && first.country
        ? {
            shipping_address: {
              ...first.address,
              ...(first.buyer_name && { name: first.buyer_name }),
              country: first.country,
            },
          }
        : {}),
      ...(first.country && !first.address ? { notes: `Country: ${first.country}` } : {}),
      lines: sales.map((s) => s.line),
      status: first.status,
      ...(mapping.payment_status && { payment_status: mapping.payment_status }),
      placed_at: first.placed_at,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const error = `${issue?.path.join(".") || "order"}: ${issue?.message ?? "invalid"}`;
      result.push({ rows: group, intake: null, error });
      continue;
    }
    result.push({ rows: group, intake: parsed.data, error: null });
  }
  return result;
}
