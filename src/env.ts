import type { Principal } from "./modules/auth/principal";
import type { InventoryRoom } from "./rooms/inventory-room";
import type { OrderRoom } from "./rooms/order-room";

/** The Worker's bindings (wrangler.toml) and secrets (.dev.vars / `wrangler secret put`). */
export interface Bindings {
  DB: D1Database;
  FILES: R2Bucket;
  ORDER_ROOM: DurableObjectNamespace<OrderRoom>;
  INVENTORY_ROOM: DurableObjectNamespace<InventoryRoom>;
  BROWSER: Fetcher;
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
    principal: Principal | undefined;
  };
}

declare global {
  namespace Cloudflare {
    // `env` from "cloudflare:workers" and `ctx.exports` carry the project's types.
    interface Env extends Bindings {}
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "OrderRoom" | "InventoryRoom";
    }
  }
}
