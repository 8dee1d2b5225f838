// The levels at a location: on hand, reserved, available, bin and low-stock threshold, live from the
// location's room; staff who may write set a product's bin and threshold here.
import { useState } from "hono/jsx/dom";
import { api } from "../../api";
import { count } from "../../format";
import { useAction } from "../../ui/hooks";
import { Field, ProblemNote, Table } from "../../ui/parts";
import { ProductName } from "./products";
import type { Level, Product } from "./types";

export const isLow = (l: Level) => l.low_stock_threshold !== null && l.available <= l.low_stock_threshold;

export function LevelsTable(props: {
  levels: Level[];
  products: Map<string, Product>;
  onEdit?: ((level: Level) => void) | undefined;
}) {
  return (
    <Table
      caption="Stock levels at this location"
      rows={props.levels}
      empty="Nothing has been stocked here yet."
      columns={[
        { label: "Product", cell: (l) => <ProductName id={l.product_id} products={props.products} /> },
        { label: "Bin", cell: (l) => l.bin ?? "—" },
        { label: "On hand", cell: (l) => count(l.on_hand), numeric: true },
        { label: "Reserved", cell: (l) => count(l.reserved), numeric: true },
        {
          label: "Available",
          cell: (l) => (
            <>
              {count(l.available)}
              {isLow(l) && (
                <>
                  {" "}
                  <span class="badge badge-short">low</span>
                </>
              )}
            </>
          ),
          numeric: true,
        },
        {
          label: "Low-stock threshold",
          cell: (l) => (l.low_stock_threshold === null ? "—" : count(l.low_stock_threshold)),
          numeric: true,
        },
        ...(props.onEdit
          ? [
              {
                label: "Settings",
                cell: (l: Level) => (
                  <button
                    type="button"
                    class="secondary"
                    aria-label={`Bin and threshold of ${props.products.get(l.product_id)?.sku ?? l.product_id}`}
                    onClick={() => props.onEdit?.(l)}
                  >
                    Bin and threshold
                  </button>
                ),
              },
            ]
          : []),
      ]}
    />
  );
}

/** Where a product sits at the location and when it counts as low. */
export function LevelSettings(props: {
  level: Level;
  product: Product | undefined;
  onSaved: (level: Level) => void;
  onClose: () => void;
}) {
  const { level } = props;
  const [bin, setBin] = useState(level.bin ?? "");
  const [threshold, setThreshold] = useState(
    level.low_stock_threshold === null ? "" : String(level.low_stock_threshold),
  );
  const action = useAction();
  const base = `/inventory/levels/${level.product_id}/${level.location_id}`;
  const save = (event: Event) => {
    event.preventDefault();
    void action
      .run(async () => {
        const wantBin = bin.trim() || null;
        const wantThreshold = threshold.trim() === "" ? null : Number(threshold);
        if (wantThreshold !== null && !Number.isInteger(wantThreshold)) {
          throw new Error("The threshold is a whole number (or empty for none).");
        }
        let saved = level;
        if (wantBin !== level.bin)
          saved = await api<Level>(`${base}/bin`, { method: "PUT", body: { bin: wantBin } });
        if (wantThreshold !== level.low_stock_threshold) {
          saved = await api<Level>(`${base}/threshold`, {
            method: "PUT",
            body: { low_stock_threshold: wantThreshold },
          });
        }
        return saved;
      })
      // Only once the action is over: saving closes this form.
      .then((saved) => saved && props.onSaved(saved));
  };
  const name = props.product ? `${props.product.sku} ${props.product.name}` : level.product_id;
  return (
    <form class="card" onSubmit={save} aria-label={`Settings of ${name}`}>
      <h2>Bin and threshold: {name}</h2>
      <div class="row">
        <Field
          label="Bin"
          name="bin"
          value={bin}
          hint="e.g. A-03-2; empty for none"
          error={action.error}
          onInput={setBin}
        />
        <Field
          label="Low-stock threshold"
          name="low_stock_threshold"
          type="number"
          min={0}
          value={threshold}
          hint="Empty for none"
          error={action.error}
          onInput={setThreshold}
        />
      </div>
      <ProblemNote error={action.error} />
      <div class="actions">
        <button type="submit" disabled={action.busy}>
          Save
        </button>
        <button type="button" class="secondary" onClick={props.onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
