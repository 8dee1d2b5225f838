// Reading CSV exports people bring (bank statements, sales exports): their text (BOM, UTF-8 or Windows-1252),
// records with the line each starts on (papaparse: quoted fields may hold delimiters and line breaks), the
// header under which a mapping's columns are found whatever the delimiter, and amounts as exact minor units.
import Papa from "papaparse";
import { parseDecimal } from "./money";
import { badRequest, Problem } from "./problem";

export const DELIMITERS = [";", ",", "\t"] as const;

/** The encodings an export comes in: UTF-8, else Windows-1252 (older exports), where a byte is a character. */
export type CsvEncoding = "utf-8" | "windows-1252";

/**
 * The text of a file's bytes: UTF-8 (its BOM dropped), or Windows-1252 when it is not valid UTF-8. `partial`:
 * the bytes are the head of a longer file, so a character cut at the end is not a reason to refuse UTF-8.
 */
export function decodeCsv(bytes: ArrayBuffer | Uint8Array, partial = false) {
  let text: string;
  let encoding: CsvEncoding = "utf-8";
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes, { stream: partial });
  } catch {
    encoding = "windows-1252";
    text = new TextDecoder("windows-1252").decode(bytes);
  }
  const bom = text.startsWith("\uFEFF");
  return { text: bom ? text.slice(1) : text, encoding, bomBytes: bom ? 3 : 0 };
}

export interface CsvRecord {
  cells: string[];
  /** The physical line the record starts on: a quoted field may hold line breaks of its own. */
  line: number;
  /** Offsets of the record in the text, its line break included in `end`. */
  start: number;
  end: number;
  /** A quoted field not closed properly. */
  broken: boolean;
}

export interface RecordOptions {
  /** Stop after this many records (0: all). */
  preview?: number;
  /** The line the text starts on (when it is a slice of a file). */
  firstLine?: number;
  newline?: string;
}

/** The line break a file uses: "\r\n" and "\n" count lines by "\n", old Mac files by "\r". */
export const newlineOf = (text: string) => (text.includes("\n") ? "\n" : "\r");

function countOf(text: string, char: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf(char, from); i !== -1 && i < to; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/** Records with the physical line each starts on and where each ends in the text. */
export function csvRecords(text: string, delimiter: string, options: RecordOptions = {}): CsvRecord[] {
  const newline = options.newline ?? newlineOf(text);
  const records: CsvRecord[] = [];
  let cursor = 0;
  let line = options.firstLine ?? 1;
  Papa.parse<string[]>(text, {
    delimiter,
    header: false,
    skipEmptyLines: false,
    preview: options.preview ?? 0,
    step: (result) => {
      const end = result.meta.cursor;
      records.push({
        cells: result.data,
        line,
        start: cursor,
        end,
        broken: result.errors.some((e) => e.type === "Quotes"),
      });
      line += countOf(text, newline, cursor, end);
      cursor = end;
    },
  });
  return records;
}

export const cellKey = (cell: string) => cell.trim().toLowerCase();
export const isBlank = (cells: string[]) => cells.every((c) => c.trim() === "");

export interface CsvLayout<R extends string> {
  delimiter: string;
  header: CsvRecord;
  /** Each mapped role's column index. */
  columns: Map<R, number>;
}

/** How a problem names a mapping's role: in its detail, and as the field of its errors. */
export interface RoleNames<R extends string> {
  label?: (role: R) => string;
  field?: (role: R) => string;
}

/**
 * The delimiter and header row under which every wanted column is found, searched among the first `search`
 * records with each delimiter (a comma may be a decimal mark in a semicolon file; a header cell never holds
 * one). Else a 400 naming each missing column and the headers found, ending with `fix`.
 */
export function findLayout<R extends string>(
  text: string,
  wanted: [R, string][],
  fix: string,
  options: { search?: number } & RoleNames<R> = {},
): CsvLayout<R> {
  const label = options.label ?? ((role: R) => `the mapping's ${role}`);
  const field = options.field ?? ((role: R) => `mapping.${role}`);
  let closest: { header: CsvRecord; found: number } | undefined;
  for (const delimiter of DELIMITERS) {
    for (const record of csvRecords(text, delimiter, { preview: options.search ?? 20 })) {
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
  if (!closest) throw badRequest("The file is empty: send the CSV export as the request body.");
  const keys = closest.header.cells.map(cellKey);
  const missing = wanted.filter(([, name]) => !keys.includes(cellKey(name)));
  const headers = closest.header.cells.map((c) => c.trim()).filter(Boolean);
  throw new Problem({
    status: 400,
    slug: "validation",
    title: "Invalid request",
    detail: `The file has no column ${missing.map(([role, name]) => `"${name}" (${label(role)})`).join(", ")}. The headers found (line ${closest.header.line}) are: ${headers.map((h) => `"${h}"`).join(", ")}. ${fix}`,
    errors: missing.map(([role, name]) => ({
      in: "body",
      path: "header",
      message: `No column "${name}" (${field(role)})`,
    })),
    extensions: { headers_found: headers },
  });
}

/**
 * An amount as written in an export, in whole minor units: thousands separators (".", ",", spaces,
 * apostrophes) dropped where they group by three, a leading or trailing minus or parentheses negative, a
 * currency sign or code beside it ignored. Never through a float.
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
 * One field of a CSV ROMS writes (reports, error files): quoted when it holds a quote, comma or line break,
 * and text a spreadsheet would run as a formula (=, +, -, @ first, not a number) written as text.
 */
export function csvField(value: string | number): string {
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One line of a CSV ROMS writes (CRLF, as RFC 4180 has it). */
export const csvLine = (cells: (string | number)[]) => `${cells.map(csvField).join(",")}\r\n`;
