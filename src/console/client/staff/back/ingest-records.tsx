// Ingest records in a table: what came in, whether it was kept, what reading it did and why it failed, the
// orders it touched, its raw bytes, and a reprocess (reading the kept bytes again).
import { useState } from "hono/jsx/dom";
import { api, errorText } from "../../api";
import { count, when, words } from "../../format";
import { FileLinks, useFile } from "../../ui/files";
import { Badge, ProblemNote, Table } from "../../ui/parts";
import type { IngestRecord } from "./types";

export function IngestRecords(props: { rows: IngestRecord[]; onChange: (record: IngestRecord) => void }) {
  const raw = useFile();
  const [busy, setBusy] = useState<string | null>(null);
  const [said, setSaid] = useState<{ id: string; text: string; bad: boolean } | null>(null);

  const reprocess = async (record: IngestRecord) => {
    setBusy(record.id);
    setSaid(null);
    try {
      const next = await api<IngestRecord>(`/ingest/${record.id}/reprocess`, { method: "POST" });
      props.onChange(next);
      setSaid({
        id: record.id,
        text: `Read again: ${words(next.outcome ?? "nothing")}${next.detail ? ` (${next.detail})` : ""}.`,
        bad: next.outcome === "failed",
      });
    } catch (error) {
      setSaid({ id: record.id, text: errorText(error), bad: true });
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <ProblemNote error={raw.action.error} />
      <FileLinks file={raw.file} />
      {said && (
        <p class={said.bad ? "problem" : "note"} role={said.bad ? "alert" : "status"}>
          {said.text}
        </p>
      )}
      <Table
        caption="Ingest records, newest first"
        rows={props.rows}
        empty="No records match."
        columns={[
          { label: "Received", cell: (r) => when(r.received_at) },
          { label: "Door", cell: (r) => r.door },
          { label: "Source", cell: (r) => r.source },
          { label: "Taken", cell: (r) => <Badge value={r.verdict} /> },
          { label: "Outcome", cell: (r) => (r.outcome ? <Badge value={r.outcome} /> : "—") },
          {
            label: "Why",
            cell: (r) => r.detail ?? r.reason ?? (r.subject ? <span class="muted">{r.subject}</span> : "—"),
          },
          {
            label: "Orders",
            cell: (r) =>
              r.results.length === 0
                ? "—"
                : r.results.map((o, i) => (
                    <>
                      {i > 0 && ", "}
                      <a href={`/orders/${o.order_id}`}>{words(o.outcome)}</a>
                    </>
                  )),
          },
          { label: "Tries", cell: (r) => count(r.attempts), numeric: true },
          {
            label: "Actions",
            cell: (r) => (
              <div class="actions">
                {r.verdict === "accepted" && (
                  <button
                    type="button"
                    class="secondary"
                    disabled={busy === r.id}
                    aria-label={`Reprocess the ${r.door} record from ${r.source} received ${when(r.received_at)}`}
                    onClick={() => reprocess(r)}
                  >
                    {busy === r.id ? "Reading…" : "Reprocess"}
                  </button>
                )}
                {r.raw_url && (
                  <button
                    type="button"
                    class="link"
                    disabled={raw.action.busy}
                    aria-label={`Raw bytes of the ${r.door} record from ${r.source} received ${when(r.received_at)}`}
                    onClick={() => r.raw_url && raw.fetchFile(r.raw_url, `${r.id}.raw`)}
                  >
                    Raw
                  </button>
                )}
              </div>
            ),
          },
        ]}
      />
    </>
  );
}
