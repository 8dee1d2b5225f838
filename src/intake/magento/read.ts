// A kept Magento pull page, read into orders: the page document the pull keeps (Magento's answer exactly as
// it came, inside a small envelope saying which feed it is and, for invoices, which order each one names)
// and its reading, here so that the writer and the reader cannot disagree.
import type { IngestRow } from "../../modules/ingest/store";
import type { OrderIntakeInput } from "../../modules/orders/schemas";
import { isRecord, list } from "../webhooks/payload";
import type { Feed, FeedCursor } from "./client";
import { type Mapped, mapMagentoInvoice, mapMagentoOrder, type OrderRef } from "./map";

export interface PageDocument {
  feed: Feed;
  /** The path and query Magento was asked. */
  request: string;
  /** The cursor the page was asked after. */
  after: FeedCursor | null;
  /** For invoice pages: the order (increment id, state) of each order entity id the invoices name. */
  orders?: Record<string, OrderRef>;
}

/**
 * The bytes kept for a page: the envelope's fields, then `response`, Magento's answer spliced in byte for
 * byte (it was parsed already, so the whole stays JSON).
 */
export function pageBytes(page: PageDocument, response: string): ArrayBuffer {
  const head = JSON.stringify({ magento: page.feed, ...page });
  const bytes = new TextEncoder().encode(`${head.slice(0, -1)},"response":${response}}`);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

const describe = (mapped: Mapped) => ("ignore" in mapped ? mapped.ignore : null);

/** A page's orders (or its invoices' updates of their orders) for the one intake path. */
export async function fromPull(
  record: IngestRow,
  bytes: ArrayBuffer,
): Promise<{ intakes: OrderIntakeInput[]; note: string | null }> {
  let page: unknown;
  try {
    page = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return { intakes: [], note: "The kept page is not JSON." };
  }
  if (!isRecord(page) || (page.magento !== "orders" && page.magento !== "invoices")) {
    return { intakes: [], note: "The kept page is not a Magento orders or invoices page." };
  }
  const items = list(isRecord(page.response) ? page.response.items : undefined);
  const orders = (isRecord(page.orders) ? page.orders : {}) as Record<string, OrderRef>;
  const mapped =
    page.magento === "orders"
      ? items.map((item) => mapMagentoOrder(item, record.source))
      : items.map((item) => mapMagentoInvoice(item, record.source, orders));
  const intakes: OrderIntakeInput[] = [];
  const seen = new Set<string>();
  for (const m of mapped) {
    if ("ignore" in m) continue;
    // Two invoices of one order release it once.
    if (seen.has(m.intake.external_ref)) continue;
    seen.add(m.intake.external_ref);
    intakes.push(m.intake);
  }
  const ignored = mapped.map(describe).filter((note) => note !== null);
  const note =
    items.length === 0
      ? `An empty ${page.magento} page.`
      : ignored.length > 0
        ? `Set aside: ${ignored.slice(0, 10).join("; ")}${ignored.length > 10 ? ` and ${ignored.length - 10} more` : ""}`
        : null;
  return { intakes, note };
}
