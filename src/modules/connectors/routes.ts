// The connectors module's REST door: Magento 2 store connections, a pull now, and the pulls made.
import { createRoute } from "@hono/zod-openapi";
import { createRouter, IdParam, json, jsonBody, problems } from "../../lib/openapi";
import { PageQuery, pageOf } from "../../lib/pagination";
import { principalOf, requirePermission, requireShop } from "../auth/middleware";
import { ITEMS_PER_PULL, PAGES_PER_PULL } from "./pull";
import { ConnectionCreate, ConnectionList, ConnectionPatch, ConnectionSchema, PullSchema } from "./schemas";
import {
  createConnection,
  getConnection,
  listConnections,
  listPulls,
  pullNow,
  updateConnection,
} from "./service";

/** Store connections are the shop's own plumbing. */
const shopOnly = requireShop("Store connections are the shop's own settings.");
const read = requirePermission("intake", "read");
const write = requirePermission("intake", "write");

const HOW_A_PULL_WORKS =
  `A pull takes the store's orders, then its invoices, through Magento's REST API (\`GET {base_url}/rest/V1/orders\` and \`/V1/invoices\`, with the integration token as Bearer), oldest change first after each feed's cursor (updated_at, entity_id), in pages of page_size, at most ${ITEMS_PER_PULL} items (${PAGES_PER_PULL} pages) a pull; the next carries on. ` +
  "Each page is kept raw (an ingest record, door pull) and read through the order intake (source = the connection's name, external_ref = the increment id) before the cursor moves past it: a pull that fails resumes after the last page applied, and a page read twice changes nothing. " +
  "Magento states: new, pending_payment, payment_review and holded leave the order where intake puts it; processing once invoiced, and every invoice that is not cancelled, release it to picking (pick & pack); complete is shipped; canceled and closed are cancelled. The clock pulls every enabled connection every 15 minutes.";

const routes = {
  create: createRoute({
    method: "post",
    path: "/connectors",
    tags: ["connectors"],
    summary: "Connect a Magento 2 store",
    description: `The token is not sent here: it is a Worker secret, named by token_secret. ${HOW_A_PULL_WORKS}`,
    middleware: [write, shopOnly] as const,
    request: { body: jsonBody(ConnectionCreate) },
    responses: { 201: json(ConnectionSchema, "The connection"), ...problems(400, 401, 403, 409) },
  }),
  list: createRoute({
    method: "get",
    path: "/connectors",
    tags: ["connectors"],
    summary: "The store connections, newest first, with their sync state",
    middleware: [read, shopOnly] as const,
    responses: { 200: json(ConnectionList, "The connections"), ...problems(401, 403) },
  }),
  get: createRoute({
    method: "get",
    path: "/connectors/{id}",
    tags: ["connectors"],
    summary: "A store connection: cursors, last success, last error",
    middleware: [read, shopOnly] as const,
    request: { params: IdParam },
    responses: { 200: json(ConnectionSchema, "The connection"), ...problems(401, 403, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/connectors/{id}",
    tags: ["connectors"],
    summary: "Change a connection's URL, token secret, page size or switch; move its cursors",
    description: "The name is its orders' source and does not change.",
    middleware: [write, shopOnly] as const,
    request: { params: IdParam, body: jsonBody(ConnectionPatch) },
    responses: { 200: json(ConnectionSchema, "The connection"), ...problems(400, 401, 403, 404) },
  }),
  pull: createRoute({
    method: "post",
    path: "/connectors/{id}/pull",
    tags: ["connectors"],
    summary: "Pull the store now",
    description: `Answers when the pull is done, with what it did; a pull that failed is a 200 with status failed and its error. ${HOW_A_PULL_WORKS}`,
    middleware: [write, shopOnly] as const,
    request: { params: IdParam },
    responses: {
      200: json(PullSchema, "The pull"),
      ...problems(401, 403, 404, 409),
    },
  }),
  pulls: createRoute({
    method: "get",
    path: "/connectors/{id}/pulls",
    tags: ["connectors"],
    summary: "A connection's pulls, newest first",
    middleware: [read, shopOnly] as const,
    request: { params: IdParam, query: PageQuery },
    responses: { 200: json(pageOf(PullSchema), "A page of pulls"), ...problems(400, 401, 403, 404) },
  }),
};

export const connectorRoutes = createRouter()
  .openapi(routes.create, async (c) =>
    c.json(await createConnection(c.env, principalOf(c), c.req.valid("json")), 201),
  )
  .openapi(routes.list, async (c) => c.json(await listConnections(c.env), 200))
  .openapi(routes.get, async (c) => c.json(await getConnection(c.env, c.req.valid("param").id), 200))
  .openapi(routes.update, async (c) =>
    c.json(await updateConnection(c.env, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(routes.pull, async (c) => c.json(await pullNow(c.env, c.req.valid("param").id), 200))
  .openapi(routes.pulls, async (c) =>
    c.json(await listPulls(c.env, c.req.valid("param").id, c.req.valid("query")), 200),
  );
