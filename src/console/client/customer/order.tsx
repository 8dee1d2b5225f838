// One of my orders: its lines, status, totals and timeline, the chat with the shop (live: a status change,
// a substitute or an edit made anywhere shows here at once), choosing substitutes for short lines, and
// cancelling while the shop has not started picking.
import { api } from "../api";
import { money, when, words } from "../format";
import type { ScreenProps } from "../screen";
import type { Order, OrderEvent } from "../types";
import { useLoad } from "../ui/hooks";
import { Badge, Loading, Section, Table } from "../ui/parts";
import { RoomChat } from "../ui/room-chat";
import { CancelOrder, SubstitutePicker, Timeline } from "./order-parts";

const LIVE_EVENTS = new Set(["status", "substitute", "updated", "lines_replaced"]);

export default function OrderScreen({ params }: ScreenProps) {
  const id = params.id ?? "";
  const order = useLoad(() => api<Order>(`/orders/${encodeURIComponent(id)}`), [id]);
  const events = useLoad(
    () => api<{ items: OrderEvent[] }>(`/orders/${encodeURIComponent(id)}/events`).then((r) => r.items),
    [id],
  );
  const changed = (next?: Order) => {
    if (next) order.set(next);
    else order.reload();
    events.reload();
  };

  if (order.error) {
    return (
      <>
        <p class="problem" role="alert">
          {order.error}
        </p>
        <p>
          <a href="/shop/orders">Back to my orders</a>
        </p>
      </>
    );
  }
  const o = order.data;
  if (!o) return <Loading what="Loading the order" />;
  const short = o.lines.filter((l) => l.fill === "short");
  return (
    <>
      <p class="order-status" aria-live="polite">
        Order <strong>{o.number}</strong> is <Badge value={o.status} />
        {o.status === "awaiting_customer" && " — the shop needs your answer below."}
      </p>
      {short.length > 0 && ["under_risk", "awaiting_customer"].includes(o.status) && (
        <SubstitutePicker order={o} lines={short} onChanged={changed} />
      )}
      <Section title="Lines">
        <Table
          caption={`Lines of order ${o.number}`}
          rows={o.lines}
          columns={[
            { label: "#", cell: (l) => l.line_no, numeric: true },
            {
              label: "Product",
              cell: (l) => (
                <>
                  {l.name} <small class="muted">({l.sku})</small>
                  {l.replaced_product_id && <small class="muted"> · a substitute you chose</small>}
                </>
              ),
            },
            { label: "Quantity", cell: (l) => l.quantity, numeric: true },
            { label: "Price", cell: (l) => money(l.unit_price), numeric: true },
            { label: "Total", cell: (l) => money(l.line_total), numeric: true },
            {
              label: "Stock",
              cell: (l) => (
                <>
                  <Badge value={l.fill === "ok" ? "held" : l.fill} />
                  {l.risk_reason && <small class="muted"> {l.risk_reason}</small>}
                </>
              ),
            },
          ]}
        />
      </Section>
      <div class="grid">
        <Section title="Totals">
          <dl class="facts">
            <dt>Subtotal</dt>
            <dd>{money(o.totals.subtotal)}</dd>
            <dt>Tax</dt>
            <dd>{money(o.totals.tax)}</dd>
            <dt>Shipping</dt>
            <dd>{money(o.totals.shipping)}</dd>
            {o.totals.discount.amount > 0 && (
              <>
                <dt>Discount</dt>
                <dd>−{money(o.totals.discount)}</dd>
              </>
            )}
            <dt>Total</dt>
            <dd>
              <strong>{money(o.totals.total)}</strong>
            </dd>
            <dt>Payment</dt>
            <dd>{words(o.payment_status)}</dd>
          </dl>
        </Section>
        <Section title="Delivery">
          <dl class="facts">
            <dt>Placed</dt>
            <dd>{when(o.reached.placed ?? o.created_at)}</dd>
            <dt>Ship to</dt>
            <dd>
              {o.shipping_address
                ? [
                    o.shipping_address.line1,
                    `${o.shipping_address.postal_code} ${o.shipping_address.city}`,
                  ].join(", ")
                : "—"}
            </dd>
            <dt>Tracking</dt>
            <dd>
              {o.tracking.url ? (
                <a href={o.tracking.url} rel="noopener noreferrer" target="_blank">
                  {[o.tracking.carrier, o.tracking.number].filter(Boolean).join(" ") || "Track"}
                </a>
              ) : (
                [o.tracking.carrier, o.tracking.number].filter(Boolean).join(" ") || "—"
              )}
            </dd>
            <dt>Your notes</dt>
            <dd>{o.notes ?? "—"}</dd>
          </dl>
        </Section>
      </div>
      <CancelOrder order={o} onChanged={changed} />
      <Section title="Chat with the shop">
        <RoomChat
          path={`/orders/${encodeURIComponent(o.id)}/room`}
          label="Chat with the shop"
          onEvent={(event) => {
            if (LIVE_EVENTS.has(String(event.type))) changed();
          }}
        />
      </Section>
      <Section title="Timeline">
        <Timeline events={events} />
      </Section>
    </>
  );
}
