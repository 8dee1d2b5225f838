// A new product, created as a draft: SKU, name, price and its currency, and the barcodes it carries.
import { useState } from "hono/jsx/dom";
import { api } from "../../api";
import { toMinor } from "../../format";
import { useAction } from "../../ui/hooks";
import { Field, ProblemNote, Section, Select } from "../../ui/parts";
import { barcodesOf } from "./barcodes";
import type { Category, Product } from "./types";

export function NewProduct(props: { categories: Category[]; onCreated: (product: Product) => void }) {
  const [sku, setSku] = useState("");
  const [name, setName] = useState("");
  const [price, setPrice] = useState("");
  const [currency, setCurrency] = useState("EUR");
  const [barcodes, setBarcodes] = useState("");
  const [category, setCategory] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    setDone(null);
    void action.run(async () => {
      const cur = currency.trim().toUpperCase();
      const amount = toMinor(price, cur);
      if (amount === null) throw new Error("The price is a number such as 12.50.");
      const product = await api<Product>("/products", {
        method: "POST",
        body: {
          sku: sku.trim(),
          name: name.trim(),
          price: { amount, currency: cur },
          ...(category && { category_id: category }),
          ...(barcodes.trim() && { barcodes: barcodesOf(barcodes) }),
        },
      });
      setDone(`${product.sku} was created as a draft: publish it when it is ready.`);
      setSku("");
      setName("");
      setPrice("");
      setBarcodes("");
      props.onCreated(product);
    });
  };
  return (
    <Section title="New product">
      <form onSubmit={submit} aria-label="New product">
        <div class="row">
          <Field label="SKU" name="sku" value={sku} required error={action.error} onInput={setSku} />
          <Field label="Name" name="name" value={name} required error={action.error} onInput={setName} />
          <Field
            label="Price"
            name="price.amount"
            value={price}
            required
            placeholder="12.50"
            error={action.error}
            onInput={setPrice}
          />
          <Field
            label="Currency"
            name="price.currency"
            value={currency}
            required
            hint="e.g. EUR"
            error={action.error}
            onInput={setCurrency}
          />
        </div>
        <div class="row">
          <Field
            label="Barcodes (optional)"
            name="barcodes"
            value={barcodes}
            hint="Separated by spaces or commas; 13 digits is an EAN-13, 12 a UPC-A"
            error={action.error}
            onInput={setBarcodes}
          />
          <Select
            label="Category"
            name="category_id"
            value={category}
            options={[["", "none"], ...props.categories.map((c): [string, string] => [c.id, c.name])]}
            onChange={setCategory}
          />
        </div>
        <button type="submit" disabled={action.busy}>
          Create draft
        </button>
      </form>
      <ProblemNote error={action.error} />
      {done && (
        <p class="note" role="status">
          {done}
        </p>
      )}
    </Section>
  );
}
