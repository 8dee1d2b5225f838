// HEIC: its boxes walked (ftyp, meta, iinf, iloc), and the Exif and XMP items zeroed in place.
import { fourcc, UnreadablePhoto, u16be, u32be } from "./bytes";

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

export function isHeic(b: Uint8Array): boolean {
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
export function heicBoxes(b: Uint8Array): Box[] {
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
export function stripHeic(b: Uint8Array): Uint8Array {
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
