// Claim photos' bytes: what kind of image an upload really is, and the same image without the metadata that can
// tell where it was taken (EXIF GPS, XMP, IPTC). Pure functions over Uint8Array, so they run in the Worker.
//
// The type comes from the bytes alone, never from a file name or a Content-Type: a ".jpg" that holds HTML or
// SVG would otherwise be served back as an image. "Plausibly whole" means the container's own structure walks
// from start to end (segments, chunks or boxes whose lengths fit), which catches truncated uploads and most
// things that merely start like an image; it does not decode pixels.

import { startsWith, UnreadablePhoto } from "./image/bytes";
import { heicBoxes, isHeic, stripHeic } from "./image/heic";
import { JPEG_SOI, jpegScan, stripJpeg } from "./image/jpeg";
import { PNG_SIGNATURE, pngChunks, stripPng } from "./image/png";
import { isWebp, stripWebp, webpChunks } from "./image/webp";

export { UnreadablePhoto };

export type PhotoType = "image/jpeg" | "image/png" | "image/webp" | "image/heic";
export type PhotoExtension = "jpg" | "png" | "webp" | "heic";
export interface DetectedImage {
  type: PhotoType;
  ext: PhotoExtension;
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
