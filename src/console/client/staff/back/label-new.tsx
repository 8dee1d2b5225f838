// Making a label job: products found by name, SKU or barcode and ticked (or every published product), or
// free codes one per line; on which stock, how many copies, from which position on the first sheet.

import { useState } from "hono/jsx/dom";
import { SYMBOLOGIES } from "../../../../db/vocabulary";
import { api } from "../../api";
import { money } from "../../format";
import type { Page } from "../../types";
import { useAction } from "../../ui/hooks";
import { Check, Field, ProblemNote, Section, Select, TextArea } from "../../ui/parts";
import type { LabelJob, LabelStock, NewLabelJob, Product } from "./types";

/** The label stocks the API knows (src/documents/stock.ts), as people know them. */
const STOCKS: Record<LabelStock, string> = {
  "a4-3x8": "A4, 24 labels 63.5 × 33.9 mm (Avery L7159)",
  "a4-2x7": "A4, 14 labels 99.1 × 38.1 mm (Avery L7163)",
  "a4-4x10": "A4, 40 labels 45.7 × 25.4 mm (Avery L7654)",
  "letter-3x10": "Letter, 30 labels 2.625 × 1 in (Avery 5160)",
  "letter-2x7": "Letter, 14 labels 4 × 1.333 in (Avery 5162)",
  "letter-4x20": "Letter, 80 labels 1.75 × 0.5 in (Avery 5167)",
  "thermal-2x1": "Thermal roll, 2 × 1 in",
  "thermal-4x6": "Thermal roll, 4 × 6 in (shipping)",
};
type What = "chosen" | "published" | "codes";

export function NewLabelJobForm(props: { onCreated: (job: LabelJob) => void }) {
  const [what, setWhat] = useState<What>("chosen");
  const [chosen, setChosen] = useState<Product[]>([]);
  const [stock, setStock] = useState<LabelStock>("a4-3x8");
  const [symbology, setSymbology] = useState("");
  const [codes, setCodes] = useState("");
  const [copies, setCopies] = useState("1");
  const [start, setStart] = useState("1");
  const [missing, setMissing] = useState<string | null>(null);
  const creating = useAction();

  const sourceOf = (): NewLabelJob["source"] | null => {
    const sym = symbology ? { symbology: symbology as (typeof SYMBOLOGIES)[number] } : {};
    if (what === "chosen")
      return chosen.length ? { products: { ids: chosen.map((p) => p.id) }, ...sym } : null;
    if (what === "published") return { products: { status: "published" }, ...sym };
    const lines = codes
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    return lines.length
      ? {
          codes: lines.map((value) => ({
            symbology: (symbology || "code128") as (typeof SYMBOLOGIES)[number],
            value,
          })),
        }
      : null;
  };
  const create = async (e: Event) => {
    e.preventDefault();
    const source = sourceOf();
    if (!source)
      return setMissing(what === "codes" ? "Write at least one code." : "Tick at least one product.");
    setMissing(null);
    const job = await creating.run(() =>
      api<LabelJob>("/labels/jobs", {
        method: "POST",
        body: {
          stock,
          source,
          copies: Math.max(1, Number(copies) || 1),
          start: Math.max(0, (Number(start) || 1) - 1),
        } satisfies NewLabelJob,
      }),
    );
    if (job) props.onCreated(job);
  };

  return (
    <Section title="Print labels">
      <form onSubmit={create} aria-label="Print labels">
        <div class="row">
          <Select
            label="What to print"
            name="source"
            value={what}
            options={[
              ["chosen", "labels of products I choose"],
              ["published", "labels of every published product"],
              ["codes", "codes I write"],
            ]}
            onChange={(v) => setWhat(v as What)}
          />
          <Select
            label="Label stock"
            name="stock"
            value={stock}
            options={Object.entries(STOCKS) as [string, string][]}
            onChange={(v) => setStock(v as LabelStock)}
          />
          <Select
            label="Code"
            name="symbology"
            value={symbology}
            options={[
              ["", what === "codes" ? "Code 128" : "the product's barcode, else its SKU"],
              ...SYMBOLOGIES.map((s): [string, string] => [s, s]),
            ]}
            onChange={setSymbology}
          />
        </div>
        {what === "chosen" && <ProductPicker chosen={chosen} onChange={setChosen} />}
        {what === "codes" && (
          <TextArea
            label="Codes, one per line"
            name="source.codes"
            value={codes}
            error={creating.error}
            onInput={setCodes}
          />
        )}
        <div class="row">
          <Field
            label="Copies of each"
            name="copies"
            type="number"
            min={1}
            value={copies}
            error={creating.error}
            onInput={setCopies}
          />
          <Field
            label="Start at position"
            name="start"
            type="number"
            min={1}
            value={start}
            hint="1 is the top left label of the first sheet"
            error={creating.error}
            onInput={setStart}
          />
        </div>
        <ProblemNote error={missing} />
        <ProblemNote error={creating.error} />
        <button type="submit" disabled={creating.busy}>
          {creating.busy ? "Starting…" : "Print labels"}
        </button>
      </form>
    </Section>
  );
}

function ProductPicker(props: { chosen: Product[]; onChange: (products: Product[]) => void }) {
  const [text, setText] = useState("");
  const [found, setFound] = useState<Product[] | null>(null);
  const searching = useAction();
  const search = async () => {
    const page = await searching.run(() =>
      api<Page<Product>>("/products", { query: { q: text.trim() || undefined, limit: 20 } }),
    );
    if (page) setFound(page.items);
  };
  const has = (p: Product) => props.chosen.some((c) => c.id === p.id);
  const toggle = (p: Product, on: boolean) =>
    props.onChange(
      on ? [...props.chosen.filter((c) => c.id !== p.id), p] : props.chosen.filter((c) => c.id !== p.id),
    );
  return (
    <fieldset>
      <legend>Products ({props.chosen.length} chosen)</legend>
      <div class="row">
        <div class="field">
          <label for="label-product-search">Find products</label>
          <input
            id="label-product-search"
            type="search"
            name="q"
            value={text}
            placeholder="Name, SKU or barcode"
            onInput={(e: Event) => setText((e.target as HTMLInputElement).value)}
            onKeyDown={(e: KeyboardEvent) => {
              if (e.key === "Enter") {
                e.preventDefault();
                void search();
              }
            }}
          />
        </div>
        <button type="button" class="secondary" disabled={searching.busy} onClick={search}>
          Find
        </button>
      </div>
      <ProblemNote error={searching.error} />
      {found && found.length === 0 && <p class="muted">No products match.</p>}
      {[...props.chosen, ...(found ?? []).filter((p) => !has(p))].map((p) => (
        <Check
          label={`${p.name} · ${p.sku} · ${money(p.price)}`}
          name="product"
          checked={has(p)}
          onChange={(on) => toggle(p, on)}
        />
      ))}
    </fieldset>
  );
}
