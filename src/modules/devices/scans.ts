// Scan resolution: what a barcode read at a device stands for (a product by its barcode, else by its SKU).
// Stock counts and pick & pack take scans from here.
import { eq, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { products } from "../../db/schema/catalog";
import { deviceEvents } from "../../db/schema/devices";
import type { Env } from "../../env";
import { newestFirst } from "../../lib/pagination";

/** The product a code names: by a registered barcode first, then by SKU. */
const productOf = sql`coalesce(
  (SELECT product_id FROM product_barcodes WHERE barcode = ${deviceEvents.value}),
  (SELECT id FROM products WHERE sku = ${deviceEvents.value}))`;

export async function listScans(
  env: Env,
  filter: { device_id?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const page = await newestFirst(
    getDb(env.DB)
      .select({
        id: deviceEvents.id,
        deviceId: deviceEvents.deviceId,
        reader: deviceEvents.reader,
        code: deviceEvents.value,
        readAt: deviceEvents.readAt,
        receivedAt: deviceEvents.receivedAt,
        productId: products.id,
        sku: products.sku,
        name: products.name,
        byBarcode: sql<number>`EXISTS (SELECT 1 FROM product_barcodes WHERE barcode = ${deviceEvents.value})`,
      })
      .from(deviceEvents)
      .leftJoin(products, eq(products.id, productOf))
      .$dynamic(),
    { time: deviceEvents.readAt, id: deviceEvents.id },
    [
      eq(deviceEvents.kind, "barcode"),
      filter.device_id !== undefined ? eq(deviceEvents.deviceId, filter.device_id) : undefined,
    ],
    filter,
    (r) => [r.readAt, r.id],
  );
  return {
    items: page.items.map((r) => ({
      id: r.id,
      device_id: r.deviceId,
      reader: r.reader,
      code: r.code,
      read_at: r.readAt,
      received_at: r.receivedAt,
      product: r.productId ? { id: r.productId, sku: r.sku as string, name: r.name as string } : null,
      resolved_by: r.productId ? (r.byBarcode ? ("barcode" as const) : ("sku" as const)) : null,
    })),
    next_cursor: page.next_cursor,
  };
}
