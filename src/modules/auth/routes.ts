import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { createRouter, json, jsonBody, optionalJsonBody, problems } from "../../lib/openapi";
import { notFound } from "../../lib/problem";
import { signUpCustomer } from "../users/service";
import { clientOf, principalOf, requireAuthenticated, requireDevice } from "./middleware";
import { meOf } from "./principal";
import {
  LoginBody,
  LogoutBody,
  MeResponse,
  RefreshBody,
  SignUpBody,
  TokenResponse,
  UserSchema,
} from "./schemas";
import {
  login,
  logoutByRefreshToken,
  refresh,
  revokeSession,
  type TokenPair,
  throttleSignIn,
} from "./sessions";

const tokenBody = (pair: TokenPair) => ({
  access_token: pair.accessToken,
  token_type: "Bearer" as const,
  expires_in: pair.expiresIn,
  refresh_token: pair.refreshToken,
  refresh_expires_in: pair.refreshExpiresIn,
});

const loginRoute = createRoute({
  method: "post",
  path: "/auth/login",
  tags: ["auth"],
  summary: "Sign in with email and password",
  description:
    "An unknown email and a wrong password answer the same 401. Throttled per client and per account.",
  security: [],
  request: { body: jsonBody(LoginBody) },
  responses: { 200: json(TokenResponse, "Signed in"), ...problems(400, 401, 413, 429, 503) },
});

const refreshRoute = createRoute({
  method: "post",
  path: "/auth/refresh",
  tags: ["auth"],
  summary: "Trade a refresh token for a new pair (the old one stops working)",
  description: "Presenting a refresh token that was already used ends its whole session.",
  security: [],
  request: { body: jsonBody(RefreshBody) },
  responses: { 200: json(TokenResponse, "A new pair"), ...problems(400, 401, 503) },
});

/** Signed in or not: a refresh token in the body is enough. (Typed apart: an inline `{}` confuses the
 * route's inferred input.) */
const bearerOrNone: RouteConfig["security"] = [{ bearer: [] }, {}];

const logoutRoute = createRoute({
  method: "post",
  path: "/auth/logout",
  tags: ["auth"],
  summary: "End the session of the access token and/or the given refresh token",
  security: bearerOrNone,
  request: { body: optionalJsonBody(LogoutBody) },
  responses: { 204: { description: "Signed out (also when already signed out)" }, ...problems(400) },
});

const meRoute = createRoute({
  method: "get",
  path: "/auth/me",
  tags: ["auth"],
  summary: "Who the credential belongs to, and what it may do",
  middleware: [requireAuthenticated()] as const,
  responses: { 200: json(MeResponse, "The caller"), ...problems(401) },
});

const signUpRoute = createRoute({
  method: "post",
  path: "/auth/signup",
  tags: ["auth"],
  summary: "Customer self sign-up (only when ALLOW_CUSTOMER_SIGNUP is on)",
  description: "Creates a customer user with no customer linked; staff link one before they see any records.",
  security: [],
  request: { body: jsonBody(SignUpBody) },
  responses: { 201: json(UserSchema, "Signed up"), ...problems(400, 404, 409, 429) },
});

const deviceMeRoute = createRoute({
  method: "get",
  path: "/devices/me",
  tags: ["devices"],
  summary: "The device a device token belongs to (agents call it to check their token)",
  middleware: [requireDevice()] as const,
  responses: {
    200: json(z.object({ id: z.string(), name: z.string() }), "This device"),
    ...problems(401, 403),
  },
});

export const authRoutes = createRouter()
  .openapi(loginRoute, async (c) => {
    const { email, password } = c.req.valid("json");
    const signedIn = await login(c.env, { email, password, ...clientOf(c) });
    c.header("cache-control", "no-store");
    return c.json(tokenBody(signedIn), 200);
  })
  .openapi(refreshRoute, async (c) => {
    const pair = await refresh(c.env, c.req.valid("json").refresh_token);
    c.header("cache-control", "no-store");
    return c.json(tokenBody(pair), 200);
  })
  .openapi(logoutRoute, async (c) => {
    const principal = c.get("principal");
    if (principal?.sessionId) await revokeSession(c.env, principal.sessionId, "logout");
    const { refresh_token } = c.req.valid("json");
    if (refresh_token) await logoutByRefreshToken(c.env, refresh_token);
    return c.body(null, 204);
  })
  .openapi(meRoute, async (c) => {
    return c.json(meOf(principalOf(c)), 200);
  })
  .openapi(signUpRoute, async (c) => {
    if (c.env.ALLOW_CUSTOMER_SIGNUP !== "true") throw notFound("Self sign-up is not enabled.");
    const input = c.req.valid("json");
    await throttleSignIn(c.env, clientOf(c).clientIp, input.email.toLowerCase());
    const user = await signUpCustomer(c.env, input);
    return c.json(user, 201);
  })
  .openapi(deviceMeRoute, async (c) => {
    const principal = principalOf(c);
    return c.json({ id: principal.id, name: principal.name }, 200);
  });
