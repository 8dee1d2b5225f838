// PDFs joined page after page into one: a job's chunks, or an order's packing slip and its labels.
import { PDFDocument } from "pdf-lib";

export async function mergePdfs(
  parts: readonly Uint8Array[],
  title?: string,
): Promise<{ bytes: Uint8Array; pages: number }> {
  const merged = await PDFDocument.create({ updateMetadata: false });
  if (title) merged.setTitle(title);
  merged.setProducer("ROMS");
  for (const part of parts) {
    const doc = await PDFDocument.load(part, { updateMetadata: false });
    const pages = await merged.copyPages(doc, doc.getPageIndices());
    for (const page of pages) merged.addPage(page);
  }
  return { bytes: await merged.save({ useObjectStreams: true }), pages: merged.getPageCount() };
}
