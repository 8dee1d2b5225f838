// API keys (integrations) and device tokens (on-site agents): shown once, stored as hashes, revocable.
import { desc, eq } from "drizzle-orm";
import { getDb } from "../../db";
import { apiKeys, devices } from "../../db/schema/auth";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { notFound } from "../../lib/problem";
import type { Permission } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { forgetPrincipals } from "../auth/resolve-principal";
import { displayPrefix, newOpaqueToken, sha256Hex } from "../auth/tokens";
import { deviceStatus } from "../devices/heartbeat";

const apiKeyView = (k: typeof apiKeys.$inferSelect) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  created_by: k.createdBy,
  created_at: k.createdAt,
  last_used_at: k.lastUsedAt,
  revoked_at: k.revokedAt,
});

export async function createApiKey(
  env: Env,
  actor: Principal,
  input: { name: string; scopes: Permission[] },
) {
  const key = newOpaqueToken("key");
  const [row] = await getDb(env.DB)
    .insert(apiKeys)
    .values({
      id: newId(),
      name: input.name.trim(),
      prefix: displayPrefix(key),
      keyHash: await sha256Hex(key),
      scopes: [...new Set(input.scopes)],
      createdBy: actor.id,
    })
    .returning();
  return { ...apiKeyView(row as typeof apiKeys.$inferSelect), key };
}

/** Every key, newest first; there are few, so no pagination. */
export async function listApiKeys(env: Env) {
  const rows = await getDb(env.DB).select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map(apiKeyView);
}

/** Revoking twice is fine; an unknown id is 404. */
export async function revokeApiKey(env: Env, id: string): Promise<void> {
  const result = await env.DB.prepare("UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?")
    .bind(new Date().toISOString(), id)
    .run();
  if (result.meta.changes === 0) throw notFound("No such API key.");
  forgetPrincipals();
}

const deviceView = (d: typeof devices.$inferSelect) => ({
  id: d.id,
  name: d.name,
  location: d.location,
  prefix: d.prefix,
  created_by: d.createdBy,
  created_at: d.createdAt,
  last_seen_at: d.lastSeenAt,
  agent_version: d.agentVersion,
  revoked_at: d.revokedAt,
  heartbeat_seconds: d.heartbeatSeconds,
  status: deviceStatus(d),
  last_heartbeat: d.lastHeartbeat ?? null,
});

export async function registerDevice(
  env: Env,
  actor: Principal,
  input: { name: string; location?: string | undefined; heartbeat_seconds?: number | undefined },
) {
  const token = newOpaqueToken("dev");
  const [row] = await getDb(env.DB)
    .insert(devices)
    .values({
      id: newId(),
      name: input.name.trim(),
      location: input.location ?? null,
      ...(input.heartbeat_seconds !== undefined && { heartbeatSeconds: input.heartbeat_seconds }),
      prefix: displayPrefix(token),
      tokenHash: await sha256Hex(token),
      createdBy: actor.id,
    })
    .returning();
  return { ...deviceView(row as typeof devices.$inferSelect), token };
}

export async function listDevices(env: Env) {
  const rows = await getDb(env.DB).select().from(devices).orderBy(desc(devices.createdAt), desc(devices.id));
  return rows.map(deviceView);
}

export async function getDevice(env: Env, id: string) {
  const row = await getDb(env.DB).query.devices.findFirst({ where: eq(devices.id, id) });
  if (!row) throw notFound("No such device.");
  return deviceView(row);
}

export async function revokeDevice(env: Env, id: string): Promise<void> {
  const result = await env.DB.prepare("UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?")
    .bind(new Date().toISOString(), id)
    .run();
  if (result.meta.changes === 0) throw notFound("No such device.");
  forgetPrincipals();
}
