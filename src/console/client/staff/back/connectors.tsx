// Magento store connections: whether the token is set, the last success and error, pull now, and the pulls
// of the chosen connection (?connection=<id>).
import { useState } from "hono/jsx/dom";
import { api, errorText } from "../../api";
import { count, when } from "../../format";
import { setQuery, useLocation } from "../../router";
import type { Page } from "../../types";
import { useLoad, useSafeEffect } from "../../ui/hooks";
import { Badge, Pager, Section, Show, Table, usePager } from "../../ui/parts";
import { hrefWith } from "./common";
import type { StoreConnection, StorePull } from "./types";

export function Connectors() {
  const { query } = useLocation();
  const selected = query.get("connection") ?? "";
  const connections = useLoad(
    () => api<{ items: StoreConnection[] }>("/connectors").then((r) => r.items),
    [],
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [said, setSaid] = useState<{ text: string; bad: boolean } | null>(null);
  const [round, setRound] = useState(0);

  const pull = async (c: StoreConnection) => {
    setBusy(c.id);
    setSaid(null);
    try {
      const done = await api<StorePull>(`/connectors/${c.id}/pull`, { method: "POST" });
      setSaid({
        text:
          done.status === "failed"
            ? `${c.name}: the pull failed: ${done.error ?? "no reason given"}`
            : `${c.name}: ${count(done.orders_created)} orders new, ${count(done.orders_updated)} changed, ${count(done.invoices)} invoices read.`,
        bad: done.status === "failed",
      });
      connections.reload();
      setRound((n) => n + 1);
      setQuery({ connection: c.id });
    } catch (error) {
      setSaid({ text: `${c.name}: ${errorText(error)}`, bad: true });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Section title="Magento stores">
      {said && (
        <p class={said.bad ? "problem" : "note"} role={said.bad ? "alert" : "status"}>
          {said.text}
        </p>
      )}
      <Show loaded={connections}>
        {(items) => (
          <Table
            caption="Store connections"
            rows={items}
            empty="No stores connected (they are set up through the API: POST /api/v1/connectors)."
            columns={[
              {
                label: "Store",
                cell: (c) => (
                  <a
                    href={hrefWith({ connection: c.id })}
                    aria-current={c.id === selected ? "true" : undefined}
                  >
                    {c.name}
                  </a>
                ),
              },
              { label: "Address", cell: (c) => c.base_url },
              { label: "Token", cell: (c) => (c.token_set ? "set" : `missing: ${c.token_secret}`) },
              { label: "Pulled by the clock", cell: (c) => (c.enabled ? "yes" : "no") },
              { label: "Last success", cell: (c) => when(c.last_success_at) },
              {
                label: "Last error",
                cell: (c) =>
                  c.last_error ? (
                    <>
                      {when(c.last_error_at)}
                      <div class="muted">{c.last_error}</div>
                    </>
                  ) : (
                    "—"
                  ),
              },
              {
                label: "Actions",
                cell: (c) => (
                  <button
                    type="button"
                    disabled={busy === c.id}
                    aria-label={`Pull now: ${c.name}`}
                    onClick={() => pull(c)}
                  >
                    {busy === c.id ? "Pulling…" : "Pull now"}
                  </button>
                ),
              },
            ]}
          />
        )}
      </Show>
      {selected && <Pulls id={selected} round={round} />}
    </Section>
  );
}

function Pulls(props: { id: string; round: number }) {
  const pager = usePager();
  useSafeEffect(() => pager.reset(), [props.id]);
  const pulls = useLoad(
    () =>
      api<Page<StorePull>>(`/connectors/${props.id}/pulls`, { query: { cursor: pager.cursor, limit: 20 } }),
    [props.id, pager.cursor, props.round],
  );
  return (
    <>
      <h3>Pulls</h3>
      <Show loaded={pulls}>
        {(page) => (
          <>
            <Table
              caption="The store's pulls, newest first"
              rows={page.items}
              empty="Not pulled yet."
              columns={[
                { label: "Started", cell: (p) => when(p.started_at) },
                { label: "How", cell: (p) => (p.trigger === "manual" ? "pull now" : "on schedule") },
                { label: "Status", cell: (p) => <Badge value={p.status} /> },
                { label: "Pages", cell: (p) => count(p.pages), numeric: true },
                { label: "New", cell: (p) => count(p.orders_created), numeric: true },
                { label: "Changed", cell: (p) => count(p.orders_updated), numeric: true },
                { label: "Same", cell: (p) => count(p.orders_unchanged), numeric: true },
                { label: "Invoices", cell: (p) => count(p.invoices), numeric: true },
                { label: "Error", cell: (p) => p.error ?? "—" },
              ]}
            />
            <Pager pager={pager} nextCursor={page.next_cursor} />
          </>
        )}
      </Show>
    </>
  );
}
