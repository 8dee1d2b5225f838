// The console's sign-in: the same sessions as /auth/login and /auth/refresh, but the refresh token lives in
// an HttpOnly cookie scoped to these paths, so page scripts never hold it; the access token is kept in the
// page's memory only. CSRF-safe twice over: the cookie is SameSite=Strict (a cross-site request carries no
// cookie at all), and every door here refuses a request whose Origin is another site.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../../env";
import { createRouter, json, jsonBody, problems } from "../../lib/openapi";
import { forbidden, Problem, unauthorized } from "../../lib/problem";
import { clientOf } from "./middleware";
import { meOf } from "./principal";
import { resolvePrincipal } from "./resolve-principal";
import { LoginBody, MeResponse } from "./schemas";
import { login, logoutByRefreshToken, refresh, type TokenPair } from "./sessions";

/** The cookie holding the refresh token, and the only path it is sent to. */
export const SESSION_COOKIE = "roms_session";
export const SESSION_PATH = "/api/v1/auth/session";

const SessionResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ description: "Seconds until the access token expires." }),
    me: MeResponse,
  })
  .openapi("BrowserSession", {
    description: "An access token for the page's memory; the refresh token was set as an HttpOnly cookie.",
  });

/** A request from another site (its Origin says so) never reaches the session. */
function assertSameOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header("origin");
  if (origin && origin !== new URL(c.req.url).origin) {
    throw forbidden("The console's session can only be used from the console's own origin.");
  }
}

async function answer(c: Context<AppEnv>, pair: TokenPair) {
  setCookie(c, SESSION_COOKIE, pair.refreshToken, {
    path: SESSION_PATH,
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    maxAge: pair.refreshExpiresIn,
  });
  c.header("cache-control", "no-store");
  const principal = await resolvePrincipal(c.env, pair.accessToken);
  return {
    access_token: pair.accessToken,
    token_type: "Bearer" as const,
    expires_in: pair.expiresIn,
    me: meOf(principal),
  };
}

/** The Set-Cookie that clears the session cookie, for answers made as problems too. */
const CLEARED = `${SESSION_COOKIE}=; Max-Age=0; Path=${SESSION_PATH}; HttpOnly; Secure; SameSite=Strict`;

const routes = {
  start: createRoute({
    method: "post",
    path: "/auth/session",
    tags: ["auth"],
    summary: "Sign in from a browser: the refresh token is set as an HttpOnly cookie",
    description:
      "For the console. The answer holds the access token and who signed in; the refresh token goes into a `SameSite=Strict`, `HttpOnly`, `Secure` cookie sent only to /api/v1/auth/session. Refused from another origin.",
    security: [],
    request: { body: jsonBody(LoginBody) },
    responses: { 200: json(SessionResponse, "Signed in"), ...problems(400, 401, 403, 413, 429, 503) },
  }),
  refresh: createRoute({
    method: "post",
    path: "/auth/session/refresh",
    tags: ["auth"],
    summary: "A new access token for the browser session (its cookie is rotated)",
    description:
      "Trades the session cookie's refresh token, like /auth/refresh: a token presented twice ends the session. A browser page serializes its refreshes across tabs (Web Locks), so tabs never present the same token.",
    security: [],
    responses: { 200: json(SessionResponse, "A new access token"), ...problems(401, 403, 503) },
  }),
  end: createRoute({
    method: "delete",
    path: "/auth/session",
    tags: ["auth"],
    summary: "Sign out of the browser session (also when already signed out)",
    security: [],
    responses: { 204: { description: "Signed out; the cookie is cleared" }, ...problems(403) },
  }),
};

export const sessionRoutes = createRouter()
  .openapi(routes.start, async (c) => {
    assertSameOrigin(c);
    const { email, password } = c.req.valid("json");
    const signedIn = await login(c.env, { email, password, ...clientOf(c) });
    return c.json(await answer(c, signedIn), 200);
  })
  .openapi(routes.refresh, async (c) => {
    assertSameOrigin(c);
    const presented = getCookie(c, SESSION_COOKIE);
    if (!presented) throw unauthorized("Not signed in: there is no session in this browser. Sign in.");
    try {
      return c.json(await answer(c, await refresh(c.env, presented)), 200);
    } catch (error) {
      // A refused token is gone for good: the browser forgets it with the answer.
      if (!(error instanceof Problem) || error.status !== 401) throw error;
      throw new Problem({
        ...error,
        detail: error.detail,
        headers: { ...error.headers, "set-cookie": CLEARED },
      });
    }
  })
  .openapi(routes.end, async (c) => {
    assertSameOrigin(c);
    const presented = getCookie(c, SESSION_COOKIE);
    if (presented) await logoutByRefreshToken(c.env, presented);
    c.header("set-cookie", CLEARED);
    return c.body(null, 204);
  });
