// Identity tables: who may sign in, and with what role.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const ROLES = ["admin", "manager", "staff", "vendor", "customer"] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Stored lower-cased; unique. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    /** Set for customer users: the customer whose records they may see. */
    customerId: text("customer_id"),
    /** JSON array of module names narrowing the role's defaults; null means the role's full set. */
    allowedModules: text("allowed_modules", { mode: "json" }).$type<string[] | null>(),
    /** Versioned: "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>". */
    passwordHash: text("password_hash").notNull(),
    status: text("status", { enum: ["active", "disabled"] })
      .notNull()
      .default("active"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("users_email_uq").on(t.email), index("users_created_idx").on(t.createdAt, t.id)],
);

/** A sign-in: one refresh-token family. Access tokens carry its id (`sid`); revoking it ends them all. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    createdAt: text("created_at").notNull().default(now),
    /** Absolute end of the session, however often it is refreshed. */
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
    /** logout, reuse-detected, disabled, password-changed, password-reset */
    revokedReason: text("revoked_reason"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Refresh tokens are random and stored only as SHA-256 hashes; each is good for one use. */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: text("created_at").notNull().default(now),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    /** The token that replaced this one; set in the same statement that marks it used. */
    replacedBy: text("replaced_by"),
  },
  (t) => [
    uniqueIndex("refresh_tokens_hash_uq").on(t.tokenHash),
    index("refresh_tokens_session_idx").on(t.sessionId),
  ],
);

/** Integration keys (stores, scripts): shown once, stored hashed, scoped to permissions. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** The first characters of the key, to recognise it in a list. */
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull().default(now),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_uq").on(t.keyHash), index("api_keys_created_idx").on(t.createdAt, t.id)],
);

/** On-site agents (card readers, scanners); a device token reaches only the device endpoints. */
export const devices = sqliteTable(
  "devices",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    location: text("location"),
    prefix: text("prefix").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull().default(now),
    lastSeenAt: text("last_seen_at"),
    /** What the device's agent says it is (x-agent-version), as of its last delivery. */
    agentVersion: text("agent_version"),
    /** The longest silence before the device shows as offline; its agent beats three times as often. */
    heartbeatSeconds: integer("heartbeat_seconds").notNull().default(60),
    /** What the agent said in its last heartbeat: queue depth, dead reads, last delivery, its ports. */
    lastHeartbeat: text("last_heartbeat", { mode: "json" }).$type<Record<string, unknown>>(),
    revokedAt: text("revoked_at"),
  },
  (t) => [
    uniqueIndex("devices_token_hash_uq").on(t.tokenHash),
    index("devices_created_idx").on(t.createdAt, t.id),
  ],
);
