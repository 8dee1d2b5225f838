// A customer's ledger ("khata") on their page: what they owe per currency with its aging, every entry
// newest first with the balance after it (cursor paged), a form to record a debit or credit, and the
// reversal that undoes an entry (entries are never edited).
import { useState } from "hono/jsx/dom";
import { api } from "../../api";
import { minorDigits, money, toMinor, when, words } from "../../format";
import type { Page } from "../../types";
import { type Loaded, useAction, useLoad } from "../../ui/hooks";
import { Badge, Field, Pager, ProblemNote, Section, Select, Show, Table, usePager } from "../../ui/parts";
import type { LedgerEntry, LedgerSummary } from "./types";

const AGING = [
  ["0-30", "0–30 days"],
  ["31-60", "31–60 days"],
  ["61-90", "61–90 days"],
  ["over_90", "Over 90 days"],
] as const;

export function Balances({ summary }: { summary: Loaded<LedgerSummary> }) {
  return (
    <Section title="Balance and aging">
      <Show loaded={summary}>
        {(s) =>
          s.currencies.length === 0 ? (
            <p class="muted">No ledger entries yet: nothing owed.</p>
          ) : (
            <>
              <div class="tiles">
                {s.currencies.map((c) => (
                  <div class="tile">
                    <span class="muted">Balance ({c.currency})</span>
                    <strong>{money(c.balance)}</strong>
                    <small class="muted">
                      {c.balance.amount > 0
                        ? "owed to the shop"
                        : c.balance.amount < 0
                          ? "owed to the customer"
                          : "settled"}
                    </small>
                  </div>
                ))}
              </div>
              <Table
                caption="Aging of what is owed, per currency"
                rows={s.currencies}
                columns={[
                  { label: "Currency", cell: (c) => c.currency },
                  { label: "Debits", cell: (c) => money(c.total_debit), numeric: true },
                  { label: "Credits", cell: (c) => money(c.total_credit), numeric: true },
                  ...AGING.map(([key, label]) => ({
                    label,
                    cell: (c: (typeof s.currencies)[number]) => (c.aging[key] ? money(c.aging[key]) : "—"),
                    numeric: true,
                  })),
                ]}
              />
              <p class="muted">Credits pay the oldest debits first; as of {when(s.as_of)}.</p>
            </>
          )
        }
      </Show>
    </Section>
  );
}

export function Entries(props: {
  customerId: string;
  round: number;
  canWrite: boolean;
  changed: () => void;
}) {
  const pager = usePager();
  const entries = useLoad(
    () =>
      api<Page<LedgerEntry>>(`/customers/${props.customerId}/ledger`, {
        query: { cursor: pager.cursor, limit: 25 },
      }),
    [props.customerId, pager.cursor, props.round],
  );
  const reversal = useAction();
  const reverse = async (entry: LedgerEntry) => {
    const done = await reversal.run(() =>
      api(`/customers/${props.customerId}/ledger/${entry.id}/reverse`, { method: "POST", body: {} }),
    );
    if (done) props.changed();
  };
  return (
    <Section title="Ledger">
      <ProblemNote error={reversal.error} />
      <Show loaded={entries}>
        {(page) => (
          <>
            <Table
              caption="Ledger entries, newest first"
              rows={page.items}
              empty="No entries yet."
              columns={[
                { label: "When", cell: (e) => when(e.created_at) },
                { label: "Entry", cell: (e) => <Badge value={e.direction} /> },
                {
                  label: "For",
                  cell: (e) => `${words(e.reference_type)}${e.reference_id ? ` ${e.reference_id}` : ""}`,
                },
                { label: "Note", cell: (e) => e.note ?? "—" },
                {
                  label: "Amount",
                  cell: (e) => `${e.direction === "credit" ? "−" : ""}${money(e.amount)}`,
                  numeric: true,
                },
                { label: "Balance after", cell: (e) => money(e.balance_after), numeric: true },
                ...(props.canWrite
                  ? [
                      {
                        label: "Undo",
                        cell: (e: LedgerEntry) =>
                          e.reversed_by_entry_id ? (
                            <span class="muted">reversed</span>
                          ) : e.reverses_entry_id ? (
                            "—"
                          ) : (
                            <button
                              type="button"
                              class="link"
                              disabled={reversal.busy}
                              onClick={() => reverse(e)}
                              aria-label={`Reverse the ${e.direction} of ${money(e.amount)} of ${when(e.created_at)}`}
                            >
                              Reverse
                            </button>
                          ),
                      },
                    ]
                  : []),
              ]}
            />
            <Pager pager={pager} nextCursor={page.next_cursor} />
          </>
        )}
      </Show>
    </Section>
  );
}

const REFERENCES = ["manual", "payment", "refund", "invoice", "order"] as const;

export function NewEntry(props: { customerId: string; currency: string; recorded: () => void }) {
  const blank = {
    direction: "debit",
    amount: "",
    currency: props.currency,
    reference_type: "manual",
    reference_id: "",
    note: "",
  };
  const [form, setForm] = useState(blank);
  const [typo, setTypo] = useState<string | null>(null);
  const action = useAction();
  const set = (name: keyof typeof blank) => (value: string) => setForm((f) => ({ ...f, [name]: value }));
  const submit = async (event: Event) => {
    event.preventDefault();
    const currency = form.currency.trim().toUpperCase();
    const amount = toMinor(form.amount, currency);
    if (amount === null || amount <= 0) {
      setTypo(`An amount above zero, with at most ${minorDigits(currency)} decimals, e.g. 12.50.`);
      return;
    }
    setTypo(null);
    const done = await action.run(() =>
      api<LedgerEntry>(`/customers/${props.customerId}/ledger`, {
        method: "POST",
        body: {
          direction: form.direction,
          amount: { amount, currency },
          reference_type: form.reference_type,
          reference_id: form.reference_id.trim() || undefined,
          note: form.note.trim() || undefined,
        },
      }),
    );
    if (done) {
      setForm({ ...blank, currency });
      props.recorded();
    }
  };
  return (
    <Section title="Record a debit or credit">
      <form onSubmit={submit}>
        <div class="row">
          <Select
            label="Entry"
            name="direction"
            value={form.direction}
            options={[
              ["debit", "debit: the customer owes more"],
              ["credit", "credit: the customer owes less"],
            ]}
            onChange={set("direction")}
          />
          <Select
            label="For"
            name="reference_type"
            value={form.reference_type}
            options={REFERENCES}
            onChange={set("reference_type")}
          />
        </div>
        <div class="row">
          <div class="field">
            <label for="entry-amount">Amount</label>
            <input
              id="entry-amount"
              name="amount"
              inputmode="decimal"
              required
              value={form.amount}
              aria-invalid={typo ? "true" : undefined}
              aria-describedby={typo ? "entry-amount-error" : undefined}
              onInput={(e: Event) => set("amount")((e.target as HTMLInputElement).value)}
            />
            {typo && (
              <small id="entry-amount-error" class="field-error">
                {typo}
              </small>
            )}
          </div>
          <Field
            label="Currency"
            name="amount.currency"
            value={form.currency}
            required
            error={action.error}
            onInput={set("currency")}
          />
          <Field
            label="Reference"
            name="reference_id"
            value={form.reference_id}
            error={action.error}
            onInput={set("reference_id")}
          />
        </div>
        <Field label="Note" name="note" value={form.note} error={action.error} onInput={set("note")} />
        <ProblemNote error={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Recording…" : "Record entry"}
        </button>
      </form>
    </Section>
  );
}
