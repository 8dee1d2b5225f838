// The one auth guard: `authenticate` reads the caller; `requireUser()` and friends decide.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { forbidden, unauthorized } from "../../lib/problem";
import type { Principal } from "./principal";
import { verifyAccessToken } from "./tokens";

/** Bearer token from the header, or `access_token` on a WebSocket upgrade (browsers cannot set headers). */
export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  if (header) {
    const [scheme, value] = header.split(" ", 2);
    return scheme?.toLowerCase() === "bearer" && value ? value.trim() : undefined;
  }
  if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
    return new URL(request.url).searchParams.get("access_token") ?? undefined;
  }
  return undefined;
}

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearerToken(c.req.raw);
  if (token !== undefined) {
    const claims = await verifyAccessToken(c.env, token);
    const principal: Principal = {
      kind: "user",
      id: claims.sub,
      role: claims.role as Principal["role"],
      customerId: claims.cid,
      name: claims.name,
    };
    c.set("principal", principal);
  }
  await next();
};

export const requireUser = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (!c.get("principal")) throw unauthorized();
  await next();
};

export const requireRole =
  (...roles: Principal["role"][]): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const principal = c.get("principal");
    if (!principal) throw unauthorized();
    if (!roles.includes(principal.role)) throw forbidden();
    await next();
  };
