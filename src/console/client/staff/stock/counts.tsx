// The open counts of a location, each a link to its room, and a form to open a new one (the whole location
// or one shelf).
import { useState } from "hono/jsx/dom";
import { api } from "../../api";
import { count, when } from "../../format";
import { navigate } from "../../router";
import type { Page } from "../../types";
import { useAction } from "../../ui/hooks";
import { Field, ProblemNote, Section, Show, Table } from "../../ui/parts";
import type { CountSession } from "./types";

export const scopeOf = (s: { shelf: string | null; category_id: string | null }) =>
  s.shelf ? `Shelf ${s.shelf}` : s.category_id ? "One category" : "Whole location";

export function OpenCounts(props: {
  locationId: string;
  canWrite: boolean;
  loaded: { data: Page<CountSession> | undefined; error: string | null; loading: boolean };
}) {
  const [shelf, setShelf] = useState("");
  const [note, setNote] = useState("");
  const action = useAction();
  const open = (event: Event) => {
    event.preventDefault();
    void action
      .run(() =>
        api<CountSession>("/inventory/count-sessions", {
          method: "POST",
          body: {
            location_id: props.locationId,
            ...(shelf.trim() && { shelf: shelf.trim() }),
            ...(note.trim() && { note: note.trim() }),
          },
        }),
      )
      // Only once the action is over: this form is gone after the move.
      .then((session) => session && navigate(`/stock/counts/${session.id}`));
  };
  return (
    <Section title="Open counts">
      <Show loaded={props.loaded}>
        {(page) => (
          <Table
            caption="Open counts at this location"
            rows={page.items}
            empty="No count is open here."
            columns={[
              {
                label: "Count",
                cell: (s) => <a href={`/stock/counts/${s.id}`}>Count of {when(s.opened_at)}</a>,
              },
              { label: "Covers", cell: (s) => scopeOf(s) },
              { label: "Products", cell: (s) => count(s.lines), numeric: true },
              { label: "Note", cell: (s) => s.note ?? "—" },
            ]}
          />
        )}
      </Show>
      {props.canWrite && (
        <form class="row" onSubmit={open} aria-label="Open a count">
          <Field
            label="Shelf (optional)"
            name="shelf"
            value={shelf}
            hint="A bin prefix, e.g. A-03; empty counts the whole location"
            error={action.error}
            onInput={setShelf}
          />
          <Field label="Note (optional)" name="note" value={note} error={action.error} onInput={setNote} />
          <button type="submit" disabled={action.busy}>
            Open a count
          </button>
        </form>
      )}
      <ProblemNote error={action.error} />
    </Section>
  );
}
