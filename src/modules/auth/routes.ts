import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, json, jsonBody, problems } from "../../lib/openapi";
import { login } from "./service";

const LoginBody = z
  .strictObject({
    email: z.email().max(254),
    password: z.string().min(1).max(1024),
  })
  .openapi("LoginRequest");

const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ description: "Seconds until the access token expires." }),
    user: z.object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      role: z.string(),
      customer_id: z.string().nullable(),
    }),
  })
  .openapi("TokenResponse");

const loginRoute = createRoute({
  method: "post",
  path: "/auth/login",
  tags: ["auth"],
  summary: "Sign in with email and password",
  security: [],
  request: { body: jsonBody(LoginBody) },
  responses: {
    200: json(TokenResponse, "Signed in"),
    ...problems(400, 401, 413, 429, 503),
  },
});

export const authRoutes = createRouter().openapi(loginRoute, async (c) => {
  const { email, password } = c.req.valid("json");
  const clientIp = c.req.header("cf-connecting-ip") ?? "unknown";
  const result = await login(c.env, clientIp, email, password);
  c.header("cache-control", "no-store");
  return c.json(
    {
      access_token: result.accessToken,
      token_type: "Bearer" as const,
      expires_in: result.expiresIn,
      user: result.user,
    },
    200,
  );
});
