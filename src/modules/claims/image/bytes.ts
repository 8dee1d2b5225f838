// What the image readers share: reading numbers and four-character codes out of bytes, and the error
// that refuses an image whose structure does not hold together.

/** The image's structure could not be walked, so its metadata cannot be removed: refuse the upload (422). */
export class UnreadablePhoto extends Error {
  constructor(format: string, detail: string) {
    super(`the ${format} image's structure cannot be parsed: ${detail}`);
    this.name = "UnreadablePhoto";
  }
}

export const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
export const fourcc = (b: Uint8Array, at: number) =>
  String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
export const u16be = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
export const u32be = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
export const u32le = (b: Uint8Array, at: number) =>
  ((b[at + 3]! << 24) | (b[at + 2]! << 16) | (b[at + 1]! << 8) | b[at]!) >>> 0;

export function startsWith(b: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (b.length < at + prefix.length) return false;
  return prefix.every((byte, i) => b[at + i] === byte);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
