/// <reference types="vite/client" />
// Claim photos' bytes (src/modules/claims/photo-bytes.ts): the type is read from the bytes, and location metadata
// written by a real tool is gone after stripping while the image keeps its structure. ExifTool on the test
// server (test/servers/exif.ts) reads each file before and after, independently of the code under test.
//
// The fixtures in test/fixtures/photos are 16x16 images carrying GPS 52.5 N 13.4 E, made with:
//   convert -size 16x16 gradient:red-blue base.png        (ImageMagick)
//   convert base.png -quality 80 clean.jpg; cwebp base.png -o gps.webp; heif-enc -q 50 base.png -o gps.heic
//   convert base.png -quality 80 -interlace JPEG gps-progressive.jpg
//   exiftool -GPSLatitude=52.5 -GPSLatitudeRef=N -GPSLongitude=13.4 -GPSLongitudeRef=E \
//     -Artist=ROMS-SECRET-LOCATION -XMP-dc:Creator=ROMS-SECRET-XMP -XMP-exif:GPSLatitude=52.5N \
//     -XMP-exif:GPSLongitude=13.4E gps.jpg gps.png gps.webp gps.heic   (gps.jpg: a copy of clean.jpg)
//   exiftool -IPTC:City=ROMS-SECRET-IPTC gps.jpg
//   exiftool -GPSLatitude=... -Artist=ROMS-SECRET-LOCATION gps-progressive.jpg   (EXIF only)
// They load as `?url&inline` data URLs: Vite base64-encodes them, which keeps their bytes intact in workerd
// (`?raw` would read them as UTF-8), and `?url` makes it take .heic, which is not among its asset types.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  detectImage,
  type PhotoType,
  stripLocation,
  UnreadablePhoto,
} from "../src/modules/claims/photo-bytes";
import cleanJpegUrl from "./fixtures/photos/clean.jpg?url&inline";
import heicUrl from "./fixtures/photos/gps.heic?url&inline";
import jpegUrl from "./fixtures/photos/gps.jpg?url&inline";
import pngUrl from "./fixtures/photos/gps.png?url&inline";
import webpUrl from "./fixtures/photos/gps.webp?url&inline";
import progressiveUrl from "./fixtures/photos/gps-progressive.jpg?url&inline";

const fromDataUrl = (url: string) =>
  Uint8Array.from(atob(url.slice(url.indexOf(",") + 1)), (c) => c.charCodeAt(0));
const text = (s: string) => new TextEncoder().encode(s);
const latin1 = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join("");
const contains = (b: Uint8Array, needle: string) => latin1(b).includes(needle);

const jpeg = fromDataUrl(jpegUrl);
const cleanJpeg = fromDataUrl(cleanJpegUrl);
const progressive = fromDataUrl(progressiveUrl);
const png = fromDataUrl(pngUrl);
const webp = fromDataUrl(webpUrl);
const heic = fromDataUrl(heicUrl);

const SECRETS = ["ROMS-SECRET-LOCATION", "ROMS-SECRET-XMP", "ROMS-SECRET-IPTC"];

/** What ExifTool reads in the bytes: its `-j -G -n` object. */
async function exiftool(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const res = await fetch(`${env.TEST_SERVER_URL}/exif/inspect`, { method: "POST", body: bytes });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

const gpsTags = (tags: Record<string, unknown>) => Object.keys(tags).filter((k) => /gps/i.test(k));
const secretValues = (tags: Record<string, unknown>) =>
  Object.values(tags).filter((v) => SECRETS.some((s) => JSON.stringify(v).includes(s)));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of b) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** PNG chunks as [type, whole chunk bytes], checking each CRC on the way. */
function pngChunks(b: Uint8Array): [string, Uint8Array][] {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const chunks: [string, Uint8Array][] = [];
  for (let at = 8; at < b.length; ) {
    const length = view.getUint32(at);
    const type = latin1(b.subarray(at + 4, at + 8));
    expect(view.getUint32(at + 8 + length), `CRC of ${type}`).toBe(
      crc32(b.subarray(at + 4, at + 8 + length)),
    );
    chunks.push([type, b.subarray(at, at + 12 + length)]);
    at += 12 + length;
  }
  return chunks;
}

/** WebP chunks as [fourcc, size], and the RIFF size. */
function webpChunks(b: Uint8Array): { riffSize: number; chunks: [string, number][] } {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const chunks: [string, number][] = [];
  for (let at = 12; at < b.length; ) {
    const size = view.getUint32(at + 4, true);
    chunks.push([latin1(b.subarray(at, at + 4)), size]);
    at += 8 + size + (size & 1);
  }
  return { riffSize: view.getUint32(4, true), chunks };
}

describe("detectImage", () => {
  it("names each accepted type by its magic bytes", () => {
    expect(detectImage(jpeg)).toEqual({ type: "image/jpeg", ext: "jpg" });
    expect(detectImage(progressive)).toEqual({ type: "image/jpeg", ext: "jpg" });
    expect(detectImage(png)).toEqual({ type: "image/png", ext: "png" });
    expect(detectImage(webp)).toEqual({ type: "image/webp", ext: "webp" });
    expect(detectImage(heic)).toEqual({ type: "image/heic", ext: "heic" });
  });

  it("refuses what is not a photo, whatever it would be named", () => {
    const notPhotos = {
      "HTML saved as photo.jpg": text("<!doctype html><html><body><script>alert(1)</script></body></html>"),
      SVG: text('<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect/></svg>'),
      GIF: Uint8Array.of(...text("GIF89a"), 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x3b),
      PDF: text("%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"),
      "JPEG magic followed by HTML": Uint8Array.of(0xff, 0xd8, 0xff, ...text("<html>hi</html>")),
      empty: new Uint8Array(0),
    };
    for (const [name, bytes] of Object.entries(notPhotos)) expect(detectImage(bytes), name).toBeNull();
  });

  it("refuses an upload cut short", () => {
    for (const bytes of [jpeg, png, webp, heic])
      expect(detectImage(bytes.subarray(0, bytes.length - 40)), latin1(bytes.subarray(0, 12))).toBeNull();
  });

  it("refuses AVIF and HEIF image sequences, which share HEIC's container", () => {
    const avif = heic.slice();
    avif.set(text("avif"), 8); // the major brand
    expect(detectImage(avif)).toBeNull();
    const sequence = heic.slice();
    sequence.set(text("msf1"), 8);
    sequence.set(text("hevcmsf1miaf"), 16); // the compatible brands: no still-image brand left
    expect(detectImage(sequence)).toBeNull();
  });
});

describe("stripLocation", () => {
  const fixtures: [string, Uint8Array, PhotoType][] = [
    ["JPEG", jpeg, "image/jpeg"],
    ["progressive JPEG", progressive, "image/jpeg"],
    ["PNG", png, "image/png"],
    ["WebP", webp, "image/webp"],
    ["HEIC", heic, "image/heic"],
  ];

  for (const [name, original, type] of fixtures) {
    it(`leaves no GPS and no written tag in a ${name}, as ExifTool reads it`, async () => {
      const before = await exiftool(original);
      expect(before["EXIF:GPSLatitude"]).toBe(52.5);
      expect(before["EXIF:GPSLongitude"]).toBe(13.4);
      expect(contains(original, "ROMS-SECRET-LOCATION")).toBe(true);

      const stripped = stripLocation(original, type);
      expect(detectImage(stripped)?.type).toBe(type);
      for (const secret of SECRETS) expect(contains(stripped, secret), secret).toBe(false);
      const after = await exiftool(stripped);
      expect(gpsTags(after)).toEqual([]);
      expect(secretValues(after)).toEqual([]);
      expect(after["ExifTool:Error"]).toBeUndefined();
      expect(after["File:MIMEType"]).toBe(type);
      expect(after["Composite:ImageSize"]).toBe("16 16");
    });
  }

  it("does not change the bytes it was given", () => {
    for (const [name, original, type] of fixtures) {
      const copy = original.slice();
      stripLocation(original, type);
      expect(original, name).toEqual(copy);
    }
  });

  it("gives back a JPEG's bytes as they were before its APP1 and APP13 were written, ending in EOI", () => {
    const stripped = stripLocation(jpeg, "image/jpeg");
    expect(contains(jpeg, "Exif\0\0")).toBe(true);
    expect(contains(stripped, "Exif\0\0")).toBe(false);
    expect(contains(stripped, "http://ns.adobe.com/xap/1.0/")).toBe(false);
    expect(contains(stripped, "Photoshop 3.0")).toBe(false);
    expect(stripped).toEqual(cleanJpeg);
    expect(Array.from(stripped.subarray(-2))).toEqual([0xff, 0xd9]);
  });

  it("ends a JPEG at its first image's EOI, dropping a trailer that may hold another Exif", () => {
    const trailer = Uint8Array.of(0xff, 0xd8, 0xff, 0xe1, 0, 8, ...text("Exif\0\0"), 0xff, 0xd9);
    const withTrailer = new Uint8Array([...jpeg, ...trailer]);
    expect(detectImage(withTrailer)?.type).toBe("image/jpeg");
    expect(stripLocation(withTrailer, "image/jpeg")).toEqual(cleanJpeg);
  });

  it("keeps a PNG's other chunks byte for byte, CRCs included", () => {
    const stripped = stripLocation(png, "image/png");
    const before = pngChunks(png);
    const after = pngChunks(stripped);
    expect(before.map(([type]) => type)).toContain("eXIf");
    expect(after.map(([type]) => type).filter((t) => ["eXIf", "tEXt", "zTXt", "iTXt"].includes(t))).toEqual(
      [],
    );
    expect(after).toEqual(before.filter(([type]) => !["eXIf", "tEXt", "zTXt", "iTXt"].includes(type)));
    expect(after[0]?.[0]).toBe("IHDR");
    expect(after.at(-1)?.[0]).toBe("IEND");
  });

  it("drops a WebP's EXIF and XMP chunks, clears their VP8X flags and fixes the RIFF size", () => {
    const stripped = stripLocation(webp, "image/webp");
    const before = webpChunks(webp);
    const after = webpChunks(stripped);
    expect(before.chunks.map(([type]) => type)).toEqual(["VP8X", "VP8 ", "EXIF", "XMP "]);
    expect(after.chunks.map(([type]) => type)).toEqual(["VP8X", "VP8 "]);
    expect(after.riffSize).toBe(stripped.length - 8);
    expect(webp[20]! & 0x0c).toBe(0x0c);
    expect(stripped[20]! & 0x0c).toBe(0);
  });

  it("zeroes a HEIC's Exif and XMP items in place, every offset and every other byte kept", () => {
    const stripped = stripLocation(heic, "image/heic");
    expect(stripped.length).toBe(heic.length);
    const tiff = latin1(heic).indexOf("Exif\0\0MM"); // exiftool's Exif item: header offset, then this
    expect(tiff).toBeGreaterThan(0);
    expect(contains(stripped, "Exif\0\0MM")).toBe(false);
    const changed = Array.from(heic.keys()).filter((i) => heic[i] !== stripped[i]);
    expect(changed.every((i) => stripped[i] === 0)).toBe(true);
    expect(changed).toContain(tiff);
    // The boxes (ftyp, meta with its iinf/iloc, mdat) are where they were.
    const mdatData = latin1(heic).indexOf("mdat") + 4;
    expect(latin1(stripped.subarray(0, mdatData))).toBe(latin1(heic.subarray(0, mdatData)));
  });

  it("throws an UnreadablePhoto, saying so, for a structure it cannot walk", () => {
    const broken: [Uint8Array, PhotoType][] = [
      [jpeg.subarray(0, 200), "image/jpeg"],
      [png.subarray(0, 100), "image/png"],
      [webp.subarray(0, 50), "image/webp"],
      [text("<html></html>"), "image/heic"],
    ];
    for (const [bytes, type] of broken) {
      expect(() => stripLocation(bytes, type), type).toThrow(UnreadablePhoto);
      expect(() => stripLocation(bytes, type), type).toThrow(/structure cannot be parsed/);
    }
  });
});

// HEIC files built here reach the parser's other paths: iloc version 0 and version 2 with 8-byte offsets, a
// base offset and extent indexes, infe version 3, XMP in idat (construction method 1), several extents.
describe("stripLocation on HEIC's item structure", () => {
  const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
  const u32 = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const u64 = (n: number) => [...u32(Math.floor(n / 2 ** 32)), ...u32(n >>> 0)];
  const box = (type: string, ...body: (number[] | Uint8Array)[]) => {
    const content = body.flatMap((part) => Array.from(part));
    return [...u32(8 + content.length), ...text(type), ...content];
  };
  const fullBox = (type: string, version: number, ...body: (number[] | Uint8Array)[]) =>
    box(type, [version, 0, 0, 0], ...body);
  const infe = (version: 2 | 3, id: number, type: string, contentType?: string) =>
    fullBox(
      "infe",
      version,
      version === 2 ? u16(id) : u32(id),
      u16(0),
      text(type),
      [0], // item_name ""
      contentType === undefined ? [] : [...text(contentType), 0],
    );

  const IMAGE = text("IMAGE-DATA-KEEP");
  const EXIF = text("\0\0\0\0Exif\0\0MM-GPS-52.5N");
  const XMP = text("<x:xmpmeta>ROMS-SECRET-XMP</x:xmpmeta>");

  interface Layout {
    ilocVersion: 0 | 1 | 2;
    /** iloc items: [id, construction method, base offset, extents as [offset, length]]; offsets from mdat's data. */
    items: (mdat: number) => [number, number, number, [number, number][]][];
    offsetSize?: 4 | 8;
    indexSize?: 0 | 4;
  }

  /** ftyp, meta (hdlr, iinf, iloc, idat holding the XMP), mdat holding the image, then the Exif in two pieces. */
  function build({ ilocVersion, items, offsetSize = 4, indexSize = 0 }: Layout): Uint8Array {
    const ftyp = box("ftyp", text("heic"), u32(0), text("mif1heic"));
    const iinf = fullBox(
      "iinf",
      0,
      u16(3),
      infe(2, 1, "hvc1"),
      infe(3, 2, "Exif"),
      infe(2, 3, "mime", "application/rdf+xml"),
    );
    const iloc = (mdat: number) => {
      const list = items(mdat);
      return fullBox(
        "iloc",
        ilocVersion,
        [(offsetSize << 4) | 4, (8 << 4) | (ilocVersion === 0 ? 0 : indexSize)],
        ilocVersion < 2 ? u16(list.length) : u32(list.length),
        ...list.map(([id, method, base, extents]) => [
          ...(ilocVersion < 2 ? u16(id) : u32(id)),
          ...(ilocVersion === 0 ? [] : u16(method)),
          ...u16(0),
          ...u64(base),
          ...u16(extents.length),
          ...extents.flatMap(([offset, length]) => [
            ...(ilocVersion > 0 && indexSize ? u32(0) : []),
            ...(offsetSize === 8 ? u64(offset) : u32(offset)),
            ...u32(length),
          ]),
        ]),
      );
    };
    const meta = (mdat: number) =>
      fullBox(
        "meta",
        0,
        box("hdlr", u32(0), u32(0), text("pict"), new Uint8Array(13)),
        iinf,
        iloc(mdat),
        box("idat", XMP),
      );
    const mdatData = ftyp.length + meta(0).length + 8; // iloc's size does not depend on the offsets' values
    return Uint8Array.from([...ftyp, ...meta(mdatData), ...box("mdat", IMAGE, EXIF)]);
  }

  // The image at mdat's start; Exif after it, in two extents from a base offset; XMP at the start of idat.
  const standard = (mdat: number): [number, number, number, [number, number][]][] => [
    [1, 0, 0, [[mdat, IMAGE.length]]],
    [
      2,
      0,
      mdat + IMAGE.length,
      [
        [0, 10],
        [10, EXIF.length - 10],
      ],
    ],
    [3, 1, 0, [[0, XMP.length]]],
  ];

  for (const layout of [
    { name: "iloc version 1", ilocVersion: 1, items: standard },
    {
      name: "iloc version 2, 8-byte offsets, extent indexes",
      ilocVersion: 2,
      items: standard,
      offsetSize: 8,
      indexSize: 4,
    },
  ] as const) {
    it(`zeroes the Exif and XMP items and nothing else (${layout.name})`, () => {
      const file = build(layout);
      expect(detectImage(file)?.type).toBe("image/heic");
      const stripped = stripLocation(file, "image/heic");
      expect(stripped.length).toBe(file.length);
      expect(contains(stripped, latin1(IMAGE))).toBe(true);
      expect(contains(stripped, "MM-GPS-52.5N")).toBe(false);
      expect(contains(stripped, "ROMS-SECRET-XMP")).toBe(false);
      const zeroed = Array.from(file.keys()).filter((i) => file[i] !== stripped[i]);
      expect(zeroed.every((i) => stripped[i] === 0)).toBe(true);
      // Exactly the Exif payload (its leading zeros were zero already) and the XMP in idat.
      expect(zeroed.length).toBe(EXIF.filter((b) => b !== 0).length + XMP.length);
    });
  }

  it("reads iloc version 0, where every item is in the file itself", () => {
    const file = build({
      ilocVersion: 0,
      items: (mdat) => [
        [1, 0, 0, [[mdat, IMAGE.length]]],
        [2, 0, 0, [[mdat + IMAGE.length, EXIF.length]]],
        [3, 0, 0, [[mdat - 8 - XMP.length, XMP.length]]], // idat's content, as a file offset
      ],
    });
    const stripped = stripLocation(file, "image/heic");
    expect(contains(stripped, "MM-GPS-52.5N")).toBe(false);
    expect(contains(stripped, "ROMS-SECRET-XMP")).toBe(false);
    expect(contains(stripped, latin1(IMAGE))).toBe(true);
  });

  it("refuses, saying why, what it cannot zero safely", () => {
    const cases: [string, Layout][] = [
      ["an Exif item built from other items", { ilocVersion: 1, items: (m) => [[2, 2, 0, [[m, 4]]]] }],
      ["an Exif extent past the end", { ilocVersion: 1, items: (m) => [[2, 0, 0, [[m, 10_000]]]] }],
      ["an Exif extent of length 0", { ilocVersion: 1, items: (m) => [[2, 0, 0, [[m, 0]]]] }],
      ["an Exif item with no location", { ilocVersion: 1, items: (m) => [[1, 0, 0, [[m, IMAGE.length]]]] }],
    ];
    for (const [name, layout] of cases)
      expect(() => stripLocation(build(layout), "image/heic"), name).toThrow(
        /HEIC image's structure cannot be parsed/,
      );

    const file = build({ ilocVersion: 1, items: standard });
    const iloc = latin1(file).indexOf("iloc");
    const v3 = file.slice();
    v3[iloc + 4] = 3; // iloc's version
    expect(() => stripLocation(v3, "image/heic")).toThrow(/iloc version 3 is not supported/);
    const infe = latin1(file).indexOf("infe");
    const v1 = file.slice();
    v1[infe + 4] = 1;
    expect(() => stripLocation(v1, "image/heic")).toThrow(/infe version 1 is not supported/);
  });
});
