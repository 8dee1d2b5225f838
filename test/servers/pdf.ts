// A route of the tests' loopback server (test/global-setup.ts): an independent look at a PDF the Worker made,
// with the real Debian tools (qpdf, poppler-utils, zbar-tools, dmtx-utils) run on it.
//   POST /pdf/inspect   the body is the PDF's bytes. Answers 200 application/json
//     { qpdf: { ok, output }, page_count, pages: [{ number, width, height, rotation, words, codes }], text }
//     qpdf       `qpdf --check`: ok only when it exits 0 (3, warnings, and 2, errors, are not ok)
//     page_count `pdfinfo`; width/height in points as pdfinfo reports them (unrotated), rotation in degrees
//     text       `pdftotext -layout`, the whole document, pages separated by form feeds
//     words      with ?bbox=1, `pdftotext -bbox`: [{ text, x_min, y_min, x_max, y_max }] in points, origin
//                top-left (poppler's frame: the page as displayed); otherwise null
//     codes      the page rendered by `pdftoppm` and read by `zbarimg`: [{ type, value }], type as zbar names it
//                (CODE-128, EAN-13, QR-Code, I2/5, ...); null for a page that was not rendered
//   ?dpi=300       the rendering resolution
//   ?pages=1,3     which pages to render and read (1-based); by default all, but at most the first 12
//   ?datamatrix=1  also read Data Matrix symbols with `dmtxread` (slow): type DATAMATRIX. zbar 0.23 has no
//                  Data Matrix decoder.
// A failing tool answers 500 { error } naming it and its stderr; a request it cannot honour answers 400 { error }.
//
// zbar 0.23.92 (Debian bookworm) needs two workarounds to give a symbol's exact bytes:
// - unless told `qrcode.binary`, it guesses a QR code's character set, trying Shift-JIS, Latin-1 and Big5
//   before UTF-8 (mchehab/zbar#212), so UTF-8 "ü" comes out as "ﾃｼ";
// - its --xml output base64-encodes data with a byte in 0x7f-0x9f or a control character, which UTF-8 text
//   often has, and its encoder sign-extends bytes >= 0x80 (zbar/symbol.c), so that base64 is garbage.
// So it reads with qrcode.binary, takes each symbol's type and length from --xml, and the bytes of a
// base64-encoded one from a second, plain run ("TYPE:bytes\n" per symbol, same symbols in the same order).
// A value's bytes are read as UTF-8, or as Latin-1 (Code 128's own character set) when they are not UTF-8.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { readBody, reply } from "./http";

export interface PdfWord {
  text: string;
  x_min: number;
  y_min: number;
  x_max: number;
  y_max: number;
}
export interface PdfCode {
  type: string;
  value: string;
}
export interface PdfPage {
  number: number;
  width: number;
  height: number;
  rotation: number;
  words: PdfWord[] | null;
  codes: PdfCode[] | null;
}
export interface PdfInspection {
  qpdf: { ok: boolean; output: string };
  page_count: number;
  pages: PdfPage[];
  text: string;
}

const DEFAULT_DPI = 300;
const DEFAULT_MAX_PAGES = 12;
/** dmtxread: how long it may scan one page, and how many symbols it may return from one page. */
const DMTX_MILLISECONDS = 8000;
const DMTX_MAX_SYMBOLS = 32;

const run = promisify(execFile);

class ToolError extends Error {}
class BadRequest extends Error {}

/** Runs a tool without a shell; 0 or an exit code in `expected` is an answer, anything else a ToolError. */
async function tool(
  file: string,
  args: string[],
  expected: number[] = [],
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, {
      encoding: "buffer",
      maxBuffer: 256 * 1024 * 1024,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr: stderr.toString("utf8") };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: Buffer; stderr?: Buffer; signal?: string | null };
    const stderr = e.stderr?.toString("utf8") ?? "";
    if (typeof e.code === "number" && expected.includes(e.code))
      return { code: e.code, stdout: e.stdout ?? Buffer.alloc(0), stderr };
    const how =
      typeof e.code === "number" ? `exited ${e.code}` : e.signal ? `killed by ${e.signal}` : String(e.code);
    throw new ToolError(`${file} ${args.join(" ")} failed (${how}): ${stderr.trim() || e.message}`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** A symbol's bytes as text: UTF-8 (a byte-order mark kept), or Latin-1 when they are not valid UTF-8. */
function decodeValue(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (whole, name: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    const lower = name.toLowerCase();
    if (lower in named) return named[lower] as string;
    const code = lower.startsWith("#x") ? Number.parseInt(lower.slice(2), 16) : Number(lower.slice(1));
    return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const attribute = (attributes: string, name: string): string | undefined =>
  new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)
    .exec(attributes)
    ?.slice(1)
    .find((v) => v !== undefined);

/** `pdfinfo -f 1 -l N`: the "Page k size: W x H pts" and "Page k rot: R" lines. */
function parsePageSizes(info: string): Map<number, { width: number; height: number; rotation: number }> {
  const pages = new Map<number, { width: number; height: number; rotation: number }>();
  for (const m of info.matchAll(/^Page\s+(\d+)\s+size:\s*([\d.]+)\s*x\s*([\d.]+)\s*pts/gm))
    pages.set(Number(m[1]), { width: Number(m[2]), height: Number(m[3]), rotation: 0 });
  for (const m of info.matchAll(/^Page\s+(\d+)\s+rot:\s*(-?\d+)/gm)) {
    const page = pages.get(Number(m[1]));
    if (page) page.rotation = Number(m[2]);
  }
  return pages;
}

/** `pdftotext -bbox`: each <page> in order, its <word>s. */
function parseWordBoxes(xhtml: string): PdfWord[][] {
  const pages: PdfWord[][] = [];
  for (const page of xhtml.matchAll(/<page\b[^>]*>([\s\S]*?)<\/page>/g)) {
    const words: PdfWord[] = [];
    for (const w of (page[1] ?? "").matchAll(/<word\b([^>]*)>([\s\S]*?)<\/word>/g)) {
      const attrs = w[1] ?? "";
      words.push({
        text: decodeEntities(w[2] ?? ""),
        x_min: Number(attribute(attrs, "xMin")),
        y_min: Number(attribute(attrs, "yMin")),
        x_max: Number(attribute(attrs, "xMax")),
        y_max: Number(attribute(attrs, "yMax")),
      });
    }
    pages.push(words);
  }
  return pages;
}

/** zbarimg's symbols in a page image (see the note at the top about its two bugs). */
async function readBarcodes(png: string): Promise<PdfCode[]> {
  const args = ["-q", "--nodbus", "-Sqrcode.binary", png];
  const xml = await tool("zbarimg", ["--xml", ...args], [0, 4]);
  if (xml.code === 4) return []; // no symbol found
  // Byte for byte: Latin-1 maps each byte to one character and back.
  const symbols: { type: string; bytes: Buffer | null; length: number }[] = [];
  for (const m of xml.stdout.toString("latin1").matchAll(/<symbol\b([^>]*)>([\s\S]*?)<\/symbol>/g)) {
    const data = /<data\b([^>]*)><!\[CDATA\[([\s\S]*?)\]\]><\/data>/.exec(m[2] ?? "");
    if (!data) throw new ToolError(`zbarimg --xml: a symbol without data: ${m[0]}`);
    const type = attribute(m[1] ?? "", "type") ?? "UNKNOWN";
    const attrs = data[1] ?? "";
    if (attribute(attrs, "format") === "base64")
      symbols.push({ type, bytes: null, length: Number(attribute(attrs, "length")) });
    else {
      const bytes = Buffer.from(data[2] ?? "", "latin1");
      symbols.push({ type, bytes, length: bytes.length });
    }
  }
  if (symbols.some((s) => s.bytes === null)) {
    const plain = (await tool("zbarimg", args, [0, 4])).stdout;
    let at = 0;
    for (const symbol of symbols) {
      const prefix = Buffer.from(`${symbol.type}:`, "latin1");
      const end = at + prefix.length + symbol.length;
      if (!plain.subarray(at, at + prefix.length).equals(prefix) || plain[end] !== 0x0a)
        throw new ToolError(
          `zbarimg: its plain output does not list the symbols its --xml output did (${png})`,
        );
      symbol.bytes ??= plain.subarray(at + prefix.length, end);
      at = end + 1;
    }
  }
  return symbols.map((s) => ({ type: s.type, value: decodeValue(s.bytes as Buffer) }));
}

/** dmtxread's Data Matrix symbols, one message a line (a message with a newline in it is split). */
async function readDataMatrix(png: string, dpi: number): Promise<PdfCode[]> {
  // Scanning a whole page at full resolution takes dmtxread tens of seconds; at about 100 dpi, a second or two.
  const shrink = Math.max(1, Math.round(dpi / 100));
  const args = ["-n", `-N${DMTX_MAX_SYMBOLS}`, `-m${DMTX_MILLISECONDS}`, `-S${shrink}`, png];
  const { code, stdout } = await tool("dmtxread", args, [0, 1]); // 1: none found
  if (code === 1) return [];
  const lines = stdout.toString("latin1").split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line) => ({ type: "DATAMATRIX", value: decodeValue(Buffer.from(line, "latin1")) }));
}

/** Runs `work` on every item, at most `limit` at a time, keeping the order. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface Options {
  dpi: number;
  pages: number[] | null;
  bbox: boolean;
  datamatrix: boolean;
}

function options(url: URL): Options {
  const dpiParam = url.searchParams.get("dpi");
  const dpi = dpiParam === null ? DEFAULT_DPI : Number(dpiParam);
  if (!Number.isInteger(dpi) || dpi < 18 || dpi > 1200)
    throw new BadRequest(`dpi must be a whole number from 18 to 1200, not ${dpiParam}`);
  const pagesParam = url.searchParams.get("pages");
  let pages: number[] | null = null;
  if (pagesParam !== null) {
    pages = pagesParam.split(",").map((p) => Number(p.trim()));
    if (pages.some((p) => !Number.isInteger(p) || p < 1))
      throw new BadRequest(`pages must be a comma-separated list of page numbers from 1, not ${pagesParam}`);
    pages = [...new Set(pages)].sort((a, b) => a - b);
  }
  return {
    dpi,
    pages,
    bbox: url.searchParams.get("bbox") === "1",
    datamatrix: url.searchParams.get("datamatrix") === "1",
  };
}

async function inspect(pdf: Buffer, opts: Options): Promise<PdfInspection> {
  const dir = await mkdtemp(path.join(tmpdir(), "roms-pdf-"));
  try {
    const file = path.join(dir, "file.pdf");
    await writeFile(file, pdf);

    const check = await tool("qpdf", ["--check", file], [0, 2, 3]);
    const qpdf = { ok: check.code === 0, output: check.stdout.toString("utf8") + check.stderr };
    try {
      const info = (await tool("pdfinfo", [file])).stdout.toString("utf8");
      const count = /^Pages:\s*(\d+)/m.exec(info);
      if (!count) throw new ToolError(`pdfinfo printed no page count:\n${info}`);
      const pageCount = Number(count[1]);
      const sizes =
        pageCount > 0
          ? parsePageSizes(
              (await tool("pdfinfo", ["-f", "1", "-l", String(pageCount), file])).stdout.toString("utf8"),
            )
          : new Map();
      const text = (await tool("pdftotext", ["-layout", file, "-"])).stdout.toString("utf8");
      const boxes = opts.bbox
        ? parseWordBoxes((await tool("pdftotext", ["-bbox", file, "-"])).stdout.toString("utf8"))
        : null;

      const decode =
        opts.pages ?? Array.from({ length: Math.min(pageCount, DEFAULT_MAX_PAGES) }, (_, i) => i + 1);
      const beyond = decode.filter((n) => n > pageCount);
      if (beyond.length) throw new BadRequest(`the PDF has ${pageCount} pages, no page ${beyond.join(", ")}`);
      const decoded = await mapLimit(decode, Math.max(1, Math.min(4, availableParallelism())), async (n) => {
        const png = path.join(dir, `page-${n}.png`);
        const args = ["-r", String(opts.dpi), "-f", String(n), "-l", String(n), "-png", "-singlefile"];
        await tool("pdftoppm", [...args, file, path.join(dir, `page-${n}`)]);
        const codes = await readBarcodes(png);
        if (opts.datamatrix) codes.push(...(await readDataMatrix(png, opts.dpi)));
        await rm(png, { force: true });
        return [n, codes] as const;
      });
      const codes = new Map(decoded);

      const pages: PdfPage[] = Array.from({ length: pageCount }, (_, i) => {
        const number = i + 1;
        const size = sizes.get(number);
        if (!size) throw new ToolError(`pdfinfo printed no size for page ${number}`);
        return { number, ...size, words: boxes ? (boxes[i] ?? []) : null, codes: codes.get(number) ?? null };
      });
      return { qpdf, page_count: pageCount, pages, text };
    } catch (error) {
      // What qpdf said helps explain why poppler could not read the file.
      if (error instanceof ToolError) error.message += `\n(qpdf --check: ${qpdf.output.trim()})`;
      throw error;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function pdfServer(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (url.pathname !== "/pdf/inspect") return false;
  if (req.method !== "POST") {
    res.writeHead(405, { allow: "POST" }).end();
    return true;
  }
  try {
    const opts = options(url);
    const pdf = await readBody(req);
    if (pdf.length === 0) throw new BadRequest("the body is empty; POST the PDF's bytes");
    reply(res, 200, await inspect(pdf, opts));
  } catch (error) {
    if (error instanceof BadRequest) reply(res, 400, { error: error.message });
    else if (error instanceof ToolError) reply(res, 500, { error: error.message });
    else reply(res, 500, { error: `pdf inspection failed: ${String(error)}` });
  }
  return true;
}
