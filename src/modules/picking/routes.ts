// Pick & pack's REST door: pick lists made and walked, short picks, an order's parcels and its shipment.
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { IdempotencyHeader, idempotent } from "../../lib/idempotency";
import { createRouter, IdParam, json, jsonBody, optionalJsonBody, problems } from "../../lib/openapi";
import { pageOf } from "../../lib/pagination";
import { forbidden } from "../../lib/problem";
import { principalOf, requirePermission } from "../auth/middleware";
import { audienceOf } from "../auth/principal";
import { OrderSchema } from "../orders/schemas";
import { getPickList, listPickLists, makePickLists } from "./lists";
import { addParcel, listParcels, shipOrder } from "./pack";
import { pickItem, shortPick } from "./pick";
import {
  MakePickListsBody,
  ParcelBody,
  ParcelList,
  ParcelSchema,
  PickBody,
  PickLineParam,
  PickListQuery,
  PickListSchema,
  PickListSummary,
  PickListsMade,
  ShipmentBody,
  ShortPickBody,
} from "./schemas";

const read = requirePermission("orders", "read");
const write = requirePermission("orders", "write");

const routes = {
  make: createRoute({
    method: "post",
    path: "/pick-lists",
    tags: ["picking"],
    summary: "Make pick lists from the orders in picking: one per location, walked by bin then SKU",
    description:
      "Takes the lines that hold stock of the orders named (each must be picking), or of every order that is, and that are on no list yet. 201 with the lists made; 200 with no items when nothing was left to pick.",
    middleware: [write] as const,
    request: { headers: IdempotencyHeader, body: optionalJsonBody(MakePickListsBody) },
    responses: {
      200: json(PickListsMade, "Nothing was left to pick"),
      201: json(PickListsMade, "The lists made"),
      ...problems(400, 401, 403, 404, 409, 422),
    },
  }),
  list: createRoute({
    method: "get",
    path: "/pick-lists",
    tags: ["picking"],
    summary: "Pick lists, newest first",
    middleware: [read] as const,
    request: { query: PickListQuery },
    responses: { 200: json(pageOf(PickListSummary), "A page of pick lists"), ...problems(400, 401, 403) },
  }),
  get: createRoute({
    method: "get",
    path: "/pick-lists/{id}",
    tags: ["picking"],
    summary: "One pick list with its lines, and `next`: the line the picker is at",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(PickListSchema, "The pick list"), ...problems(401, 403, 404) },
  }),
  pick: createRoute({
    method: "post",
    path: "/pick-lists/{id}/picks",
    tags: ["picking"],
    summary: "Pick an item: 422, changing nothing, when it is not one to pick",
    description:
      "Takes the first line (by position) still to pick that has `quantity` of the product left. A repeat with the same Idempotency-Key answers the first result and picks nothing. Scanners send what they read to POST /scans (`action: pick`, `pick_list_id`, `scan_id`), which resolves the code and picks here.",
    middleware: [write] as const,
    request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(PickBody) },
    responses: { 200: json(PickListSchema, "Picked"), ...problems(400, 401, 403, 404, 409, 422) },
  }),
  short: createRoute({
    method: "post",
    path: "/pick-lists/{id}/lines/{line_id}/short",
    tags: ["picking"],
    summary: "Pick a line short: records what was found and why, and puts its order under risk",
    description: "Stock levels are not changed: a count establishes what the shelf holds.",
    middleware: [write] as const,
    request: { params: PickLineParam, body: jsonBody(ShortPickBody) },
    responses: { 200: json(PickListSchema, "Recorded"), ...problems(400, 401, 403, 404, 409) },
  }),
  pack: createRoute({
    method: "post",
    path: "/orders/{id}/parcels",
    tags: ["picking"],
    summary: "Pack a parcel of an order that is picking, once every line holding stock is picked whole",
    middleware: [write] as const,
    request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(ParcelBody) },
    responses: { 201: json(ParcelSchema, "Packed"), ...problems(400, 401, 403, 404, 409, 422) },
  }),
  parcels: createRoute({
    method: "get",
    path: "/orders/{id}/parcels",
    tags: ["picking"],
    summary: "An order's parcels, first packed first",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(ParcelList, "Parcels"), ...problems(401, 403, 404) },
  }),
  ship: createRoute({
    method: "post",
    path: "/orders/{id}/shipment",
    tags: ["picking"],
    summary: "Ship a packed order with its tracking: reservations become sales",
    middleware: [write] as const,
    request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(ShipmentBody) },
    responses: { 200: json(OrderSchema, "Shipped"), ...problems(400, 401, 403, 404, 409, 422) },
  }),
};

/** Pick lists span every order at a location: they are for the shop and its fulfilment partners. */
const fulfilment = (c: Context<AppEnv>) => {
  const principal = principalOf(c);
  if (audienceOf(principal) === "customer") throw forbidden("Picking and packing are for the shop.");
  return principal;
};

export const pickingRoutes = createRouter()
  .openapi(routes.make, async (c) => {
    const principal = fulfilment(c);
    const body = c.req.valid("json");
    return idempotent(c, async () => {
      const items = await makePickLists(c.env, principal.id, {
        locationId: body.location_id,
        orderIds: body.order_ids,
      });
      return items.length > 0
        ? { status: 201 as const, body: { items } }
        : { status: 200 as const, body: { items } };
    });
  })
  .openapi(routes.list, async (c) => {
    fulfilment(c);
    return c.json(await listPickLists(c.env, c.req.valid("query")), 200);
  })
  .openapi(routes.get, async (c) => {
    fulfilment(c);
    return c.json(await getPickList(c.env, c.req.valid("param").id), 200);
  })
  .openapi(routes.pick, async (c) => {
    const principal = fulfilment(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    return idempotent(c, async () => ({
      status: 200 as const,
      body: await pickItem(c.env, principal, {
        pickListId: id,
        productId: body.product_id,
        quantity: body.quantity,
      }),
    }));
  })
  .openapi(routes.short, async (c) => {
    const principal = fulfilment(c);
    const { id, line_id } = c.req.valid("param");
    const { found, reason } = c.req.valid("json");
    return c.json(await shortPick(c.env, principal, { pickListId: id, lineId: line_id, found, reason }), 200);
  })
  .openapi(routes.pack, async (c) => {
    const principal = fulfilment(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    return idempotent(c, async () => ({
      status: 201 as const,
      body: await addParcel(c.env, principal, id, body),
    }));
  })
  .openapi(routes.parcels, async (c) => {
    fulfilment(c);
    return c.json({ items: await listParcels(c.env, c.req.valid("param").id) }, 200);
  })
  .openapi(routes.ship, async (c) => {
    const principal = fulfilment(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    return idempotent(c, async () => ({
      status: 200 as const,
      body: await shipOrder(c.env, principal, id, body),
    }));
  });
