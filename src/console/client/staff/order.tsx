// One order for the shop: lines, buyer, totals, the timeline, staff notes, the moves allowed from here,
// substitutes for short lines, and the order room's live chat with presence. What the room announces
// (a status change, a substitute, an edit) reloads the order, so what is shown is never stale.
import { useState } from "hono/jsx/dom";
import { api } from "../api";
import { money, when, words } from "../format";
import type { ScreenProps } from "../screen";
import type { Order, OrderEvent } from "../types";
import { useAction, useLoad } from "../ui/hooks";
import { Badge, ProblemNote, Section, Show, Table, TextArea } from "../ui/parts";
import { RoomChat } from "../ui/room-chat";

function Moves(props: { order: Order; onMoved: (order: Order) => void }) {
  const action = useAction();
  const [note, setNote] = useState("");
  if (props.order.allowed_transitions.length === 0) return <p class="muted">No moves from here.</p>;
  return (
    <div>
      <div class="field">
        <label for="move-note">Note with the move (optional)</label>
        <input
          id="move-note"
          value={note}
          onInput={(e: Event) => setNote((e.target as HTMLInputElement).value)}
        />
      </div>
      <div class="actions">
        {props.order.allowed_transitions.map((to) => (
          <button
            type="button"
            class={to === "cancelled" ? "danger" : undefined}
            disabled={action.busy}
            onClick={async () => {
              const moved = await action.run(() =>
                api<Order>(`/orders/${props.order.id}/transitions`, {
                  method: "POST",
                  body: { to, ...(note.trim() ? { note: note.trim() } : {}) },
                }),
              );
              if (moved) {
                setNote("");
                props.onMoved(moved);
              }
            }}
          >
            Move to {words(to)}
          </button>
        ))}
      </div>
      <ProblemNote error={action.error} />
    </div>
  );
}

function StaffNotes(props: { order: Order; onSaved: (order: Order) => void }) {
  const action = useAction();
  const [text, setText] = useState(props.order.staff_notes ?? "");
  return (
    <form
      onSubmit={async (e: Event) => {
        e.preventDefault();
        const saved = await action.run(() =>
          api<Order>(`/orders/${props.order.id}`, {
            method: "PATCH",
            body: { staff_notes: text.trim() || null },
          }),
        );
        if (saved) props.onSaved(saved);
      }}
    >
      <TextArea
        label="Staff notes (never shown to the customer)"
        name="staff_notes"
        value={text}
        error={action.error}
        onInput={setText}
      />
      <ProblemNote error={action.error} />
      <button type="submit" disabled={action.busy}>
        Save notes
      </button>
    </form>
  );
}

function Substitute(props: { order: Order; line: Order["lines"][number]; onDone: (order: Order) => void }) {
  const action = useAction();
  if (props.line.fill !== "short" || props.line.substitutes.length === 0) return null;
  return (
    <span class="actions">
      {props.line.substitutes.map((productId, i) => (
        <button
          type="button"
          class="secondary"
          disabled={action.busy}
          onClick={async () => {
            const done = await action.run(() =>
              api<Order>(`/orders/${props.order.id}/lines/${props.line.id}/substitute`, {
                method: "POST",
                body: { product_id: productId },
              }),
            );
            if (done) props.onDone(done);
          }}
        >
          Use substitute {i + 1}
        </button>
      ))}
      <ProblemNote error={action.error} />
    </span>
  );
}

export default function OrderScreen({ params }: ScreenProps) {
  const order = useLoad(() => api<Order>(`/orders/${params.id}`), [params.id]);
  const events = useLoad(() => api<{ items: OrderEvent[] }>(`/orders/${params.id}/events`), [params.id]);
  const changed = (next?: Order) => {
    if (next) order.set(next);
    else order.reload();
    events.reload();
  };
  return (
    <Show loaded={order}>
      {(o) => (
        <>
          <div class="tiles">
            <div class="tile">
              Order <strong>{o.number}</strong>
            </div>
            <div class="tile">
              Status{" "}
              <strong data-status={o.status}>
                <Badge value={o.status} />
              </strong>
            </div>
            <div class="tile">
              Total <strong>{money(o.totals.total)}</strong>
            </div>
            <div class="tile">
              Payment <strong>{words(o.payment_status)}</strong>
            </div>
          </div>
          <div class="grid">
            <Section title="Move the order">
              <Moves order={o} onMoved={changed} />
            </Section>
            <Section title="Buyer">
              <p>
                {o.buyer.name ?? "—"}
                <br />
                {o.buyer.email ?? ""} {o.buyer.phone ?? ""}
              </p>
              <p class="muted">
                {o.kind} from {o.source}
                {o.external_ref ? ` (${o.external_ref})` : ""} · placed {when(o.created_at)}
              </p>
              {o.customer_id && <a href={`/customers/${o.customer_id}`}>The customer's account</a>}
            </Section>
          </div>
          <Section title="Lines">
            <Table
              caption="Order lines"
              rows={o.lines}
              columns={[
                { label: "SKU", cell: (l) => l.sku },
                { label: "Product", cell: (l) => l.name },
                { label: "Quantity", cell: (l) => String(l.quantity), numeric: true },
                { label: "Fill", cell: (l) => <Badge value={l.fill} /> },
                { label: "Risk", cell: (l) => l.risk_reason ?? "" },
                { label: "Substitutes", cell: (l) => <Substitute order={o} line={l} onDone={changed} /> },
              ]}
            />
            <p class="num">
              Subtotal {money(o.totals.subtotal)} · Tax {money(o.totals.tax)} ·{" "}
              <strong>Total {money(o.totals.total)}</strong>
            </p>
          </Section>
          <div class="grid">
            <Section title="Chat with the customer">
              <RoomChat path={`/orders/${o.id}/room`} label="Order chat" onEvent={() => changed()} />
            </Section>
            <Section title="Staff notes">
              <StaffNotes order={o} onSaved={changed} />
            </Section>
          </div>
          <Section title="Timeline">
            <Show loaded={events}>
              {(list) => (
                <Table
                  caption="Timeline"
                  rows={list.items}
                  columns={[
                    { label: "When", cell: (e) => when(e.created_at) },
                    { label: "What", cell: (e) => words(e.type) },
                    {
                      label: "Status",
                      cell: (e) =>
                        e.to_status ? `${words(e.from_status ?? "")} → ${words(e.to_status)}` : "",
                    },
                    { label: "By", cell: (e) => e.source },
                  ]}
                />
              )}
            </Show>
          </Section>
        </>
      )}
    </Show>
  );
}
