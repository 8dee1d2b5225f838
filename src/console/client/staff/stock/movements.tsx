// The movement ledger of a location, newest first: what changed on hand and reserved, why, and for what.
import { count, when, words } from "../../format";
import { Badge, Table } from "../../ui/parts";
import { ProductName } from "./products";
import type { Movement, Product } from "./types";

const signed = (n: number) => (n > 0 ? `+${count(n)}` : n === 0 ? "0" : `−${count(-n)}`);

function Reference(props: { m: Movement }) {
  const { reference_type: type, reference_id: id } = props.m;
  if (!type) return <>—</>;
  if (type === "count" && id) return <a href={`/stock/counts/${id}`}>count</a>;
  if (type === "order" && id) return <a href={`/orders/${id}`}>order</a>;
  return <>{words(type)}</>;
}

export function MovementsTable(props: { movements: Movement[]; products: Map<string, Product> }) {
  return (
    <Table
      caption="Stock movements at this location, newest first"
      rows={props.movements}
      empty="No stock has moved here yet."
      columns={[
        { label: "When", cell: (m) => when(m.created_at) },
        { label: "Product", cell: (m) => <ProductName id={m.product_id} products={props.products} /> },
        { label: "Kind", cell: (m) => <Badge value={m.kind} /> },
        { label: "On hand", cell: (m) => signed(m.quantity), numeric: true },
        { label: "Reserved", cell: (m) => signed(m.reserved_delta), numeric: true },
        { label: "Reason", cell: (m) => m.reason ?? "—" },
        { label: "For", cell: (m) => <Reference m={m} /> },
      ]}
    />
  );
}
