// The live dashboard: today's orders and revenue, orders by status, new orders from every door as they
// arrive (the shop's feed room), low stock, and the doors' failures of the last day.
import { useRef, useState } from "hono/jsx/dom";
import { ORDER_STATUSES } from "../../../db/vocabulary";
import { api } from "../api";
import { count, money, when, words } from "../format";
import { joinLive, type RoomState } from "../live";
import { may, type ScreenProps } from "../screen";
import type { IngestStats, OrderListItem, Page, StaffDashboard } from "../types";
import { BarChart } from "../ui/chart";
import { useLoad, useReplay, useSafeEffect } from "../ui/hooks";
import { Badge, Section, Show, Table } from "../ui/parts";

interface FeedEvent {
  type: string;
  /** Every order event carries the order as it is after the event (src/modules/orders/transition.ts). */
  data: { order?: OrderListItem };
}
interface FeedFrame {
  type: string;
  seq?: number;
  head?: number;
  event?: FeedEvent;
}

/** How many new sales the dashboard lists. */
const NEWEST = 10;

export default function Dashboard({ me }: ScreenProps) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const summary = useLoad(() => api<StaffDashboard>("/orders/dashboard", { query: { tz: zone } }), []);
  // Order events lately applied, replayed over the list's read (which can answer after an event's frame).
  const replay = useReplay<FeedEvent>();
  const recent = useLoad(
    () =>
      api<Page<OrderListItem>>("/orders", { query: { kind: "sale", limit: NEWEST } }).then((page) =>
        replay.over(page, withOrderEvent),
      ),
    [],
  );
  const failures = useLoad(
    () => (may(me, "intake:read") ? api<IngestStats>("/ingest/stats") : Promise.resolve(null)),
    [],
  );
  const [state, setState] = useState<RoomState>("connecting");
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const lastSeq = useRef<number | undefined>(undefined);
  const refresh = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useSafeEffect(() => {
    if (me.role === "vendor") return; // the feed is for the shop's own staff
    const live = joinLive(
      "/feed",
      (frame: FeedFrame & { type: string }) => {
        if (frame.type === "welcome") lastSeq.current = frame.head;
        if (frame.type !== "event" || !frame.event) return;
        lastSeq.current = frame.seq;
        const event = frame.event;
        if (event.type.startsWith("order.")) {
          replay.keep(event);
          recent.set((page) => page && withOrderEvent(page, event));
          const order = event.data.order;
          if (event.type === "order.created" && order?.kind === "sale") {
            setFresh((f) => new Set(f).add(order.id));
          }
        }
        // The figures follow the events, at most once a second.
        clearTimeout(refresh.current);
        refresh.current = setTimeout(summary.reload, 1000);
      },
      setState,
      () => ({ after: lastSeq.current }),
    );
    return () => {
      live.close();
      clearTimeout(refresh.current);
    };
  }, []);

  return (
    <>
      <p class="live muted" aria-live="polite">
        {me.role === "vendor"
          ? ""
          : state === "open"
            ? "Live: new orders appear as they arrive."
            : "Connecting to the live feed…"}
      </p>
      <Show loaded={summary}>
        {(d) => (
          <>
            <div class="tiles">
              <div class="tile">
                Orders today <strong>{count(d.today_orders)}</strong>
              </div>
              {(d.today_revenue ?? []).map((m) => (
                <div class="tile">
                  Revenue today <strong>{money(m)}</strong>
                </div>
              ))}
              <div class="tile">
                Purchases today <strong>{count(d.today_purchases)}</strong>
              </div>
              {d.low_stock && (
                <div class="tile">
                  Low stock <strong>{count(d.low_stock.count)}</strong>
                </div>
              )}
            </div>
            <div class="grid">
              <Section title="Sales by status">
                <BarChart
                  title="Sales by status"
                  bars={ORDER_STATUSES.map((s) => ({ label: words(s), value: d.counts.sale[s] ?? 0 }))}
                  format={count}
                />
              </Section>
              {d.low_stock && (
                <Section title="Lowest stock">
                  <Table
                    caption="Lowest stock"
                    rows={d.low_stock.lowest}
                    empty="Nothing is below its threshold."
                    columns={[
                      { label: "SKU", cell: (l) => l.sku },
                      { label: "Product", cell: (l) => l.name },
                      { label: "Available", cell: (l) => count(l.available), numeric: true },
                      { label: "Threshold", cell: (l) => count(l.threshold), numeric: true },
                    ]}
                  />
                </Section>
              )}
            </div>
          </>
        )}
      </Show>
      <Section title="New orders" actions={<a href="/orders">All orders</a>}>
        <Show loaded={recent}>
          {(page) => (
            <Table
              caption="New orders"
              rows={page.items}
              empty="No orders yet."
              columns={[
                {
                  label: "Number",
                  cell: (o) => (
                    <a href={`/orders/${o.id}`} class={fresh.has(o.id) ? "fresh" : undefined}>
                      {o.number}
                    </a>
                  ),
                },
                { label: "Status", cell: (o) => <Badge value={o.status} /> },
                { label: "From", cell: (o) => o.source },
                { label: "Buyer", cell: (o) => o.buyer.name ?? o.merchant ?? "—" },
                { label: "Total", cell: (o) => money(o.totals.total), numeric: true },
                { label: "Placed", cell: (o) => when(o.created_at) },
              ]}
            />
          )}
        </Show>
      </Section>
      <Show loaded={failures}>
        {(stats) =>
          stats && (
            <Section
              title="Doors: failures in the last 24 hours"
              actions={<a href="/intake">Intake monitor</a>}
            >
              <Table
                caption="Failures by door"
                rows={stats.doors.filter((d) => d.refused + (d.outcomes.failed ?? 0) > 0)}
                empty="No door refused or failed anything."
                columns={[
                  { label: "Door", cell: (d) => d.door },
                  { label: "Source", cell: (d) => d.source },
                  { label: "Refused", cell: (d) => count(d.refused), numeric: true },
                  { label: "Failed", cell: (d) => count(d.outcomes.failed ?? 0), numeric: true },
                  { label: "Last failure", cell: (d) => d.last_failure?.detail ?? "—" },
                ]}
              />
            </Section>
          )
        }
      </Show>
    </>
  );
}

/**
 * The newest sales with what an order event says: a new sale on top, a listed order's newer version in its
 * place. An event the list holds already (an order listed, a version not newer) leaves it as it is, so the
 * same events can be replayed over a fresh read.
 */
function withOrderEvent(page: Page<OrderListItem>, event: FeedEvent): Page<OrderListItem> {
  const { order } = event.data;
  if (!order) return page;
  if (event.type === "order.created") {
    if (order.kind !== "sale" || page.items.some((o) => o.id === order.id)) return page;
    return { ...page, items: [order, ...page.items].slice(0, NEWEST) };
  }
  if (event.type !== "order.status_changed" && event.type !== "order.updated") return page;
  const items = page.items.map((o) =>
    o.id === order.id && order.version > o.version ? { ...o, ...order } : o,
  );
  return { ...page, items };
}
