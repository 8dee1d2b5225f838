// The lines of a count as everyone in its room sees them: expected, counted, the difference, who counted
// it and who is working on it now; each with a typed count (number + Save) and take / give back.
import { count, money } from "../../format";
import { Badge, Table } from "../../ui/parts";
import type { CountLine, Member, WorkingOn } from "./types";

const signed = (n: number | null) =>
  n === null ? "—" : n > 0 ? `+${count(n)}` : n === 0 ? "0" : `−${count(-n)}`;

export interface LineActions {
  count: (line: CountLine, counted: number) => void;
  claim: (line: CountLine) => void;
  release: (line: CountLine) => void;
}

function WorkingOnIt(props: {
  line: CountLine;
  you: Member | null;
  present: Member[];
  working: WorkingOn[];
}) {
  const { line, you } = props;
  const names = new Set<string>();
  if (line.claimed_by) names.add(line.claimed_by.id === you?.id ? "you" : line.claimed_by.name);
  for (const w of props.working) {
    if (w.focus.product_id !== line.product_id) continue;
    const m = props.present.find((p) => p.id === w.member_id);
    if (m) names.add(m.id === you?.id ? "you" : m.name);
  }
  return <>{names.size ? [...names].join(", ") : "—"}</>;
}

function TypedCount(props: { line: CountLine; actions: LineActions }) {
  const { line } = props;
  const id = `count-${line.product_id}`;
  return (
    <form
      class="typed-count"
      onSubmit={(event: Event) => {
        event.preventDefault();
        const form = event.currentTarget as HTMLFormElement;
        const input = form.elements.namedItem("counted") as HTMLInputElement;
        const value = input.value.trim();
        const n = Number(value);
        if (!value || !Number.isInteger(n) || n < 0) {
          input.setCustomValidity("A whole number, 0 or more.");
          input.reportValidity();
          return;
        }
        input.setCustomValidity("");
        props.actions.count(line, n);
        input.value = "";
      }}
    >
      <label class="visually-hidden" for={id}>
        Count of {line.sku}
      </label>
      <input id={id} name="counted" type="number" min={0} step="1" inputmode="numeric" />
      <button type="submit" aria-label={`Save count of ${line.sku}`}>
        Save
      </button>
    </form>
  );
}

export function CountLines(props: {
  lines: CountLine[];
  you: Member | null;
  present: Member[];
  working: WorkingOn[];
  /** Counting is open and this person may count. */
  counting: boolean;
  actions: LineActions;
}) {
  const { you, actions } = props;
  return (
    <Table
      caption="The products of this count"
      rows={props.lines}
      empty="This count covers no products."
      columns={[
        {
          label: "Product",
          cell: (l) => (
            <span>
              <strong>{l.sku}</strong> {l.name}
            </span>
          ),
        },
        { label: "Bin", cell: (l) => l.bin ?? "—" },
        { label: "Expected", cell: (l) => count(l.expected), numeric: true },
        { label: "Counted", cell: (l) => (l.counted === null ? "—" : count(l.counted)), numeric: true },
        {
          label: "Difference",
          cell: (l) => (
            <>
              {signed(l.difference)}
              {l.value_minor !== null && l.value_minor !== 0 && (
                <small class="muted"> ({money({ amount: l.value_minor, currency: l.currency })})</small>
              )}
            </>
          ),
          numeric: true,
        },
        {
          label: "Status",
          cell: (l) => (
            <>
              <Badge value={l.status} />
              {l.note && <small class="muted"> {l.note}</small>}
            </>
          ),
        },
        { label: "Counted by", cell: (l) => l.counted_by?.name ?? "—" },
        {
          label: "Working on it",
          cell: (l) => <WorkingOnIt line={l} you={you} present={props.present} working={props.working} />,
        },
        ...(props.counting
          ? [
              {
                label: "Your count",
                cell: (l: CountLine) =>
                  l.status === "posted" ? (
                    "—"
                  ) : (
                    <div class="count-actions">
                      <TypedCount line={l} actions={actions} />
                      {l.claimed_by?.id === you?.id && l.claimed_by ? (
                        <button
                          type="button"
                          class="secondary"
                          aria-label={`Give back ${l.sku}`}
                          onClick={() => actions.release(l)}
                        >
                          Give back
                        </button>
                      ) : (
                        !l.claimed_by && (
                          <button
                            type="button"
                            class="secondary"
                            aria-label={`Take ${l.sku}`}
                            onClick={() => actions.claim(l)}
                          >
                            Take
                          </button>
                        )
                      )}
                    </div>
                  ),
              },
            ]
          : []),
      ]}
    />
  );
}
