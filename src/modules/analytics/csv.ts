// Any report's rows as RFC 4180 CSV: money as its decimal string, nested objects as prefixed columns, text a
// spreadsheet would run as a formula written as text (lib/csv's one way of writing CSV).
import { csvLine } from "../../lib/csv";

const isMoney = (v: unknown): v is { display: string } =>
  typeof v === "object" && v !== null && "display" in v && "amount" in v && "currency" in v;

function flatten(row: Record<string, unknown>, prefix = ""): [string, string][] {
  return Object.entries(row).flatMap(([key, value]): [string, string][] => {
    const name = prefix + key;
    if (value === null || value === undefined) return [[name, ""]];
    if (isMoney(value)) return [[name, value.display]];
    if (typeof value === "object") return flatten(value as Record<string, unknown>, `${name}_`);
    return [[name, String(value)]];
  });
}

/** `columns` names the header when there are no rows to take it from. */
export function toCsv(rows: object[], columns: string[]): string {
  const flat = rows.map((r) => flatten(r as Record<string, unknown>));
  const header = flat[0]?.map(([k]) => k) ?? columns;
  return [header, ...flat.map((r) => r.map(([, v]) => v))].map(csvLine).join("");
}
