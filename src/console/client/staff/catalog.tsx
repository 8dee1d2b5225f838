// The catalog: products by search and status, newest first with cursor paging; who may write the catalog
// creates drafts, publishes and unpublishes, and edits name, price, barcodes and the image.
import { useState } from "hono/jsx/dom";
import { api } from "../api";
import { money, when } from "../format";
import { setQuery, useLocation } from "../router";
import type { ScreenProps } from "../screen";
import type { Page } from "../types";
import { useAction, useLoad, useSafeEffect } from "../ui/hooks";
import { Badge, Pager, ProblemNote, Select, Show, Table, usePager } from "../ui/parts";
import { EditProduct } from "./stock/catalog-edit";
import { NewProduct } from "./stock/catalog-new";
import type { Category, Product } from "./stock/types";

export default function Catalog({ me }: ScreenProps) {
  const { query } = useLocation();
  const q = query.get("q") ?? "";
  const status = query.get("status") ?? "";
  const [text, setText] = useState(q);
  const [editing, setEditing] = useState<Product | null>(null);
  const canWrite = me.permissions.includes("catalog:write");
  const pager = usePager();
  useSafeEffect(() => pager.reset(), [q, status]);
  const products = useLoad(
    () => api<Page<Product>>("/products", { query: { q, status, cursor: pager.cursor, limit: 25 } }),
    [q, status, pager.cursor],
  );
  const categories = useLoad(() => api<{ items: Category[] }>("/categories"), []);
  const flip = useAction();
  const replace = (next: Product) => {
    products.set((page) => page && { ...page, items: page.items.map((p) => (p.id === next.id ? next : p)) });
    setEditing((e) => (e && e.id === next.id ? next : e));
  };
  const publish = (p: Product, on: boolean) =>
    flip.run(async () =>
      replace(await api<Product>(`/products/${p.id}/${on ? "publish" : "unpublish"}`, { method: "POST" })),
    );
  const category = (id: string | null) =>
    id ? (categories.data?.items.find((c) => c.id === id)?.name ?? "—") : "—";

  return (
    <>
      <form
        class="row card"
        aria-label="Search products"
        onSubmit={(e: Event) => {
          e.preventDefault();
          setQuery({ q: text.trim() });
        }}
      >
        <div class="field">
          <label for="product-search">Search</label>
          <input
            id="product-search"
            type="search"
            name="q"
            value={text}
            placeholder="Name, SKU or barcode"
            onInput={(e: Event) => setText((e.target as HTMLInputElement).value)}
          />
        </div>
        <Select
          label="Status"
          name="status"
          value={status}
          options={[["", "any status"], "draft", "published"]}
          onChange={(v) => setQuery({ status: v })}
        />
        <button type="submit">Search</button>
      </form>
      <ProblemNote error={flip.error} />
      {editing && <EditProduct product={editing} onSaved={replace} onClose={() => setEditing(null)} />}
      <Show loaded={products}>
        {(page) => (
          <>
            <Table
              caption="Products"
              rows={page.items}
              empty="No products match."
              columns={[
                { label: "SKU", cell: (p) => p.sku },
                { label: "Name", cell: (p) => p.name },
                { label: "Category", cell: (p) => category(p.category_id) },
                { label: "Price", cell: (p) => money(p.price), numeric: true },
                { label: "Status", cell: (p) => <Badge value={p.status} /> },
                { label: "Barcodes", cell: (p) => p.barcodes.map((b) => b.barcode).join(", ") || "—" },
                { label: "Updated", cell: (p) => when(p.updated_at) },
                ...(canWrite
                  ? [
                      {
                        label: "Actions",
                        cell: (p: Product) => (
                          <div class="actions">
                            <button
                              type="button"
                              class="secondary"
                              disabled={flip.busy}
                              aria-label={`${p.status === "draft" ? "Publish" : "Unpublish"} ${p.sku}`}
                              onClick={() => publish(p, p.status === "draft")}
                            >
                              {p.status === "draft" ? "Publish" : "Unpublish"}
                            </button>
                            <button
                              type="button"
                              class="secondary"
                              aria-label={`Edit ${p.sku}`}
                              onClick={() => setEditing(p)}
                            >
                              Edit
                            </button>
                          </div>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
            <Pager pager={pager} nextCursor={page.next_cursor} />
          </>
        )}
      </Show>
      {canWrite && (
        <NewProduct
          categories={categories.data?.items ?? []}
          onCreated={() => {
            pager.reset();
            products.reload();
          }}
        />
      )}
    </>
  );
}
