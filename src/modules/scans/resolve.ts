// What a scanned code names — the one reading of codes for every scanner (the app, device reads, counts,
// pick lists): a product by its barcode (EAN/UPC or internal label) or SKU, an order by its number, a pick
// list by its id, a location or bin by the labels ROMS prints ("LOC:<location id>", "BIN:<location id>:<bin>").
import type { Env } from "../../env";

export type Target =
  | { kind: "product"; id: string; label: string; via: "barcode" | "sku"; sku: string; name: string }
  | { kind: "order"; id: string; label: string; status: string }
  | { kind: "pick_list"; id: string; label: string; location_id: string; status: string }
  | { kind: "location"; id: string; label: string }
  | { kind: "bin"; id: string; label: string; location_id: string; bin: string };

export const LOCATION_LABEL = "LOC:";
export const BIN_LABEL = "BIN:";

/** The label codes ROMS prints for a location and a bin (documents print these; scans read them back). */
export const locationLabel = (locationId: string) => `${LOCATION_LABEL}${locationId}`;
export const binLabel = (locationId: string, bin: string) => `${BIN_LABEL}${locationId}:${bin}`;

function labelParts(code: string): { locationId: string | null; bin: string | null } {
  if (code.startsWith(LOCATION_LABEL)) return { locationId: code.slice(LOCATION_LABEL.length), bin: null };
  if (code.startsWith(BIN_LABEL)) {
    const rest = code.slice(BIN_LABEL.length);
    const at = rest.indexOf(":");
    if (at > 0) return { locationId: rest.slice(0, at), bin: rest.slice(at + 1) };
  }
  return { locationId: null, bin: null };
}

type Row = {
  by_barcode: string | null;
  by_sku: string | null;
  by_number: string | null;
  by_pick: string | null;
  by_location: string | null;
};

const PRODUCT =
  "SELECT json_object('id', p.id, 'sku', p.sku, 'name', p.name) FROM products p WHERE p.deleted_at IS NULL";

/** Every reading of one code at once, as one statement (bound, never interpolated). */
const READ = `SELECT
  (${PRODUCT} AND p.id = (SELECT product_id FROM product_barcodes WHERE barcode = ?1)) AS by_barcode,
  (${PRODUCT} AND p.sku = ?1) AS by_sku,
  (SELECT json_object('id', id, 'number', number, 'status', status) FROM orders WHERE number = ?1) AS by_number,
  (SELECT json_object('id', id, 'location_id', location_id, 'status', status) FROM pick_lists WHERE id = ?1) AS by_pick,
  (SELECT json_object('id', id, 'name', name) FROM locations WHERE id = ?2) AS by_location`;

/** The target from what resolveRead found, in the order codes are read: product, order, pick list, label. */
function targetOf(code: string, row: Row | undefined): Target | null {
  if (!row) return null;
  const json = <T>(text: string | null) => (text ? (JSON.parse(text) as T) : null);
  const product = json<{ id: string; sku: string; name: string }>(row.by_barcode ?? row.by_sku);
  if (product) {
    return {
      kind: "product",
      label: `${product.sku} ${product.name}`,
      via: row.by_barcode ? "barcode" : "sku",
      ...product,
    };
  }
  const order = json<{ id: string; number: string; status: string }>(row.by_number);
  if (order) return { kind: "order", id: order.id, label: order.number, status: order.status };
  const pick = json<{ id: string; location_id: string; status: string }>(row.by_pick);
  if (pick) return { kind: "pick_list", label: `Pick list ${pick.id}`, ...pick };
  const location = json<{ id: string; name: string }>(row.by_location);
  if (location) {
    const { bin } = labelParts(code);
    return bin
      ? {
          kind: "bin",
          id: `${location.id}:${bin}`,
          label: `${location.name} bin ${bin}`,
          location_id: location.id,
          bin,
        }
      : { kind: "location", id: location.id, label: location.name };
  }
  return null;
}

/** What each code names (null: nothing), in one round trip however many codes. */
export async function resolveCodes(env: Env, codes: string[]): Promise<Map<string, Target | null>> {
  const distinct = [...new Set(codes)];
  const found = new Map<string, Target | null>();
  if (distinct.length === 0) return found;
  const results = await env.DB.batch<Row>(
    distinct.map((code) => env.DB.prepare(READ).bind(code, labelParts(code).locationId ?? "")),
  );
  for (const [i, code] of distinct.entries()) found.set(code, targetOf(code, results[i]?.results[0]));
  return found;
}

export async function resolveCode(env: Env, code: string): Promise<Target | null> {
  return (await resolveCodes(env, [code])).get(code) ?? null;
}
