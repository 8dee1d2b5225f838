// Turns a bearer credential into a Principal. Every request re-reads the user (or key, or device) so a
// disabled user, a revoked session or a revoked key stops working at once; a 30-second per-isolate cache
// keeps that off the hot path, and anything that revokes clears this isolate's cache immediately.
import type { Role } from "../../db/schema/auth";
import type { Env } from "../../env";
import { unauthorized } from "../../lib/problem";
import { effectivePermissions, isPermission, type Permission } from "./permissions";
import type { Principal } from "./principal";
import { opaqueKind, sha256Hex, verifyAccessToken } from "./tokens";

export const PRINCIPAL_CACHE_MS = 30_000;
const MAX_ENTRIES = 5_000;
const cache = new Map<string, { principal: Principal; until: number }>();

/** Called by everything that disables, revokes or changes permissions. */
export function forgetPrincipals(): void {
  cache.clear();
}

async function cached(key: string, load: () => Promise<Principal>): Promise<Principal> {
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.principal;
  const principal = await load();
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, { principal, until: Date.now() + PRINCIPAL_CACHE_MS });
  return principal;
}

async function fromAccessToken(env: Env, token: string): Promise<Principal> {
  const claims = await verifyAccessToken(env, token);
  return cached(`sid:${claims.sid}:${claims.sub}`, async () => {
    const row = await env.DB.prepare(
      `SELECT u.id, u.name, u.role, u.customer_id, u.allowed_modules, u.status, s.revoked_at, s.expires_at
         FROM users u JOIN sessions s ON s.user_id = u.id WHERE u.id = ? AND s.id = ?`,
    )
      .bind(claims.sub, claims.sid)
      .first<{
        id: string;
        name: string;
        role: Role;
        customer_id: string | null;
        allowed_modules: string | null;
        status: string;
        revoked_at: string | null;
        expires_at: string;
      }>();
    const refused = unauthorized("The access token is invalid or expired.");
    if (!row) throw refused;
    if (row.status !== "active" || row.revoked_at !== null || row.expires_at <= new Date().toISOString()) {
      throw refused;
    }
    const allowed = row.allowed_modules === null ? null : (JSON.parse(row.allowed_modules) as string[]);
    return {
      kind: "user",
      id: row.id,
      name: row.name,
      role: row.role,
      customerId: row.customer_id,
      permissions: effectivePermissions(row.role, allowed),
      sessionId: claims.sid,
    };
  });
}

async function fromApiKey(env: Env, hash: string): Promise<Principal> {
  return cached(`key:${hash}`, async () => {
    const row = await env.DB.prepare(
      "SELECT id, name, scopes FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
    )
      .bind(hash)
      .first<{ id: string; name: string; scopes: string }>();
    if (!row) throw unauthorized("The API key is invalid or revoked.");
    const scopes = (JSON.parse(row.scopes) as string[]).filter(isPermission) as Permission[];
    return {
      kind: "api_key",
      id: row.id,
      name: row.name,
      role: null,
      customerId: null,
      permissions: scopes,
      sessionId: null,
    };
  });
}

async function fromDeviceToken(env: Env, hash: string): Promise<Principal> {
  return cached(`dev:${hash}`, async () => {
    const row = await env.DB.prepare(
      "SELECT id, name FROM devices WHERE token_hash = ? AND revoked_at IS NULL",
    )
      .bind(hash)
      .first<{ id: string; name: string }>();
    if (!row) throw unauthorized("The device token is invalid or revoked.");
    return {
      kind: "device",
      id: row.id,
      name: row.name,
      role: null,
      customerId: null,
      permissions: [],
      sessionId: null,
    };
  });
}

export async function resolvePrincipal(env: Env, token: string): Promise<Principal> {
  const kind = opaqueKind(token);
  if (kind === "key") return fromApiKey(env, await sha256Hex(token));
  if (kind === "dev") return fromDeviceToken(env, await sha256Hex(token));
  if (kind === "rt")
    throw unauthorized("A refresh token is not an access token; trade it at /api/v1/auth/refresh.");
  return fromAccessToken(env, token);
}

/** Records use of a key or device, at most once a minute per isolate, off the request's path. */
const touched = new Map<string, number>();
export async function recordUse(env: Env, principal: Principal): Promise<void> {
  if (principal.kind === "user") return;
  const last = touched.get(principal.id) ?? 0;
  if (Date.now() - last < 60_000) return;
  touched.set(principal.id, Date.now());
  const table = principal.kind === "api_key" ? "api_keys" : "devices";
  const column = principal.kind === "api_key" ? "last_used_at" : "last_seen_at";
  await env.DB.prepare(`UPDATE ${table} SET ${column} = ? WHERE id = ?`)
    .bind(new Date().toISOString(), principal.id)
    .run();
}
