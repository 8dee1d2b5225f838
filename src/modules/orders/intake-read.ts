// What the one intake path decides from: the content hash of an intake, and one read of the order, its
// products' stock and the customer.
import type { Db } from "../../db";
import { readBatch } from "../../db/prepared";
import { sha256Hex } from "../../lib/hash";
import { badRequest } from "../../lib/problem";
import { customerRead } from "../customers/service";
import { stockOptionsReads, toStockOptions } from "../inventory/levels";
import type { DraftLine } from "./lines";
import type { OrderIntake } from "./schemas";
import { loadedFrom, orderReads } from "./store";
import type { LineRow, OrderRow } from "./view";

/** Content hash of an intake: the same content, however its keys are ordered, hashes the same. */
export async function intakeHash(intake: OrderIntake): Promise<string> {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === "object"
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  return sha256Hex(JSON.stringify(canonical(intake)));
}

/** Everything intake decides from, in one round trip. */
export async function readForIntake(db: Db, intake: OrderIntake) {
  const key = { source: intake.source, externalRef: intake.external_ref };
  const given = intake.lines ?? [];
  const ids = given.flatMap((l) => (l.product_id ? [l.product_id] : []));
  const skus = given.filter((l) => !l.product_id).map((l) => l.sku);
  const [order, lines, ...rest] = (await readBatch(db, [
    ...orderReads(db, key),
    ...stockOptionsReads(db, { ids, skus }),
    ...(intake.customer_id ? [customerRead(db, intake.customer_id)] : []),
  ])) as [OrderRow[], LineRow[], ...unknown[][]];
  const customer = intake.customer_id ? rest.pop() : undefined;
  const stock = rest as Parameters<typeof toStockOptions>[0][];
  if (customer && customer.length === 0) {
    throw badRequest("No such customer.", [{ in: "body", path: "customer_id", message: "No such customer" }]);
  }
  const { options, bySku } = toStockOptions(stock.flat());
  const draftLines: DraftLine[] = given.map((l, i) => {
    if (l.product_id && !options.has(l.product_id)) {
      throw badRequest("No such product.", [
        { in: "body", path: `lines.${i}.product_id`, message: "No such product" },
      ]);
    }
    return {
      productId: l.product_id ?? bySku.get(l.sku) ?? null,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPriceMinor: l.unit_price,
      taxRateBp: l.tax_rate_bp,
      wanted: [],
    };
  });
  // No lines reported: an update that keeps the order's lines.
  return { existing: loadedFrom(order, lines), draftLines: intake.lines ? draftLines : null, options };
}
