// The signed-webhook door: verify over the raw bytes, keep them (R2, then the record) before answering,
// and leave the reading to the INGEST queue. Forged, stale or unknown: 401, recorded for a known source
// (so "why are my orders not arriving?" has an answer in the ingest log), nothing else done.
import { eq } from "drizzle-orm";
import { getDb } from "../../db";
import { webhookSecrets, webhookSources } from "../../db/schema/ingest";
import type { Env } from "../../env";
import { verifyWebhook } from "../../intake/webhooks/verify";
import { Problem, tooManyRequests } from "../../lib/problem";
import { type IngestRow, keep, refuse } from "./store";

/** Headers never kept beside the raw bytes. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key)$|token|secret|password/i;

const keptHeaders = (headers: Headers) =>
  Object.fromEntries(
    [...headers].filter(([name]) => !SECRET_HEADER.test(name)).map(([n, v]) => [`h-${n}`, v]),
  );

const refused = (detail: string) =>
  new Problem({ status: 401, slug: "webhook-refused", title: "Webhook refused", detail });

async function sourceWithSecrets(env: Env, name: string) {
  const db = getDb(env.DB);
  const rows = await db
    .select({ source: webhookSources, secret: webhookSecrets.secret })
    .from(webhookSources)
    .leftJoin(webhookSecrets, eq(webhookSecrets.sourceId, webhookSources.id))
    .where(eq(webhookSources.name, name));
  const source = rows[0]?.source;
  return source && { source, secrets: rows.flatMap((r) => (r.secret ? [r.secret] : [])) };
}

export async function receiveWebhook(env: Env, name: string, request: Request): Promise<IngestRow> {
  const limited = await env.WEBHOOK_LIMITER.limit({ key: `source:${name}` });
  if (!limited.success) throw tooManyRequests(60, `Source ${name} sends too fast; retry in a minute.`);
  const bytes = await request.arrayBuffer();
  const found = await sourceWithSecrets(env, name);
  const log = (reason: string) =>
    console.warn(JSON.stringify({ level: "warn", msg: "webhook refused", source: name, reason }));
  if (!found) {
    log("unknown source");
    throw refused(`No webhook source is called ${name}.`);
  }
  const { source, secrets } = found;
  const contentType = request.headers.get("content-type") ?? "application/octet-stream";
  const verified = source.enabled
    ? await verifyWebhook(source.kind, secrets, request.headers, bytes, Date.now())
    : ({ ok: false, reason: `The source ${name} is switched off.` } as const);
  if (!verified.ok) {
    log(verified.reason);
    await refuse(env, {
      door: "webhook",
      source: name,
      contentType,
      size: bytes.byteLength,
      reason: verified.reason,
    });
    throw refused(verified.reason);
  }
  const record = await keep(env, {
    door: "webhook",
    source: name,
    bytes,
    contentType,
    deliveryId: verified.deliveryId,
    subject: verified.topic,
    metadata: keptHeaders(request.headers),
  });
  if (record.verdict === "accepted") await env.INGEST.send({ record_id: record.id });
  return record;
}
