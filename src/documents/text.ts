// Setting text in a box: one line shrunk to fit (down to a floor, then cut with an ellipsis), or wrapped to a
// number of lines. Widths come from the font's own metrics, so what fits here fits on paper.
import { type PDFFont, type PDFPage, rgb } from "pdf-lib";

/** Control characters (a newline in a product name) print as spaces; runs of spaces as one. */
export const clean = (text: string) =>
  text
    .replace(/\p{Cc}+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();

/** `text` cut with an ellipsis so that it is at most `width` wide at `size`. */
export function cut(font: PDFFont, text: string, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  const chars = [...text];
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (font.widthOfTextAtSize(`${chars.slice(0, mid).join("").trimEnd()}…`, size) <= width) low = mid;
    else high = mid - 1;
  }
  return low === 0 ? "" : `${chars.slice(0, low).join("").trimEnd()}…`;
}

/** The largest size from `size` down to `min` at which `text` fits `width`. */
export function fitSize(font: PDFFont, text: string, size: number, width: number, min: number): number {
  const natural = font.widthOfTextAtSize(text, size);
  if (natural <= width) return size;
  return Math.max(min, Math.floor(((size * width) / natural) * 4) / 4);
}

/** Words wrapped into at most `lines` lines of `width`; the last one cut when words are left over. */
export function wrap(font: PDFFont, text: string, size: number, width: number, lines: number): string[] {
  const out: string[] = [];
  let current = "";
  const words = text.split(" ");
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const next = current ? `${current} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) <= width || !current) {
      current = next;
      continue;
    }
    if (out.length === lines - 1) {
      out.push(cut(font, `${current} ${words.slice(i).join(" ")}`, size, width));
      return out;
    }
    out.push(current);
    current = word;
  }
  if (current) out.push(out.length === lines - 1 ? cut(font, current, size, width) : current);
  return out.slice(0, lines).map((line) => cut(font, line, size, width));
}

export type Align = "left" | "center" | "right";

export interface Line {
  font: PDFFont;
  size: number;
  /** Text baseline, in points from the page's bottom. */
  y: number;
  x: number;
  width: number;
  align?: Align;
  /** Shrink toward this size before cutting (default: never shrink). */
  min?: number;
  gray?: number;
}

/** Draws one line of text fitted to `width`; answers the size it used. */
export function drawLine(page: PDFPage, text: string, line: Line): number {
  const value = clean(text);
  const size = line.min ? fitSize(line.font, value, line.size, line.width, line.min) : line.size;
  const shown = cut(line.font, value, size, line.width);
  const width = line.font.widthOfTextAtSize(shown, size);
  const x =
    line.align === "center"
      ? line.x + (line.width - width) / 2
      : line.align === "right"
        ? line.x + line.width - width
        : line.x;
  page.drawText(shown, {
    x,
    y: line.y,
    size,
    font: line.font,
    color: rgb(line.gray ?? 0, line.gray ?? 0, line.gray ?? 0),
  });
  return size;
}
