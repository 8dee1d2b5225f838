// Full-page documents (pick lists, packing slips, invoices, credit notes) on A4 or Letter: a writer that
// flows blocks and table rows down the page, starts a new page (repeating the table's header) when one is
// full, and numbers every page "n of m" at the end, when m is known.
import { grayscale, PDFDocument, type PDFPage } from "pdf-lib";
import { embedFonts, type FontBytes, type Fonts } from "./fonts";
import { MM, PAPER, type Paper } from "./stock";
import { type Align, drawLine } from "./text";

export const MARGIN = 15 * MM;

export interface Column {
  title: string;
  /** Share of the text width. */
  width: number;
  align?: Align;
}

export class PageWriter {
  readonly doc: PDFDocument;
  readonly fonts: Fonts;
  readonly size: readonly [number, number];
  page!: PDFPage;
  /** The next line's top, in points from the page's bottom. */
  y = 0;
  private header: Column[] | null = null;

  private constructor(
    doc: PDFDocument,
    fonts: Fonts,
    paper: Paper,
    readonly title: string,
  ) {
    this.doc = doc;
    this.fonts = fonts;
    this.size = PAPER[paper];
    this.newPage();
  }

  static async create(fontBytes: FontBytes, paper: Paper, title: string): Promise<PageWriter> {
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.setTitle(title);
    doc.setProducer("ROMS");
    return new PageWriter(doc, await embedFonts(doc, fontBytes), paper, title);
  }

  get left() {
    return MARGIN;
  }
  get width() {
    return this.size[0] - 2 * MARGIN;
  }

  newPage(): void {
    this.page = this.doc.addPage([...this.size] as [number, number]);
    this.y = this.size[1] - MARGIN;
    if (this.header) this.tableHeader(this.header);
  }

  /** Room for `height` more points on this page, or a new page. */
  need(height: number): void {
    if (this.y - height < MARGIN + 20) this.newPage();
  }

  text(
    value: string,
    options: { size?: number; bold?: boolean; x?: number; width?: number; align?: Align; gap?: number } = {},
  ) {
    const size = options.size ?? 10;
    this.need(size * 1.3);
    this.y -= size * 1.25;
    drawLine(this.page, value, {
      font: options.bold ? this.fonts.bold : this.fonts.regular,
      size,
      min: size * 0.7,
      x: options.x ?? this.left,
      y: this.y,
      width: options.width ?? this.width,
      align: options.align,
    });
    this.y -= options.gap ?? 0;
  }

  /** Blocks side by side (seller and buyer, say), each a list of lines; the first line bold. */
  columns(blocks: { heading: string; lines: string[] }[], size = 9): void {
    const width = this.width / blocks.length;
    const height = Math.max(...blocks.map((b) => b.lines.length + 1)) * size * 1.3;
    this.need(height);
    const top = this.y;
    blocks.forEach((block, i) => {
      let y = top;
      const x = this.left + i * width;
      y -= size * 1.3;
      drawLine(this.page, block.heading, {
        font: this.fonts.bold,
        size: size * 0.85,
        x,
        y,
        width: width - 8,
        gray: 0.35,
      });
      for (const [n, line] of block.lines.entries()) {
        y -= size * 1.3;
        drawLine(this.page, line, {
          font: n === 0 ? this.fonts.bold : this.fonts.regular,
          size,
          min: size * 0.7,
          x,
          y,
          width: width - 8,
        });
      }
    });
    this.y = top - height - 6;
  }

  rule(gray = 0.6): void {
    this.page.drawLine({
      start: { x: this.left, y: this.y },
      end: { x: this.left + this.width, y: this.y },
      thickness: 0.5,
      color: grayscale(gray),
    });
  }

  /** Starts a table: its header now and atop every further page until `endTable`. */
  table(columns: Column[]): void {
    this.need(40);
    this.header = columns;
    this.tableHeader(columns);
  }

  endTable(): void {
    this.header = null;
    this.y -= 6;
  }

  private cells(columns: Column[], values: string[], size: number, bold: boolean): void {
    let x = this.left;
    columns.forEach((column, i) => {
      const width = column.width * this.width;
      drawLine(this.page, values[i] ?? "", {
        font: bold ? this.fonts.bold : this.fonts.regular,
        size,
        min: size * 0.75,
        x: x + 2,
        y: this.y,
        width: width - 4,
        align: column.align,
      });
      x += width;
    });
  }

  private tableHeader(columns: Column[]): void {
    this.y -= 12;
    this.cells(
      columns,
      columns.map((c) => c.title),
      8.5,
      true,
    );
    this.y -= 4;
    this.rule(0.3);
  }

  /**
   * One row of `height` points (more than a line leaves room for a barcode, drawn by `extra` inside the
   * row's box after the cells).
   */
  row(
    values: string[],
    options: {
      height?: number;
      bold?: boolean;
      extra?: (box: { x: number; y: number; height: number }) => void;
    } = {},
  ): void {
    const height = options.height ?? 14;
    this.need(height + 2);
    const columns = this.header;
    if (!columns) throw new Error("row() outside a table");
    const top = this.y;
    this.y = top - Math.min(height, 14) + 3;
    this.cells(columns, values, 9, options.bold ?? false);
    options.extra?.({ x: this.left, y: top - height, height });
    this.y = top - height;
    this.rule(0.85);
  }

  /** A label and amount pair right-aligned under a table: "Total  123.45 EUR". */
  total(label: string, amount: string, bold = false): void {
    this.need(14);
    this.y -= 13;
    const font = bold ? this.fonts.bold : this.fonts.regular;
    drawLine(this.page, label, {
      font,
      size: 10,
      x: this.left + this.width * 0.5,
      y: this.y,
      width: this.width * 0.3,
      align: "right",
    });
    drawLine(this.page, amount, {
      font,
      size: 10,
      x: this.left + this.width * 0.8,
      y: this.y,
      width: this.width * 0.2,
      align: "right",
    });
  }

  /** Numbers every page and answers the PDF's bytes. */
  async finish(): Promise<{ bytes: Uint8Array; pages: number }> {
    const pages = this.doc.getPages();
    pages.forEach((page, i) => {
      drawLine(page, `${this.title} · page ${i + 1} of ${pages.length}`, {
        font: this.fonts.regular,
        size: 8,
        x: this.left,
        y: MARGIN - 12,
        width: this.width,
        align: "right",
        gray: 0.35,
      });
    });
    return { bytes: await this.doc.save({ useObjectStreams: true }), pages: pages.length };
  }
}
