// A count session, live in its room: a Scan box a keyboard-wedge scanner types into (each Enter counts one
// item and clears the box, which keeps the focus), typed counts per product, everyone's counts as they
// happen, who is here, the room's refusals in words, and a manager's post or cancel.
import { useRef } from "hono/jsx/dom";
import { api } from "../api";
import { count, money, when } from "../format";
import type { ScreenProps } from "../screen";
import { useLoad, useSafeEffect } from "../ui/hooks";
import { Badge, ProblemNote, Section, Show } from "../ui/parts";
import { CountLines } from "./stock/count-lines";
import { ManageCount } from "./stock/count-manage";
import { useCountRoom } from "./stock/count-room";
import { scopeOf } from "./stock/counts";
import type { CountLine, CountReview, Location, Member, WorkingOn } from "./stock/types";

export default function Count({ params, me }: ScreenProps) {
  return params.id ? <CountScreen id={params.id} me={me} /> : null;
}

function CountScreen({ id, me }: { id: string; me: ScreenProps["me"] }) {
  const room = useCountRoom(id);
  const review = useLoad(() => api<CountReview>(`/inventory/count-sessions/${id}`), [id, room.settled]);
  const locations = useLoad(() => api<{ items: Location[] }>("/inventory/locations"), []);
  const status = room.session?.status ?? review.data?.session.status;
  const canWrite = me.permissions.includes("inventory:write");
  const counting = canWrite && status === "open";
  const lines = room.lines ?? review.data?.lines ?? [];
  const locationId = room.session?.location_id ?? review.data?.session.location_id;
  const location = locations.data?.items.find((l) => l.id === locationId);

  return (
    <>
      {locationId && (
        <p>
          <a href={`/stock?location=${locationId}`}>Back to stock{location ? ` at ${location.name}` : ""}</a>
        </p>
      )}
      <Section title="This count" actions={status && <Badge value={status} />}>
        <Show loaded={review}>
          {({ session }) => (
            <p>
              {scopeOf(session)} of {location?.name ?? "the location"} · opened {when(session.opened_at)}
              {session.note ? ` · ${session.note}` : ""}
              {session.posted_at ? ` · posted ${when(session.posted_at)}` : ""}
            </p>
          )}
        </Show>
        <Totals lines={lines} />
        {status === "posted" && (
          <p class="note" role="status">
            This count is posted: its differences are stock movements now.
          </p>
        )}
        {status === "cancelled" && (
          <p class="problem" role="status">
            This count was cancelled; nothing of it was posted.
          </p>
        )}
      </Section>
      {counting && (
        <ScanBox ready={room.you !== null} onScan={room.scan} heard={room.heard} problem={room.problem} />
      )}
      <ProblemNote error={!counting && room.problem} />
      <Section title="Here now">
        <p class="live muted" role="status">
          {room.state === "open" ? "Live" : room.state === "connecting" ? "Connecting…" : "Offline"}
          {room.waiting > 0 && room.state !== "open" ? ` · ${count(room.waiting)} waiting to be sent` : ""}
        </p>
        <Presence present={room.present} working={room.working} lines={lines} you={room.you} />
      </Section>
      <Section title="Products">
        <CountLines
          lines={lines}
          you={room.you}
          present={room.present}
          working={room.working}
          counting={counting}
          actions={room}
        />
      </Section>
      {canWrite && (
        <ManageCount
          id={id}
          open={status === "open"}
          mayPost={me.role === "admin" || me.role === "manager"}
          onSettled={room.settle}
        />
      )}
    </>
  );
}

function ScanBox(props: {
  ready: boolean;
  onScan: (code: string) => void;
  heard: string | null;
  problem: string | null;
}) {
  const input = useRef<HTMLInputElement>(null);
  // Once the count is here, the box takes the focus: a scanner types into whatever has it.
  useSafeEffect(() => {
    if (props.ready) input.current?.focus();
  }, [props.ready]);
  return (
    <form
      class="card"
      aria-label="Scan"
      onSubmit={(event: Event) => {
        event.preventDefault();
        const box = input.current;
        if (!box) return;
        const code = box.value.trim();
        box.value = "";
        box.focus();
        if (code) props.onScan(code);
      }}
    >
      <div class="row">
        <div class="field">
          <label for="scan-code">Scan</label>
          <input
            id="scan-code"
            ref={input}
            name="code"
            autocomplete="off"
            autocapitalize="off"
            spellcheck={false}
            enterkeyhint="send"
            aria-describedby="scan-hint"
          />
          <small id="scan-hint" class="muted">
            Scan a barcode (or type a SKU) and press Enter: each scan counts one item.
          </small>
        </div>
        <button type="submit">Count one</button>
      </div>
      <p class="muted" role="status">
        {props.heard ?? ""}
      </p>
      <ProblemNote error={props.problem} />
    </form>
  );
}

function Totals(props: { lines: CountLine[] }) {
  const counted = props.lines.filter((l) => l.counted !== null || l.status === "posted").length;
  let units = 0;
  const value = new Map<string, number>();
  for (const l of props.lines) {
    if (l.difference === null || l.status === "posted") continue;
    units += l.difference;
    value.set(l.currency, (value.get(l.currency) ?? 0) + (l.value_minor ?? 0));
  }
  const worth = [...value].map(([currency, amount]) => money({ amount, currency })).join(", ");
  return (
    <p>
      {count(counted)} of {count(props.lines.length)} products counted · difference to post:{" "}
      {units > 0 ? "+" : ""}
      {count(units)} items{worth ? ` (${worth})` : ""}
    </p>
  );
}

function Presence(props: {
  present: Member[];
  working: WorkingOn[];
  lines: CountLine[];
  you: Member | null;
}) {
  const on = (m: Member) => {
    const held = props.lines.filter((l) => l.claimed_by?.id === m.id).map((l) => l.sku);
    const focus = props.working.find((w) => w.member_id === m.id)?.focus;
    const parts = [...held, ...(focus?.shelf ? [`shelf ${focus.shelf}`] : [])];
    return parts.length ? ` — on ${parts.join(", ")}` : "";
  };
  return (
    <ul class="presence" aria-label="Here now">
      {props.present.map((m) => (
        <li>
          {m.name} ({m.id === props.you?.id ? "you" : m.role}){on(m)}
        </li>
      ))}
    </ul>
  );
}
