// My claims: each with its order and status, one claim's lines, photos, review and decision, and filing a
// new claim on a delivered order (claim-form.tsx).
import { useState } from "hono/jsx/dom";
import { api, apiResponse } from "../api";
import { money, when, words } from "../format";
import type { ScreenProps } from "../screen";
import type { Order, OrderListItem, Page } from "../types";
import { useAction, useLoad, useSafeEffect } from "../ui/hooks";
import { Badge, Field, Pager, ProblemNote, Section, Show, Table, usePager } from "../ui/parts";
import { ClaimForm, finishClaim } from "./claim-form";
import { useQueryParam } from "./shared";
import type { Claim } from "./types";

export default function Claims(_props: ScreenProps) {
  const [selected, select] = useQueryParam("claim");
  const pager = usePager();
  const claims = useLoad(
    () => api<Page<Claim>>("/claims", { query: { cursor: pager.cursor, limit: 25 } }),
    [pager.cursor],
  );
  const delivered = useLoad(
    () => api<Page<OrderListItem>>("/orders", { query: { status: "delivered", limit: 100 } }),
    [],
  );
  const numberOf = (orderId: string) =>
    delivered.data?.items.find((o) => o.id === orderId)?.number ?? "an order";

  return (
    <>
      {selected && (
        <ClaimDetail
          id={selected}
          orderNumber={numberOf}
          onClose={() => select(null)}
          onChanged={(claim) => {
            claims.set((page) => ({
              items: (page?.items ?? []).map((c) => (c.id === claim.id ? claim : c)),
              next_cursor: page?.next_cursor ?? null,
            }));
          }}
        />
      )}
      <Section title="My claims">
        <Show loaded={claims}>
          {(page) => (
            <>
              <Table
                caption="My claims"
                rows={page.items}
                empty="You have not filed a claim."
                columns={[
                  { label: "Filed", cell: (c) => when(c.created_at) },
                  {
                    label: "Order",
                    cell: (c) => <a href={`/shop/orders/${c.order_id}`}>{numberOf(c.order_id)}</a>,
                  },
                  { label: "Status", cell: (c) => <Badge value={c.status} /> },
                  { label: "Claimed", cell: (c) => money(c.claimed), numeric: true },
                  { label: "Refund", cell: (c) => (c.refund ? money(c.refund) : "—"), numeric: true },
                  {
                    label: "Details",
                    cell: (c) => (
                      <button type="button" class="link" onClick={() => select(c.id)}>
                        Show <span class="visually-hidden">the claim filed {when(c.created_at)}</span>
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
      <Show loaded={delivered}>
        {(page) => (
          <ClaimForm
            delivered={page.items}
            onFiled={(claim) => {
              pager.reset();
              claims.reload();
              select(claim.id);
            }}
          />
        )}
      </Show>
    </>
  );
}

function ClaimDetail(props: {
  id: string;
  orderNumber: (orderId: string) => string;
  onChanged: (claim: Claim) => void;
  onClose: () => void;
}) {
  const claim = useLoad(() => api<Claim>(`/claims/${encodeURIComponent(props.id)}`), [props.id]);
  const order = useLoad(
    () =>
      claim.data ? api<Order>(`/orders/${encodeURIComponent(claim.data.order_id)}`) : Promise.resolve(null),
    [claim.data?.order_id],
  );
  const send = useAction();
  const [photos, setPhotos] = useState<File[]>([]);
  const lineOf = (lineId: string) => order.data?.lines.find((l) => l.id === lineId);
  return (
    <Section
      title="Claim"
      actions={
        <button type="button" class="secondary" onClick={props.onClose}>
          Close <span class="visually-hidden">the claim</span>
        </button>
      }
    >
      <Show loaded={claim}>
        {(c) => (
          <>
            <p aria-live="polite">
              On order <a href={`/shop/orders/${c.order_id}`}>{props.orderNumber(c.order_id)}</a>, filed{" "}
              {when(c.created_at)}: <Badge value={c.status} />
            </p>
            <h3>Claimed</h3>
            <ul>
              {c.lines.map((l) => (
                <li>
                  {l.quantity} × {lineOf(l.order_line_id)?.name ?? "a line"}: {words(l.reason)}
                  {l.description && ` — “${l.description}”`} · {money(l.value)}
                  {l.refund_quantity ? ` · ${l.refund_quantity} refunded` : ""}
                  {l.replace_quantity ? ` · ${l.replace_quantity} replaced` : ""}
                </li>
              ))}
            </ul>
            {c.photos.length > 0 && (
              <ul class="photos" aria-label="Photos">
                {c.photos.map((p, i) => (
                  <li>
                    <Photo url={p.url} alt={`Photo ${i + 1}${p.filename ? `: ${p.filename}` : ""}`} />
                  </li>
                ))}
              </ul>
            )}
            {c.review && (
              <>
                <h3>The review</h3>
                <ul>
                  {c.review.reasons.map((r) => (
                    <li>
                      {r.passed ? "Passed" : "Needs a person"}: {r.detail}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {c.decision_note && <p class="note">The shop: {c.decision_note}</p>}
            {c.refund && <p>Refunded: {money(c.refund)}</p>}
            {c.status === "open" && (
              <form
                onSubmit={async (e: Event) => {
                  e.preventDefault();
                  const next = await send.run(() => finishClaim(c, photos));
                  if (next) {
                    claim.set(next);
                    props.onChanged(next);
                  }
                }}
              >
                <p>This claim is not yet with the shop.</p>
                <Field
                  label="Add photos"
                  name="photos"
                  type="file"
                  multiple
                  accept="image/jpeg,image/png,image/webp,image/heic"
                  onFiles={setPhotos}
                />
                <ProblemNote error={send.error} />
                <button type="submit" disabled={send.busy}>
                  Send the claim to the shop
                </button>
              </form>
            )}
          </>
        )}
      </Show>
    </Section>
  );
}

/** A claim photo: its bytes need the bearer token, so it is fetched and shown from a blob URL. */
function Photo(props: { url: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useSafeEffect(() => {
    let url: string | null = null;
    let live = true;
    apiResponse(props.url)
      .then((res) => res.blob())
      .then((blob) => {
        if (!live) return;
        url = URL.createObjectURL(blob);
        setSrc(url);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [props.url]);
  if (failed) return <span class="muted">{props.alt} could not be loaded.</span>;
  return src ? <img src={src} alt={props.alt} /> : <span class="muted">Loading {props.alt}…</span>;
}
