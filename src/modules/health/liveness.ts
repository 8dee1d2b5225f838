// Liveness: the Worker answers. The entry point serves it before the app is built, so a balancer polling
// every few seconds costs neither D1 nor R2 nor the router (the OpenAPI route documents the same answer).
import pkg from "../../../package.json";
import type { Env } from "../../env";
import { requestIdFrom } from "../../lib/ids";
import { serverTiming } from "../../lib/server-timing";

export const LIVENESS_PATHS = new Set(["/health", "/api/v1/health"]);

/** The body of a liveness answer. */
export const liveness = (env: Env) => ({
  status: "ok" as const,
  version: pkg.version,
  environment: env.ENVIRONMENT,
  time: new Date().toISOString(),
});

/** The whole liveness response, with the headers every ROMS response carries. Not logged: it succeeded. */
export function alive(request: Request, env: Env, started: number): Response {
  return new Response(JSON.stringify(liveness(env)), {
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "x-request-id": requestIdFrom(request.headers.get("x-request-id") ?? undefined),
      "server-timing": serverTiming({ queries: 0, ms: 0 }, performance.now() - started),
    },
  });
}
