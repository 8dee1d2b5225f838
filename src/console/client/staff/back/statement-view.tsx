// One card statement: its rows in file order (by status), each matched, matched by hand to one of its
// candidates, unmatched or set aside; and its report: totals per currency and the purchases no charge paid.

import { useState } from "hono/jsx/dom";
import { MATCH_STATUSES } from "../../../../db/vocabulary";
import { api, errorText } from "../../api";
import { count, day, money, words } from "../../format";
import { setQuery, useLocation } from "../../router";
import { useLoad } from "../../ui/hooks";
import { Badge, Section, Select, Show, Table } from "../../ui/parts";
import type { CardTransaction, ReconciliationReport, StatementDetail } from "./types";

export function StatementView(props: { id: string; onChanged: () => void }) {
  const { query } = useLocation();
  const status = query.get("status") ?? "";
  const detail = useLoad(
    () => api<StatementDetail>(`/reconciliation/statements/${props.id}`, { query: { status, limit: 500 } }),
    [props.id, status],
  );
  const report = useLoad(
    () => api<ReconciliationReport>(`/reconciliation/statements/${props.id}/report`),
    [props.id],
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [said, setSaid] = useState<{ text: string; bad: boolean } | null>(null);
  const [choice, setChoice] = useState<Record<string, string>>({});

  const act = async (tx: CardTransaction, what: "match" | "unmatch" | "ignore") => {
    const order = choice[tx.id] ?? tx.candidates[0]?.id;
    setBusy(tx.id);
    setSaid(null);
    try {
      const next = await api<CardTransaction>(
        `/reconciliation/statements/${props.id}/transactions/${tx.id}/${what}`,
        what === "match" ? { method: "POST", body: { order_id: order } } : { method: "POST" },
      );
      detail.set((d) =>
        d
          ? {
              ...d,
              transactions: {
                ...d.transactions,
                items: d.transactions.items.map((t) => (t.id === next.id ? next : t)),
              },
            }
          : (d as never),
      );
      setSaid({
        text: `Line ${tx.line_no}: ${words(next.status)}${next.order ? ` to ${next.order.number}` : ""}.`,
        bad: false,
      });
      report.reload();
      props.onChanged();
    } catch (error) {
      setSaid({ text: `Line ${tx.line_no}: ${errorText(error)}`, bad: true });
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Section
        title={detail.data ? `Statement ${detail.data.bank}: ${detail.data.filename ?? ""}` : "Statement"}
        actions={
          <div class="row">
            <Select
              label="Rows"
              name="status"
              value={status}
              options={[["", "every row"], ...MATCH_STATUSES.map((s): [string, string] => [s, s])]}
              onChange={(v) => setQuery({ status: v })}
            />
            <button
              type="button"
              class="secondary"
              onClick={() => setQuery({ statement: null, status: null })}
            >
              Close statement
            </button>
          </div>
        }
      >
        {said && (
          <p class={said.bad ? "problem" : "note"} role={said.bad ? "alert" : "status"}>
            {said.text}
          </p>
        )}
        <Show loaded={detail}>
          {(d) => (
            <Table
              caption="The statement's rows in file order"
              rows={d.transactions.items}
              empty="No rows here."
              columns={[
                { label: "Line", cell: (t) => t.line_no, numeric: true },
                { label: "Posted", cell: (t) => day(t.posted_on) },
                { label: "Description", cell: (t) => t.description },
                { label: "Amount", cell: (t) => money(t.amount), numeric: true },
                { label: "Status", cell: (t) => <Badge value={t.status} /> },
                {
                  label: "Purchase",
                  cell: (t) =>
                    t.order ? (
                      <a href={`/orders/${t.order.id}`}>
                        {t.order.number} · {t.order.merchant ?? ""}
                      </a>
                    ) : (
                      "—"
                    ),
                },
                { label: "Score", cell: (t) => (t.score === null ? "—" : t.score), numeric: true },
                {
                  label: "Actions",
                  cell: (t) => (
                    <div class="actions">
                      {t.status !== "matched" && t.candidates.length > 0 && (
                        <>
                          <Select
                            label={`Purchase for line ${t.line_no}`}
                            name="order_id"
                            value={choice[t.id] ?? t.candidates[0]?.id ?? ""}
                            options={t.candidates.map((c): [string, string] => [
                              c.id,
                              `${c.number} · ${c.merchant ?? ""} · ${money(c.total)} · ${day(c.placed_at)} (${c.score})`,
                            ])}
                            onChange={(v) => setChoice((m) => ({ ...m, [t.id]: v }))}
                          />
                          <button
                            type="button"
                            disabled={busy === t.id}
                            onClick={() => act(t, "match")}
                            aria-label={`Match line ${t.line_no}`}
                          >
                            Match
                          </button>
                        </>
                      )}
                      {t.status === "matched" && (
                        <button
                          type="button"
                          class="secondary"
                          disabled={busy === t.id}
                          onClick={() => act(t, "unmatch")}
                          aria-label={`Unmatch line ${t.line_no}`}
                        >
                          Unmatch
                        </button>
                      )}
                      {t.status !== "ignored" && t.status !== "matched" && (
                        <button
                          type="button"
                          class="secondary"
                          disabled={busy === t.id}
                          onClick={() => act(t, "ignore")}
                          aria-label={`Ignore line ${t.line_no}`}
                        >
                          Ignore
                        </button>
                      )}
                    </div>
                  ),
                },
              ]}
            />
          )}
        </Show>
      </Section>
      <Section title="Report">
        <Show loaded={report}>{(r) => <Report report={r} />}</Show>
      </Section>
    </>
  );
}

function Report({ report: r }: { report: ReconciliationReport }) {
  const tally = (t: { count: number; total: { amount: number; currency: string } }) =>
    `${count(t.count)} · ${money(t.total)}`;
  return (
    <>
      <p>
        Charges posted {day(r.period.from)} to {day(r.period.to)}; purchases placed{" "}
        {day(r.orders_placed.from)} to {day(r.orders_placed.to)} may be paid by them.
      </p>
      <Table
        caption="Totals per currency"
        rows={r.totals}
        columns={[
          { label: "Currency", cell: (t) => t.currency },
          { label: "Matched", cell: (t) => tally(t.matched), numeric: true },
          { label: "Ambiguous", cell: (t) => tally(t.ambiguous), numeric: true },
          { label: "Unmatched", cell: (t) => tally(t.unmatched), numeric: true },
          { label: "Ignored", cell: (t) => tally(t.ignored), numeric: true },
          { label: "Credits", cell: (t) => tally(t.credits), numeric: true },
          { label: "Purchases no charge paid", cell: (t) => tally(t.orders_without_charge), numeric: true },
        ]}
      />
      <h3>Purchases no charge paid ({count(r.orders_without_charge.count)})</h3>
      <Table
        caption="Purchases no charge paid"
        rows={r.orders_without_charge.items}
        empty="Every purchase of the period was paid by a charge."
        columns={[
          { label: "Order", cell: (o) => <a href={`/orders/${o.id}`}>{o.number}</a> },
          { label: "Merchant", cell: (o) => o.merchant ?? "—" },
          { label: "Placed", cell: (o) => day(o.placed_at) },
          { label: "Total", cell: (o) => money(o.total), numeric: true },
          { label: "Status", cell: (o) => <Badge value={o.status} /> },
        ]}
      />
      {r.orders_without_charge.truncated && <p class="muted">Only the first 500 are listed.</p>}
    </>
  );
}
