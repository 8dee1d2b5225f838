// The Worker's bindings and what Hono's context carries. It imports nothing of the modules: room stubs are
// typed by src/rooms/stubs.ts, the request's principal by src/modules/auth/principal.ts.

/** The Worker's bindings (wrangler.toml) and secrets (.dev.vars / `wrangler secret put`). */
export interface Bindings {
  DB: D1Database;
  FILES: R2Bucket;
  ORDER_ROOM: DurableObjectNamespace;
  CLAIM_ROOM: DurableObjectNamespace;
  INVENTORY_ROOM: DurableObjectNamespace;
  /** The shop's live feed (one room): new orders and status changes from every door. */
  FEED_ROOM: DurableObjectNamespace;
  /** Who is clocked in now (one room), kept true by attendance. */
  ATTENDANCE_ROOM: DurableObjectNamespace;
  /** Records the doors kept, to be read (src/modules/ingest/queue.ts). */
  INGEST: Queue;
  /** Outbound events: fan-out and per-subscription deliveries (src/modules/events). */
  EVENTS: Queue;
  /** Label jobs' chunks and merges (src/modules/labels/render.ts). */
  LABELS: Queue;
  /** Sales CSV imports: one message per chunk of rows (src/modules/imports). */
  IMPORTS: Queue;
  BROWSER: Fetcher;
  /** Static assets (dist/public, see scripts/assets.mjs): the reference UI of /docs, the documents' fonts. */
  ASSETS: Fetcher;
  LOGIN_LIMITER: RateLimit;
  WEBHOOK_LIMITER: RateLimit;
  DEVICE_LIMITER: RateLimit;

  /** "development", "staging" or "production". Production refuses to issue tokens without JWT_SECRETS. */
  ENVIRONMENT: string;
  /** Comma-separated browser origins allowed by CORS. */
  CORS_ORIGINS: string;
  /** Largest accepted request body in bytes. */
  MAX_BODY_BYTES: string;
  /** A price move of at least this many basis points announces price.changed (an item may set its own). */
  PRICE_CHANGE_BP?: string;
  /** Scrape targets run at once by the clock (each with its own browser session); default 2. */
  SCRAPE_CONCURRENCY?: string;
  /** "false" starts and closes a browser per run instead of reusing idle sessions (the bench compares). */
  SCRAPE_SESSION_REUSE?: string;
  /** Largest upload (a claim photo, a card statement) the file doors accept, in bytes. */
  MAX_UPLOAD_BYTES?: string;
  /** "true" lets anyone create a customer user at /auth/signup; off by default. */
  ALLOW_CUSTOMER_SIGNUP?: string;
  /** Largest inbound email in bytes; larger mail is refused with setReject. */
  MAX_EMAIL_BYTES?: string;
  /** First retry delay of an event delivery in seconds; doubles per retry up to 6 hours. */
  EVENT_RETRY_BASE_SECONDS?: string;

  /** The shop's IANA time zone, for attendance reports and schedules (default UTC). */
  SHOP_TIME_ZONE?: string;
  /** Seconds within which a second card read by the same employee is ignored (default 60). */
  ATTENDANCE_DUPLICATE_SECONDS?: string;
  /** Hours after which an open clock-in is a forgotten clock-out (default 14). */
  ATTENDANCE_MAX_SHIFT_HOURS?: string;

  /** Secrets. JWT_SECRETS is "kid:secret[,kid:secret...]"; the first signs, all verify. */
  JWT_SECRETS?: string;
  ADMIN_EMAIL?: string;
  ADMIN_PASSWORD?: string;
}

export type Env = Bindings;

/**
 * A secret named at run time by staff's configuration (a scrape login's `secret`, a store connection's
 * `token_secret`): its value, or undefined when it is not set. The name is all D1 ever holds.
 */
export const secretNamed = (env: Env, name: string): string | undefined => {
  const value = (env as unknown as Record<string, unknown>)[name];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
};

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
