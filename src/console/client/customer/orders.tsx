import { useSafeEffect } from "../ui/hooks";
// My orders: what needs my answer first (orders waiting for me to choose a substitute), then every order of
// mine by status, newest first. The API shows a customer only their own customer's orders.

import { ORDER_STATUSES } from "../../../db/vocabulary";
import { api } from "../api";
import { count, money, timeZone, when, words } from "../format";
import type { ScreenProps } from "../screen";
import type { CustomerDashboard, OrderListItem, Page } from "../types";
import { useLoad } from "../ui/hooks";
import { Badge, Pager, Section, Select, Show, Table, usePager } from "../ui/parts";
import { useQueryParam } from "./shared";

export default function MyOrders(_props: ScreenProps) {
  const [status, setStatus] = useQueryParam("status");
  const pager = usePager();
  useSafeEffect(() => pager.reset(), [status]);
  const dashboard = useLoad(
    () => api<CustomerDashboard>("/orders/dashboard", { query: { tz: timeZone } }),
    [],
  );
  const orders = useLoad(
    () => api<Page<OrderListItem>>("/orders", { query: { status, cursor: pager.cursor, limit: 25 } }),
    [status, pager.cursor],
  );
  return (
    <>
      <Show loaded={dashboard}>
        {(d) => (
          <>
            <Section title="Actions needed">
              {d.needs_your_action.length === 0 ? (
                <p class="muted">Nothing needs your answer.</p>
              ) : (
                <>
                  <p>
                    These orders have lines the shop cannot fill. Open each to choose a substitute or cancel.
                  </p>
                  <ul>
                    {d.needs_your_action.map((o) => (
                      <li>
                        <a href={`/shop/orders/${o.id}`}>{o.number}</a> · {money(o.total)} · placed{" "}
                        {when(o.placed_at)}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </Section>
            <div class="tiles">
              {ORDER_STATUSES.filter((s) => (d.counts[s] ?? 0) > 0).map((s) => (
                <p class="tile">
                  <strong>{count(d.counts[s] ?? 0)}</strong> {words(s)}
                </p>
              ))}
            </div>
          </>
        )}
      </Show>
      <Section
        title="All my orders"
        actions={
          <Select
            label="Status"
            name="status"
            value={status}
            options={[["", "any status"], ...ORDER_STATUSES.map((s): [string, string] => [s, words(s)])]}
            onChange={setStatus}
          />
        }
      >
        <Show loaded={orders}>
          {(page) => (
            <>
              <Table
                caption="My orders"
                rows={page.items}
                empty={status ? `No orders are ${words(status)}.` : "You have not placed an order yet."}
                columns={[
                  { label: "Number", cell: (o) => <a href={`/shop/orders/${o.id}`}>{o.number}</a> },
                  { label: "Status", cell: (o) => <Badge value={o.status} /> },
                  { label: "Payment", cell: (o) => words(o.payment_status) },
                  { label: "Total", cell: (o) => money(o.totals.total), numeric: true },
                  { label: "Placed", cell: (o) => when(o.reached.placed ?? o.created_at) },
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
