// The preview of an import: the first rows of a file read through a mapping, as the orders they would make
// and each row's errors, before anything is written.
import { csvRecords, decodeCsv, newlineOf } from "../../lib/csv";
import { badRequest } from "../../lib/problem";
import { dataRows, layoutFor, type ReadPlan } from "./rows";
import type { ImportMapping } from "./schemas";

export function previewImport(bytes: ArrayBuffer, mapping: ImportMapping, rows: number) {
  if (bytes.byteLength === 0)
    throw badRequest("The body is empty: send the first lines of the CSV as the body.");
  const { text, encoding } = decodeCsv(bytes, true);
  const layout = layoutFor(text, mapping, "Correct the mapping or the file's header.");
  const plan: ReadPlan = {
    delimiter: layout.delimiter,
    newline: newlineOf(text),
    encoding,
    columns: layout.columns,
    mapping,
  };
  const headers = layout.header.cells.map((c) => c.trim());
  // Records up to the header, the rows asked for, and room for blank lines between them.
  const records = csvRecords(text, plan.delimiter, { preview: layout.header.line + rows + 200 });
  const read = dataRows(records, text, plan, layout.header.line).slice(0, rows);
  return {
    delimiter: layout.delimiter,
    header_line: layout.header.line,
    headers,
    rows: read.map((row) => ({
      line: row.line,
      cells: Object.fromEntries(headers.map((h, i) => [h, row.cells[i] ?? ""])),
      order: row.sale
        ? {
            external_ref: row.sale.order_ref ?? "(a hash of the row)",
            placed_at: row.sale.placed_at,
            country: row.sale.country,
            currency: row.sale.currency,
            status: row.sale.status,
            line: row.sale.line,
          }
        : null,
      errors: row.errors,
    })),
  };
}
