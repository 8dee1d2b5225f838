// One claim as staff review it: what was claimed (with the order's item names), the photos (fetched with
// the session's token into blob URLs), the automatic review rule by rule, the decision, its timeline and the
// claim room's chat with the customer.
import type { Child } from "hono/jsx";
import { useState } from "hono/jsx/dom";
import { api, apiResponse } from "../../api";
import { money, when, words } from "../../format";
import { setQuery } from "../../router";
import type { Order } from "../../types";
import { useLoad, useSafeEffect } from "../../ui/hooks";
import { Badge, Section, Show, Table } from "../../ui/parts";
import { RoomChat } from "../../ui/room-chat";
import { ClaimDecision } from "./claim-decide";
import { Facts } from "./common";
import type { Claim, ClaimEvent } from "./types";

export function ClaimDetail(props: { id: string; onChanged: (claim: Claim) => void }) {
  const claim = useLoad(() => api<Claim>(`/claims/${props.id}`), [props.id]);
  const events = useLoad(
    () => api<{ items: ClaimEvent[] }>(`/claims/${props.id}/events`).then((r) => r.items),
    [props.id],
  );
  const orderId = claim.data?.order_id;
  const order = useLoad(
    () => (orderId ? api<Order>(`/orders/${orderId}`).catch(() => null) : Promise.resolve(null)),
    [orderId],
  );
  const customerId = claim.data?.customer_id;
  const customer = useLoad(
    () =>
      customerId
        ? api<{ company: string }>(`/customers/${customerId}`).catch(() => null)
        : Promise.resolve(null),
    [customerId],
  );
  const changed = (next: Claim) => {
    claim.set(next);
    events.reload();
    props.onChanged(next);
  };
  const lineOf = (orderLineId: string) => order.data?.lines.find((l) => l.id === orderLineId);

  return (
    <Section
      title={`Claim ${props.id.slice(-8)}`}
      actions={
        <button type="button" class="secondary" onClick={() => setQuery({ claim: null })}>
          Close claim
        </button>
      }
    >
      <Show loaded={claim}>
        {(c) => (
          <>
            <Facts items={factsOf(c, order.data ?? null, customer.data?.company)} />
            <h3>What was claimed</h3>
            <Table
              caption="Claimed items"
              rows={c.lines}
              columns={[
                {
                  label: "Item",
                  cell: (l) => {
                    const line = lineOf(l.order_line_id);
                    return line ? `${line.name} (${line.sku})` : l.order_line_id;
                  },
                },
                { label: "Quantity", cell: (l) => l.quantity, numeric: true },
                { label: "Reason", cell: (l) => words(l.reason) },
                { label: "Description", cell: (l) => l.description ?? "—" },
                { label: "Value", cell: (l) => money(l.value), numeric: true },
                { label: "Refunded", cell: (l) => l.refund_quantity ?? "—", numeric: true },
                { label: "Replaced", cell: (l) => l.replace_quantity ?? "—", numeric: true },
              ]}
            />
            <h3>Photos</h3>
            {c.photos.length === 0 ? (
              <p class="muted">No photos.</p>
            ) : (
              <div class="row">
                {c.photos.map((p, i) => (
                  <Photo
                    url={p.url}
                    alt={`Photo ${i + 1} of ${c.photos.length}${p.filename ? `: ${p.filename}` : ""}`}
                  />
                ))}
              </div>
            )}
            <h3>Automatic review</h3>
            {c.review ? (
              <>
                <p>
                  Verdict: <strong>{c.review.verdict === "approve" ? "approve" : "a person decides"}</strong>{" "}
                  · <span class="muted">{when(c.review.at)}</span>
                </p>
                <ul aria-label="The review's rules">
                  {c.review.reasons.map((r) => (
                    <li>
                      <strong>{r.passed ? "Passed" : "Failed"}</strong> · {words(r.rule)}: {r.detail}
                    </li>
                  ))}
                </ul>
                {c.review.photos && (
                  <p class="muted">
                    Photos looked at by {c.review.photos.inspector}:{" "}
                    {c.review.photos.findings.join("; ") || "nothing found"}
                  </p>
                )}
              </>
            ) : (
              <p class="muted">Not reviewed yet (the customer has not submitted it).</p>
            )}
            <ClaimDecision
              key={c.id}
              claim={c}
              lineName={(id) => lineOf(id)?.name ?? id}
              onDecided={changed}
            />
          </>
        )}
      </Show>
      <h3>Timeline</h3>
      <Show loaded={events}>
        {(items) => (
          <ol aria-label="Timeline">
            {items.map((e) => (
              <li>
                {when(e.at)} · {words(e.type)}
                {e.from || e.to
                  ? ` (${[e.from, e.to]
                      .filter(Boolean)
                      .map((s) => words(s as string))
                      .join(" → ")})`
                  : ""}
              </li>
            ))}
          </ol>
        )}
      </Show>
      <h3>Chat with the customer</h3>
      <RoomChat
        path={`/claims/${props.id}/room`}
        label="Chat with the customer"
        onEvent={(event) => {
          if (event.type === "claim_status") {
            claim.reload();
            events.reload();
          }
        }}
      />
    </Section>
  );
}

function factsOf(c: Claim, order: Order | null, company: string | undefined): [string, Child][] {
  const facts: [string, Child][] = [
    ["Status", <Badge value={c.status} />],
    ["Order", <a href={`/orders/${c.order_id}`}>{order?.number ?? c.order_id}</a>],
    [
      "Customer",
      <a href={`/customers/${c.customer_id}`}>{company ?? order?.buyer.name ?? "the customer"}</a>,
    ],
    ["Claimed", money(c.claimed)],
    ["Filed", when(c.created_at)],
    ["Submitted", when(c.submitted_at)],
  ];
  if (c.decided_at) facts.push(["Decided", when(c.decided_at)]);
  if (c.refund) facts.push(["Refunded", money(c.refund)]);
  if (c.replacement_order_id)
    facts.push(["Replacement", <a href={`/orders/${c.replacement_order_id}`}>the replacement order</a>]);
  if (c.decision_note) facts.push(["Decision note", c.decision_note]);
  return facts;
}

/** A photo's bytes fetched with the token (an <img src> to the API would carry none). */
function Photo(props: { url: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useSafeEffect(() => {
    let url: string | null = null;
    let live = true;
    apiResponse(props.url, { headers: { accept: "image/*" } })
      .then((res) => res.blob())
      .then((blob) => {
        url = URL.createObjectURL(blob);
        if (live) setSrc(url);
        else URL.revokeObjectURL(url);
      })
      .catch((error) => live && setFailed(String(error?.message ?? error)));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [props.url]);
  if (failed) return <p class="problem">{`${props.alt}: ${failed}`}</p>;
  if (!src) return <p class="muted">Loading {props.alt}…</p>;
  return (
    <a href={src} target="_blank" rel="noopener">
      <img src={src} alt={props.alt} width={200} />
    </a>
  );
}
