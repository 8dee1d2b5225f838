// A manager's end of a count: post its differences as count movements, or cancel it (nothing posted).
import { useState } from "hono/jsx/dom";
import { api } from "../../api";
import { count } from "../../format";
import { useAction } from "../../ui/hooks";
import { ProblemNote, Section } from "../../ui/parts";
import type { CountPosted, CountSession, CountStatus } from "./types";

const refOf = (s: CountSession): CountStatus => ({
  id: s.id,
  location_id: s.location_id,
  status: s.status,
  shelf: s.shelf,
  category_id: s.category_id,
});

export function ManageCount(props: {
  id: string;
  open: boolean;
  /** Posting is for managers (the API refuses others); anyone who may write stock may cancel. */
  mayPost: boolean;
  onSettled: (session: CountStatus) => void;
}) {
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const post = () =>
    action.run(async () => {
      const r = await api<CountPosted>(`/inventory/count-sessions/${props.id}/post`, { method: "POST" });
      setResult(
        `Posted ${count(r.posted.length)} product${r.posted.length === 1 ? "" : "s"}.` +
          (r.recount.length
            ? ` ${count(r.recount.length)} moved since they were counted and must be counted again.`
            : ""),
      );
      props.onSettled(refOf(r.session));
    });
  const cancel = () =>
    action.run(async () => {
      const s = await api<CountSession>(`/inventory/count-sessions/${props.id}/cancel`, { method: "POST" });
      setConfirming(false);
      setResult("The count is cancelled; nothing was posted.");
      props.onSettled(refOf(s));
    });
  if (!props.open && !result && !action.error) return null;
  return (
    <Section title="Finish the count">
      {props.open && (
        <>
          <p class="muted">
            Posting turns each counted product's difference into a count movement. Products never counted stay
            as they are.
          </p>
          <div class="actions">
            {props.mayPost && (
              <button type="button" disabled={action.busy} onClick={post}>
                Post count
              </button>
            )}
            {!confirming ? (
              <button
                type="button"
                class="secondary"
                disabled={action.busy}
                onClick={() => setConfirming(true)}
              >
                Cancel count…
              </button>
            ) : (
              <>
                <span>Cancel this count? Nothing will be posted.</span>
                <button type="button" class="danger" disabled={action.busy} onClick={cancel}>
                  Yes, cancel it
                </button>
                <button type="button" class="secondary" onClick={() => setConfirming(false)}>
                  Keep counting
                </button>
              </>
            )}
          </div>
          {!props.mayPost && <p class="muted">A manager posts the count once it is done.</p>}
        </>
      )}
      <ProblemNote error={action.error} />
      {result && (
        <p class="note" role="status">
          {result}
        </p>
      )}
    </Section>
  );
}
