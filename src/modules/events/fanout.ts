// From one event to one delivery per interested subscription, each then sent on the queue as its own message.
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import type { DomainEvent, EventMessage } from "./announce";

/** What every attempt of every delivery of the event POSTs, byte for byte (the Standard Webhooks shape). */
export const payloadOf = (event: DomainEvent): string =>
  JSON.stringify({ type: event.type, timestamp: event.occurred_at, data: event.data });

/** The enabled subscriptions and what they take: read once per queue batch, however many events it holds. */
export async function enabledSubscriptions(env: Env): Promise<{ id: string; types: string[] }[]> {
  const { results } = await env.DB.prepare(
    "SELECT id, event_types FROM event_subscriptions WHERE enabled = 1",
  ).all<{
    id: string;
    event_types: string;
  }>();
  return results.map((r) => ({ id: r.id, types: JSON.parse(r.event_types) as string[] }));
}

/**
 * One delivery row per enabled subscription to the event's type. A fan-out message delivered twice finds its
 * rows there already (one per subscription and event) and sends nothing more.
 */
export async function fanOut(
  env: Env,
  event: DomainEvent,
  subscriptions: { id: string; types: string[] }[],
): Promise<string[]> {
  const subscribers = subscriptions.filter((s) => s.types.includes(event.type));
  if (subscribers.length === 0) return [];
  const payload = payloadOf(event);
  const inserted = await env.DB.batch<{ id: string }>(
    subscribers.map((s) =>
      env.DB.prepare(
        `INSERT INTO event_deliveries (id, subscription_id, event_id, event_type, payload, status)
         VALUES (?, ?, ?, ?, ?, 'pending')
         ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id`,
      ).bind(newId(), s.id, event.id, event.type, payload),
    ),
  );
  const fresh = inserted.flatMap((r) => r.results.map((row) => row.id));
  await queueDeliveries(env, fresh);
  return fresh;
}

const SEND_BATCH = 100; // the most messages one sendBatch takes

/**
 * Sends one `deliver` message per delivery. Should a send fail, the rows it did not announce are taken back
 * (they were never tried) and the error rises: the fan-out is retried and makes them again, rather than
 * leaving rows that no message will ever deliver.
 */
export async function queueDeliveries(env: Env, deliveryIds: string[]): Promise<void> {
  for (let i = 0; i < deliveryIds.length; i += SEND_BATCH) {
    const chunk = deliveryIds.slice(i, i + SEND_BATCH);
    try {
      await env.EVENTS.sendBatch(
        chunk.map((id) => ({ body: { kind: "deliver", delivery_id: id } satisfies EventMessage })),
      );
    } catch (error) {
      await env.DB.prepare(
        `DELETE FROM event_deliveries
          WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending' AND attempts = 0`,
      )
        .bind(JSON.stringify(deliveryIds.slice(i)))
        .run();
      throw error;
    }
  }
}

/** Longer than any wait between attempts (6 h), with an hour to spare. */
export const STALLED_AFTER_MS = 7 * 60 * 60_000;

/**
 * Deliveries still waiting long after their next attempt was due: their queue message was lost (a send that
 * failed after the row was written, a queue that dropped it). The clock sends them again; an attempt's
 * number is claimed in D1, so a message that was only late makes no second attempt with the same number.
 */
export async function requeueStalled(env: Env, now: Date): Promise<{ requeued: number }> {
  const before = new Date(now.getTime() - STALLED_AFTER_MS).toISOString();
  const { results } = await env.DB.prepare(
    `SELECT id FROM event_deliveries WHERE status IN ('pending', 'retrying') AND updated_at < ? LIMIT 1000`,
  )
    .bind(before)
    .all<{ id: string }>();
  for (let i = 0; i < results.length; i += SEND_BATCH) {
    await env.EVENTS.sendBatch(
      results
        .slice(i, i + SEND_BATCH)
        .map((r) => ({ body: { kind: "deliver", delivery_id: r.id } satisfies EventMessage })),
    );
  }
  return { requeued: results.length };
}
