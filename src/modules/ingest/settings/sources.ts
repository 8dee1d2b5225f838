// Webhook sources and their secrets: who may post to /api/v1/webhooks/{name}, and which keys verify it.
// A secret is shown once, when it is made; after that only its last 4 characters.
import { and, asc, desc, eq } from "drizzle-orm";
import { getDb } from "../../../db";
import { type WebhookKind, webhookSecrets, webhookSources } from "../../../db/schema/ingest";
import type { Env } from "../../../env";
import { isUniqueViolation } from "../../../lib/db-errors";
import { newId } from "../../../lib/ids";
import { badRequest, conflict, notFound } from "../../../lib/problem";
import { newSecret } from "../../../lib/standard-webhooks";

type SourceRow = typeof webhookSources.$inferSelect;
type SecretRow = typeof webhookSecrets.$inferSelect;
type OrderKind = SourceRow["orderKind"];

/** Enough to rotate with room to spare; more is a sign of secrets never removed. */
export const MAX_SECRETS = 10;
const MIN_STANDARD_KEY_BYTES = 24;
const MIN_SHOP_SECRET = 16;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Where a shop shows the secret it signs with: ROMS cannot make it. */
const WHERE_THE_SHOP_SHOWS_IT: Record<Exclude<WebhookKind, "standard">, string> = {
  shopify:
    'Shopify makes this secret: copy it from Shopify admin → Settings → Notifications → Webhooks ("Your webhooks will be signed with …"), or, for webhooks an app subscribes, the app\'s client secret (Settings → Apps → Develop apps → API credentials).',
  woocommerce:
    "WooCommerce makes this secret: copy it from WordPress admin → WooCommerce → Settings → Advanced → Webhooks → your webhook → Secret.",
};

export const webhookUrl = (origin: string, name: string) => `${origin}/api/v1/webhooks/${name}`;

const secretView = (s: SecretRow) => ({
  id: s.id,
  label: s.label,
  created_at: s.createdAt,
  hint: s.secret.slice(-4),
});

const sourceView = (origin: string, s: SourceRow, secrets: SecretRow[]) => ({
  id: s.id,
  name: s.name,
  kind: s.kind,
  order_kind: s.orderKind,
  enabled: s.enabled,
  url: webhookUrl(origin, s.name),
  secrets: secrets.map(secretView),
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});

function standardSecretError(secret: string): string | null {
  const key = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : null;
  const bytes =
    key !== null && BASE64.test(key) ? (key.length / 4) * 3 - (key.match(/=+$/)?.[0].length ?? 0) : 0;
  return bytes >= MIN_STANDARD_KEY_BYTES
    ? null
    : `A Standard Webhooks secret is whsec_ and the base64 of at least ${MIN_STANDARD_KEY_BYTES} random bytes; leave secret out and ROMS makes one.`;
}

/** The secret to keep for a source of this kind: the one given once checked, or a new one for standard. */
function secretFor(kind: WebhookKind, given: string | undefined): string {
  if (given === undefined) {
    if (kind === "standard") return newSecret();
    throw badRequest(`A ${kind} source needs the secret ${kind} signs its webhooks with.`, [
      { in: "body", path: "secret", message: WHERE_THE_SHOP_SHOWS_IT[kind] },
    ]);
  }
  const error =
    kind === "standard"
      ? standardSecretError(given)
      : given.length < MIN_SHOP_SECRET
        ? `At least ${MIN_SHOP_SECRET} characters. ${WHERE_THE_SHOP_SHOWS_IT[kind]}`
        : null;
  if (error !== null)
    throw badRequest("The secret cannot verify this source's webhooks.", [
      { in: "body", path: "secret", message: error },
    ]);
  return given;
}

/** The source and its secrets, oldest secret first; 404 when there is no such source. */
async function load(env: Env, id: string) {
  const db = getDb(env.DB);
  const [sources, secrets] = await db.batch([
    db.select().from(webhookSources).where(eq(webhookSources.id, id)),
    db
      .select()
      .from(webhookSecrets)
      .where(eq(webhookSecrets.sourceId, id))
      .orderBy(asc(webhookSecrets.createdAt), asc(webhookSecrets.id)),
  ]);
  const source = sources[0];
  if (!source) throw notFound("No such webhook source.");
  return { source, secrets };
}

export async function createSource(
  env: Env,
  origin: string,
  input: {
    name: string;
    kind: WebhookKind;
    order_kind: OrderKind;
    secret?: string | undefined;
    label?: string | undefined;
  },
) {
  const secret = secretFor(input.kind, input.secret);
  const db = getDb(env.DB);
  const id = newId();
  try {
    const [[source], [first]] = await db.batch([
      db
        .insert(webhookSources)
        .values({ id, name: input.name, kind: input.kind, orderKind: input.order_kind })
        .returning(),
      db
        .insert(webhookSecrets)
        .values({ id: newId(), sourceId: id, secret, label: input.label ?? null })
        .returning(),
    ]);
    return { ...sourceView(origin, source as SourceRow, [first as SecretRow]), secret };
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict(
        `A webhook source is called ${input.name} already: choose another name (it is the last part of the URL).`,
      );
    }
    throw error;
  }
}

/** Every source, newest first, with its secrets' hints; there are few, so no pagination. */
export async function listSources(env: Env, origin: string) {
  const db = getDb(env.DB);
  const [sources, secrets] = await db.batch([
    db.select().from(webhookSources).orderBy(desc(webhookSources.createdAt), desc(webhookSources.id)),
    db.select().from(webhookSecrets).orderBy(asc(webhookSecrets.createdAt), asc(webhookSecrets.id)),
  ]);
  const bySource = new Map<string, SecretRow[]>();
  for (const secret of secrets)
    bySource.set(secret.sourceId, [...(bySource.get(secret.sourceId) ?? []), secret]);
  return sources.map((s) => sourceView(origin, s, bySource.get(s.id) ?? []));
}

export async function getSource(env: Env, origin: string, id: string) {
  const { source, secrets } = await load(env, id);
  return sourceView(origin, source, secrets);
}

export async function updateSource(
  env: Env,
  origin: string,
  id: string,
  patch: { enabled?: boolean | undefined; order_kind?: OrderKind | undefined },
) {
  await getDb(env.DB)
    .update(webhookSources)
    .set({
      ...(patch.enabled !== undefined && { enabled: patch.enabled }),
      ...(patch.order_kind !== undefined && { orderKind: patch.order_kind }),
      updatedAt: new Date().toISOString(),
    })
    .where(eq(webhookSources.id, id));
  return getSource(env, origin, id);
}

/** The source and its secrets go together; its deliveries stay in the ingest log. */
export async function deleteSource(env: Env, id: string): Promise<void> {
  const [, source] = await env.DB.batch([
    env.DB.prepare("DELETE FROM webhook_secrets WHERE source_id = ?").bind(id),
    env.DB.prepare("DELETE FROM webhook_sources WHERE id = ?").bind(id),
  ]);
  if (source?.meta.changes === 0) throw notFound("No such webhook source.");
}

/**
 * Adds a secret beside the others (rotation: every secret verifies until it is removed). At most
 * MAX_SECRETS, and never the same secret twice: the insert says so itself, so two racing adds cannot pass.
 */
export async function addSecret(
  env: Env,
  sourceId: string,
  input: { secret?: string | undefined; label?: string | undefined },
) {
  const { source, secrets } = await load(env, sourceId);
  const secret = secretFor(source.kind, input.secret);
  const row = await env.DB.prepare(
    `INSERT INTO webhook_secrets (id, source_id, secret, label)
     SELECT ?1, ?2, ?3, ?4
      WHERE (SELECT count(*) FROM webhook_secrets WHERE source_id = ?2) < ?5
        AND NOT EXISTS (SELECT 1 FROM webhook_secrets WHERE source_id = ?2 AND secret = ?3)
     RETURNING id, label, created_at`,
  )
    .bind(newId(), sourceId, secret, input.label ?? null, MAX_SECRETS)
    .first<{ id: string; label: string | null; created_at: string }>();
  if (row === null) {
    throw secrets.some((s) => s.secret === secret)
      ? conflict("This source has this secret already.")
      : conflict(`This source has ${MAX_SECRETS} secrets already: remove one it no longer needs first.`);
  }
  return { ...secretView({ ...row, createdAt: row.created_at, sourceId, secret }), secret };
}

/** Removes one secret, never the last: a source without one would refuse every delivery. */
export async function removeSecret(env: Env, sourceId: string, secretId: string): Promise<void> {
  const removed = await env.DB.prepare(
    `DELETE FROM webhook_secrets
      WHERE id = ?1 AND source_id = ?2 AND (SELECT count(*) FROM webhook_secrets WHERE source_id = ?2) > 1`,
  )
    .bind(secretId, sourceId)
    .run();
  if (removed.meta.changes > 0) return;
  const exists = await getDb(env.DB)
    .select({ id: webhookSecrets.id })
    .from(webhookSecrets)
    .where(and(eq(webhookSecrets.id, secretId), eq(webhookSecrets.sourceId, sourceId)));
  if (exists.length === 0) throw notFound("No such secret on this webhook source.");
  throw conflict(
    "This is the source's last secret, and without one every delivery is refused: add the new secret first (POST /api/v1/webhook-sources/{id}/secrets), then remove this one.",
  );
}
