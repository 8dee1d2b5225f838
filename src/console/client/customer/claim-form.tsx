// Filing a claim on one of my delivered orders: which lines, how many and why, photos (sent as the image's
// bytes, one request each), then sent to the shop's review. A claim filed but not yet sent (a photo refused,
// the connection lost) is finished from where it stopped.
import { useId, useState } from "hono/jsx/dom";
import { api } from "../api";
import { words } from "../format";
import type { Order, OrderListItem } from "../types";
import { useAction, useLoad } from "../ui/hooks";
import { Field, ProblemNote, Section, Select } from "../ui/parts";
import type { Claim } from "./types";

export const REASONS = ["damaged", "missing", "wrong_item", "quality", "late", "other"] as const;
type Reason = (typeof REASONS)[number];
interface Want {
  quantity: string;
  reason: Reason;
  description: string;
}
const NO_CLAIM: Want = { quantity: "0", reason: "damaged", description: "" };

/**
 * Adds the photos (the API keeps a photo sent twice once, so a retry sends them all again), then sends the
 * claim for review; answers the claim as reviewed.
 */
export async function finishClaim(claim: Claim, photos: File[]): Promise<Claim> {
  for (const photo of photos) {
    await api<Claim>(`/claims/${encodeURIComponent(claim.id)}/photos`, {
      method: "POST",
      query: { filename: photo.name },
      body: photo,
    });
  }
  return api<Claim>(`/claims/${encodeURIComponent(claim.id)}/submit`, { method: "POST" });
}

export function ClaimForm(props: { delivered: OrderListItem[]; onFiled: (claim: Claim) => void }) {
  const id = useId();
  const [orderId, setOrderId] = useState("");
  const [wants, setWants] = useState<Record<string, Want>>({});
  const [photos, setPhotos] = useState<File[]>([]);
  const [draft, setDraft] = useState<Claim | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const file = useAction();
  const order = useLoad(
    () => (orderId ? api<Order>(`/orders/${encodeURIComponent(orderId)}`) : Promise.resolve(null)),
    [orderId],
  );
  const wantOf = (lineId: string): Want => wants[lineId] ?? NO_CLAIM;
  const setWant = (lineId: string, change: Partial<Want>) =>
    setWants((w) => ({ ...w, [lineId]: { ...(w[lineId] ?? NO_CLAIM), ...change } }));

  if (props.delivered.length === 0) {
    return (
      <Section title="File a claim">
        <p class="muted">You can file a claim once one of your orders is delivered.</p>
      </Section>
    );
  }

  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(null);
    const claimed = await file.run(async () => {
      let claim = draft;
      if (!claim) {
        const lines = (order.data?.lines ?? []).flatMap((l) => {
          const w = wantOf(l.id);
          const quantity = Number.parseInt(w.quantity, 10);
          if (!(quantity > 0)) return [];
          return [
            {
              order_line_id: l.id,
              quantity,
              reason: w.reason,
              ...(w.description.trim() && { description: w.description.trim() }),
            },
          ];
        });
        if (lines.length === 0) throw new Error("Give a quantity for at least one line.");
        claim = await api<Claim>("/claims", { method: "POST", body: { order_id: orderId, lines } });
        setDraft(claim);
      }
      return finishClaim(claim, photos);
    });
    if (claimed) {
      setDraft(null);
      setWants({});
      setPhotos([]);
      setOrderId("");
      setDone(`Claim filed and sent to the shop: ${words(claimed.status)}.`);
      props.onFiled(claimed);
    }
  };

  return (
    <Section title="File a claim">
      <form onSubmit={submit}>
        <Select
          label="Order"
          name="order_id"
          value={orderId}
          options={[
            ["", "choose a delivered order"],
            ...props.delivered.map((o): [string, string] => [o.id, o.number]),
          ]}
          onChange={(v) => {
            setOrderId(v);
            setWants({});
            setDraft(null);
          }}
        />
        <ProblemNote error={order.error} />
        {(order.data?.lines ?? []).map((l) => {
          const w = wantOf(l.id);
          return (
            <fieldset class="claim-line">
              <legend>
                Line {l.line_no}: {l.name} ({l.sku}), {l.quantity} delivered
              </legend>
              <div class="row">
                <div class="field">
                  <label for={`${id}-${l.id}-qty`}>Quantity claimed</label>
                  <input
                    id={`${id}-${l.id}-qty`}
                    type="number"
                    min={0}
                    max={l.quantity}
                    step="1"
                    value={w.quantity}
                    onInput={(e: Event) => setWant(l.id, { quantity: (e.target as HTMLInputElement).value })}
                  />
                </div>
                <Select
                  label="Reason"
                  name={`reason-${l.line_no}`}
                  value={w.reason}
                  options={REASONS}
                  onChange={(v) => setWant(l.id, { reason: v as Reason })}
                />
                <div class="field">
                  <label for={`${id}-${l.id}-what`}>What happened (optional)</label>
                  <input
                    id={`${id}-${l.id}-what`}
                    maxlength={2000}
                    value={w.description}
                    onInput={(e: Event) =>
                      setWant(l.id, { description: (e.target as HTMLInputElement).value })
                    }
                  />
                </div>
              </div>
            </fieldset>
          );
        })}
        {order.data && (
          <Field
            label="Photos (needed for damaged, wrong item or quality)"
            name="photos"
            type="file"
            accept="image/jpeg,image/png,image/webp,image/heic"
            multiple
            hint={`JPEG, PNG, WebP or HEIC, up to 10 MiB each, at most 8. Where a photo was taken is removed before it is kept.${photos.length > 0 ? ` Chosen: ${photos.map((p) => p.name).join(", ")}.` : ""}`}
            onFiles={setPhotos}
          />
        )}
        {draft && (
          <p class="note">
            The claim is filed but not yet sent to the shop. Fix what is said below and send it again.
          </p>
        )}
        <ProblemNote error={file.error} />
        <button type="submit" disabled={!order.data || file.busy}>
          {file.busy ? "Sending…" : draft ? "Send the claim" : "File the claim"}
        </button>
      </form>
      {done && (
        <p class="note" role="status">
          {done}
        </p>
      )}
    </Section>
  );
}
