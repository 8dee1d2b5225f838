// JPEG: its segments walked to the end of the image, and APP1 (Exif, XMP), APP13 (IPTC) and the MPF index dropped.
import { ascii, concat, startsWith, UnreadablePhoto, u16be } from "./bytes";

export const JPEG_SOI = Uint8Array.of(0xff, 0xd8, 0xff);
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
export function jpegScan(b: Uint8Array): JpegSegment[] {
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
export function stripJpeg(b: Uint8Array): Uint8Array {
  if (!startsWith(b, JPEG_SOI)) throw new UnreadablePhoto("JPEG", "it does not start with SOI");
  const kept = jpegScan(b).filter((s) => {
    if (s.marker === APP1 || s.marker === APP13) return false;
    if (s.marker === APP2 && startsWith(b, MPF, s.body + 2)) return false;
    return true;
  });
  return concat([b.subarray(0, 2), ...kept.map((s) => b.subarray(s.start, s.end))]);
}
