// Similar products and fill risk: deterministic and explained in words, so staff and customers can trust them.
import type { Env } from "../../env";
import { money } from "../../lib/money";
import type { Principal } from "../auth/principal";
import { recentMovementTotals } from "../inventory/queries";
import { type ProductView, productViews, visibleProduct } from "./service";

type Attributes = Record<string, string | number | boolean>;

const pairs = (a: Attributes) => new Set(Object.entries(a).map(([k, v]) => `${k}=${String(v)}`));

/** Jaccard similarity of key=value pairs; two products with no attributes count as alike. */
export function attributeSimilarity(a: Attributes, b: Attributes): { score: number; shared: string[] } {
  const pa = pairs(a);
  const pb = pairs(b);
  const shared = [...pa].filter((p) => pb.has(p)).sort();
  const union = new Set([...pa, ...pb]).size;
  return { score: union === 0 ? 1 : shared.length / union, shared };
}

export async function similarProducts(env: Env, principal: Principal | undefined, id: string, limit: number) {
  const product = await visibleProduct(env, principal, id);
  if (product.categoryId === null) return { product_id: id, items: [] };
  const { results } = await env.DB.prepare(
    `SELECT p.id, p.price_minor, p.attributes, SUM(l.on_hand - l.reserved) AS available
       FROM products p JOIN stock_levels l ON l.product_id = p.id
      WHERE p.category_id = ? AND p.id != ? AND p.status = 'published' AND p.deleted_at IS NULL AND p.currency = ?
      GROUP BY p.id HAVING available > 0
      ORDER BY abs(p.price_minor - ?), p.id LIMIT 200`,
  )
    .bind(product.categoryId, id, product.currency, product.priceMinor)
    .all<{ id: string; price_minor: number; attributes: string; available: number }>();

  const ranked = results
    .map((c) => {
      const delta = c.price_minor - product.priceMinor;
      const priceScore = 1 - Math.min(1, Math.abs(delta) / Math.max(product.priceMinor, 1));
      const attrs = attributeSimilarity(product.attributes, JSON.parse(c.attributes) as Attributes);
      const score = Math.round((0.6 * priceScore + 0.4 * attrs.score) * 10_000) / 10_000;
      const pct = product.priceMinor === 0 ? 0 : Math.round((Math.abs(delta) / product.priceMinor) * 100);
      const reasons = [
        "same category",
        delta === 0
          ? "same price"
          : `price ${pct}% ${delta > 0 ? "higher" : "lower"} (${money(delta, product.currency).display})`,
        attrs.shared.length > 0 ? `shares ${attrs.shared.join(", ")}` : "no attributes in common",
        `${c.available} in stock`,
      ];
      return { id: c.id, score, delta: Math.abs(delta), available: c.available, reasons };
    })
    .sort((a, b) => b.score - a.score || a.delta - b.delta || a.id.localeCompare(b.id))
    .slice(0, limit);

  // The candidates were already filtered to published, undeleted products: one read builds every view.
  const views = await productViews(
    env,
    principal,
    ranked.map((r) => r.id),
  );
  return {
    product_id: id,
    items: ranked.map((r, i) => ({
      product: views[i] as ProductView,
      score: r.score,
      available: r.available,
      reasons: r.reasons,
    })),
  };
}

export const RISK_WINDOW_DAYS = 14;

export async function fillRisk(
  env: Env,
  principal: Principal | undefined,
  id: string,
  quantity: number,
  locationId: string | undefined,
) {
  const product = await visibleProduct(env, principal, id);
  const level = await env.DB.prepare(
    `SELECT coalesce(SUM(on_hand), 0) AS on_hand, coalesce(SUM(reserved), 0) AS reserved, MIN(low_stock_threshold) AS threshold
       FROM stock_levels WHERE product_id = ?1 AND (?2 IS NULL OR location_id = ?2)`,
  )
    .bind(id, locationId ?? null)
    .first<{ on_hand: number; reserved: number; threshold: number | null }>();
  const onHand = level?.on_hand ?? 0;
  const reserved = level?.reserved ?? 0;
  const available = onHand - reserved;
  const recent = await recentMovementTotals(env, id, RISK_WINDOW_DAYS);
  const sold = -(recent.find((r) => r.kind === "sale")?.quantity ?? 0);
  const newlyReserved = Math.max(0, recent.find((r) => r.kind === "reserve")?.reserved ?? 0);
  const demand = sold + newlyReserved;
  const weekOfDemand = Math.ceil((demand / RISK_WINDOW_DAYS) * 7);
  const remaining = available - quantity;

  let risk: "low" | "medium" | "high";
  let reason: string;
  if (remaining < 0 && !product.allowBackorder) {
    risk = "high";
    reason = `Only ${Math.max(available, 0)} available for ${quantity} requested.`;
  } else if (remaining < 0) {
    risk = "medium";
    reason = `Only ${Math.max(available, 0)} available; ${-remaining} would be backordered.`;
  } else if (remaining < weekOfDemand) {
    risk = "medium";
    reason = `${remaining} would remain after this order, less than the ${weekOfDemand} that recent demand uses in a week; other orders may take it first.`;
  } else if (level?.threshold != null && remaining <= level.threshold) {
    risk = "medium";
    reason = `${remaining} would remain, at or below the low-stock threshold of ${level.threshold}.`;
  } else {
    risk = "low";
    reason = `${available} available covers ${quantity} with ${remaining} to spare.`;
  }
  return {
    product_id: id,
    quantity,
    location_id: locationId ?? null,
    risk,
    reason,
    figures: {
      on_hand: onHand,
      reserved,
      available,
      demand_last_14_days: demand,
      low_stock_threshold: level?.threshold ?? null,
      allow_backorder: product.allowBackorder,
    },
  };
}
