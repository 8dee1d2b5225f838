// The stock module's REST door: locations, levels, the movement ledger and the guarded stock verbs.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { IdempotencyHeader, idempotent } from "../../lib/idempotency";
import { createRouter, Id, json, jsonBody, problems } from "../../lib/openapi";
import { PageQuery, pageOf } from "../../lib/pagination";
import { notFound } from "../../lib/problem";
import { LOCATION_HEADER } from "../../rooms/inventory-room";
import { joinRoom, memberOf, upgradeResponses } from "../../rooms/join";
import { inventoryRoom } from "../../rooms/stubs";
import { principalOf, requireAuthenticated, requirePermission } from "../auth/middleware";
import { getLevel, setLevelSettings } from "./levels";
import { createLocation, getLocation, listLocations } from "./locations";
import { adjustStock, countStock, releaseStock, reserveStock, transferStock } from "./moves";
import { listLevels, listLowStock, listMovements } from "./queries";
import {
  AdjustBody,
  BinBody,
  CountBody,
  LevelSchema,
  LocationBody,
  LocationSchema,
  MovementSchema,
  MoveResultSchema,
  ReservationBody,
  StockQuery,
  ThresholdBody,
  TransferBody,
  TransferResultSchema,
} from "./schemas";

const read = requirePermission("inventory", "read");
const write = requirePermission("inventory", "write");
const stockChange = <B extends z.ZodType>(path: string, summary: string, body: B, description?: string) =>
  createRoute({
    method: "post",
    path,
    tags: ["inventory"],
    summary,
    ...(description && { description }),
    middleware: [write] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(body) },
    responses: { 201: json(MoveResultSchema, "Recorded"), ...problems(400, 401, 403, 404, 409, 422) },
  });

const routes = {
  room: createRoute({
    method: "get",
    path: "/inventory/locations/{id}/room",
    tags: ["rooms"],
    summary: "Join a stock location's live room (WebSocket): every movement there, numbered to resume by",
    description:
      "Anyone who may read stock; others, and locations that do not exist, get 404. Resume with `?after=<seq>` (the `seq` of the last movement you saw): the ones you missed come right after the welcome. The frames are in /asyncapi.json (channel `inventoryRoom`).",
    middleware: [requireAuthenticated()] as const,
    request: {
      params: z.object({ id: Id }),
      query: z.object({
        after: z.coerce
          .number()
          .int()
          .min(0)
          .optional()
          .openapi({ description: "Resume after this movement seq" }),
      }),
    },
    responses: upgradeResponses,
  }),
  locations: createRoute({
    method: "get",
    path: "/inventory/locations",
    tags: ["inventory"],
    summary: "Stock locations",
    middleware: [read] as const,
    responses: {
      200: json(z.object({ items: z.array(LocationSchema) }), "Locations"),
      ...problems(401, 403),
    },
  }),
  createLocation: createRoute({
    method: "post",
    path: "/inventory/locations",
    tags: ["inventory"],
    summary: "Create a location (warehouse or shop)",
    middleware: [write] as const,
    request: {
      body: jsonBody(LocationBody),
    },
    responses: { 201: json(LocationSchema, "Created"), ...problems(400, 401, 403) },
  }),
  levels: createRoute({
    method: "get",
    path: "/inventory/levels",
    tags: ["inventory"],
    summary: "Stock levels, by product then location",
    middleware: [read] as const,
    request: { query: StockQuery },
    responses: { 200: json(pageOf(LevelSchema), "A page of levels"), ...problems(400, 401, 403) },
  }),
  level: createRoute({
    method: "get",
    path: "/inventory/levels/{product_id}/{location_id}",
    tags: ["inventory"],
    summary: "One level (zeros when nothing has moved yet)",
    middleware: [read] as const,
    request: { params: z.object({ product_id: Id, location_id: Id }) },
    responses: { 200: json(LevelSchema, "The level"), ...problems(401, 403, 404) },
  }),
  threshold: createRoute({
    method: "put",
    path: "/inventory/levels/{product_id}/{location_id}/threshold",
    tags: ["inventory"],
    summary: "Set or clear the low-stock threshold of a level",
    middleware: [write] as const,
    request: {
      params: z.object({ product_id: Id, location_id: Id }),
      body: jsonBody(ThresholdBody),
    },
    responses: { 200: json(LevelSchema, "Updated"), ...problems(400, 401, 403, 404) },
  }),
  bin: createRoute({
    method: "put",
    path: "/inventory/levels/{product_id}/{location_id}/bin",
    tags: ["inventory"],
    summary:
      "Set or clear where a product sits at a location (pick lists walk bins in order; counts take a shelf)",
    middleware: [write] as const,
    request: {
      params: z.object({ product_id: Id, location_id: Id }),
      body: jsonBody(BinBody),
    },
    responses: { 200: json(LevelSchema, "Updated"), ...problems(400, 401, 403, 404) },
  }),
  lowStock: createRoute({
    method: "get",
    path: "/inventory/low-stock",
    tags: ["inventory"],
    summary: "Levels whose available stock is at or below their threshold",
    middleware: [read] as const,
    request: { query: PageQuery.extend({ location_id: Id.optional() }) },
    responses: { 200: json(pageOf(LevelSchema), "A page of low levels"), ...problems(400, 401, 403) },
  }),
  movements: createRoute({
    method: "get",
    path: "/inventory/movements",
    tags: ["inventory"],
    summary: "The movement ledger, newest first",
    middleware: [read] as const,
    request: { query: StockQuery },
    responses: { 200: json(pageOf(MovementSchema), "A page of movements"), ...problems(400, 401, 403) },
  }),
  adjust: stockChange(
    "/inventory/adjustments",
    "A relative change: receive (+), damage (-) or adjust",
    AdjustBody,
    "Refused with 409 when it would take available stock below zero.",
  ),
  count: stockChange(
    "/inventory/counts",
    "An absolute count, valid only against the version the counter saw",
    CountBody,
    "409 when the level moved since it was read (the body carries the current level), or when the count is below what is reserved.",
  ),
  reserve: stockChange("/inventory/reservations", "Reserve stock (for an order)", ReservationBody),
  release: stockChange("/inventory/releases", "Release reserved stock", ReservationBody),
  transfer: createRoute({
    method: "post",
    path: "/inventory/transfers",
    tags: ["inventory"],
    summary: "Move stock between locations: both legs or neither",
    middleware: [write] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(TransferBody) },
    responses: {
      201: json(TransferResultSchema, "Moved"),
      ...problems(400, 401, 403, 404, 409, 422),
    },
  }),
};

/** Runs a stock change once per Idempotency-Key and answers 201 with it (the change publishes itself). */
const recordChange = <T extends object>(c: Context<AppEnv>, change: () => Promise<T>) =>
  idempotent(c, async () => ({ status: 201 as const, body: await change() }));

type ReservationInput = z.output<typeof ReservationBody>;
const levelOf = (body: ReservationInput) => ({
  productId: body.product_id,
  locationId: body.location_id,
  quantity: body.quantity,
});
const reservationContext = (c: Context<AppEnv>, body: ReservationInput) => ({
  actorId: principalOf(c).id,
  reason: body.reason,
  referenceType: body.reference_type,
  referenceId: body.reference_id,
});

export const inventoryRoutes = createRouter()
  .openapi(routes.room, async (c) => {
    const { id } = c.req.valid("param");
    // As for orders: who may not read stock learns nothing, not even that the location exists.
    if (!principalOf(c).permissions.includes("inventory:read")) throw notFound("No such location.");
    const member = memberOf(c);
    await getLocation(c.env, id);
    return joinRoom(c, inventoryRoom(c.env, id), member, { [LOCATION_HEADER]: id });
  })
  .openapi(routes.locations, async (c) => c.json({ items: await listLocations(c.env) }, 200))
  .openapi(routes.createLocation, async (c) => c.json(await createLocation(c.env, c.req.valid("json")), 201))
  .openapi(routes.levels, async (c) => c.json(await listLevels(c.env, c.req.valid("query")), 200))
  .openapi(routes.level, async (c) => {
    const { product_id, location_id } = c.req.valid("param");
    return c.json(await getLevel(c.env, product_id, location_id), 200);
  })
  .openapi(routes.threshold, async (c) => {
    const { product_id, location_id } = c.req.valid("param");
    const { low_stock_threshold } = c.req.valid("json");
    return c.json(
      await setLevelSettings(c.env, product_id, location_id, { lowStockThreshold: low_stock_threshold }),
      200,
    );
  })
  .openapi(routes.bin, async (c) => {
    const { product_id, location_id } = c.req.valid("param");
    return c.json(
      await setLevelSettings(c.env, product_id, location_id, { bin: c.req.valid("json").bin }),
      200,
    );
  })
  .openapi(routes.lowStock, async (c) => c.json(await listLowStock(c.env, c.req.valid("query")), 200))
  .openapi(routes.movements, async (c) => c.json(await listMovements(c.env, c.req.valid("query")), 200))
  .openapi(routes.adjust, async (c) => {
    const body = c.req.valid("json");
    return recordChange(c, () =>
      adjustStock(
        c.env,
        { productId: body.product_id, locationId: body.location_id, delta: body.delta, kind: body.kind },
        { actorId: principalOf(c).id, reason: body.reason },
      ),
    );
  })
  .openapi(routes.count, async (c) => {
    const body = c.req.valid("json");
    return recordChange(c, () =>
      countStock(
        c.env,
        {
          productId: body.product_id,
          locationId: body.location_id,
          counted: body.counted,
          expectedVersion: body.expected_version,
        },
        { actorId: principalOf(c).id, reason: body.reason },
      ),
    );
  })
  .openapi(routes.reserve, async (c) => {
    const body = c.req.valid("json");
    return recordChange(c, () => reserveStock(c.env, levelOf(body), reservationContext(c, body)));
  })
  .openapi(routes.release, async (c) => {
    const body = c.req.valid("json");
    return recordChange(c, () => releaseStock(c.env, levelOf(body), reservationContext(c, body)));
  })
  .openapi(routes.transfer, async (c) => {
    const body = c.req.valid("json");
    return recordChange(c, () =>
      transferStock(
        c.env,
        {
          productId: body.product_id,
          fromLocationId: body.from_location_id,
          toLocationId: body.to_location_id,
          quantity: body.quantity,
        },
        { actorId: principalOf(c).id, reason: body.reason },
      ),
    );
  });
