// The one auth guard: `authenticate` establishes the caller; `requirePermission` and `requireDevice` decide.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { forbidden, unauthorized } from "../../lib/problem";
import type { Access, Module } from "./permissions";
import { assertShop, type Principal } from "./principal";
import { recordUse, resolvePrincipal } from "./resolve-principal";

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
    const principal = await resolvePrincipal(c.env, token);
    c.set("principal", principal);
    if (principal.kind !== "user") {
      c.executionCtx.waitUntil(recordUse(c.env, principal).catch(() => undefined));
    }
  }
  await next();
};

/** Any valid credential: user, API key or device. */
export const requireAuthenticated = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (!c.get("principal")) throw unauthorized();
  await next();
};

/** Any signed-in user (not an API key or a device). */
export const requireUser = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const principal = c.get("principal");
  if (!principal) throw unauthorized();
  if (principal.kind !== "user") throw forbidden("This endpoint is for signed-in users.");
  await next();
};

/** A user or API key holding `module:access`. Devices never pass: they reach only device endpoints. */
export const requirePermission =
  (module: Module, access: Access): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const principal = c.get("principal");
    if (!principal) throw unauthorized();
    if (principal.kind === "device" || !principal.permissions.includes(`${module}:${access}`)) {
      throw forbidden(`This needs the ${module}:${access} permission.`);
    }
    await next();
  };

/**
 * For the shop's own side of a module, after requirePermission: vendors and customers get 403 saying why
 * (a customer's billing:read reaches their invoices, not the shop's books).
 */
export const requireShop =
  (detail = "This is for staff and integrations."): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    assertShop(principalOf(c), detail);
    await next();
  };

/** A user or API key holding `module:access`, or a registered device (the scanners on the shop floor). */
export const requirePermissionOrDevice =
  (module: Module, access: Access): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const principal = c.get("principal");
    if (!principal) throw unauthorized();
    if (principal.kind !== "device" && !principal.permissions.includes(`${module}:${access}`)) {
      throw forbidden(`This needs the ${module}:${access} permission.`);
    }
    await next();
  };

/** A registered on-site device, by its device token. */
export const requireDevice = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const principal = c.get("principal");
  if (!principal) throw unauthorized();
  if (principal.kind !== "device") throw forbidden("This endpoint is for registered devices.");
  await next();
};

/** The caller of a route behind one of the guards above. */
export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw unauthorized();
  return principal;
}

/** Who is at the other end of a sign-in: the client's address (the throttle's key) and its user agent. */
export const clientOf = (c: Context<AppEnv>) => ({
  clientIp: c.req.header("cf-connecting-ip") ?? "unknown",
  userAgent: c.req.header("user-agent") ?? null,
});
