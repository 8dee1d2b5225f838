// Deciding a claim: approve (every item refunded, every item replaced, or line by line), reject saying why
// (the customer reads it), and close a decided claim. Each refusal of the API shows by the form that caused it.
import { useId, useState } from "hono/jsx/dom";
import { api } from "../../api";
import { useAction } from "../../ui/hooks";
import { ProblemNote, Select, TextArea } from "../../ui/parts";
import type { Claim, ClaimApproval } from "./types";

type Outcome = "refund" | "replacement" | "lines";

export function ClaimDecision(props: {
  claim: Claim;
  lineName: (orderLineId: string) => string;
  onDecided: (claim: Claim) => void;
}) {
  const c = props.claim;
  if (c.status === "manual_review") return <Decide {...props} />;
  if (c.status === "approved" || c.status === "rejected") return <Resolve {...props} />;
  return null;
}

function Decide(props: {
  claim: Claim;
  lineName: (id: string) => string;
  onDecided: (claim: Claim) => void;
}) {
  const c = props.claim;
  const [outcome, setOutcome] = useState<Outcome>("refund");
  const [split, setSplit] = useState<Record<string, { refund: number; replace: number }>>(() =>
    Object.fromEntries(c.lines.map((l) => [l.id, { refund: l.quantity, replace: 0 }])),
  );
  const [approveNote, setApproveNote] = useState("");
  const [rejectNote, setRejectNote] = useState("");
  const approving = useAction();
  const rejecting = useAction();
  const idBase = useId();

  const approve = async (e: Event) => {
    e.preventDefault();
    const body: ClaimApproval =
      outcome === "lines"
        ? {
            lines: c.lines.map((l) => ({
              claim_line_id: l.id,
              refund_quantity: split[l.id]?.refund ?? 0,
              replace_quantity: split[l.id]?.replace ?? 0,
            })),
          }
        : { outcome };
    if (approveNote.trim()) body.note = approveNote.trim();
    const done = await approving.run(() => api<Claim>(`/claims/${c.id}/approve`, { method: "POST", body }));
    if (done) props.onDecided(done);
  };
  const reject = async (e: Event) => {
    e.preventDefault();
    const done = await rejecting.run(() =>
      api<Claim>(`/claims/${c.id}/reject`, { method: "POST", body: { note: rejectNote.trim() } }),
    );
    if (done) props.onDecided(done);
  };
  const setQty = (lineId: string, which: "refund" | "replace", value: string) =>
    setSplit((s) => ({
      ...s,
      [lineId]: { ...(s[lineId] ?? { refund: 0, replace: 0 }), [which]: Math.max(0, Number(value) || 0) },
    }));

  return (
    <div class="grid">
      <form class="card" onSubmit={approve} aria-label="Approve the claim">
        <h3>Approve</h3>
        <Select
          label="Outcome"
          name="outcome"
          value={outcome}
          options={[
            ["refund", "refund every item (a credit note)"],
            ["replacement", "replace every item (a new order)"],
            ["lines", "line by line"],
          ]}
          onChange={(v) => setOutcome(v as Outcome)}
        />
        {outcome === "lines" &&
          c.lines.map((l, i) => (
            <fieldset>
              <legend>
                {props.lineName(l.order_line_id)} · {l.quantity} claimed
              </legend>
              <div class="row">
                {(["refund", "replace"] as const).map((which) => (
                  <div class="field">
                    <label for={`${idBase}-${i}-${which}`}>{which === "refund" ? "Refund" : "Replace"}</label>
                    <input
                      id={`${idBase}-${i}-${which}`}
                      type="number"
                      min={0}
                      max={l.quantity}
                      name={`lines.${i}.${which}_quantity`}
                      value={split[l.id]?.[which] ?? 0}
                      onInput={(e: Event) => setQty(l.id, which, (e.target as HTMLInputElement).value)}
                    />
                  </div>
                ))}
              </div>
            </fieldset>
          ))}
        <TextArea
          label="Note (optional)"
          name="note"
          value={approveNote}
          error={approving.error}
          onInput={setApproveNote}
        />
        <ProblemNote error={approving.error} />
        <button type="submit" disabled={approving.busy}>
          {approving.busy ? "Approving…" : "Approve"}
        </button>
      </form>
      <form class="card" onSubmit={reject} aria-label="Reject the claim">
        <h3>Reject</h3>
        <TextArea
          label="Why (the customer reads this)"
          name="note"
          value={rejectNote}
          required
          error={rejecting.error}
          onInput={setRejectNote}
        />
        <ProblemNote error={rejecting.error} />
        <button type="submit" class="danger" disabled={rejecting.busy}>
          {rejecting.busy ? "Rejecting…" : "Reject"}
        </button>
      </form>
    </div>
  );
}

function Resolve(props: { claim: Claim; onDecided: (claim: Claim) => void }) {
  const [note, setNote] = useState("");
  const resolving = useAction();
  const resolve = async (e: Event) => {
    e.preventDefault();
    const done = await resolving.run(() =>
      api<Claim>(`/claims/${props.claim.id}/resolve`, {
        method: "POST",
        body: note.trim() ? { note: note.trim() } : {},
      }),
    );
    if (done) props.onDecided(done);
  };
  return (
    <form class="card" onSubmit={resolve} aria-label="Close the claim">
      <h3>Close the claim</h3>
      <p class="muted">Once the refund or replacement reached the customer, close the claim.</p>
      <TextArea label="Note (optional)" name="note" value={note} error={resolving.error} onInput={setNote} />
      <ProblemNote error={resolving.error} />
      <button type="submit" disabled={resolving.busy}>
        {resolving.busy ? "Closing…" : "Resolve"}
      </button>
    </form>
  );
}
