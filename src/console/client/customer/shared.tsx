// What the customer's screens share: products looked up by id (a cart line's or an order line's
// substitutes), how risky filling a quantity is, and an order's timeline in words.
import { useState } from "hono/jsx/dom";
import { api } from "../api";
import { words } from "../format";
import { setQuery } from "../router";
import { useLoad } from "../ui/hooks";
import type { FillRisk, Product } from "./types";

/**
 * A filter kept in the address (so a link or a reload shows the same), read when the screen opens and
 * written with each change. The screen does not listen to the router: a screen that does can be left
 * behind on the page when the person moves to another screen (see the report on main.tsx).
 */
export function useQueryParam(name: string): [string, (value: string | null) => void] {
  const [value, setValue] = useState(() => new URLSearchParams(location.search).get(name) ?? "");
  return [
    value,
    (next) => {
      setValue(next ?? "");
      setQuery({ [name]: next });
    },
  ];
}

/** The published products among `ids`, by id (one the customer may no longer see is left out). */
export function useProducts(ids: string[]) {
  const key = [...new Set(ids)].sort().join(",");
  return useLoad(async () => {
    const found = new Map<string, Product>();
    const wanted = key ? key.split(",") : [];
    const products = await Promise.all(
      wanted.map((id) => api<Product>(`/products/${encodeURIComponent(id)}`).catch(() => null)),
    );
    for (const p of products) if (p) found.set(p.id, p);
    return found;
  }, [key]);
}

/** A product's fill risk for a quantity, in a badge and words. */
export function RiskNote({ risk }: { risk: FillRisk | undefined }) {
  if (!risk) return null;
  return (
    <p class="risk">
      <span class={`badge badge-risk-${risk.risk}`}>{risk.risk} risk</span>{" "}
      <small class="muted">{risk.reason}</small>
    </p>
  );
}

export const useRisk = (productId: string, quantity: number) =>
  useLoad(
    () =>
      api<FillRisk>(`/products/${encodeURIComponent(productId)}/risk`, {
        query: { quantity: Math.max(1, quantity || 1) },
      }),
    [productId, quantity],
  );

/** An order event (`/orders/{id}/events`) as a customer reads it. */
export function eventText(event: {
  type: string;
  from_status: string | null;
  to_status: string | null;
  details: Record<string, unknown> | null;
}): string {
  const d = event.details ?? {};
  if (event.type === "created") return "Order placed";
  if (event.type === "status") {
    const note = typeof d.note === "string" ? ` (${d.note})` : "";
    return `Status: ${words(event.from_status ?? "")} → ${words(event.to_status ?? "")}${note}`;
  }
  if (event.type === "substitute") {
    const from = (d.from as { sku?: string } | undefined)?.sku ?? "?";
    const to = (d.to as { sku?: string } | undefined)?.sku ?? "?";
    return `Line ${String(d.line_no ?? "?")}: ${from} replaced by ${to}`;
  }
  if (event.type === "updated") {
    const changes = Array.isArray(d.changes) ? d.changes.map((c) => words(String(c))).join(", ") : "";
    return changes ? `Updated: ${changes}` : "Updated";
  }
  return words(event.type);
}
