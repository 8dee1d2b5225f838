// Orders: filters by status, kind and text, newest first with cursor paging; the address keeps the filters.
import { useState } from "hono/jsx/dom";
import { ORDER_STATUSES } from "../../../db/vocabulary";
import { api } from "../api";
import { money, when, words } from "../format";
import { setQuery, useLocation } from "../router";
import type { ScreenProps } from "../screen";
import type { OrderListItem, Page } from "../types";
import { useLoad, useSafeEffect } from "../ui/hooks";
import { Badge, Pager, Select, Show, Table, usePager } from "../ui/parts";

export default function Orders(_props: ScreenProps) {
  const { query } = useLocation();
  const status = query.get("status") ?? "";
  const kind = query.get("kind") ?? "";
  const q = query.get("q") ?? "";
  const [text, setText] = useState(q);
  const pager = usePager();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter starts at the first page
  useSafeEffect(() => pager.reset(), [status, kind, q]);
  const orders = useLoad(
    () =>
      api<Page<OrderListItem>>("/orders", { query: { status, kind, q, cursor: pager.cursor, limit: 25 } }),
    [status, kind, q, pager.cursor],
  );
  return (
    <>
      <form
        class="row card"
        aria-label="Find orders"
        onSubmit={(e: Event) => {
          e.preventDefault();
          setQuery({ q: text.trim() });
        }}
      >
        <Select
          label="Status"
          name="status"
          value={status}
          options={[["", "any status"], ...ORDER_STATUSES.map((s): [string, string] => [s, words(s)])]}
          onChange={(v) => setQuery({ status: v })}
        />
        <Select
          label="Kind"
          name="kind"
          value={kind}
          options={[
            ["", "sales and purchases"],
            ["sale", "sales"],
            ["purchase", "purchases"],
          ]}
          onChange={(v) => setQuery({ kind: v })}
        />
        <div class="field">
          <label for="order-search">Search</label>
          <input
            id="order-search"
            type="search"
            name="q"
            value={text}
            placeholder="Number, reference, customer"
            onInput={(e: Event) => setText((e.target as HTMLInputElement).value)}
          />
        </div>
        <button type="submit">Search</button>
      </form>
      <Show loaded={orders}>
        {(page) => (
          <>
            <Table
              caption="Orders"
              rows={page.items}
              empty="No orders match."
              columns={[
                { label: "Number", cell: (o) => <a href={`/orders/${o.id}`}>{o.number}</a> },
                { label: "Status", cell: (o) => <Badge value={o.status} /> },
                { label: "Kind", cell: (o) => o.kind },
                { label: "From", cell: (o) => o.source },
                { label: "Buyer", cell: (o) => o.buyer.name ?? o.merchant ?? "—" },
                { label: "Total", cell: (o) => money(o.totals.total), numeric: true },
                { label: "Placed", cell: (o) => when(o.created_at) },
              ]}
            />
            <Pager pager={pager} nextCursor={page.next_cursor} />
          </>
        )}
      </Show>
    </>
  );
}
