// Recording prices as scrapes and pulls see them (stub: the prices module fills this in).
import type { Env } from "../../env";

/** One price seen for one item by one source at one time. */
export interface Observation {
  /** The source (a scrape target's name), and the item's own key there (its SKU, URL or the recipe's key). */
  source: string;
  key: string;
  name: string;
  url?: string | null;
  /** A catalog SKU, when the page shows one: the item is then linked to that product. */
  sku?: string | null;
  price_minor: number;
  currency: string;
  observed_at: string;
  scrape_job_id?: string | null;
}

export async function recordObservations(
  _env: Env,
  observations: Observation[],
): Promise<{ recorded: number; unchanged: number }> {
  return { recorded: 0, unchanged: observations.length };
}
