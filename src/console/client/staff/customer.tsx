// One customer: their details, what they owe and how old it is, their ledger (with a form to record an
// entry, for those who may), and their orders, newest first.
import type { Child } from "hono/jsx";
import { useState } from "hono/jsx/dom";
import { api } from "../api";
import { money, when } from "../format";
import { may, type ScreenProps } from "../screen";
import type { OrderListItem, Page } from "../types";
import { useLoad } from "../ui/hooks";
import { Badge, Pager, Section, Show, Table, usePager } from "../ui/parts";
import { Balances, Entries, NewEntry } from "./office/ledger";
import type { Customer as CustomerView, LedgerSummary } from "./office/types";

type Address = NonNullable<CustomerView["billing_address"]>;
const addressText = (a: Address | null) =>
  a
    ? [a.name, a.company, a.line1, a.line2, `${a.postal_code} ${a.city}`, a.region, a.country]
        .filter(Boolean)
        .join(", ")
    : "—";

function details(c: CustomerView): [string, Child][] {
  return [
    ["Contact", c.contact_name ?? "—"],
    ["Email", c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : "—"],
    ["Phone", c.phone ?? "—"],
    ["Tax id", c.tax_id ?? "—"],
    ["Payment terms", `${c.payment_terms_days ?? 30} days`],
    ["Credit limit", c.credit_limit ? money(c.credit_limit) : "none"],
    ["Billing address", addressText(c.billing_address)],
    ["Shipping address", addressText(c.shipping_address)],
    ["Customer since", when(c.created_at)],
  ];
}

export default function Customer({ params, me }: ScreenProps) {
  const id = params.id ?? "";
  const [round, setRound] = useState(0);
  const customer = useLoad(() => api<CustomerView>(`/customers/${id}`), [id]);
  const summary = useLoad(() => api<LedgerSummary>(`/customers/${id}/ledger/summary`), [id, round]);
  const changed = () => setRound((r) => r + 1);
  return (
    <Show loaded={customer}>
      {(c) => (
        <>
          <Section title={c.company}>
            <dl class="grid details">
              {details(c).map(([term, value]) => (
                <div>
                  <dt>{term}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          </Section>
          <Balances summary={summary} />
          <Entries customerId={id} round={round} canWrite={may(me, "billing:write")} changed={changed} />
          {may(me, "billing:write") && (
            <NewEntry
              customerId={id}
              currency={c.credit_limit?.currency ?? summary.data?.currencies[0]?.currency ?? "EUR"}
              recorded={changed}
            />
          )}
          {may(me, "orders:read") && <Orders customerId={id} />}
        </>
      )}
    </Show>
  );
}

function Orders({ customerId }: { customerId: string }) {
  const pager = usePager();
  const orders = useLoad(
    () =>
      api<Page<OrderListItem>>("/orders", {
        query: { customer_id: customerId, cursor: pager.cursor, limit: 10 },
      }),
    [customerId, pager.cursor],
  );
  return (
    <Section title="Orders">
      <Show loaded={orders}>
        {(page) => (
          <>
            <Table
              caption="The customer's orders, newest first"
              rows={page.items}
              empty="No orders yet."
              columns={[
                { label: "Number", cell: (o) => <a href={`/orders/${o.id}`}>{o.number}</a> },
                { label: "Status", cell: (o) => <Badge value={o.status} /> },
                { label: "Payment", cell: (o) => <Badge value={o.payment_status} /> },
                { label: "Total", cell: (o) => money(o.totals.total), numeric: true },
                { label: "Placed", cell: (o) => when(o.created_at) },
              ]}
            />
            <Pager pager={pager} nextCursor={page.next_cursor} />
          </>
        )}
      </Show>
    </Section>
  );
}
