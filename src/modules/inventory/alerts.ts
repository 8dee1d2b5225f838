// stock.low: a level whose available stock a batch of movements took from above its threshold to at or
// below it is announced once (to the feed and to subscribers of stock.low). Checked after the movements
// were applied, off the request's path; movements that add stock never announce anything.
import { waitUntil } from "cloudflare:workers";
import { and, eq, isNotNull, or, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { products } from "../../db/schema/catalog";
import { stockLevels } from "../../db/schema/inventory";
import type { Env } from "../../env";
import { announce, domainEvent } from "../events/announce";
import type { MovementView } from "./schemas";

export function announceLowStock(env: Env, movements: MovementView[]): void {
  // What each (product, location) lost of its available stock in this batch.
  const lost = new Map<string, { productId: string; locationId: string; delta: number }>();
  for (const m of movements) {
    const key = `${m.product_id}|${m.location_id}`;
    const entry = lost.get(key) ?? { productId: m.product_id, locationId: m.location_id, delta: 0 };
    entry.delta += m.quantity - m.reserved_delta;
    lost.set(key, entry);
  }
  const lowered = [...lost.values()].filter((l) => l.delta < 0);
  if (lowered.length === 0) return;
  waitUntil(
    (async () => {
      const rows = await getDb(env.DB)
        .select({
          productId: stockLevels.productId,
          locationId: stockLevels.locationId,
          sku: products.sku,
          name: products.name,
          available: sql<number>`${stockLevels.onHand} - ${stockLevels.reserved}`,
          threshold: stockLevels.lowStockThreshold,
        })
        .from(stockLevels)
        .innerJoin(products, eq(products.id, stockLevels.productId))
        .where(
          and(
            isNotNull(stockLevels.lowStockThreshold),
            or(
              ...lowered.map((l) =>
                and(eq(stockLevels.productId, l.productId), eq(stockLevels.locationId, l.locationId)),
              ),
            ),
          ),
        );
      const events = rows.flatMap((r) => {
        const delta = lost.get(`${r.productId}|${r.locationId}`)?.delta ?? 0;
        const threshold = r.threshold as number;
        const crossed = r.available <= threshold && r.available - delta > threshold;
        return crossed
          ? [
              domainEvent("stock.low", {
                product_id: r.productId,
                sku: r.sku,
                name: r.name,
                location_id: r.locationId,
                available: r.available,
                threshold,
              }),
            ]
          : [];
      });
      announce(env, events);
    })().catch((error: unknown) =>
      console.error(JSON.stringify({ level: "warn", msg: "low stock check failed", error: String(error) })),
    ),
  );
}
