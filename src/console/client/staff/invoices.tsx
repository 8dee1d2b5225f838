// Invoices and credit notes, newest first, each with its order's payment status and its PDF; an order's
// money (?order=<id>): invoice, credit notes, payments and refunds, what is outstanding, and a payment to record.
import { useState } from "hono/jsx/dom";
import { api } from "../api";
import { day, money, words } from "../format";
import { setQuery, useLocation } from "../router";
import type { ScreenProps } from "../screen";
import type { OrderListItem, Page } from "../types";
import { FileLinks, useFile } from "../ui/files";
import { useAction, useLoad, useSafeEffect } from "../ui/hooks";
import { Badge, Pager, ProblemNote, Section, Select, Show, Table, usePager } from "../ui/parts";
import { hrefWith } from "./back/common";
import { OrderMoney } from "./back/order-money";
import type { Invoice, OrderBilling } from "./back/types";

interface Listed {
  page: Page<Invoice>;
  status: Record<string, string>;
}

export default function Invoices(_props: ScreenProps) {
  const { query } = useLocation();
  const kind = query.get("kind") ?? "";
  const customer = query.get("customer") ?? "";
  const selected = query.get("order") ?? "";
  const pager = usePager();
  useSafeEffect(() => pager.reset(), [kind, customer]);
  const list = useLoad(async (): Promise<Listed> => {
    const page = await api<Page<Invoice>>("/invoices", {
      query: { kind, customer_id: customer, cursor: pager.cursor, limit: 20 },
    });
    // Each order's payment status, asked once per order on the page.
    const orders = [...new Set(page.items.map((i) => i.order_id))];
    const answers = await Promise.all(
      orders.map((id) => api<OrderBilling>(`/orders/${id}/billing`).catch(() => null)),
    );
    const status: Record<string, string> = {};
    for (const billing of answers) if (billing) status[billing.order_id] = billing.payment_status;
    return { page, status };
  }, [kind, customer, pager.cursor]);
  const pdf = useFile();

  return (
    <>
      <FindOrder />
      {selected && <OrderMoney id={selected} onChanged={list.reload} />}
      <Section
        title="Invoices and credit notes"
        actions={
          <Select
            label="Kind"
            name="kind"
            value={kind}
            options={[
              ["", "invoices and credit notes"],
              ["invoice", "invoices"],
              ["credit_note", "credit notes"],
            ]}
            onChange={(v) => setQuery({ kind: v })}
          />
        }
      >
        {customer && (
          <p>
            One customer's documents. <a href={hrefWith({ customer: null })}>Show everyone's</a>
          </p>
        )}
        <ProblemNote error={pdf.action.error} />
        <FileLinks file={pdf.file} />
        <Show loaded={list}>
          {({ page, status }) => (
            <>
              <Table
                caption="Invoices and credit notes"
                rows={page.items}
                empty="No documents yet."
                columns={[
                  { label: "Number", cell: (i) => i.number },
                  { label: "Kind", cell: (i) => words(i.kind) },
                  {
                    label: "Order",
                    cell: (i) => (
                      <a
                        href={hrefWith({ order: i.order_id })}
                        aria-label={`Money of order ${i.order_number ?? i.order_id}`}
                      >
                        {i.order_number ?? i.order_id}
                      </a>
                    ),
                  },
                  { label: "Buyer", cell: (i) => i.buyer.name },
                  { label: "Issued", cell: (i) => day(i.issued_on) },
                  { label: "Due", cell: (i) => (i.due_on ? day(i.due_on) : "—") },
                  { label: "Total", cell: (i) => money(i.total), numeric: true },
                  {
                    label: "Payment",
                    cell: (i) => (status[i.order_id] ? <Badge value={status[i.order_id] as string} /> : "—"),
                  },
                  {
                    label: "PDF",
                    cell: (i) => (
                      <button
                        type="button"
                        class="secondary"
                        disabled={pdf.action.busy}
                        aria-label={`PDF of ${i.number}`}
                        onClick={() => pdf.fetchFile(`/invoices/${i.id}/pdf`, `${i.number}.pdf`)}
                      >
                        PDF
                      </button>
                    ),
                  },
                ]}
              />
              <Pager pager={pager} nextCursor={page.next_cursor} />
            </>
          )}
        </Show>
      </Section>
    </>
  );
}

/** Any order's money by its number (an order not invoiced yet too). */
function FindOrder() {
  const [text, setText] = useState("");
  const [none, setNone] = useState<string | null>(null);
  const finding = useAction();
  const find = async (e: Event) => {
    e.preventDefault();
    setNone(null);
    const q = text.trim();
    if (!q) return setNone("Type an order number first.");
    const found = await finding.run(() => api<Page<OrderListItem>>("/orders", { query: { q, limit: 1 } }));
    if (!found) return;
    const order = found.items[0];
    if (!order) return setNone(`No order matches “${q}”.`);
    setQuery({ order: order.id });
  };
  return (
    <form class="row card" onSubmit={find}>
      <div class="field">
        <label for="money-order">Order number</label>
        <input
          id="money-order"
          name="q"
          type="search"
          value={text}
          placeholder="R-2026-000123"
          aria-describedby={none ? "money-order-none" : undefined}
          onInput={(e: Event) => setText((e.target as HTMLInputElement).value)}
        />
        {none && (
          <small id="money-order-none" class="field-error">
            {none}
          </small>
        )}
      </div>
      <button type="submit" disabled={finding.busy}>
        Show its money
      </button>
      <ProblemNote error={finding.error} />
    </form>
  );
}
