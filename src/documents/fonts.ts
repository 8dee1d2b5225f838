// The fonts every document is set in: DejaVu Sans (regular and bold), embedded as a subset of the glyphs a
// document uses, so text is real text (selectable, searchable) in Latin, Greek, Cyrillic, Armenian,
// Georgian and Hebrew. The TTF files are static assets (scripts/assets.mjs copies them out of
// node_modules into dist/public/fonts), read through the ASSETS binding once per isolate: the Worker's code
// stays small and a document costs no font download after the first.
import fontkit from "@pdf-lib/fontkit";
import type { PDFDocument, PDFFont } from "pdf-lib";
import type { Env } from "../env";

export const FONT_FILES = { regular: "/fonts/DejaVuSans.ttf", bold: "/fonts/DejaVuSans-Bold.ttf" } as const;

export interface FontBytes {
  regular: Uint8Array;
  bold: Uint8Array;
}

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

let loading: Promise<FontBytes> | undefined;

async function fetchFont(env: Pick<Env, "ASSETS">, path: string): Promise<Uint8Array> {
  const response = await env.ASSETS.fetch(new Request(new URL(path, "https://assets.invalid")));
  if (!response.ok) throw new Error(`font ${path}: static asset answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The font files, read once per isolate (a failed read is tried again by the next caller). */
export function fontBytes(env: Pick<Env, "ASSETS">): Promise<FontBytes> {
  loading ??= Promise.all([fetchFont(env, FONT_FILES.regular), fetchFont(env, FONT_FILES.bold)])
    .then(([regular, bold]) => ({ regular, bold }))
    .catch((error) => {
      loading = undefined;
      throw error;
    });
  return loading;
}

/** Embeds both fonts into `doc` as subsets. */
export async function embedFonts(doc: PDFDocument, bytes: FontBytes): Promise<Fonts> {
  // Parsed per document: a parsed font shared between documents lost glyphs from later subsets.
  doc.registerFontkit(fontkit);
  const [regular, bold] = await Promise.all([
    doc.embedFont(bytes.regular, { subset: true }),
    doc.embedFont(bytes.bold, { subset: true }),
  ]);
  return { regular, bold };
}
