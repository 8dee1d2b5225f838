// Importing a card statement: the bank's name, the CSV, and how its columns are named (filled in from the
// mapping saved for the bank; sent with the file and saved for the bank when the import succeeds).
import { useState } from "hono/jsx/dom";
import { api, apiResponse } from "../../api";
import { count } from "../../format";
import { useAction, useLoad } from "../../ui/hooks";
import { Field, ProblemNote, Section, Select } from "../../ui/parts";
import type { BankMapping, Statement, StatementMapping } from "./types";

const BLANK: StatementMapping = {
  date: "",
  amount: "",
  description: "",
  date_format: "iso",
  decimal: ".",
  charges: "negative",
};

export function StatementUpload(props: { onImported: (statement: Statement) => void }) {
  const mappings = useLoad(
    () => api<{ items: BankMapping[] }>("/reconciliation/mappings").then((r) => r.items),
    [],
  );
  const [bank, setBank] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [mapping, setMapping] = useState<StatementMapping>(BLANK);
  const [missing, setMissing] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const importing = useAction();

  const chooseBank = (name: string) => {
    setBank(name);
    const saved = mappings.data?.find((m) => m.bank === name.trim().toLowerCase());
    if (saved) setMapping({ ...BLANK, ...saved.mapping });
  };
  const set = (key: keyof StatementMapping) => (value: string) =>
    setMapping((m) => ({ ...m, [key]: value || undefined }) as StatementMapping);

  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(null);
    if (!bank.trim()) return setMissing("Name the bank and card first, e.g. dkb-visa.");
    if (!file) return setMissing("Choose the statement's CSV file first.");
    setMissing(null);
    const clean = Object.fromEntries(
      Object.entries(mapping).filter(([, v]) => v !== undefined && v !== ""),
    ) as StatementMapping;
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("mapping", JSON.stringify(clean));
    const answer = await importing.run(async () => {
      const res = await apiResponse("/reconciliation/statements", {
        method: "POST",
        query: { bank: bank.trim(), filename: file.name },
        body: form,
      });
      return { before: res.status === 200, statement: (await res.json()) as Statement };
    });
    if (!answer) return;
    const { statement: s, before } = answer;
    setDone(
      `${before ? "This file was imported before" : "Imported"}: ${count(s.rows)} rows, ${count(s.counts.matched)} matched, ${count(s.counts.ambiguous)} ambiguous, ${count(s.counts.unmatched)} unmatched.`,
    );
    mappings.reload();
    props.onImported(s);
  };

  return (
    <Section title="Import a card statement">
      <form onSubmit={submit} aria-label="Import a card statement">
        <div class="row">
          <div class="field">
            <label for="statement-bank">Bank and card</label>
            <input
              id="statement-bank"
              name="bank"
              list="statement-banks"
              value={bank}
              placeholder="dkb-visa"
              onInput={(e: Event) => chooseBank((e.target as HTMLInputElement).value)}
            />
            <datalist id="statement-banks">
              {(mappings.data ?? []).map((m) => (
                <option value={m.bank} />
              ))}
            </datalist>
          </div>
          <Field
            label="Statement CSV"
            name="file"
            type="file"
            accept=".csv,text/csv"
            error={importing.error}
            onFiles={([f]) => setFile(f ?? null)}
          />
        </div>
        <fieldset>
          <legend>The file's columns</legend>
          <div class="row">
            <Field
              label="Posting day column"
              name="mapping.date"
              value={mapping.date}
              required
              error={importing.error}
              onInput={set("date")}
            />
            <Field
              label="Amount column"
              name="mapping.amount"
              value={mapping.amount}
              required
              error={importing.error}
              onInput={set("amount")}
            />
            <Field
              label="Merchant column"
              name="mapping.description"
              value={mapping.description}
              required
              error={importing.error}
              onInput={set("description")}
            />
          </div>
          <div class="row">
            <Field
              label="Currency column (optional)"
              name="mapping.currency"
              value={mapping.currency ?? ""}
              error={importing.error}
              onInput={set("currency")}
            />
            <Field
              label="Currency when there is no column"
              name="mapping.default_currency"
              value={mapping.default_currency ?? ""}
              placeholder="EUR"
              error={importing.error}
              onInput={set("default_currency")}
            />
            <Field
              label="Reference column (optional)"
              name="mapping.reference"
              value={mapping.reference ?? ""}
              error={importing.error}
              onInput={set("reference")}
            />
          </div>
          <div class="row">
            <Select
              label="Dates are written"
              name="mapping.date_format"
              value={mapping.date_format}
              options={[
                ["iso", "2026-11-23"],
                ["dmy", "23.11.2026 (day first)"],
                ["mdy", "11/23/2026 (month first)"],
              ]}
              onChange={set("date_format")}
            />
            <Select
              label="Amounts are written"
              name="mapping.decimal"
              value={mapping.decimal}
              options={[
                [".", "1,234.56"],
                [",", "1.234,56"],
              ]}
              onChange={set("decimal")}
            />
            <Select
              label="A charge is"
              name="mapping.charges"
              value={mapping.charges}
              options={[
                ["negative", "negative (most banks)"],
                ["positive", "positive"],
              ]}
              onChange={set("charges")}
            />
          </div>
        </fieldset>
        <ProblemNote error={missing} />
        <ProblemNote error={importing.error} />
        {done && (
          <p class="note" role="status">
            {done}
          </p>
        )}
        <button type="submit" disabled={importing.busy}>
          {importing.busy ? "Importing…" : "Import and match"}
        </button>
      </form>
    </Section>
  );
}
