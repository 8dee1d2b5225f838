// Parts of the customer's order screen: choosing a substitute for a short line, cancelling, the timeline.
import { useState } from "hono/jsx/dom";
import { api } from "../api";
import { money, when } from "../format";
import type { Order, OrderEvent } from "../types";
import { type Loaded, useAction } from "../ui/hooks";
import { ProblemNote, Section, Show } from "../ui/parts";
import { eventText, RiskNote, useProducts, useRisk } from "./shared";
import type { Product } from "./types";

type Line = Order["lines"][number];

/** Short lines with the substitutes offered: the customer takes one (the API accepts only those offered). */
export function SubstitutePicker(props: { order: Order; lines: Line[]; onChanged: (order?: Order) => void }) {
  const products = useProducts(props.lines.flatMap((l) => l.substitutes));
  const choose = useAction();
  const [chosen, setChosen] = useState<string | null>(null);

  const take = async (line: Line, productId: string, name: string) => {
    setChosen(null);
    const next = await choose.run(() =>
      api<Order>(
        `/orders/${encodeURIComponent(props.order.id)}/lines/${encodeURIComponent(line.id)}/substitute`,
        { method: "POST", body: { product_id: productId } },
      ),
    );
    if (next) {
      setChosen(`Line ${line.line_no} is now ${name}.`);
      props.onChanged(next);
    }
  };

  return (
    <Section title="Choose substitutes">
      <p>
        These lines cannot be filled as ordered. Take one of the substitutes offered for each, or cancel the
        order below.
      </p>
      {props.lines.map((line) => (
        <fieldset class="substitutes">
          <legend>
            Line {line.line_no}: {line.quantity} × {line.name} ({line.sku})
          </legend>
          {line.risk_reason && <p class="muted">{line.risk_reason}</p>}
          {line.substitutes.length === 0 ? (
            <p class="muted">No substitute is offered for this line; the shop will contact you.</p>
          ) : (
            <ul class="choices">
              {line.substitutes.map((id) => (
                <Choice
                  line={line}
                  product={products.data?.get(id)}
                  productId={id}
                  busy={choose.busy}
                  onTake={(name) => void take(line, id, name)}
                />
              ))}
            </ul>
          )}
        </fieldset>
      ))}
      <ProblemNote error={choose.error} />
      {chosen && (
        <p class="note" role="status">
          {chosen}
        </p>
      )}
    </Section>
  );
}

function Choice(props: {
  line: Line;
  product: Product | undefined;
  productId: string;
  busy: boolean;
  onTake: (name: string) => void;
}) {
  const risk = useRisk(props.productId, props.line.quantity);
  const p = props.product;
  const name = p ? `${p.name} (${p.sku})` : "the offered product";
  return (
    <li>
      <p>
        <strong>{p?.name ?? "A product"}</strong>
        {p && (
          <span class="muted">
            {" "}
            · {p.sku} · {money(p.price)} each
          </span>
        )}
      </p>
      <RiskNote risk={risk.data} />
      <button type="button" disabled={props.busy} onClick={() => props.onTake(name)}>
        Use {name} for line {props.line.line_no}
      </button>
    </li>
  );
}

const CUSTOMER_CANCELLABLE = ["placed", "under_risk", "awaiting_customer"];

/** Cancelling, asked twice: allowed to customers before picking starts. */
export function CancelOrder(props: { order: Order; onChanged: (order?: Order) => void }) {
  const [asking, setAsking] = useState(false);
  const cancel = useAction();
  const o = props.order;
  if (!o.allowed_transitions.includes("cancelled") || !CUSTOMER_CANCELLABLE.includes(o.status)) return null;
  return (
    <Section title="Cancel the order">
      {asking ? (
        <>
          <p>Cancel order {o.number}? The shop stops work on it and releases what it holds for you.</p>
          <div class="actions">
            <button
              type="button"
              class="danger"
              disabled={cancel.busy}
              onClick={async () => {
                const next = await cancel.run(() =>
                  api<Order>(`/orders/${encodeURIComponent(o.id)}/transitions`, {
                    method: "POST",
                    body: { to: "cancelled", note: "Cancelled by the customer" },
                  }),
                );
                if (next) {
                  setAsking(false);
                  props.onChanged(next);
                }
              }}
            >
              Yes, cancel order {o.number}
            </button>
            <button type="button" class="secondary" onClick={() => setAsking(false)}>
              Keep the order
            </button>
          </div>
        </>
      ) : (
        <button type="button" class="secondary" onClick={() => setAsking(true)}>
          Cancel this order
        </button>
      )}
      <ProblemNote error={cancel.error} />
    </Section>
  );
}

export function Timeline({ events }: { events: Loaded<OrderEvent[]> }) {
  return (
    <Show loaded={events}>
      {(items) =>
        items.length === 0 ? (
          <p class="muted">Nothing has happened yet.</p>
        ) : (
          <ol class="timeline">
            {items.map((e) => (
              <li>
                <time datetime={e.created_at}>{when(e.created_at)}</time> · {eventText(e)}
              </li>
            ))}
          </ol>
        )
      }
    </Show>
  );
}
