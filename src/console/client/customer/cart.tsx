// The cart: its lines at today's prices with what is available, quantities, up to two substitutes per line
// (offered if the line cannot be filled when the order is placed), notes, and placing the order.
import { useId, useState } from "hono/jsx/dom";
import { api } from "../api";
import { count, money } from "../format";
import { navigate } from "../router";
import type { ScreenProps } from "../screen";
import type { Order, Page } from "../types";
import { useAction, useLoad } from "../ui/hooks";
import { ProblemNote, QuantityField, Section, Select, Show, Table, TextArea } from "../ui/parts";
import { useProducts } from "./shared";
import type { Cart, CartLine, Product } from "./types";

const MAX_SUBSTITUTES = 2;

export default function CartScreen(_props: ScreenProps) {
  const cart = useLoad(() => api<Cart>("/cart"), []);
  // What substitutes are chosen from: the published catalog (newest first), and any already chosen.
  const catalog = useLoad(() => api<Page<Product>>("/products", { query: { limit: 200 } }), []);
  const chosen = useProducts(cart.data?.lines.flatMap((l) => l.substitutes) ?? []);
  const [notes, setNotes] = useState("");
  const place = useAction();
  const clear = useAction();

  const candidates = new Map<string, Product>();
  for (const p of catalog.data?.items ?? []) candidates.set(p.id, p);
  for (const [id, p] of chosen.data ?? []) candidates.set(id, p);

  const placeOrder = async (e: Event) => {
    e.preventDefault();
    const order = await place.run(() =>
      api<Order>("/orders/from-cart", { method: "POST", body: notes.trim() ? { notes: notes.trim() } : {} }),
    );
    if (order) navigate(`/shop/orders/${order.id}`);
  };

  return (
    <Show loaded={cart}>
      {(c) =>
        c.lines.length === 0 ? (
          <p>
            Your cart is empty. <a href="/shop">Browse the products</a>
          </p>
        ) : (
          <>
            {c.lines.map((line) => (
              <LineCard line={line} candidates={candidates} onCart={cart.set} />
            ))}
            <Section title="Totals">
              <Table
                caption="Cart totals by currency"
                rows={c.totals}
                columns={[
                  { label: "Currency", cell: (t) => t.currency },
                  { label: "Subtotal", cell: (t) => money(t.subtotal), numeric: true },
                  { label: "Tax", cell: (t) => money(t.tax), numeric: true },
                  { label: "Total", cell: (t) => money(t.total), numeric: true },
                ]}
              />
            </Section>
            <Section title="Place the order">
              <form onSubmit={placeOrder}>
                <TextArea
                  label="Notes for the shop (optional)"
                  name="notes"
                  maxlength={2000}
                  value={notes}
                  error={place.error}
                  onInput={setNotes}
                />
                <ProblemNote error={place.error} />
                <div class="actions">
                  <button type="submit" disabled={place.busy}>
                    {place.busy ? "Placing…" : "Place order"}
                  </button>
                  <button
                    type="button"
                    class="secondary"
                    disabled={clear.busy}
                    onClick={async () => {
                      const emptied = await clear.run(() => api<Cart>("/cart", { method: "DELETE" }));
                      if (emptied) cart.set(emptied);
                    }}
                  >
                    Empty cart
                  </button>
                </div>
                <ProblemNote error={clear.error} />
              </form>
            </Section>
          </>
        )
      }
    </Show>
  );
}

function availabilityText(line: CartLine): string {
  const a = line.availability;
  if (a.in_stock) return `In stock (${count(a.available)} available)`;
  if (a.backorder) return `Only ${count(a.available)} available; the rest will be backordered`;
  return `Only ${count(a.available)} available: this line may be short, and your substitutes offered`;
}

function LineCard(props: { line: CartLine; candidates: Map<string, Product>; onCart: (cart: Cart) => void }) {
  const { line } = props;
  const id = useId();
  const [quantity, setQuantity] = useState(String(line.quantity));
  const update = useAction();
  const substitutes = useAction();
  const remove = useAction();

  const setSubstitute = async (slot: number, productId: string) => {
    const next = [...line.substitutes];
    if (productId) next[slot] = productId;
    else next.splice(slot, 1);
    const list = [...new Set(next.filter(Boolean))].slice(0, MAX_SUBSTITUTES);
    const cart = await substitutes.run(() =>
      api<Cart>(`/cart/lines/${encodeURIComponent(line.product_id)}`, {
        method: "PATCH",
        body: { substitutes: list },
      }),
    );
    if (cart) props.onCart(cart);
  };

  const options = (slot: number): [string, string][] => [
    ["", "none"],
    ...[...props.candidates.values()]
      .filter(
        (p) =>
          p.id !== line.product_id && (p.id === line.substitutes[slot] || !line.substitutes.includes(p.id)),
      )
      .map((p): [string, string] => [p.id, `${p.name} (${p.sku}) · ${money(p.price)}`]),
  ];

  return (
    <article class="card" aria-labelledby={`${id}-name`}>
      <header class="card-head">
        <h2 id={`${id}-name`}>{line.name}</h2>
        <strong>{money(line.line_total)}</strong>
      </header>
      <p class="muted">
        SKU {line.sku} · {money(line.unit_price)} each · tax {money(line.tax)}
      </p>
      {!line.orderable && (
        <p class="problem">This product is no longer sold; it will be left out of your order. Remove it.</p>
      )}
      <p>{availabilityText(line)}</p>
      <form
        class="row"
        onSubmit={async (e: Event) => {
          e.preventDefault();
          const cart = await update.run(() =>
            api<Cart>(`/cart/lines/${encodeURIComponent(line.product_id)}`, {
              method: "PATCH",
              body: { quantity: Number.parseInt(quantity, 10) },
            }),
          );
          if (cart) props.onCart(cart);
        }}
      >
        <QuantityField value={quantity} error={update.error} onInput={setQuantity} />
        <button type="submit" class="secondary" disabled={update.busy}>
          Update <span class="visually-hidden">quantity of {line.name}</span>
        </button>
        <button
          type="button"
          class="secondary"
          disabled={remove.busy}
          onClick={async () => {
            const cart = await remove.run(() =>
              api<Cart>(`/cart/lines/${encodeURIComponent(line.product_id)}`, { method: "DELETE" }),
            );
            if (cart) props.onCart(cart);
          }}
        >
          Remove <span class="visually-hidden">{line.name}</span>
        </button>
      </form>
      <ProblemNote error={update.error ?? remove.error} />
      <fieldset class="substitutes">
        <legend>Substitutes if this cannot be filled (up to two, first preferred)</legend>
        <div class="row">
          {[0, 1].map((slot) => (
            <Select
              label={slot === 0 ? "First choice" : "Second choice"}
              name={`substitute-${slot}`}
              value={line.substitutes[slot] ?? ""}
              options={slot === 1 && !line.substitutes[0] ? [["", "none"]] : options(slot)}
              onChange={(v) => void setSubstitute(slot, v)}
            />
          ))}
        </div>
        <ProblemNote error={substitutes.error} />
      </fieldset>
    </article>
  );
}
