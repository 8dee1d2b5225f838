// My invoices and credit notes (each with its PDF), and my account: what I owe per currency, every invoice,
// credit note, payment and refund with the balance after it, and recent changes to my orders.
import { useState } from "hono/jsx/dom";
import { api } from "../api";
import { day, money, when, words } from "../format";
import type { ScreenProps } from "../screen";
import type { Page } from "../types";
import { download } from "../ui/files";
import { useAction, useLoad } from "../ui/hooks";
import { Pager, ProblemNote, Section, Show, Table, usePager } from "../ui/parts";
import type { Account, Invoice } from "./types";

export default function Invoices({ me }: ScreenProps) {
  const pager = usePager();
  const invoices = useLoad(
    () => api<Page<Invoice>>("/invoices", { query: { cursor: pager.cursor, limit: 25 } }),
    [pager.cursor],
  );
  return (
    <>
      <Section title="Invoices and credit notes">
        <Show loaded={invoices}>
          {(page) => (
            <>
              <Table
                caption="My invoices and credit notes"
                rows={page.items}
                empty="No invoices yet: an order is invoiced when it is delivered."
                columns={[
                  { label: "Number", cell: (i) => i.number },
                  { label: "Kind", cell: (i) => words(i.kind) },
                  {
                    label: "Order",
                    cell: (i) => <a href={`/shop/orders/${i.order_id}`}>{i.order_number ?? "order"}</a>,
                  },
                  { label: "Issued", cell: (i) => day(i.issued_on) },
                  { label: "Due", cell: (i) => day(i.due_on) },
                  { label: "Total", cell: (i) => money(i.total), numeric: true },
                  { label: "PDF", cell: (i) => <PdfButton invoice={i} /> },
                ]}
              />
              <Pager pager={pager} nextCursor={page.next_cursor} />
            </>
          )}
        </Show>
      </Section>
      {me.customer_id ? (
        <AccountView customerId={me.customer_id} />
      ) : (
        <p class="muted">Your account is not linked to a customer yet; ask the shop.</p>
      )}
    </>
  );
}

/** The PDF needs the bearer token: fetched, then saved from a blob URL under the document's number. */
function PdfButton({ invoice }: { invoice: Invoice }) {
  const fetchPdf = useAction();
  const [saved, setSaved] = useState(false);
  const save = async () => {
    setSaved(false);
    const done = await fetchPdf.run(async () => {
      await download(invoice.pdf, undefined, `${invoice.number}.pdf`);
      return true;
    });
    if (done) setSaved(true);
  };
  return (
    <>
      <button type="button" class="link" disabled={fetchPdf.busy} onClick={save}>
        Download <span class="visually-hidden">{invoice.number} as </span>PDF
      </button>
      {saved && (
        <small class="muted" role="status">
          {" "}
          Saved {invoice.number}.pdf
        </small>
      )}
      <ProblemNote error={fetchPdf.error} />
    </>
  );
}

function AccountView({ customerId }: { customerId: string }) {
  const pager = usePager();
  const account = useLoad(
    () =>
      api<Account>(`/customers/${encodeURIComponent(customerId)}/account`, {
        query: { cursor: pager.cursor, limit: 25 },
      }),
    [customerId, pager.cursor],
  );
  return (
    <Show loaded={account}>
      {(a) => (
        <>
          <Section title="My balance">
            {a.balances.length === 0 ? (
              <p class="muted">Nothing owed either way.</p>
            ) : (
              <div class="tiles">
                {a.balances.map((b) => (
                  <p class="tile">
                    <strong>{money(b.balance)}</strong>{" "}
                    {b.balance.amount > 0 ? "you owe" : b.balance.amount < 0 ? "in your favour" : "settled"} (
                    {b.currency})
                  </p>
                ))}
              </div>
            )}
          </Section>
          <Section title="Account history">
            <Table
              caption="Invoices, credit notes, payments and refunds with the balance after each"
              rows={a.items}
              empty="Nothing on your account yet."
              columns={[
                { label: "When", cell: (e) => when(e.created_at) },
                {
                  label: "What",
                  cell: (e) =>
                    e.document
                      ? `${words(e.document.kind)} ${e.document.number}`
                      : e.payment
                        ? `${words(e.reference_type)} by ${words(e.payment.method)}${e.payment.reference ? ` (${e.payment.reference})` : ""}`
                        : words(e.reference_type),
                },
                {
                  label: "Order",
                  cell: (e) =>
                    e.order_id ? <a href={`/shop/orders/${e.order_id}`}>{e.order_number ?? "order"}</a> : "—",
                },
                {
                  label: "Amount",
                  cell: (e) => `${e.direction === "debit" ? "+" : "−"}${money(e.amount)}`,
                  numeric: true,
                },
                { label: "Balance", cell: (e) => money(e.balance_after), numeric: true },
              ]}
            />
            <Pager pager={pager} nextCursor={a.next_cursor} />
          </Section>
          {a.modifications.length > 0 && (
            <Section title="Recent changes to my orders">
              <ul>
                {a.modifications.map((m) => (
                  <li>
                    {when(m.at)} · <a href={`/shop/orders/${m.order_id}`}>{m.order_number}</a>:{" "}
                    {words(m.type)}
                  </li>
                ))}
              </ul>
            </Section>
          )}
        </>
      )}
    </Show>
  );
}
