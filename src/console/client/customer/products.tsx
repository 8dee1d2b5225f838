// The shop's published products: search, what is available and how likely an order of the quantity asked
// can be filled (fill risk), and adding to the cart.
import { useId, useState } from "hono/jsx/dom";
import { api } from "../api";
import { count, money } from "../format";
import type { ScreenProps } from "../screen";
import type { Page } from "../types";
import { useAction, useLoad, useSafeEffect } from "../ui/hooks";
import { Pager, ProblemNote, QuantityField, Show, usePager } from "../ui/parts";
import { RiskNote, useQueryParam, useRisk } from "./shared";
import type { Cart, Product } from "./types";

export default function Products(_props: ScreenProps) {
  const [q, setQ] = useQueryParam("q");
  const [text, setText] = useState(q);
  const pager = usePager();
  useSafeEffect(() => pager.reset(), [q]);
  const products = useLoad(
    () => api<Page<Product>>("/products", { query: { q, cursor: pager.cursor, limit: 24 } }),
    [q, pager.cursor],
  );
  return (
    <>
      <search class="card">
        <form
          class="row"
          onSubmit={(e: Event) => {
            e.preventDefault();
            setQ(text.trim());
          }}
        >
          <div class="field">
            <label for="product-search">Search products</label>
            <input
              id="product-search"
              type="search"
              name="q"
              value={text}
              placeholder="Name, SKU or barcode"
              onInput={(e: Event) => setText((e.target as HTMLInputElement).value)}
            />
          </div>
          <button type="submit">Search</button>
        </form>
      </search>
      <p>
        <a href="/shop/cart">Go to your cart</a>
      </p>
      <Show loaded={products}>
        {(page) => (
          <>
            {page.items.length === 0 && (
              <p class="muted">{q ? `No products match “${q}”.` : "No products are published yet."}</p>
            )}
            <div class="grid">
              {page.items.map((p) => (
                <ProductCard product={p} />
              ))}
            </div>
            <Pager pager={pager} nextCursor={page.next_cursor} />
          </>
        )}
      </Show>
    </>
  );
}

function ProductCard({ product: p }: { product: Product }) {
  const id = useId();
  const [quantity, setQuantity] = useState("1");
  const [added, setAdded] = useState<string | null>(null);
  const wanted = Number.parseInt(quantity, 10);
  const risk = useRisk(p.id, Number.isFinite(wanted) && wanted > 0 ? wanted : 1);
  const add = useAction();
  const available = risk.data?.figures.available;

  const submit = async (e: Event) => {
    e.preventDefault();
    setAdded(null);
    const cart = await add.run(() =>
      api<Cart>("/cart/lines", { method: "POST", body: { product_id: p.id, quantity: wanted } }),
    );
    const line = cart?.lines.find((l) => l.product_id === p.id);
    if (line) setAdded(`Added. Your cart holds ${count(line.quantity)} ${p.unit} of ${p.name}.`);
  };

  return (
    <article class="card product" aria-labelledby={`${id}-name`}>
      <h2 id={`${id}-name`}>{p.name}</h2>
      {p.image_url && <img src={p.image_url} alt="" class="product-image" />}
      <p class="muted">
        SKU {p.sku} · per {p.unit}
      </p>
      <p>
        <strong>{money(p.price)}</strong>{" "}
        <small class="muted">{p.tax_rate_bp ? `plus ${p.tax_rate_bp / 100} % tax` : "no tax"}</small>
      </p>
      {p.description && <p>{p.description}</p>}
      <p>
        {available === undefined
          ? "Checking stock…"
          : available > 0
            ? `${count(available)} available`
            : p.allow_backorder
              ? "Out of stock (can be backordered)"
              : "Out of stock"}
      </p>
      <RiskNote risk={risk.data} />
      <form class="row" onSubmit={submit}>
        <QuantityField value={quantity} error={add.error} onInput={setQuantity} />
        <button type="submit" disabled={add.busy}>
          Add <span class="visually-hidden">{p.name} </span>to cart
        </button>
      </form>
      <ProblemNote error={add.error} />
      {added && (
        <p class="note" role="status">
          {added} <a href="/shop/cart">View cart</a>
        </p>
      )}
    </article>
  );
}
