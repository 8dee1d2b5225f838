// Reading a bank's card statement CSV through the bank's mapping: each row with its line in the file, its
// day as YYYY-MM-DD and its amount in exact minor units, a charge positive. A file is read whole or refused
// whole, with every bad row named by its line, so a person fixes the file or the mapping and sends it again.
import Papa from "papaparse";
import type { StatementMapping } from "../../db/schema/billing";
import { isCurrency, minorDigits, parseDecimal } from "../../lib/money";
import { badRequest, type FieldError, Problem } from "../../lib/problem";

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
const DELIMITERS = [";", ",", "\t"] as const;
const SHOWN_ERRORS = 50;
const MAX_DESCRIPTION = 500;

/**
 * The file's text: UTF-8 (its BOM dropped), or Windows-1252 when it is not valid UTF-8 (older bank exports).
 */
export function decodeStatement(bytes: ArrayBuffer): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    text = new TextDecoder("windows-1252").decode(bytes);
  }
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

interface CsvRecord {
  cells: string[];
  line: number;
  broken: boolean;
}

function countOf(text: string, char: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf(char, from); i !== -1 && i < to; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/** Records with the physical line each starts on: a quoted field may hold line breaks of its own. */
function recordsOf(text: string, delimiter: string, preview = 0): CsvRecord[] {
  const newline = text.includes("\n") ? "\n" : "\r";
  const records: CsvRecord[] = [];
  let cursor = 0;
  let line = 1;
  Papa.parse<string[]>(text, {
    delimiter,
    header: false,
    skipEmptyLines: false,
    preview,
    step: (result) => {
      records.push({ cells: result.data, line, broken: result.errors.some((e) => e.type === "Quotes") });
      const end = result.meta.cursor;
      line += countOf(text, newline, cursor, end);
      cursor = end;
    },
  });
  return records;
}

const cellKey = (cell: string) => cell.trim().toLowerCase();
const isBlank = (cells: string[]) => cells.every((c) => c.trim() === "");

const ROLES = ["date", "amount", "description", "currency", "reference"] as const;
type Role = (typeof ROLES)[number];

/** The mapping's columns by their role, as the mapping names them. */
const mappedColumns = (mapping: StatementMapping) =>
  ROLES.flatMap((role) => (mapping[role] === undefined ? [] : [[role, mapping[role]] as [Role, string]]));

interface Layout {
  delimiter: string;
  header: CsvRecord;
  columns: Map<Role, number>;
}

/**
 * The delimiter and header row under which every mapped column is found. Tried with each delimiter, since a
 * comma may be a decimal separator in a semicolon file and a header cell never holds one.
 */
function layoutOf(text: string, mapping: StatementMapping): Layout {
  const wanted = mappedColumns(mapping);
  let closest: { header: CsvRecord; found: number } | undefined;
  for (const delimiter of DELIMITERS) {
    for (const record of recordsOf(text, delimiter, HEADER_SEARCH)) {
      if (isBlank(record.cells)) continue;
      const keys = record.cells.map(cellKey);
      const found = wanted.filter(([, name]) => keys.includes(cellKey(name))).length;
      if (found === wanted.length) {
        const columns = new Map(wanted.map(([role, name]) => [role, keys.indexOf(cellKey(name))]));
        return { delimiter, header: record, columns };
      }
      // Else the record that names most of them, or splits into most cells: what the file's header must be.
      if (
        !closest ||
        found > closest.found ||
        (found === closest.found && record.cells.length > closest.header.cells.length)
      ) {
        closest = { header: record, found };
      }
    }
  }
  if (!closest) throw badRequest("The file is empty: send the statement's CSV export as the request body.");
  const keys = closest.header.cells.map(cellKey);
  const missing = wanted.filter(([, name]) => !keys.includes(cellKey(name)));
  const headers = closest.header.cells.map((c) => c.trim()).filter(Boolean);
  throw new Problem({
    status: 400,
    slug: "validation",
    title: "Invalid request",
    detail: `The file has no column ${missing.map(([role, name]) => `"${name}" (the mapping's ${role})`).join(", ")}. The headers found (line ${closest.header.line}) are: ${headers.map((h) => `"${h}"`).join(", ")}. Correct the bank's mapping (PUT /api/v1/reconciliation/mappings/{bank}) or send the mapping that fits this file.`,
    errors: missing.map(([role, name]) => ({
      in: "body",
      path: "header",
      message: `No column "${name}" (mapping.${role})`,
    })),
    extensions: { headers_found: headers },
  });
}

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
 * An amount as the bank wrote it, in whole minor units with the bank's sign: thousands separators (".", ",",
 * spaces, apostrophes) dropped where they group by three, a leading or trailing minus or parentheses
 * negative, a currency sign or code beside it ignored. Never through a float.
 */
export function parseAmount(raw: string, decimal: "." | ",", digits: number): number | { error: string } {
  let text = raw
    .trim()
    .replace(/[\s\u00a0\u202f']/g, "")
    .replace(/[€$£¥]/g, "")
    .replace(/^[A-Z]{3}(?=[-+(\d])|(?<=[\d)-])[A-Z]{3}$/, "")
    .replace(/\u2212/g, "-");
  let negative = false;
  if (/^\(.*\)$/.test(text)) [negative, text] = [true, text.slice(1, -1)];
  if (text.startsWith("-") || text.startsWith("+"))
    [negative, text] = [negative || text[0] === "-", text.slice(1)];
  else if (text.endsWith("-")) [negative, text] = [true, text.slice(0, -1)];
  const example = decimal === "," ? "-1.234,56" : "-1,234.56";
  const fail = {
    error: `"${raw.trim()}" is not an amount written like ${example} (the mapping's decimal separator is "${decimal}")`,
  };
  const [whole = "", fraction, ...more] = text.split(decimal);
  const grouping = decimal === "," ? /^\d{1,3}(?:\.\d{3})+$/ : /^\d{1,3}(?:,\d{3})+$/;
  if (more.length > 0 || !(/^\d+$/.test(whole) || grouping.test(whole))) return fail;
  if (fraction !== undefined && !/^\d*$/.test(fraction)) return fail;
  const plain = `${whole.replace(/[.,]/g, "")}${fraction ? `.${fraction}` : ""}`;
  const value = parseDecimal(plain, digits);
  if (value === null) return { error: `"${raw.trim()}" has more decimals than the currency's ${digits}` };
  return negative && value !== 0 ? -value : value;
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
  for (const record of recordsOf(text, delimiter)) {
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
