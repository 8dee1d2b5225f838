// Claim photos' bytes: what kind of image an upload really is, and the same image without the metadata that can
// tell where it was taken (EXIF GPS, XMP, IPTC). Pure functions over Uint8Array, so they run in the Worker.
//
// The type comes from the bytes alone, never from a file name or a Content-Type: a ".jpg" that holds HTML or
// SVG would otherwise be served back as an image. "Plausibly whole" means the container's own structure walks
// from start to end (segments, chunks or boxes whose lengths fit), which catches truncated uploads and most
// things that merely start like an image; it does not decode pixels.

export type PhotoType = "image/jpeg" | "image/png" | "image/webp" | "image/heic";
export type PhotoExtension = "jpg" | "png" | "webp" | "heic";
export interface DetectedImage {
  type: PhotoType;
  ext: PhotoExtension;
}

/** The image's structure could not be walked, so its metadata cannot be removed: refuse the upload (422). */
export class UnreadablePhoto extends Error {
  constructor(format: string, detail: string) {
    super(`the ${format} image's structure cannot be parsed: ${detail}`);
    this.name = "UnreadablePhoto";
  }
}

/** The image type by magic bytes and a walk of its structure, or null for anything else (HTML, SVG, GIF, PDF...). */
export function detectImage(bytes: Uint8Array): DetectedImage | null {
  try {
    // Each walk throws UnreadablePhoto when the structure does not hold together.
    if (startsWith(bytes, JPEG_SOI)) {
      jpegScan(bytes);
      return { type: "image/jpeg", ext: "jpg" };
    }
    if (startsWith(bytes, PNG_SIGNATURE)) {
      pngChunks(bytes);
      return { type: "image/png", ext: "png" };
    }
    if (isWebp(bytes)) {
      webpChunks(bytes);
      return { type: "image/webp", ext: "webp" };
    }
    if (isHeic(bytes)) {
      heicBoxes(bytes);
      return { type: "image/heic", ext: "heic" };
    }
  } catch (error) {
    if (error instanceof UnreadablePhoto) return null;
    throw error;
  }
  return null;
}

/**
 * The image without the metadata that can carry its location; a new array, `bytes` is left as it was.
 * Throws UnreadablePhoto when the structure cannot be walked. What each format loses is said at its stripper.
 */
export function stripLocation(bytes: Uint8Array, type: PhotoType): Uint8Array {
  switch (type) {
    case "image/jpeg":
      return stripJpeg(bytes);
    case "image/png":
      return stripPng(bytes);
    case "image/webp":
      return stripWebp(bytes);
    case "image/heic":
      return stripHeic(bytes);
  }
}

// --- shared ----------------------------------------------------------------------------------------------

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
const u16be = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32be = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u32le = (b: Uint8Array, at: number) =>
  ((b[at + 3]! << 24) | (b[at + 2]! << 16) | (b[at + 1]! << 8) | b[at]!) >>> 0;

function startsWith(b: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (b.length < at + prefix.length) return false;
  return prefix.every((byte, i) => b[at + i] === byte);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// --- JPEG ------------------------------------------------------------------------------------------------

const JPEG_SOI = Uint8Array.of(0xff, 0xd8, 0xff);
const EOI = 0xd9;
const SOS = 0xda;
const APP1 = 0xe1; // Exif and XMP (and extended XMP)
const APP2 = 0xe2; // ICC profiles (kept) and MPF (dropped, see stripJpeg)
const APP13 = 0xed; // Photoshop IRB, which holds IPTC (city, sublocation, GPS-like fields)
/** Start-of-frame markers: baseline, extended, progressive, lossless, hierarchical and arithmetic variants. */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const MPF = ascii("MPF\0");

interface JpegSegment {
  marker: number;
  /** From the segment's first 0xFF (fill bytes included) to the next marker; a scan's data belongs to its SOS. */
  start: number;
  /** Past the marker: where the length field, then the payload, starts. */
  body: number;
  end: number;
}

/**
 * The segments from SOI to the first EOI. Whole means: every length fits, a frame (SOF) comes before the first
 * scan, and the entropy-coded data ends at an EOI. Progressive files (several scans, tables between) walk too.
 */
function jpegScan(b: Uint8Array): JpegSegment[] {
  const bad = (detail: string) => new UnreadablePhoto("JPEG", detail);
  const segments: JpegSegment[] = [];
  let framed = false;
  let pos = 2;
  for (;;) {
    if (pos >= b.length) throw bad("it ends before its EOI marker");
    if (b[pos] !== 0xff) throw bad(`no marker at byte ${pos}`);
    const start = pos;
    while (b[pos] === 0xff) pos++; // fill bytes may precede a marker
    if (pos >= b.length) throw bad("it ends inside a marker");
    const marker = b[pos]!;
    pos++;
    if (marker === EOI) {
      if (!framed) throw bad("it has no frame and scan before EOI");
      segments.push({ marker, start, body: pos, end: pos });
      return segments;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      segments.push({ marker, start, body: pos, end: pos }); // RSTn, TEM: no length
      continue;
    }
    if (marker === 0x00 || marker === 0xd8) throw bad(`marker 0x${marker.toString(16)} at byte ${pos - 1}`);
    if (pos + 2 > b.length) throw bad("it ends inside a segment length");
    const length = u16be(b, pos);
    if (length < 2 || pos + length > b.length)
      throw bad(`segment 0x${marker.toString(16)} runs past the end`);
    let end = pos + length;
    if (SOF.has(marker)) framed = true;
    if (marker === SOS) {
      if (!framed) throw bad("a scan comes before any frame (SOF)");
      end = entropyEnd(b, end);
      if (end < 0) throw bad("a scan runs to the end of the file without an EOI marker");
    }
    segments.push({ marker, start, body: pos, end });
    pos = end;
  }
}

/** Where a scan's entropy-coded data stops: the first 0xFF that is not stuffing (FF 00) or a restart (FF D0-D7). */
function entropyEnd(b: Uint8Array, from: number): number {
  let i = b.indexOf(0xff, from);
  while (i >= 0 && i + 1 < b.length) {
    const next = b[i + 1]!;
    if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7) && next !== 0xff) return i;
    i = b.indexOf(0xff, i + 1);
  }
  return -1;
}

/**
 * Drops APP1 (Exif with its GPS IFD, XMP), APP13 (Photoshop IRB/IPTC) and the APP2 MPF index, keeping every other
 * segment byte for byte, and ends the file at the first image's EOI. What follows that EOI (MPF secondary
 * images, vendor trailers) carries its own Exif, and the MPF index would point at it, so both go.
 * EXIF orientation goes with the Exif: a photo taken sideways shows sideways. Acceptable for claim evidence,
 * and cheaper than re-encoding.
 */
function stripJpeg(b: Uint8Array): Uint8Array {
  if (!startsWith(b, JPEG_SOI)) throw new UnreadablePhoto("JPEG", "it does not start with SOI");
  const kept = jpegScan(b).filter((s) => {
    if (s.marker === APP1 || s.marker === APP13) return false;
    if (s.marker === APP2 && startsWith(b, MPF, s.body + 2)) return false;
    return true;
  });
  return concat([b.subarray(0, 2), ...kept.map((s) => b.subarray(s.start, s.end))]);
}

// --- PNG -------------------------------------------------------------------------------------------------

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
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
function pngChunks(b: Uint8Array): PngChunk[] {
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
function stripPng(b: Uint8Array): Uint8Array {
  if (!startsWith(b, PNG_SIGNATURE))
    throw new UnreadablePhoto("PNG", "it does not start with the PNG signature");
  const kept = pngChunks(b).filter((c) => !PNG_DROPPED.has(c.type));
  return concat([b.subarray(0, PNG_SIGNATURE.length), ...kept.map((c) => b.subarray(c.start, c.end))]);
}

// --- WebP ------------------------------------------------------------------------------------------------

const RIFF = ascii("RIFF");
const WEBP = ascii("WEBP");
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

const isWebp = (b: Uint8Array) => startsWith(b, RIFF) && startsWith(b, WEBP, 8);

interface WebpChunk {
  type: string;
  start: number;
  /** Past the data and its pad byte, when the chunk has one. */
  end: number;
}

/** The chunks inside the RIFF. Whole means the RIFF size fits the bytes, the chunks fill it, and the first is an image. */
function webpChunks(b: Uint8Array): WebpChunk[] {
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
function stripWebp(b: Uint8Array): Uint8Array {
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

// --- HEIC ------------------------------------------------------------------------------------------------

/**
 * Accepted: the HEVC still-image brands (heic main, heix extended, heim/heis multi-layer and scalable), as
 * major or compatible brand. Not accepted: the sequence brands (hevc, hevx, msf1), whose pictures and metadata
 * live in moov tracks that stripHeic does not walk; a bare mif1, which says "some HEIF" (it may be AVIF or
 * JPEG-in-HEIF); and anything that names avif or avis, since AVIF is not accepted.
 */
const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis"]);
const AVIF_BRANDS = new Set(["avif", "avis"]);

function ftypBrands(b: Uint8Array): string[] | null {
  if (b.length < 16 || fourcc(b, 4) !== "ftyp") return null;
  const size = u32be(b, 0);
  if (size < 16 || size > b.length || size % 4 !== 0) return null;
  const brands = [fourcc(b, 8)]; // then the minor version at 12, then the compatible brands
  for (let at = 16; at + 4 <= size; at += 4) brands.push(fourcc(b, at));
  return brands;
}

function isHeic(b: Uint8Array): boolean {
  const brands = ftypBrands(b);
  if (!brands || brands.some((brand) => AVIF_BRANDS.has(brand))) return false;
  return brands.some((brand) => HEIC_BRANDS.has(brand));
}

interface Box {
  type: string;
  start: number;
  /** Where the content starts, past size, type (and a large size or uuid). */
  content: number;
  end: number;
}

function heicBad(detail: string) {
  return new UnreadablePhoto("HEIC", detail);
}

/** The boxes that fill [from, to) exactly; a size of 0 means "to the end of the container". */
function boxes(b: Uint8Array, from: number, to: number, where: string): Box[] {
  const found: Box[] = [];
  let pos = from;
  while (pos < to) {
    if (pos + 8 > to) throw heicBad(`a box header in ${where} runs past its end`);
    let size = u32be(b, pos);
    const type = fourcc(b, pos + 4);
    let content = pos + 8;
    if (size === 1) {
      if (content + 8 > to) throw heicBad(`the large size of ${JSON.stringify(type)} runs past the end`);
      size = u64be(b, content);
      content += 8;
    } else if (size === 0) {
      size = to - pos;
    }
    if (type === "uuid") content += 16;
    const end = pos + size;
    if (end > to || content > end) throw heicBad(`box ${JSON.stringify(type)} in ${where} runs past its end`);
    found.push({ type, start: pos, content, end });
    pos = end;
  }
  return found;
}

function u64be(b: Uint8Array, at: number): number {
  const high = u32be(b, at);
  if (high >= 0x200000) throw heicBad("a 64-bit size or offset is beyond 2^53");
  return high * 0x1_0000_0000 + u32be(b, at + 4);
}

/** The top-level boxes. Whole means ftyp comes first, the boxes fill the file exactly, and there is one meta. */
function heicBoxes(b: Uint8Array): Box[] {
  const top = boxes(b, 0, b.length, "the file");
  if (top[0]?.type !== "ftyp") throw heicBad("its first box is not ftyp");
  if (top.filter((box) => box.type === "meta").length !== 1)
    throw heicBad("it has no single top-level meta box");
  return top;
}

/** A bounded big-endian reader over one box's content; reading past its end is an UnreadablePhoto. */
class Cursor {
  constructor(
    private readonly b: Uint8Array,
    public at: number,
    private readonly end: number,
    private readonly where: string,
  ) {}
  private need(n: number) {
    if (this.at + n > this.end) throw heicBad(`the ${this.where} box ends early`);
  }
  u8(): number {
    this.need(1);
    return this.b[this.at++]!;
  }
  u16(): number {
    this.need(2);
    const v = u16be(this.b, this.at);
    this.at += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = u32be(this.b, this.at);
    this.at += 4;
    return v;
  }
  /** An unsigned integer of 0, 4 or 8 bytes (iloc's field sizes; 0 bytes reads as 0). */
  sized(bytes: number): number {
    if (bytes === 0) return 0;
    if (bytes === 4) return this.u32();
    if (bytes === 8) {
      this.need(8);
      const v = u64be(this.b, this.at);
      this.at += 8;
      return v;
    }
    throw heicBad(`the ${this.where} box has a field size of ${bytes} bytes (0, 4 or 8 are allowed)`);
  }
  fourcc(): string {
    this.need(4);
    const v = fourcc(this.b, this.at);
    this.at += 4;
    return v;
  }
  /** A NUL-terminated UTF-8 string; one cut off by the box's end is read to there. */
  cstring(): string {
    const nul = this.b.subarray(this.at, this.end).indexOf(0);
    const stop = nul < 0 ? this.end : this.at + nul;
    const text = new TextDecoder().decode(this.b.subarray(this.at, stop));
    this.at = nul < 0 ? this.end : stop + 1;
    return text;
  }
}

interface ItemInfo {
  id: number;
  type: string;
  contentType: string;
}

/** iinf: its infe entries (versions 2 and 3, the ones that carry an item type, which HEIF requires). */
function itemInfos(b: Uint8Array, iinf: Box): ItemInfo[] {
  const head = new Cursor(b, iinf.content, iinf.end, "iinf");
  const version = head.u8();
  head.at += 3; // flags
  const count = version === 0 ? head.u16() : head.u32();
  const entries = boxes(b, head.at, iinf.end, "iinf").filter((box) => box.type === "infe");
  if (entries.length !== count)
    throw heicBad(`iinf says ${count} items but holds ${entries.length} infe boxes`);
  return entries.map((infe) => {
    const c = new Cursor(b, infe.content, infe.end, "infe");
    const v = c.u8();
    c.at += 3;
    if (v !== 2 && v !== 3) throw heicBad(`infe version ${v} is not supported (2 and 3 are)`);
    const id = v === 2 ? c.u16() : c.u32();
    c.u16(); // item_protection_index
    const type = c.fourcc();
    c.cstring(); // item_name
    const contentType = type === "mime" ? c.cstring() : "";
    return { id, type, contentType };
  });
}

interface ItemLocation {
  constructionMethod: number;
  dataReferenceIndex: number;
  extents: { offset: number; length: number }[];
}

/** iloc, versions 0, 1 and 2: where each item's bytes are, base offset already added to each extent's offset. */
function itemLocations(b: Uint8Array, iloc: Box): Map<number, ItemLocation> {
  const c = new Cursor(b, iloc.content, iloc.end, "iloc");
  const version = c.u8();
  c.at += 3;
  if (version > 2) throw heicBad(`iloc version ${version} is not supported (0, 1 and 2 are)`);
  const sizes = c.u8();
  const offsetSize = sizes >> 4;
  const lengthSize = sizes & 0x0f;
  const more = c.u8();
  const baseOffsetSize = more >> 4;
  const indexSize = version === 0 ? 0 : more & 0x0f; // reserved in version 0
  const count = version < 2 ? c.u16() : c.u32();
  const locations = new Map<number, ItemLocation>();
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? c.u16() : c.u32();
    const constructionMethod = version === 0 ? 0 : c.u16() & 0x0f;
    const dataReferenceIndex = c.u16();
    const baseOffset = c.sized(baseOffsetSize);
    const extentCount = c.u16();
    const extents: ItemLocation["extents"] = [];
    for (let e = 0; e < extentCount; e++) {
      c.sized(indexSize); // extent_index, for construction method 2
      const offset = baseOffset + c.sized(offsetSize);
      extents.push({ offset, length: c.sized(lengthSize) });
    }
    locations.set(id, { constructionMethod, dataReferenceIndex, extents });
  }
  return locations;
}

/** XMP's MIME type, possibly with parameters ("application/rdf+xml; charset=utf-8"). */
const isXmp = (item: ItemInfo) =>
  item.type === "mime" && item.contentType.split(";")[0]!.trim().toLowerCase() === "application/rdf+xml";

/**
 * Overwrites the payload of every Exif item and every XMP (mime application/rdf+xml) item with zeros, in place
 * in a copy: rewriting iloc's offsets after removing bytes would mean moving mdat and every image extent, while
 * zeroing keeps every offset valid. The items stay listed (empty of meaning); readers see a blank Exif block.
 * Only the top-level meta is walked: isHeic admits only the still-image brands, which keep items there.
 */
function stripHeic(b: Uint8Array): Uint8Array {
  if (!isHeic(b)) throw heicBad("it has no ftyp box with a HEIC brand");
  const meta = heicBoxes(b).find((box) => box.type === "meta")!;
  const children = boxes(b, meta.content + 4, meta.end, "meta"); // meta is a full box: version and flags first
  const child = (type: string) => children.find((box) => box.type === type);
  const iinf = child("iinf");
  const iloc = child("iloc");
  if (!iinf || !iloc) throw heicBad("its meta box has no iinf or no iloc");
  const idat = child("idat");
  const locations = itemLocations(b, iloc);

  const out = b.slice();
  for (const item of itemInfos(b, iinf)) {
    if (item.type !== "Exif" && !isXmp(item)) continue;
    const what = `the ${item.type === "Exif" ? "Exif" : "XMP"} item ${item.id}`;
    const location = locations.get(item.id);
    if (!location) throw heicBad(`${what} has no location in iloc`);
    let from: number;
    let to: number;
    if (location.constructionMethod === 0) {
      if (location.dataReferenceIndex !== 0) throw heicBad(`${what} lives in another file`);
      [from, to] = [0, b.length];
    } else if (location.constructionMethod === 1) {
      if (!idat) throw heicBad(`${what} is in idat, but meta has no idat`);
      [from, to] = [idat.content, idat.end];
    } else {
      throw heicBad(`${what} is built from other items (construction method ${location.constructionMethod})`);
    }
    for (const extent of location.extents) {
      // Length 0 means "to the end of the data"; an Exif item that claims the rest of the file is not one to trust.
      if (extent.length === 0) throw heicBad(`${what} has an extent of length 0 (the rest of the data)`);
      const start = from + extent.offset;
      const end = start + extent.length;
      if (end > to) throw heicBad(`${what} has an extent past the end of its data`);
      out.fill(0, start, end);
    }
  }
  return out;
}
