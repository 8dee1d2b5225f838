// PNG: its chunks walked from IHDR to IEND, and the Exif and text chunks dropped.
import { concat, fourcc, startsWith, UnreadablePhoto, u32be } from "./bytes";

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/**
 * eXIf is standard EXIF; exIf and zxIf are the pre-standard names ImageMagick and others wrote. The text chunks
 * hold free text, and XMP (iTXt "XML:com.adobe.xmp") or ImageMagick's "Raw profile type exif" (zTXt).
 * All are ancillary, so no decoder needs them.
 */
const PNG_DROPPED = new Set(["eXIf", "exIf", "zxIf", "tEXt", "zTXt", "iTXt"]);

interface PngChunk {
  type: string;
  start: number;
  end: number;
}

/** The chunks from IHDR to IEND. Whole means IHDR comes first, IEND is reached and every length fits. */
export function pngChunks(b: Uint8Array): PngChunk[] {
  const bad = (detail: string) => new UnreadablePhoto("PNG", detail);
  const chunks: PngChunk[] = [];
  let pos = PNG_SIGNATURE.length;
  for (;;) {
    if (pos + 12 > b.length) throw bad("it ends before its IEND chunk");
    const length = u32be(b, pos);
    const type = fourcc(b, pos + 4);
    const end = pos + 12 + length;
    if (length > 0x7fffffff || end > b.length) throw bad(`chunk ${JSON.stringify(type)} runs past the end`);
    if (chunks.length === 0 && (type !== "IHDR" || length !== 13)) throw bad("its first chunk is not IHDR");
    chunks.push({ type, start: pos, end });
    if (type === "IEND") return chunks;
    pos = end;
  }
}

/** Drops the chunks of PNG_DROPPED and anything after IEND; every kept chunk (and its CRC) is copied as it was. */
export function stripPng(b: Uint8Array): Uint8Array {
  if (!startsWith(b, PNG_SIGNATURE))
    throw new UnreadablePhoto("PNG", "it does not start with the PNG signature");
  const kept = pngChunks(b).filter((c) => !PNG_DROPPED.has(c.type));
  return concat([b.subarray(0, PNG_SIGNATURE.length), ...kept.map((c) => b.subarray(c.start, c.end))]);
}
