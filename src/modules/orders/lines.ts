// An order's lines against stock: where each line is held (planned for all lines from one read), the
// substitutes offered for a line that cannot be filled, and the one way lines and their reservations are
// written — for orders placed from carts, through intake, and for lines intake replaces.
import { sql } from "drizzle-orm";
import type { Db } from "../../db";
import { preparedInsert } from "../../db/prepared";
import { orderLines } from "../../db/schema/orders";
import type { Env } from "../../env";
import type { Statement } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { similarProducts } from "../catalog/insights";
import { type MovementContext, type PlannedMovement, planMovement, reserveLeg } from "../inventory/legs";
import { chooseLocation, type StockOptions, stockOptions } from "../inventory/levels";
import type { LineRow } from "./view";

export interface DraftLine {
  productId: string | null;
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
  taxRateBp: number;
  /** The customer's own ranked substitutes (from the cart). */
  wanted: string[];
}

/** A line as it will be written: where its stock is held, or why it cannot be. */
export type PlannedLine = LineRow & { wanted: string[] };

/**
 * Picks where each line's stock comes from, given the stock options of its products (one read for all
 * lines): lines of one product share what a location has. Purchases and unknown products hold no stock.
 */
export function planLines(
  orderId: string,
  kind: "sale" | "purchase",
  lines: DraftLine[],
  options: Map<string, StockOptions>,
): PlannedLine[] {
  const taken = new Map<string, Map<string, number>>();
  return lines.map((line, i) => {
    const base = {
      id: newId(),
      orderId,
      lineNo: i + 1,
      productId: line.productId,
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      taxRateBp: line.taxRateBp,
      substitutes: [] as string[],
      replacedProductId: null,
      wanted: line.wanted,
    };
    if (kind !== "sale" || line.productId === null) {
      return { ...base, fill: "untracked" as const, locationId: null, reserved: 0, riskReason: null };
    }
    const planned = taken.get(line.productId) ?? new Map<string, number>();
    taken.set(line.productId, planned);
    const { locationId, most } = chooseLocation(options.get(line.productId), line.quantity, planned);
    if (!locationId) {
      const riskReason = `Only ${most} available for ${line.quantity} ordered.`;
      return { ...base, fill: "short" as const, locationId: null, reserved: 0, riskReason };
    }
    planned.set(locationId, (planned.get(locationId) ?? 0) + line.quantity);
    return { ...base, fill: "ok" as const, locationId, reserved: line.quantity, riskReason: null };
  });
}

/**
 * Fills in, for each short line, up to two substitutes that one location can hold whole (as placing the
 * substitute will need): the customer's own choices first, else ROMS's similar products.
 */
export async function offerSubstitutes(env: Env, lines: PlannedLine[]): Promise<void> {
  const short = lines.filter((l) => l.fill === "short");
  if (short.length === 0) return;
  const fits = (options: Map<string, StockOptions>, line: PlannedLine, ids: string[]) =>
    ids.filter((id) => chooseLocation(options.get(id), line.quantity).most >= line.quantity).slice(0, 2);
  const own = await stockOptions(
    env,
    short.flatMap((l) => l.wanted),
  );
  const needSimilar: { line: PlannedLine; ids: string[] }[] = [];
  for (const line of short) {
    line.substitutes = fits(own, line, line.wanted);
    if (line.substitutes.length === 0 && line.productId !== null) {
      const similar = await similarProducts(env, undefined, line.productId, 5).catch(() => ({ items: [] }));
      needSimilar.push({ line, ids: similar.items.map((i) => i.product.id) });
    }
  }
  if (needSimilar.length === 0) return;
  const options = await stockOptions(
    env,
    needSimilar.flatMap((n) => n.ids),
  );
  for (const { line, ids } of needSimilar) line.substitutes = fits(options, line, ids);
}

/** Movements of an order say which order they serve: its number, read inside the batch that writes them. */
export const orderMovementContext = (orderId: string, actorId: string | null): MovementContext => ({
  actorId,
  referenceType: "order",
  referenceId: orderId,
  reason: sql`(SELECT 'Order ' || number FROM orders WHERE id = ${orderId})`,
});

/** The one line writer: the line row, and the reservation of what it holds. */
const insertLine = preparedInsert(orderLines);

export function writeLines(
  db: Db,
  lines: PlannedLine[],
  ctx: MovementContext,
  at: string,
): { statements: Statement[]; movements: PlannedMovement[] } {
  const movements = lines
    .filter((l) => l.fill === "ok" && l.reserved > 0 && l.locationId !== null && l.productId !== null)
    .map((l) =>
      planMovement(db, reserveLeg(l.productId as string, l.locationId as string, l.reserved), ctx, { at }),
    );
  const statements: Statement[] = [
    ...lines.map(({ wanted: _wanted, ...row }) => insertLine(db, row)),
    ...movements.flatMap((m) => m.statements),
  ];
  return { statements, movements };
}
