// Reading a kept scrape (the records a recipe extracted, with the pages' HTML) into order updates: each
// row of an order_status target is its order's status and tracking, reported through the one intake path
// under the source that created the order. Prices are recorded by the run itself (src/modules/prices).
import type { IngestRow } from "../../modules/ingest/store";
import type { OrderIntakeInput } from "../../modules/orders/schemas";
import type { ScrapedRecord } from "./extract";

/** What a scrape run keeps raw (door `scrape`): read back by this reader. */
export interface ScrapePayload {
  target_id: string;
  target: string;
  kind: "order_status" | "price" | "catalog";
  job_id: string;
  order_source: string | null;
  default_currency: string | null;
  pages: { url: string; html: string }[];
  records: ScrapedRecord[];
  /** order_status: the listed orders that are ours (a portal lists orders we do not track, too). */
  tracked?: string[];
  screenshot_key: string | null;
}

/** A retailer's words for where an order is, to our lifecycle (first match wins; unknown words are left out). */
const STATUS_WORDS: [RegExp, NonNullable<OrderIntakeInput["status"]>][] = [
  [/cancel|storn|annul/i, "cancelled"],
  [/deliver|zugestellt|received|livr/i, "delivered"],
  [/ship|dispatch|sent|transit|versandt|on (its|the) way|out for/i, "shipped"],
  [/process|prepar|pack|pick|bearbeit/i, "picking"],
];

export const statusOf = (text: string | null | undefined) =>
  text ? STATUS_WORDS.find(([re]) => re.test(text))?.[1] : undefined;

export function intakesOf(payload: ScrapePayload): { intakes: OrderIntakeInput[]; note: string | null } {
  if (payload.kind !== "order_status" || !payload.order_source) {
    return { intakes: [], note: "Prices and catalog items are recorded as prices, not orders." };
  }
  const unknown: string[] = [];
  const tracked = payload.tracked ? new Set(payload.tracked) : null;
  const intakes = payload.records.flatMap((r): OrderIntakeInput[] => {
    const number = r.order_number?.trim();
    if (!number || (tracked && !tracked.has(number))) return [];
    const status = statusOf(r.status);
    if (r.status && !status) unknown.push(`${number}: "${r.status}"`);
    const tracking = {
      ...(r.carrier && { carrier: r.carrier.slice(0, 50) }),
      ...(r.tracking_number && { number: r.tracking_number.slice(0, 100) }),
      ...(r.tracking_url && /^https?:\/\//.test(r.tracking_url) && { url: r.tracking_url.slice(0, 500) }),
    };
    return [
      {
        source: payload.order_source as string,
        external_ref: number,
        kind: "purchase",
        ...(status && { status }),
        ...(Object.keys(tracking).length > 0 && { tracking }),
      } as OrderIntakeInput,
    ];
  });
  return { intakes, note: unknown.length > 0 ? `Statuses not understood: ${unknown.join("; ")}` : null };
}

export async function fromScrape(
  _record: IngestRow,
  bytes: ArrayBuffer,
): Promise<{ intakes: OrderIntakeInput[]; note: string | null }> {
  return intakesOf(JSON.parse(new TextDecoder().decode(bytes)) as ScrapePayload);
}
