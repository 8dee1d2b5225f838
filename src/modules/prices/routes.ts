// The prices module's REST door: watched items, observations recorded by hand or by other systems, prices by
// day and the forecast.
import { createRoute } from "@hono/zod-openapi";
import type { Env } from "../../env";
import { createRouter, json, jsonBody, problems } from "../../lib/openapi";
import { pageOf } from "../../lib/pagination";
import { requirePermission, requireShop } from "../auth/middleware";
import { methodOf } from "./forecast";
import { recordObservations } from "./observations";
import { getItem, itemForecast, itemHistory, listItems, updateItem } from "./queries";
import {
  ForecastQuery,
  HistoryQuery,
  ItemParam,
  ItemQuery,
  ItemSettingsBody,
  ObservationsBody,
  PriceForecastSchema,
  PriceHistorySchema,
  PriceItemSchema,
  RecordedSchema,
} from "./schemas";

/** Customers read the catalog, but the prices the shop watches are its own. */
const shopOnly = requireShop("Watched prices are the shop's own records.");
const read = requirePermission("catalog", "read");
const write = requirePermission("catalog", "write");

const timeZoneOf = (env: Env, asked: string | undefined) => asked ?? env.SHOP_TIME_ZONE ?? "UTC";

const routes = {
  list: createRoute({
    method: "get",
    path: "/prices",
    tags: ["prices"],
    summary: "Watched items by key, with their last price",
    middleware: [read, shopOnly] as const,
    request: { query: ItemQuery },
    responses: { 200: json(pageOf(PriceItemSchema), "A page of items"), ...problems(400, 401, 403) },
  }),
  get: createRoute({
    method: "get",
    path: "/prices/{item}",
    tags: ["prices"],
    summary: "A watched item",
    middleware: [read, shopOnly] as const,
    request: { params: ItemParam },
    responses: { 200: json(PriceItemSchema, "The item"), ...problems(401, 403, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/prices/{item}",
    tags: ["prices"],
    summary: "Set when the item's price is announced: an alert price and a change threshold",
    description:
      "price.changed is announced when a price is recorded below `alert_below` (reason below_alert), or when it moves from the price before it by at least the threshold in basis points (reason changed_beyond_threshold). Only the newest price of each recording is judged.",
    middleware: [write, shopOnly] as const,
    request: { params: ItemParam, body: jsonBody(ItemSettingsBody) },
    responses: { 200: json(PriceItemSchema, "The item"), ...problems(400, 401, 403, 404) },
  }),
  record: createRoute({
    method: "post",
    path: "/prices/observations",
    tags: ["prices"],
    summary: "Record prices seen by a person or another system",
    description:
      "Each observation names its item by source and key (created on first sight; linked to the catalog product whose SKU it gives). A price is kept when it is later than the item's last price from that source and differs from it; the others count as unchanged, so sending the same observations again changes nothing. A batch is walked in time order, so it may carry a new item's whole history. Kept prices may announce price.changed (see PATCH /prices/{item}).",
    middleware: [write, shopOnly] as const,
    request: { body: jsonBody(ObservationsBody) },
    responses: { 200: json(RecordedSchema, "What was kept"), ...problems(400, 401, 403, 413) },
  }),
  history: createRoute({
    method: "get",
    path: "/prices/{item}/history",
    tags: ["prices"],
    summary: "Prices by day in a time zone: open, low, high, close and observations",
    description:
      "Prices are recorded only when they change, so a day without an observation carries the price before it forward (carried_forward). A day opens at the price in force at its midnight. Days before the first known price are left out; prices in another currency than the latest are left out and counted.",
    middleware: [read, shopOnly] as const,
    request: { params: ItemParam, query: HistoryQuery },
    responses: { 200: json(PriceHistorySchema, "The days"), ...problems(400, 401, 403, 404) },
  }),
  forecast: createRoute({
    method: "get",
    path: "/prices/{item}/forecast",
    tags: ["prices"],
    summary:
      "Moving averages, a least-squares trend with prediction intervals, and the change over 7/30/90 days",
    description: `${methodOf({ timeZone: "the asked time zone", currency: null })} With too few days the answer says it cannot forecast (status cannot_forecast) and gives no prices.`,
    middleware: [read, shopOnly] as const,
    request: { params: ItemParam, query: ForecastQuery },
    responses: {
      200: json(PriceForecastSchema, "The forecast, or why there is none"),
      ...problems(400, 401, 403, 404),
    },
  }),
};

export const priceRoutes = createRouter()
  .openapi(routes.list, async (c) => c.json(await listItems(c.env, c.req.valid("query")), 200))
  .openapi(routes.get, async (c) => c.json(await getItem(c.env, c.req.valid("param").item), 200))
  .openapi(routes.update, async (c) =>
    c.json(await updateItem(c.env, c.req.valid("param").item, c.req.valid("json")), 200),
  )
  .openapi(routes.record, async (c) =>
    c.json(await recordObservations(c.env, c.req.valid("json").observations), 200),
  )
  .openapi(routes.history, async (c) => {
    const q = c.req.valid("query");
    return c.json(
      await itemHistory(c.env, c.req.valid("param").item, { ...q, timeZone: timeZoneOf(c.env, q.tz) }),
      200,
    );
  })
  .openapi(routes.forecast, async (c) => {
    const q = c.req.valid("query");
    return c.json(
      await itemForecast(c.env, c.req.valid("param").item, { ...q, timeZone: timeZoneOf(c.env, q.tz) }),
      200,
    );
  });
