// The Worker's bindings and what Hono's context carries. It imports nothing of the modules: room stubs are
// typed by src/rooms/stubs.ts, the request's principal by src/modules/auth/principal.ts.

/** The Worker's bindings (wrangler.toml) and secrets (.dev.vars / `wrangler secret put`). */
export interface Bindings {
  DB: D1Database;
  FILES: R2Bucket;
  ORDER_ROOM: DurableObjectNamespace;
  INVENTORY_ROOM: DurableObjectNamespace;
  BROWSER: Fetcher;
  /** Static assets (dist/public, see scripts/assets.mjs): the reference UI of /docs. */
  ASSETS: Fetcher;
  LOGIN_LIMITER: RateLimit;
  WEBHOOK_LIMITER: RateLimit;

  /** "development", "staging" or "production". Production refuses to issue tokens without JWT_SECRETS. */
  ENVIRONMENT: string;
  /** Comma-separated browser origins allowed by CORS. */
  CORS_ORIGINS: string;
  /** Largest accepted request body in bytes. */
  MAX_BODY_BYTES: string;
  /** "true" lets anyone create a customer user at /auth/signup; off by default. */
  ALLOW_CUSTOMER_SIGNUP?: string;

  /** Secrets. JWT_SECRETS is "kid:secret[,kid:secret...]"; the first signs, all verify. */
  JWT_SECRETS?: string;
  ADMIN_EMAIL?: string;
  ADMIN_PASSWORD?: string;
}

export type Env = Bindings;

/** What Hono's context carries for every request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
  };
}

declare global {
  namespace Cloudflare {
    // `env` from "cloudflare:workers" carries the project's bindings.
    interface Env extends Bindings {}
  }
}
