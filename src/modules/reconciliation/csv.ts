// Reading a bank's card statement CSV through the bank's mapping: each row with its line in the file, its
// day as YYYY-MM-DD and its amount in exact minor units, a charge positive. A file is read whole or refused
// whole, with every bad row named by its line, so a person fixes the file or the mapping and sends it again.
import type { StatementMapping } from "../../db/schema/billing";
import { csvRecords, decodeCsv, findLayout, isBlank, parseAmount } from "../../lib/csv";
import { isCurrency, minorDigits } from "../../lib/money";
import { badRequest, type FieldError } from "../../lib/problem";

export { parseAmount };

export interface StatementRow {
  /** The row's first line in the file; the header is line 1 when nothing comes before it. */
  line: number;
  posted_on: string;
  description: string;
  reference: string | null;
  /** A charge is positive, a credit back to the card negative. */
  amount_minor: number;
  currency: string;
}

/** More rows than a month of a busy card: a bigger file is an export of several statements, to be split. */
export const MAX_ROWS = 20_000;
/** Banks put account details above the header: it is looked for among the first records. */
const HEADER_SEARCH = 20;
const SHOWN_ERRORS = 50;
const MAX_DESCRIPTION = 500;

/**
 * The file's text: UTF-8 (its BOM dropped), or Windows-1252 when it is not valid UTF-8 (older bank exports).
 */
export const decodeStatement = (bytes: ArrayBuffer): string => decodeCsv(bytes).text;

const ROLES = ["date", "amount", "description", "currency", "reference"] as const;
type Role = (typeof ROLES)[number];

/** The mapping's columns by their role, as the mapping names them. */
const mappedColumns = (mapping: StatementMapping) =>
  ROLES.flatMap((role) => (mapping[role] === undefined ? [] : [[role, mapping[role]] as [Role, string]]));

/** The delimiter and header row under which every mapped column is found (else a 400 naming what is missing). */
const layoutOf = (text: string, mapping: StatementMapping) =>
  findLayout(
    text,
    mappedColumns(mapping),
    "Correct the bank's mapping (PUT /api/v1/reconciliation/mappings/{bank}) or send the mapping that fits this file.",
    { search: HEADER_SEARCH },
  );

const DATE_FORMS = {
  iso: { pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/, order: [1, 2, 3], example: "2026-11-23" },
  dmy: {
    pattern: /^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?: .*)?$/,
    order: [3, 2, 1],
    example: "23.11.2026",
  },
  mdy: {
    pattern: /^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?: .*)?$/,
    order: [3, 1, 2],
    example: "11/23/2026",
  },
} as const;

/** The day as YYYY-MM-DD, or why it is not one. */
export function parseDay(raw: string, format: StatementMapping["date_format"]): string | { error: string } {
  const form = DATE_FORMS[format];
  const match = form.pattern.exec(raw.trim());
  const fail = {
    error: `"${raw.trim()}" is not a date written like ${form.example} (the mapping's date_format is ${format})`,
  };
  if (!match) return fail;
  const [y = 0, m = 0, d = 0] = form.order.map((i) => Number(match[i]));
  // Two-digit years are this century's: a card statement is never from the 1900s.
  const year = y < 100 ? 2000 + y : y;
  const at = new Date(Date.UTC(year, m - 1, d));
  if (at.getUTCFullYear() !== year || at.getUTCMonth() !== m - 1 || at.getUTCDate() !== d) return fail;
  return at.toISOString().slice(0, 10);
}

/**
 * Every row of the statement, read through the mapping. Throws a 400 problem naming a missing column (with
 * the headers found), or every row that cannot be read (its line, column and why), and imports nothing.
 */
export function readStatement(text: string, mapping: StatementMapping): StatementRow[] {
  const { delimiter, header, columns } = layoutOf(text, mapping);
  const cell = (cells: string[], role: Role) => {
    const index = columns.get(role);
    return index === undefined ? undefined : (cells[index] ?? "");
  };
  const rows: StatementRow[] = [];
  const errors: { line: number; column: string; message: string }[] = [];
  for (const record of csvRecords(text, delimiter)) {
    if (record.line <= header.line || isBlank(record.cells)) continue;
    const fail = (role: Role, message: string) =>
      errors.push({ line: record.line, column: mapping[role] ?? role, message });
    if (record.broken) {
      fail(
        "description",
        'A quoted field here is not closed properly (a quote inside a quoted field is written twice: "")',
      );
      continue;
    }
    const dateCell = cell(record.cells, "date") ?? "";
    const amountCell = cell(record.cells, "amount") ?? "";
    // A row without a date and an amount is a separator or a footer line, not a transaction.
    if (dateCell.trim() === "" && amountCell.trim() === "") continue;

    const day = parseDay(dateCell, mapping.date_format);
    if (typeof day !== "string") fail("date", day.error);
    const currency = (cell(record.cells, "currency")?.trim().toUpperCase() || mapping.default_currency) ?? "";
    if (!/^[A-Z]{3}$/.test(currency) || !isCurrency(currency)) {
      fail(
        "currency",
        currency
          ? `"${currency}" is not an ISO 4217 currency code`
          : "No currency, and the mapping has no default_currency",
      );
      continue;
    }
    const amount = parseAmount(amountCell, mapping.decimal, minorDigits(currency));
    if (typeof amount !== "number") fail("amount", amount.error);
    if (typeof day !== "string" || typeof amount !== "number") continue;

    const reference = cell(record.cells, "reference")?.trim();
    rows.push({
      line: record.line,
      posted_on: day,
      description: (cell(record.cells, "description") ?? "")
        .replace(/\s+/g, " ")
        .trim()
        .slice(0, MAX_DESCRIPTION),
      reference: reference ? reference.slice(0, 200) : null,
      amount_minor: mapping.charges === "negative" && amount !== 0 ? -amount : amount,
      currency,
    });
  }
  if (errors.length > 0) {
    const first = errors[0] as (typeof errors)[number];
    const fieldErrors: FieldError[] = errors
      .slice(0, SHOWN_ERRORS)
      .map((e) => ({ in: "body", path: `line ${e.line}, ${e.column}`, message: e.message }));
    throw badRequest(
      `${errors.length} value${errors.length === 1 ? "" : "s"} in the file could not be read (line ${first.line}, ${first.column}: ${first.message}${errors.length > SHOWN_ERRORS ? `; the first ${SHOWN_ERRORS} are listed` : ""}). Correct the file or the bank's mapping and send it again; nothing was imported.`,
      fieldErrors,
    );
  }
  if (rows.length === 0) {
    throw badRequest(`The file has a header (line ${header.line}) but no transactions under it.`);
  }
  if (rows.length > MAX_ROWS) {
    throw badRequest(
      `The file holds ${rows.length} transactions; one import takes at most ${MAX_ROWS}. Split it by month and import each part.`,
    );
  }
  return rows;
}
