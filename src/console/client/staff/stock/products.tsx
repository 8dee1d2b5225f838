// Levels and movements name products by id only: their SKU and name, read once per product and kept for
// the page's life (a product's SKU and name rarely change while someone looks at stock).
import { useState } from "hono/jsx/dom";
import { api } from "../../api";
import { useSafeEffect } from "../../ui/hooks";
import type { Product } from "./types";

const known = new Map<string, Promise<Product | null>>();

export function productById(id: string): Promise<Product | null> {
  let found = known.get(id);
  if (!found) {
    found = api<Product>(`/products/${encodeURIComponent(id)}`).catch(() => {
      known.delete(id);
      return null;
    });
    known.set(id, found);
  }
  return found;
}

/** Forget a product (after it was edited) so the next look reads it again. */
export const forgetProduct = (id: string) => known.delete(id);

/** The products of `ids`, as they arrive. */
export function useProducts(ids: string[]): Map<string, Product> {
  const [products, setProducts] = useState<Map<string, Product>>(new Map());
  const key = [...new Set(ids)].sort().join(",");
  useSafeEffect(() => {
    let current = true;
    const wanted = key ? key.split(",") : [];
    Promise.all(wanted.map(productById)).then((found) => {
      if (!current) return;
      const next = new Map<string, Product>();
      for (const p of found) if (p) next.set(p.id, p);
      setProducts(next);
    });
    return () => {
      current = false;
    };
  }, [key]);
  return products;
}

/** A product as people know it: its SKU and name (its id while it loads). */
export function ProductName(props: { id: string; products: Map<string, Product> }) {
  const p = props.products.get(props.id);
  if (!p) return <span class="muted">{props.id}</span>;
  return (
    <span>
      <strong>{p.sku}</strong> {p.name}
    </span>
  );
}

/**
 * The product a typed or scanned code names: its SKU or one of its barcodes exactly, else the only product
 * a search for it finds.
 */
export async function productByCode(code: string): Promise<Product> {
  const wanted = code.trim();
  if (!wanted) throw new Error("Enter a SKU or barcode.");
  const page = await api<{ items: Product[] }>("/products", { query: { q: wanted, limit: 20 } });
  const exact = page.items.find(
    (p) => p.sku.toLowerCase() === wanted.toLowerCase() || p.barcodes.some((b) => b.barcode === wanted),
  );
  const found = exact ?? (page.items.length === 1 ? page.items[0] : undefined);
  if (!found) {
    throw new Error(
      page.items.length === 0
        ? `No product has the code ${wanted}.`
        : `${page.items.length} products match ${wanted}; enter the exact SKU or barcode.`,
    );
  }
  return found;
}
