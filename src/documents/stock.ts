// What documents are printed on, in PDF points (1/72 in). Label stock is a grid of labels on a page: the
// sheets are real Avery products (their published label sizes, pitches and margins, so a printed sheet
// lines up with the die-cut labels); thermal rolls are one label per page. A shop with other stock sends
// its own grid (`CustomStock`). Nothing is printed to a label's edge: content keeps an inset, so a sheet
// that feeds a millimetre off still prints whole labels, and no template needs bleed.
import { z } from "@hono/zod-openapi";

export const MM = 72 / 25.4;
export const INCH = 72;

export const PAPER = { a4: [210 * MM, 297 * MM], letter: [8.5 * INCH, 11 * INCH] } as const;
export type Paper = keyof typeof PAPER;

export interface LabelStock {
  id: string;
  description: string;
  page: readonly [number, number];
  columns: number;
  rows: number;
  label: readonly [number, number];
  /** From the page's top-left corner to the first label's. */
  top: number;
  left: number;
  /** Between labels across and down. */
  gap: readonly [number, number];
  /** Kept clear inside every label. */
  inset: number;
}

const sheet = (
  id: string,
  description: string,
  paper: Paper,
  unit: number,
  [columns, rows]: [number, number],
  [width, height]: [number, number],
  [top, left]: [number, number],
  [gapX, gapY]: [number, number],
): LabelStock => ({
  id,
  description,
  page: PAPER[paper],
  columns,
  rows,
  label: [width * unit, height * unit],
  top: top * unit,
  left: left * unit,
  gap: [gapX * unit, gapY * unit],
  inset: 1.5 * MM,
});

const roll = (id: string, description: string, width: number, height: number): LabelStock => ({
  id,
  description,
  page: [width * INCH, height * INCH],
  columns: 1,
  rows: 1,
  label: [width * INCH, height * INCH],
  top: 0,
  left: 0,
  gap: [0, 0],
  inset: 1.5 * MM,
});

export const STOCKS = {
  "a4-3x8": sheet(
    "a4-3x8",
    "A4, 24 labels 63.5 x 33.9 mm (Avery L7159)",
    "a4",
    MM,
    [3, 8],
    [63.5, 33.9],
    [12.9, 7.25],
    [2.5, 0],
  ),
  "a4-2x7": sheet(
    "a4-2x7",
    "A4, 14 labels 99.1 x 38.1 mm (Avery L7163)",
    "a4",
    MM,
    [2, 7],
    [99.1, 38.1],
    [15.15, 4.65],
    [2.5, 0],
  ),
  "a4-4x10": sheet(
    "a4-4x10",
    "A4, 40 labels 45.7 x 25.4 mm (Avery L7654)",
    "a4",
    MM,
    [4, 10],
    [45.7, 25.4],
    [21.5, 9.7],
    [2.6, 0],
  ),
  "letter-3x10": sheet(
    "letter-3x10",
    "Letter, 30 labels 2.625 x 1 in (Avery 5160)",
    "letter",
    INCH,
    [3, 10],
    [2.625, 1],
    [0.5, 0.1875],
    [0.125, 0],
  ),
  "letter-2x7": sheet(
    "letter-2x7",
    "Letter, 14 labels 4 x 1.333 in (Avery 5162)",
    "letter",
    INCH,
    [2, 7],
    [4, 4 / 3],
    [5 / 6, 0.15625],
    [0.1875, 0],
  ),
  "letter-4x20": sheet(
    "letter-4x20",
    "Letter, 80 labels 1.75 x 0.5 in (Avery 5167)",
    "letter",
    INCH,
    [4, 20],
    [1.75, 0.5],
    [0.5, 0.3],
    [0.3, 0],
  ),
  "thermal-2x1": roll("thermal-2x1", "Thermal roll, 2 x 1 in", 2, 1),
  "thermal-4x6": roll("thermal-4x6", "Thermal roll, 4 x 6 in (shipping)", 4, 6),
} satisfies Record<string, LabelStock>;
export type StockId = keyof typeof STOCKS;
export const STOCK_IDS = Object.keys(STOCKS) as [StockId, ...StockId[]];

const Length = z.number().positive().max(1000);
export const CustomStockSchema = z
  .object({
    paper: z.enum(["a4", "letter"]),
    columns: z.number().int().min(1).max(10),
    rows: z.number().int().min(1).max(40),
    label_width_mm: Length,
    label_height_mm: Length,
    top_mm: z.number().min(0).max(100),
    left_mm: z.number().min(0).max(100),
    gap_x_mm: z.number().min(0).max(50).default(0),
    gap_y_mm: z.number().min(0).max(50).default(0),
  })
  .openapi("CustomStock", { description: "A sheet of labels not in the list: its grid in millimetres" });
export type CustomStock = z.infer<typeof CustomStockSchema>;

/** The stock a job names, or the grid it describes; null when the grid does not fit on its paper. */
export function stockOf(stock: StockId | CustomStock): LabelStock | null {
  if (typeof stock === "string") return STOCKS[stock];
  const built = sheet(
    "custom",
    `${stock.paper}, ${stock.columns} x ${stock.rows} labels ${stock.label_width_mm} x ${stock.label_height_mm} mm`,
    stock.paper,
    MM,
    [stock.columns, stock.rows],
    [stock.label_width_mm, stock.label_height_mm],
    [stock.top_mm, stock.left_mm],
    [stock.gap_x_mm, stock.gap_y_mm],
  );
  const right = built.left + stock.columns * built.label[0] + (stock.columns - 1) * built.gap[0];
  const bottom = built.top + stock.rows * built.label[1] + (stock.rows - 1) * built.gap[1];
  return right <= built.page[0] + 0.01 && bottom <= built.page[1] + 0.01 ? built : null;
}

export const perPage = (stock: LabelStock) => stock.columns * stock.rows;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Label `index` on its page (row by row from the top left), in PDF coordinates (origin bottom left). */
export function labelBox(stock: LabelStock, index: number): Box {
  const slot = index % perPage(stock);
  const column = slot % stock.columns;
  const row = Math.floor(slot / stock.columns);
  const [width, height] = stock.label;
  return {
    x: stock.left + column * (width + stock.gap[0]),
    y: stock.page[1] - stock.top - (row + 1) * height - row * stock.gap[1],
    width,
    height,
  };
}

/** The part of a label content may use. */
export const inside = (box: Box, inset: number): Box => ({
  x: box.x + inset,
  y: box.y + inset,
  width: box.width - 2 * inset,
  height: box.height - 2 * inset,
});
