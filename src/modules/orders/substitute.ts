// Filling a short line with a substitute: the customer picks one of those offered, the shop any published
// product. Its stock is reserved in the same batch; once no line is short the order goes on to picking.
import { and, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { products } from "../../db/schema/catalog";
import { orderLines, orders } from "../../db/schema/orders";
import type { Env } from "../../env";
import { failedAssertion } from "../../lib/batch";
import { totalsOf } from "../../lib/money";
import { badRequest, conflict, forbidden, notFound } from "../../lib/problem";
import { audienceOf, type Principal } from "../auth/principal";
import { planMovement, reserveLeg } from "../inventory/legs";
import { chooseLocation, stockOptions } from "../inventory/levels";
import { orderMovementContext } from "./lines";
import { commitOrder, orderEvent, sourceOf, visibleOrder } from "./store";
import { publishOrderChanges } from "./transition";
import { toOrderView } from "./view";

export async function chooseSubstitute(
  env: Env,
  principal: Principal,
  orderId: string,
  lineId: string,
  productId: string,
) {
  const audience = audienceOf(principal);
  if (audience === "vendor") throw forbidden("Substitutes are chosen by the customer or the shop.");
  const { order, lines } = await visibleOrder(env, principal, orderId);
  const line = lines.find((l) => l.id === lineId);
  if (!line) throw notFound("No such line.");
  if (!["under_risk", "awaiting_customer"].includes(order.status) || line.fill !== "short") {
    throw conflict("Only a short line of an order at risk takes a substitute.", { current: order.status });
  }
  if (audience === "customer" && !line.substitutes.includes(productId)) {
    throw badRequest("Choose one of the substitutes offered for this line.", [
      {
        in: "body",
        path: "product_id",
        message: `One of: ${line.substitutes.join(", ") || "(none offered)"}`,
      },
    ]);
  }
  const db = getDb(env.DB);
  const [product] = await db
    .select()
    .from(products)
    .where(and(eq(products.id, productId), eq(products.status, "published"), isNull(products.deletedAt)));
  if (!product) throw notFound("No such product.");
  if (product.currency !== order.currency)
    throw conflict(`The substitute is priced in ${product.currency}, the order in ${order.currency}.`);
  const place = chooseLocation((await stockOptions(env, [product.id])).get(product.id), line.quantity);
  if (!place.locationId) {
    throw conflict(`The substitute is not in stock for ${line.quantity} either.`, { current: order.status });
  }

  const at = new Date().toISOString();
  const newLines = lines.map((l) =>
    l.id === line.id
      ? { ...l, unitPriceMinor: product.priceMinor, taxRateBp: product.taxRateBp, fill: "ok" as const }
      : l,
  );
  const totals = totalsOf(newLines, order.shippingMinor, order.discountMinor);
  const stillShort = newLines.some((l) => l.fill === "short");
  const source = sourceOf(principal);
  const reservation = planMovement(
    db,
    reserveLeg(product.id, place.locationId, line.quantity),
    orderMovementContext(order.id, principal.id),
    { at },
  );
  const statements = [
    db
      .update(orderLines)
      .set({
        productId: product.id,
        sku: product.sku,
        name: product.name,
        unitPriceMinor: product.priceMinor,
        taxRateBp: product.taxRateBp,
        locationId: place.locationId,
        reserved: line.quantity,
        fill: "ok",
        riskReason: null,
        substitutes: [],
        replacedProductId: line.productId,
      })
      .where(eq(orderLines.id, line.id)),
    ...reservation.statements,
    orderEvent(db, {
      orderId: order.id,
      type: "substitute",
      source,
      actorId: principal.id,
      details: {
        line_no: line.lineNo,
        from: { product_id: line.productId, sku: line.sku },
        to: { product_id: product.id, sku: product.sku },
      },
      at,
    }),
    db
      .update(orders)
      .set({
        subtotalMinor: totals.subtotal,
        taxMinor: totals.tax,
        totalMinor: totals.total,
        version: sql`${orders.version} + 1`,
        updatedAt: at,
        ...(!stillShort && { status: "picking" as const, pickingAt: at }),
      })
      .where(eq(orders.id, order.id)),
    ...(stillShort
      ? []
      : [
          orderEvent(db, {
            orderId: order.id,
            type: "status",
            from: order.status,
            to: "picking",
            source,
            actorId: principal.id,
            details: { reason: "every line filled" },
            at,
          }),
        ]),
  ];
  try {
    const committed = await commitOrder(db, order.id, order, statements);
    publishOrderChanges(
      env,
      committed,
      [reservation],
      [
        { type: "substitute", order_id: order.id, line_no: line.lineNo, product_id: product.id },
        // The last short line filled moves the order on: the room, the feed and subscribers are told so.
        ...(stillShort
          ? []
          : [{ type: "status", order_id: order.id, from: order.status, to: "picking", source }]),
      ],
    );
    return toOrderView(committed.order, committed.lines, audience);
  } catch (error) {
    if (failedAssertion(error))
      throw conflict("The order or the substitute's stock changed meanwhile; try again.");
    throw error;
  }
}
