// Customers: search by company or email, newest first with cursor paging (the address keeps the search),
// each a link to their page; and a form to add one, for those who may.
import { useState } from "hono/jsx/dom";
import { api } from "../api";
import { day } from "../format";
import { navigate, setQuery, useLocation } from "../router";
import { may, type ScreenProps } from "../screen";
import type { Page } from "../types";
import { useAction, useLoad, useSafeEffect } from "../ui/hooks";
import { Field, Pager, ProblemNote, Section, Show, Table, usePager } from "../ui/parts";
import type { Customer } from "./office/types";

export default function Customers({ me }: ScreenProps) {
  const { query } = useLocation();
  const q = query.get("q") ?? "";
  const [text, setText] = useState(q);
  const pager = usePager();
  useSafeEffect(() => pager.reset(), [q]);
  const customers = useLoad(
    () => api<Page<Customer>>("/customers", { query: { q, cursor: pager.cursor, limit: 25 } }),
    [q, pager.cursor],
  );
  return (
    <>
      <form
        class="row card"
        onSubmit={(e: Event) => {
          e.preventDefault();
          setQuery({ q: text.trim() });
        }}
      >
        <div class="field">
          <label for="customer-search">Search</label>
          <input
            id="customer-search"
            type="search"
            name="q"
            value={text}
            placeholder="Company or email"
            onInput={(e: Event) => setText((e.target as HTMLInputElement).value)}
          />
        </div>
        <button type="submit">Search</button>
      </form>
      <Show loaded={customers}>
        {(page) => (
          <>
            <Table
              caption="Customers"
              rows={page.items}
              empty={q ? "No customers match." : "No customers yet."}
              columns={[
                { label: "Company", cell: (c) => <a href={`/customers/${c.id}`}>{c.company}</a> },
                { label: "Contact", cell: (c) => c.contact_name ?? "—" },
                { label: "Email", cell: (c) => c.email ?? "—" },
                { label: "Phone", cell: (c) => c.phone ?? "—" },
                { label: "Terms", cell: (c) => `${c.payment_terms_days ?? 30} days` },
                { label: "Since", cell: (c) => day(c.created_at) },
              ]}
            />
            <Pager pager={pager} nextCursor={page.next_cursor} />
          </>
        )}
      </Show>
      {may(me, "customers:write") && <NewCustomer />}
    </>
  );
}

const BLANK = { company: "", contact_name: "", email: "", phone: "", tax_id: "", payment_terms_days: "" };

function NewCustomer() {
  const [form, setForm] = useState(BLANK);
  const action = useAction();
  const set = (name: keyof typeof BLANK) => (value: string) => setForm((f) => ({ ...f, [name]: value }));
  const submit = async (event: Event) => {
    event.preventDefault();
    const optional = (v: string) => v.trim() || undefined;
    const created = await action.run(() =>
      api<Customer>("/customers", {
        method: "POST",
        body: {
          company: form.company,
          contact_name: optional(form.contact_name),
          email: optional(form.email),
          phone: optional(form.phone),
          tax_id: optional(form.tax_id),
          payment_terms_days: form.payment_terms_days.trim() ? Number(form.payment_terms_days) : undefined,
        },
      }),
    );
    if (created) navigate(`/customers/${created.id}`);
  };
  return (
    <Section title="New customer">
      <form onSubmit={submit}>
        <div class="row">
          <Field
            label="Company"
            name="company"
            value={form.company}
            required
            error={action.error}
            onInput={set("company")}
          />
          <Field
            label="Contact name"
            name="contact_name"
            value={form.contact_name}
            error={action.error}
            onInput={set("contact_name")}
          />
        </div>
        <div class="row">
          <Field
            label="Email"
            name="email"
            type="email"
            value={form.email}
            error={action.error}
            onInput={set("email")}
          />
          <Field
            label="Phone"
            name="phone"
            type="tel"
            value={form.phone}
            error={action.error}
            onInput={set("phone")}
          />
          <Field
            label="Tax id"
            name="tax_id"
            value={form.tax_id}
            error={action.error}
            onInput={set("tax_id")}
          />
        </div>
        <Field
          label="Payment terms (days)"
          name="payment_terms_days"
          type="number"
          min={0}
          value={form.payment_terms_days}
          hint="Left empty: the shop's default of 30 days."
          error={action.error}
          onInput={set("payment_terms_days")}
        />
        <ProblemNote error={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Adding…" : "Add customer"}
        </button>
      </form>
    </Section>
  );
}
