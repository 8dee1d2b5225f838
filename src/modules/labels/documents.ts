// Documents printed straight from what they describe, answered at once (small; nothing queued): an order's
// packing slip with its shipping labels, and a pick list.
import { renderPackingSlip, renderPickList } from "../../documents/documents";
import { fontBytes } from "../../documents/fonts";
import { renderLabelSheet } from "../../documents/labels";
import { mergePdfs } from "../../documents/merge";
import { type Paper, STOCKS } from "../../documents/stock";
import type { Env } from "../../env";
import type { Principal } from "../auth/principal";
import { getLocation } from "../inventory/locations";
import { visibleOrder } from "../orders/store";
import { getPickList } from "../picking/lists";
import { listParcels } from "../picking/pack";
import { addressLines, getShop, senderLines } from "../shop/profile";
import { shippingItems } from "./sources";

/** The packing slip (A4 or Letter) then one 4x6 in shipping label per parcel, in one PDF. */
export async function orderDocuments(env: Env, principal: Principal, id: string, paper: Paper) {
  const { order, lines } = await visibleOrder(env, principal, id);
  const [fonts, shop, parcels] = await Promise.all([
    fontBytes(env),
    getShop(env),
    listParcels(env, order.id),
  ]);
  // Each code is checked as it is drawn: a bad one is a 400 naming it.
  const labels = shippingItems(order, shop, parcels);
  const slip = await renderPackingSlip(fonts, paper, {
    order_number: order.number,
    placed_at: order.placedAt,
    from: senderLines(shop),
    ship_to: addressLines(order.shippingAddress, order.buyerName),
    lines: lines.map((l) => ({ sku: l.sku ?? "", name: l.name, quantity: l.quantity })),
    parcels: labels.length,
    notes: order.notes,
  });
  const sheet = await renderLabelSheet(fonts, STOCKS["thermal-4x6"], labels);
  const merged = await mergePdfs([slip.bytes, sheet.bytes], `Order ${order.number}`);
  return { ...merged, number: order.number };
}

export async function pickListDocument(env: Env, id: string, paper: Paper) {
  const list = await getPickList(env, id);
  const [fonts, location] = await Promise.all([fontBytes(env), getLocation(env, list.location_id)]);
  return renderPickList(fonts, paper, {
    id: list.id,
    location: location.name,
    created_at: list.created_at,
    lines: list.lines.map((l) => ({
      bin: l.bin,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      picked: l.picked,
      order_number: l.order_number,
      code: l.sku,
    })),
  });
}
