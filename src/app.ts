// The HTTP door: middleware every request passes, the versioned API, the contract and its docs.
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import pkg from "../package.json";
import { consoleRoutes } from "./console/routes";
import { docsRoutes } from "./docs/routes";
import type { AppEnv } from "./env";
import { requestIdFrom } from "./lib/ids";
import { internalError, notFound, Problem, payloadTooLarge, problemFromHttpError } from "./lib/problem";
import { countingD1, serverTiming, withD1Stats } from "./lib/server-timing";
import { analyticsRoutes } from "./modules/analytics/routes";
import { attendanceReportRoutes } from "./modules/attendance/report-routes";
import { attendanceRoutes } from "./modules/attendance/routes";
import { authenticate } from "./modules/auth/middleware";
import { authRoutes } from "./modules/auth/routes";
import { sessionRoutes } from "./modules/auth/session-routes";
import { billingRoutes } from "./modules/billing/routes";
import { cartRoutes } from "./modules/carts/routes";
import { catalogRoutes } from "./modules/catalog/routes";
import { claimRoutes } from "./modules/claims/routes";
import { connectorRoutes } from "./modules/connectors/routes";
import { countRoutes } from "./modules/counts/routes";
import { credentialRoutes } from "./modules/credentials/routes";
import { customerRoutes } from "./modules/customers/routes";
import { deviceRoutes } from "./modules/devices/routes";
import { eventRoutes } from "./modules/events/routes";
import { healthRoutes } from "./modules/health/routes";
import { importRoutes } from "./modules/imports/routes";
import { ingestRoutes } from "./modules/ingest/routes";
import { ingestSettingsRoutes } from "./modules/ingest/settings/routes";
import { inventoryRoutes } from "./modules/inventory/routes";
import { labelRoutes } from "./modules/labels/routes";
import { ledgerRoutes } from "./modules/ledger/routes";
import { orderRoutes } from "./modules/orders/routes";
import { pickingRoutes } from "./modules/picking/routes";
import { priceRoutes } from "./modules/prices/routes";
import { reconciliationRoutes } from "./modules/reconciliation/routes";
import { scanRoutes } from "./modules/scans/routes";
import { scrapeRoutes } from "./modules/scrapes/routes";
import { shopRoutes } from "./modules/shop/routes";
import { feedRoutes } from "./modules/system/feed";
import { systemRoutes } from "./modules/system/routes";
import { userRoutes } from "./modules/users/routes";
import { ensureFirstAdmin } from "./modules/users/service";

const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_MAX_UPLOAD = 100 * 1024 * 1024;
/** The doors that take files (claim photos, card statements): they get MAX_UPLOAD_BYTES instead. */
const UPLOADS = [
  /^\/api\/v1\/claims\/[^/]+\/photos$/,
  /^\/api\/v1\/reconciliation\/statements$/,
  /^\/api\/v1\/imports$/,
];
const isUpload = (method: string, path: string) => method === "POST" && UPLOADS.some((r) => r.test(path));
const SLOW_READ_MS = 500;

/**
 * First-admin bootstrap: while ADMIN_EMAIL / ADMIN_PASSWORD are set and this isolate has not yet seen a
 * user in the table, each API request first makes sure the admin exists (one query once done).
 */
let bootstrapped = false;
let bootstrapping: Promise<unknown> | undefined;

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ strict: true });

  app.use("*", async (c, next) => {
    const started = performance.now();
    const requestId = requestIdFrom(c.req.header("x-request-id"));
    c.set("requestId", requestId);
    // Every service reaches D1 through c.env.DB: this request's round trips are counted there.
    c.env = { ...c.env, DB: countingD1(c.env.DB) as D1Database };
    const { stats } = await withD1Stats(next);
    const totalMs = performance.now() - started;
    c.header("x-request-id", requestId);
    c.header("server-timing", serverTiming(stats, totalMs));
    // Every invocation is in Workers Logs already (method, URL, status, time); our line adds the request id,
    // principal and D1 figures where they help: writes, failures, and reads slower than half a second.
    if (c.req.method === "GET" && c.res.status < 400 && totalMs < SLOW_READ_MS) return;
    const principal = c.get("principal");
    console.log(
      JSON.stringify({
        level: c.res.status >= 500 ? "error" : "info",
        msg: "request",
        request_id: requestId,
        method: c.req.method,
        route: c.req.routePath,
        path: new URL(c.req.url).pathname,
        status: c.res.status,
        duration_ms: Math.round(totalMs),
        d1_queries: stats.queries,
        d1_ms: Math.round(stats.ms * 10) / 10,
        principal: principal ? `${principal.kind}:${principal.id}` : null,
      }),
    );
  });

  app.use(
    "*",
    cors({
      origin: (origin, c) =>
        (c.env.CORS_ORIGINS ?? "")
          .split(",")
          .map((o: string) => o.trim())
          .includes(origin)
          ? origin
          : null,
      allowHeaders: ["authorization", "content-type", "idempotency-key", "x-request-id"],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      exposeHeaders: ["x-request-id", "retry-after", "location", "server-timing"],
      maxAge: 600,
    }),
  );
  app.use("*", secureHeaders());

  app.use("/api/*", async (c, next) => {
    if (!bootstrapped && c.env.ADMIN_EMAIL && c.env.ADMIN_PASSWORD) {
      bootstrapping ??= ensureFirstAdmin(c.env)
        .then(() => {
          bootstrapped = true;
        })
        .catch((error) => {
          console.error(
            JSON.stringify({ level: "error", msg: "first admin bootstrap failed", error: String(error) }),
          );
        })
        .finally(() => {
          bootstrapping = undefined;
        });
      await bootstrapping;
    }
    const limit = isUpload(c.req.method, c.req.path)
      ? Number(c.env.MAX_UPLOAD_BYTES) || DEFAULT_MAX_UPLOAD
      : Number(c.env.MAX_BODY_BYTES) || DEFAULT_MAX_BODY;
    return bodyLimit({
      maxSize: limit,
      onError: () => {
        throw payloadTooLarge(limit);
      },
    })(c, next);
  });
  app.use("/api/*", authenticate);

  const api = new OpenAPIHono<AppEnv>({ strict: true })
    .route("/", healthRoutes)
    .route("/", authRoutes)
    .route("/", sessionRoutes)
    .route("/", userRoutes)
    // Before credentialRoutes: a device's own /devices/heartbeat and /devices/enrollment are not /devices/{id}.
    .route("/", deviceRoutes)
    .route("/", credentialRoutes)
    .route("/", customerRoutes)
    .route("/", ledgerRoutes)
    .route("/", catalogRoutes)
    .route("/", inventoryRoutes)
    .route("/", pickingRoutes)
    .route("/", countRoutes)
    .route("/", scanRoutes)
    .route("/", labelRoutes)
    .route("/", shopRoutes)
    .route("/", cartRoutes)
    .route("/", orderRoutes)
    .route("/", claimRoutes)
    .route("/", billingRoutes)
    .route("/", reconciliationRoutes)
    .route("/", attendanceRoutes)
    .route("/", attendanceReportRoutes)
    .route("/", ingestRoutes)
    .route("/", ingestSettingsRoutes)
    .route("/", scrapeRoutes)
    .route("/", connectorRoutes)
    .route("/", priceRoutes)
    .route("/", importRoutes)
    .route("/", analyticsRoutes)
    .route("/", eventRoutes)
    .route("/", systemRoutes)
    .route("/", feedRoutes);

  app.route("/", healthRoutes);
  app.route("/api/v1", api);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "An access token from /api/v1/auth/login, or an API key.",
  });
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "ROMS API",
      version: pkg.version,
      description:
        "The back office of a small commerce business. Errors are RFC 9457 problem details (application/problem+json). The live rooms' WebSocket protocol (frames each way, errors, limits, reconnecting) is the AsyncAPI 3.0 document at [/asyncapi.json](/asyncapi.json).",
    },
    servers: [{ url: new URL(c.req.url).origin, description: "This deployment" }],
    security: [{ bearer: [] }],
  }));
  app.route("/", docsRoutes); // "/docs" and "/asyncapi.json"
  app.route("/", consoleRoutes); // "/" and the console's sections

  app.notFound((c) =>
    notFound(`No route for ${c.req.method} ${new URL(c.req.url).pathname}.`).toResponse(c.get("requestId")),
  );

  app.onError((error, c) => {
    const requestId = c.get("requestId");
    if (error instanceof Problem) return error.toResponse(requestId);
    if (error instanceof HTTPException && error.status < 500) {
      return problemFromHttpError(error.status, error.message).toResponse(requestId);
    }
    console.error(
      JSON.stringify({
        level: "error",
        msg: "unhandled error",
        request_id: requestId,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      }),
    );
    return internalError().toResponse(requestId);
  });

  return app;
}

export const app = createApp();
