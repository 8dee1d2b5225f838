// WebP: its RIFF chunks walked, and the EXIF and XMP chunks dropped (their VP8X flags cleared).
import { ascii, concat, fourcc, startsWith, UnreadablePhoto, u32le } from "./bytes";

const RIFF = ascii("RIFF");
const WEBP = ascii("WEBP");
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

export const isWebp = (b: Uint8Array) => startsWith(b, RIFF) && startsWith(b, WEBP, 8);

interface WebpChunk {
  type: string;
  start: number;
  /** Past the data and its pad byte, when the chunk has one. */
  end: number;
}

/** The chunks inside the RIFF. Whole means the RIFF size fits the bytes, the chunks fill it, and the first is an image. */
export function webpChunks(b: Uint8Array): WebpChunk[] {
  const bad = (detail: string) => new UnreadablePhoto("WebP", detail);
  if (b.length < 12) throw bad("it is shorter than its header");
  const riffEnd = 8 + u32le(b, 4);
  if (riffEnd > b.length) throw bad("the RIFF size runs past the end");
  const chunks: WebpChunk[] = [];
  let pos = 12;
  while (pos < riffEnd) {
    if (pos + 8 > riffEnd) throw bad("a chunk header runs past the RIFF end");
    const type = fourcc(b, pos);
    const size = u32le(b, pos + 4);
    const dataEnd = pos + 8 + size;
    if (dataEnd > riffEnd) throw bad(`chunk ${JSON.stringify(type)} runs past the RIFF end`);
    // A writer may leave out the pad byte of the last chunk; the RIFF size then ends at the data.
    const end = Math.min(dataEnd + (size & 1), riffEnd);
    chunks.push({ type, start: pos, end });
    pos = end;
  }
  const first = chunks[0]?.type;
  if (first !== "VP8 " && first !== "VP8L" && first !== "VP8X")
    throw bad("its first chunk is not VP8, VP8L or VP8X");
  return chunks;
}

/** Drops the EXIF and XMP chunks, clears their flags in VP8X and writes the new RIFF size; the rest is copied. */
export function stripWebp(b: Uint8Array): Uint8Array {
  if (!isWebp(b)) throw new UnreadablePhoto("WebP", "it does not start with RIFF....WEBP");
  const kept = webpChunks(b).filter((c) => c.type !== "EXIF" && c.type !== "XMP ");
  const out = concat([b.subarray(0, 12), ...kept.map((c) => b.subarray(c.start, c.end))]);
  // An odd-sized last chunk without its pad may now sit before others: pad the whole to an even length.
  const body = out.length % 2 === 0 ? out : concat([out, new Uint8Array(1)]);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  view.setUint32(4, body.length - 8, true);
  if (kept[0]?.type === "VP8X" && kept[0].end - kept[0].start >= 9) {
    body[20] = body[20]! & ~(VP8X_EXIF | VP8X_XMP); // first chunk's first data byte: 12 + 8
  }
  return body;
}
