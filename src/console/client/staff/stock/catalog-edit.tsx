// One product's editor: name, description, price, barcodes and its image; publishing is on its row.
import { useState } from "hono/jsx/dom";
import { api, apiResponse } from "../../api";
import { fromMinor, toMinor } from "../../format";
import { useAction, useSafeEffect } from "../../ui/hooks";
import { Field, ProblemNote, TextArea } from "../../ui/parts";
import { barcodesOf } from "./barcodes";
import { forgetProduct } from "./products";
import type { Product } from "./types";

/** The image as the API serves it (drafts' images need the session, so not a plain <img src>). */
function useImage(product: Product): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useSafeEffect(() => {
    if (!product.image_url) return setUrl(null);
    let made: string | null = null;
    let current = true;
    apiResponse(product.image_url)
      .then((res) => res.blob())
      .then((blob) => {
        if (!current) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      .catch(() => current && setUrl(null));
    return () => {
      current = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [product.id, product.updated_at, product.image_url]);
  return url;
}

export function EditProduct(props: { product: Product; onSaved: (p: Product) => void; onClose: () => void }) {
  const p = props.product;
  const [name, setName] = useState(p.name);
  const [description, setDescription] = useState(p.description ?? "");
  const [price, setPrice] = useState(fromMinor(p.price.amount, p.price.currency));
  const [currency, setCurrency] = useState(p.price.currency);
  const [barcodes, setBarcodes] = useState(p.barcodes.map((b) => b.barcode).join(" "));
  const [saved, setSaved] = useState<string | null>(null);
  const action = useAction();
  const upload = useAction();
  const image = useImage(p);
  // Another product chosen: its own values.
  useSafeEffect(() => {
    setName(p.name);
    setDescription(p.description ?? "");
    setPrice(fromMinor(p.price.amount, p.price.currency));
    setCurrency(p.price.currency);
    setBarcodes(p.barcodes.map((b) => b.barcode).join(" "));
    setSaved(null);
  }, [p.id]);
  const done = (next: Product, what: string) => {
    forgetProduct(next.id);
    setSaved(what);
    props.onSaved(next);
  };
  const save = (event: Event) => {
    event.preventDefault();
    setSaved(null);
    void action.run(async () => {
      const cur = currency.trim().toUpperCase();
      const amount = toMinor(price, cur);
      if (amount === null) throw new Error("The price is a number such as 12.50.");
      const next = await api<Product>(`/products/${p.id}`, {
        method: "PATCH",
        body: {
          name: name.trim(),
          description: description.trim() || null,
          price: { amount, currency: cur },
          barcodes: barcodesOf(barcodes),
        },
      });
      done(next, `${next.sku} is saved.`);
    });
  };
  const chooseImage = ([file]: File[]) => {
    if (!file) return;
    setSaved(null);
    void upload.run(async () => {
      const next = await api<Product>(`/products/${p.id}/image`, {
        method: "PUT",
        body: file,
        headers: { "content-type": file.type || "application/octet-stream" },
      });
      done(next, `The image of ${next.sku} is saved.`);
    });
  };
  return (
    <section class="card" aria-label={`Edit ${p.sku}`}>
      <header class="card-head">
        <h2>Edit {p.sku}</h2>
        <button type="button" class="secondary" onClick={props.onClose}>
          Close
        </button>
      </header>
      <form onSubmit={save}>
        <div class="row">
          <Field label="Name" name="name" value={name} required error={action.error} onInput={setName} />
          <Field
            label="Price"
            name="price.amount"
            value={price}
            required
            error={action.error}
            onInput={setPrice}
          />
          <Field
            label="Currency"
            name="price.currency"
            value={currency}
            required
            error={action.error}
            onInput={setCurrency}
          />
        </div>
        <Field
          label="Barcodes"
          name="barcodes"
          value={barcodes}
          hint="Separated by spaces or commas; the list replaces the product's barcodes"
          error={action.error}
          onInput={setBarcodes}
        />
        <TextArea
          label="Description"
          name="description"
          value={description}
          error={action.error}
          onInput={setDescription}
        />
        <button type="submit" disabled={action.busy}>
          Save
        </button>
      </form>
      <ProblemNote error={action.error} />
      <Field
        label="Image (PNG, JPEG or WebP, at most 5 MiB)"
        name="image"
        type="file"
        accept="image/png,image/jpeg,image/webp"
        onFiles={chooseImage}
      />
      {image && <img class="product-image" src={image} alt={`${p.name}`} width={160} />}
      <ProblemNote error={upload.error} />
      {saved && (
        <p class="note" role="status">
          {saved}
        </p>
      )}
    </section>
  );
}
