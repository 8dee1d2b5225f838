// One attempt at one delivery: sign, POST, record what happened, and say whether and when to try again.
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { signedHeaders } from "./sign";

const TIMEOUT_MS = 10_000;
const EXCERPT_CHARS = 500;
/** Enough bytes for 500 characters of any UTF-8 text. */
const EXCERPT_BYTES = EXCERPT_CHARS * 4;
const DEFAULT_BASE_SECONDS = 30;
const MAX_DELAY_SECONDS = 6 * 60 * 60;

/**
 * Seconds to wait after failed attempt `attempt` (1-based): base × 2^(attempt − 1), at most 6 hours.
 * With the deployed base of 30 s and wrangler.toml's max_retries = 20 (21 attempts in all), the 20 waits are
 * 30 s, 1, 2, 4, 8, 16, 32 min, 1 h 4 min, 2 h 8 min, 4 h 16 min (30 × (2^10 − 1) = 30 690 s), then 6 h ten
 * times (216 000 s): 246 690 s, about 68.5 hours (2 days 20 h 31 min) from the first attempt to the last,
 * after which the queue hands the message to roms-events-dead. That fits within the queue's default
 * retention of 4 days.
 */
export function backoffSeconds(env: Env, attempt: number): number {
  const configured = Number(env.EVENT_RETRY_BASE_SECONDS);
  const base = Number.isFinite(configured) && configured >= 0 ? configured : DEFAULT_BASE_SECONDS;
  return Math.min(MAX_DELAY_SECONDS, Math.ceil(base * 2 ** (attempt - 1)));
}

/** What the queue should do with the message: nothing more, or deliver it again later. */
export type Next = { done: true } | { done: false; retryInSeconds: number };

const DONE: Next = { done: true };

interface Pending {
  id: string;
  event_id: string;
  payload: string;
  status: string;
  subscription_id: string;
  url: string | null;
  secret: string | null;
  enabled: number | null;
}

interface Answer {
  statusCode: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
}

/**
 * Delivers once. D1 holds the truth about attempts (the queue's own count survives neither a redelivered
 * message nor a ping sent afresh): the attempt number is claimed there before the POST, so a duplicate
 * message cannot make two attempts with one number.
 */
export async function deliver(env: Env, deliveryId: string): Promise<Next> {
  const row = await env.DB.prepare(
    `SELECT d.id, d.event_id, d.payload, d.status, d.subscription_id, s.url, s.secret, s.enabled
       FROM event_deliveries d LEFT JOIN event_subscriptions s ON s.id = d.subscription_id
      WHERE d.id = ?`,
  )
    .bind(deliveryId)
    .first<Pending>();
  // Gone (taken back by a failed fan-out), or settled already (a redelivered message).
  if (!row || (row.status !== "pending" && row.status !== "retrying")) return DONE;
  if (row.url === null || row.secret === null || !row.enabled) {
    await cancelWaiting(env, "id = ?", row.id);
    return DONE;
  }

  const claimed = await env.DB.prepare(
    `UPDATE event_deliveries SET attempts = attempts + 1, updated_at = ?
      WHERE id = ? AND status IN ('pending', 'retrying') RETURNING attempts`,
  )
    .bind(new Date().toISOString(), row.id)
    .first<{ attempts: number }>();
  if (!claimed) return DONE;
  const attempt = claimed.attempts;

  const at = new Date().toISOString();
  const answer = await post(row.url, await signedHeaders(row.secret, row.event_id, row.payload), row.payload);
  const record = env.DB.prepare(
    `INSERT INTO delivery_attempts (id, delivery_id, attempt, at, status_code, latency_ms, response_excerpt, error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id, attempt) DO NOTHING`,
  ).bind(newId(), row.id, attempt, at, answer.statusCode, answer.latencyMs, answer.excerpt, answer.error);
  const now = new Date().toISOString();
  const code = answer.statusCode;

  if (code !== null && code >= 200 && code < 300) {
    // It arrived: delivered, even if the subscription was switched off while the POST was in flight.
    await env.DB.batch([
      record,
      env.DB.prepare(
        `UPDATE event_deliveries SET status = 'delivered', delivered_at = ?, last_status_code = ?,
                next_attempt_at = NULL, updated_at = ?
          WHERE id = ?`,
      ).bind(now, code, now, row.id),
    ]);
    return DONE;
  }

  if (code === 410) {
    // The receiver says the endpoint is gone for good: stop sending it anything until someone re-enables it.
    await env.DB.batch([
      record,
      env.DB.prepare("UPDATE event_deliveries SET last_status_code = 410, updated_at = ? WHERE id = ?").bind(
        now,
        row.id,
      ),
      env.DB.prepare(
        `UPDATE event_subscriptions SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ? AND enabled = 1`,
      ).bind(`receiver answered 410 Gone at ${now}`, now, row.subscription_id),
      cancelWaitingStatement(env, "subscription_id = ?", row.subscription_id),
    ]);
    return DONE;
  }

  const wait = backoffSeconds(env, attempt);
  const [, rescheduled] = await env.DB.batch([
    record,
    env.DB.prepare(
      `UPDATE event_deliveries SET status = 'retrying', last_status_code = ?, next_attempt_at = ?, updated_at = ?
        WHERE id = ? AND status IN ('pending', 'retrying') RETURNING id`,
    ).bind(code, new Date(Date.now() + wait * 1000).toISOString(), now, row.id),
  ]);
  // Cancelled while the POST was in flight (the subscription was switched off or deleted): no retry.
  return rescheduled?.results.length ? { done: false, retryInSeconds: wait } : DONE;
}

/** The dead-letter queue's verdict: every retry failed. */
export async function markDead(env: Env, deliveryId: string): Promise<void> {
  const now = new Date().toISOString();
  await env.DB.prepare(
    `UPDATE event_deliveries SET status = 'dead', next_attempt_at = NULL, updated_at = ?
      WHERE id = ? AND status IN ('pending', 'retrying')`,
  )
    .bind(now, deliveryId)
    .run();
}

/** Cancels the deliveries still waiting among those `where` picks (one bound parameter). */
export const cancelWaitingStatement = (env: Env, where: "id = ?" | "subscription_id = ?", value: string) => {
  const now = new Date().toISOString();
  return env.DB.prepare(
    `UPDATE event_deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = ?
      WHERE ${where} AND status IN ('pending', 'retrying')`,
  ).bind(now, value);
};

const cancelWaiting = (env: Env, where: "id = ?" | "subscription_id = ?", value: string) =>
  cancelWaitingStatement(env, where, value).run();

/** POSTs without following redirects (a subscription names its final address), within the timeout. */
async function post(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const started = Date.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const latencyMs = Date.now() - started;
    return { statusCode: response.status, latencyMs, excerpt: await excerptOf(response), error: null };
  } catch (error) {
    const latencyMs = Date.now() - started;
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return {
      statusCode: null,
      latencyMs,
      excerpt: null,
      error: timedOut ? `No answer within ${TIMEOUT_MS / 1000} s` : String(error).slice(0, EXCERPT_CHARS),
    };
  }
}

/** The first 500 characters of the answer, reading no more of it than that needs. */
async function excerptOf(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut off midway still has its start.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const text = new TextDecoder().decode(bytes.subarray(0, EXCERPT_BYTES)).slice(0, EXCERPT_CHARS);
  return text === "" ? null : text;
}
