// An order's money: payment status and what is outstanding, its invoice and credit notes (with PDFs), the
// payments and refunds recorded, and a form to record one more.
import { useState } from "hono/jsx/dom";
import { api } from "../../api";
import { day, fromMinor, money, toMinor, when, words } from "../../format";
import { setQuery } from "../../router";
import { FileLinks, useFile } from "../../ui/files";
import { useAction, useLoad } from "../../ui/hooks";
import { Badge, Field, ProblemNote, Section, Select, Show, Table } from "../../ui/parts";
import { Tiles } from "./common";
import type { Invoice, NewPayment, OrderBilling, Payment, PaymentMethod } from "./types";

const METHODS: PaymentMethod[] = ["bank_transfer", "card", "cash", "cheque", "other"];

export function OrderMoney(props: { id: string; onChanged: () => void }) {
  const billing = useLoad(() => api<OrderBilling>(`/orders/${props.id}/billing`), [props.id]);
  const pdf = useFile();
  const invoicing = useAction();
  const changed = () => {
    billing.reload();
    props.onChanged();
  };
  return (
    <Section
      title={billing.data ? `Money of order ${billing.data.order_number}` : "Order money"}
      actions={
        <button type="button" class="secondary" onClick={() => setQuery({ order: null })}>
          Close order
        </button>
      }
    >
      <Show loaded={billing}>
        {(b) => (
          <>
            <p>
              <a href={`/orders/${b.order_id}`}>Open order {b.order_number}</a> · Payment status:{" "}
              <Badge value={b.payment_status} />
            </p>
            <Tiles
              items={[
                ["Total", money(b.total)],
                ["Credited", money(b.credited)],
                ["Due", money(b.due)],
                ["Paid", money(b.paid)],
                ["Outstanding", money(b.outstanding)],
              ]}
            />
            <h3>Documents</h3>
            {!b.invoice && (
              <p>
                Not invoiced yet.{" "}
                <button
                  type="button"
                  disabled={invoicing.busy}
                  onClick={async () => {
                    if (
                      await invoicing.run(() =>
                        api<Invoice>(`/orders/${b.order_id}/invoice`, { method: "POST" }),
                      )
                    )
                      changed();
                  }}
                >
                  Invoice now
                </button>
              </p>
            )}
            <ProblemNote error={invoicing.error} />
            <ProblemNote error={pdf.action.error} />
            <FileLinks file={pdf.file} />
            <Table
              caption="The order's invoice and credit notes"
              rows={[...(b.invoice ? [b.invoice] : []), ...b.credit_notes]}
              empty="No documents."
              columns={[
                { label: "Number", cell: (d) => d.number },
                { label: "Kind", cell: (d) => words(d.kind) },
                { label: "Issued", cell: (d) => day(d.issued_on) },
                { label: "Due", cell: (d) => (d.due_on ? day(d.due_on) : "—") },
                { label: "Total", cell: (d) => money(d.total), numeric: true },
                {
                  label: "PDF",
                  cell: (d) => (
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`PDF of ${d.number}`}
                      disabled={pdf.action.busy}
                      onClick={() => pdf.fetchFile(`/invoices/${d.id}/pdf`, `${d.number}.pdf`)}
                    >
                      PDF
                    </button>
                  ),
                },
              ]}
            />
            <h3>Payments and refunds</h3>
            <Table
              caption="Payments and refunds"
              rows={b.payments}
              empty="Nothing paid yet."
              columns={[
                { label: "Kind", cell: (p) => words(p.kind) },
                { label: "Method", cell: (p) => words(p.method) },
                { label: "Reference", cell: (p) => p.reference ?? "—" },
                { label: "Received", cell: (p) => when(p.received_at) },
                { label: "Amount", cell: (p) => money(p.amount), numeric: true },
                { label: "Note", cell: (p) => p.note ?? "" },
              ]}
            />
            <RecordPayment key={b.order_id} billing={b} onRecorded={changed} />
          </>
        )}
      </Show>
    </Section>
  );
}

function RecordPayment(props: { billing: OrderBilling; onRecorded: () => void }) {
  const b = props.billing;
  const currency = b.total.currency;
  const [kind, setKind] = useState<"payment" | "refund">("payment");
  const [amount, setAmount] = useState(
    b.outstanding.amount > 0 ? fromMinor(b.outstanding.amount, currency) : "",
  );
  const [method, setMethod] = useState<PaymentMethod>("bank_transfer");
  const [reference, setReference] = useState("");
  const [received, setReceived] = useState("");
  const [note, setNote] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const [recorded, setRecorded] = useState<string | null>(null);
  const action = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    setRecorded(null);
    const minor = toMinor(amount, currency);
    if (!minor) return setInvalid(`Write the amount in ${currency}, e.g. 12.50.`);
    setInvalid(null);
    const body: NewPayment = { amount: { amount: minor, currency }, method };
    if (reference.trim()) body.reference = reference.trim();
    if (received) body.received_at = new Date(received).toISOString();
    if (note.trim()) body.note = note.trim();
    const done = await action.run(() =>
      api<Payment>(`/orders/${b.order_id}/${kind === "payment" ? "payments" : "refunds"}`, {
        method: "POST",
        body,
      }),
    );
    if (done) {
      setRecorded(`Recorded: ${words(done.kind)} of ${money(done.amount)}.`);
      setAmount("");
      setReference("");
      setNote("");
      props.onRecorded();
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-label="Record a payment or refund">
      <h3>Record a payment or refund</h3>
      <div class="row">
        <Select
          label="What"
          name="kind"
          value={kind}
          options={[
            ["payment", "a payment received"],
            ["refund", "a refund handed back"],
          ]}
          onChange={(v) => setKind(v as "payment" | "refund")}
        />
        <Field
          label={`Amount (${currency})`}
          name="amount.amount"
          value={amount}
          required
          error={action.error}
          onInput={setAmount}
        />
        <Select
          label="Method"
          name="method"
          value={method}
          options={METHODS.map((m): [string, string] => [m, words(m)])}
          onChange={(v) => setMethod(v as PaymentMethod)}
        />
      </div>
      <ProblemNote error={invalid} />
      <div class="row">
        <Field
          label="Reference (optional)"
          name="reference"
          value={reference}
          error={action.error}
          onInput={setReference}
        />
        <Field
          label="Received (optional, default now)"
          name="received_at"
          type="datetime-local"
          value={received}
          error={action.error}
          onInput={setReceived}
        />
        <Field label="Note (optional)" name="note" value={note} error={action.error} onInput={setNote} />
      </div>
      <ProblemNote error={action.error} />
      {recorded && (
        <p class="note" role="status">
          {recorded}
        </p>
      )}
      <button type="submit" disabled={action.busy}>
        {action.busy ? "Recording…" : kind === "payment" ? "Record payment" : "Record refund"}
      </button>
    </form>
  );
}
