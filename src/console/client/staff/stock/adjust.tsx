// Receiving, damage and corrections: a product by its SKU or barcode, how many, and why. The level the
// table shows follows from the location's room, like any other movement.
import { useState } from "hono/jsx/dom";
import { api } from "../../api";
import { count } from "../../format";
import { useAction } from "../../ui/hooks";
import { Field, ProblemNote, Section, Select } from "../../ui/parts";
import { productByCode } from "./products";
import type { Location, MoveResult } from "./types";

const KINDS: [string, string][] = [
  ["receive", "Receive (adds)"],
  ["damage", "Damage (takes away)"],
  ["adjust", "Adjust (+ or −)"],
];

export function AdjustStock(props: { location: Location }) {
  const [code, setCode] = useState("");
  const [kind, setKind] = useState("receive");
  const [quantity, setQuantity] = useState("");
  const [reason, setReason] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    setDone(null);
    void action.run(async () => {
      const n = Number(quantity);
      if (!quantity.trim() || !Number.isInteger(n) || n === 0)
        throw new Error("Enter a whole number of items.");
      const product = await productByCode(code);
      const delta = kind === "receive" ? Math.abs(n) : kind === "damage" ? -Math.abs(n) : n;
      const result = await api<MoveResult>("/inventory/adjustments", {
        method: "POST",
        body: {
          product_id: product.id,
          location_id: props.location.id,
          delta,
          kind,
          ...(reason.trim() && { reason: reason.trim() }),
        },
      });
      setDone(`${product.sku}: ${count(result.level.on_hand)} on hand at ${props.location.name} now.`);
      setQuantity("");
      setReason("");
    });
  };
  return (
    <Section title="Receive or adjust stock">
      <form onSubmit={submit} aria-label="Receive or adjust stock">
        <div class="row">
          <Field
            label="Product (SKU or barcode)"
            name="product_id"
            value={code}
            required
            error={action.error}
            onInput={setCode}
          />
          <Select label="What happened" name="kind" value={kind} options={KINDS} onChange={setKind} />
          <Field
            label="Quantity"
            name="delta"
            type="number"
            value={quantity}
            required
            hint={kind === "adjust" ? "Negative to take away" : undefined}
            error={action.error}
            onInput={setQuantity}
          />
          <Field
            label="Reason (optional)"
            name="reason"
            value={reason}
            error={action.error}
            onInput={setReason}
          />
        </div>
        <button type="submit" disabled={action.busy}>
          Record
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

export function NewLocation(props: { onCreated: (location: Location) => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState("warehouse");
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action
      .run(() => api<Location>("/inventory/locations", { method: "POST", body: { name: name.trim(), kind } }))
      .then((location) => {
        if (!location) return;
        setName("");
        props.onCreated(location);
      });
  };
  return (
    <Section title="New location">
      <form class="row" onSubmit={submit} aria-label="New location">
        <Field label="Name" name="name" value={name} required error={action.error} onInput={setName} />
        <Select label="Kind" name="kind" value={kind} options={["warehouse", "shop"]} onChange={setKind} />
        <button type="submit" disabled={action.busy}>
          Create location
        </button>
      </form>
      <ProblemNote error={action.error} />
    </Section>
  );
}
