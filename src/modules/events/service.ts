// Event subscriptions: who receives which events where, switching them on and off, pings, and the delivery log.
import { asc, eq, type SQL, sql } from "drizzle-orm";
import { getDb, isoNow } from "../../db";
import {
  type DELIVERY_STATUSES,
  deliveryAttempts,
  type EventType,
  eventDeliveries,
  eventSubscriptions,
} from "../../db/schema/events";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { badRequest, conflict, notFound, serviceUnavailable } from "../../lib/problem";
import { newSecret } from "../../lib/standard-webhooks";
import type { Principal } from "../auth/principal";
import { domainEvent } from "./announce";
import { cancelWaitingStatement } from "./deliver";
import { payloadOf, queueDeliveries } from "./fanout";
import type { SUBSCRIBABLE_TYPES } from "./schemas";

type Subscribable = (typeof SUBSCRIBABLE_TYPES)[number];
type Subscription = typeof eventSubscriptions.$inferSelect;

const view = (s: Subscription) => ({
  id: s.id,
  url: s.url,
  event_types: s.eventTypes,
  enabled: s.enabled,
  disabled_reason: s.disabledReason,
  created_by: s.createdBy,
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});

const LOOPBACK_HOST = /^(localhost|[\w.-]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The address deliveries go to. https always; plain http only to this machine (localhost, 127.x, ::1), and
 * only where ENVIRONMENT is development or test, so a local receiver works and nothing leaves unencrypted.
 * Loopback addresses are refused elsewhere: in production they would name the delivering machine itself.
 */
export function checkTarget(env: Env, raw: string): string {
  const refuse = (detail: string, message: string) =>
    badRequest(detail, [{ in: "body", path: "url", message }]);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse(
      "The url is not an absolute URL. Give the full address, e.g. https://example.com/hooks/roms.",
      "Not an absolute URL",
    );
  }
  if (url.username || url.password) {
    throw refuse(
      "Leave credentials out of the url: receivers verify each delivery by its webhook-signature instead.",
      "No user or password in the URL",
    );
  }
  const local = LOOPBACK_HOST.test(url.hostname);
  const nearby = env.ENVIRONMENT === "development" || env.ENVIRONMENT === "test";
  if (local && !nearby) {
    throw refuse(
      `A loopback address cannot receive events in ${env.ENVIRONMENT}. Give the receiver's public https address.`,
      "A public address",
    );
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && local)) return url.href;
  throw refuse(
    url.protocol === "http:"
      ? "Use https: events carry order data. Plain http is accepted only for localhost in development and tests."
      : `The url must start with https:// (not ${url.protocol}//).`,
    "An https URL",
  );
}

const distinct = (types: readonly Subscribable[]) => [...new Set(types)];

async function load(env: Env, id: string): Promise<Subscription> {
  const row = await getDb(env.DB).query.eventSubscriptions.findFirst({
    where: eq(eventSubscriptions.id, id),
  });
  if (!row) throw notFound("No such event subscription.");
  return row;
}

/** A new subscription, with its signing secret: the only answer that ever holds it. */
export async function createSubscription(
  env: Env,
  actor: Principal,
  input: { url: string; event_types: readonly Subscribable[] },
) {
  const secret = newSecret();
  const [row] = await getDb(env.DB)
    .insert(eventSubscriptions)
    .values({
      id: newId(),
      url: checkTarget(env, input.url),
      eventTypes: distinct(input.event_types),
      secret,
      createdBy: actor.id,
    })
    .returning();
  return { ...view(row as Subscription), secret };
}

export async function listSubscriptions(env: Env, page: { limit: number; cursor?: string | undefined }) {
  const result = await newestFirst(
    getDb(env.DB).select().from(eventSubscriptions).$dynamic(),
    { time: eventSubscriptions.createdAt, id: eventSubscriptions.id },
    [],
    page,
    (s) => [s.createdAt, s.id],
  );
  return { items: result.items.map(view), next_cursor: result.next_cursor };
}

export const getSubscription = async (env: Env, id: string) => view(await load(env, id));

/**
 * Changes the address, the types or the switch. Switching off cancels the deliveries still waiting (they
 * would be cancelled when their turn came anyway); switching on clears the reason it was off and delivers
 * what happens from then on.
 */
export async function updateSubscription(
  env: Env,
  actor: Principal,
  id: string,
  patch: {
    url?: string | undefined;
    event_types?: readonly Subscribable[] | undefined;
    enabled?: boolean | undefined;
  },
) {
  const current = await load(env, id);
  const now = isoNow();
  const switchedOff = patch.enabled === false && current.enabled;
  const changes: Partial<Subscription> = { updatedAt: now };
  if (patch.url !== undefined) changes.url = checkTarget(env, patch.url);
  if (patch.event_types !== undefined) changes.eventTypes = distinct(patch.event_types);
  if (patch.enabled === true) Object.assign(changes, { enabled: true, disabledReason: null });
  if (switchedOff) {
    Object.assign(changes, { enabled: false, disabledReason: `switched off by ${actor.name} at ${now}` });
  }
  const [row] = await getDb(env.DB)
    .update(eventSubscriptions)
    .set(changes)
    .where(eq(eventSubscriptions.id, id))
    .returning();
  if (!row) throw notFound("No such event subscription.");
  // Not in one batch with the switch, and need not be: a delivery of a switched-off subscription is
  // cancelled when its turn comes.
  if (switchedOff) await cancelWaitingStatement(env, "subscription_id = ?", id).run();
  return view(row);
}

/** Deletes the subscription; deliveries still waiting are cancelled, the log of past ones stays. */
export async function deleteSubscription(env: Env, id: string): Promise<void> {
  const [deleted] = await env.DB.batch([
    env.DB.prepare("DELETE FROM event_subscriptions WHERE id = ? RETURNING id").bind(id),
    cancelWaitingStatement(env, "subscription_id = ?", id),
  ]);
  if (!deleted?.results.length) throw notFound("No such event subscription.");
}

/** Sends a `ping` event to this one subscription, by the same queue and signing as every other event. */
export async function pingSubscription(env: Env, id: string) {
  const subscription = await load(env, id);
  if (!subscription.enabled) {
    throw conflict(
      `The subscription is switched off (${subscription.disabledReason ?? "no reason recorded"}). Switch it on with PATCH {"enabled": true}, then ping.`,
    );
  }
  const event = domainEvent("ping", { subscription_id: id });
  const [row] = await getDb(env.DB)
    .insert(eventDeliveries)
    .values({
      id: newId(),
      subscriptionId: id,
      eventId: event.id,
      eventType: event.type,
      payload: payloadOf(event),
      status: "pending",
    })
    .returning();
  const delivery = row as typeof eventDeliveries.$inferSelect;
  try {
    await queueDeliveries(env, [delivery.id]);
  } catch {
    throw serviceUnavailable("The event queue did not take the ping. Nothing was sent; try again shortly.");
  }
  return { delivery_id: delivery.id, event_id: event.id, status: delivery.status };
}

type Delivery = typeof eventDeliveries.$inferSelect;
type Attempt = typeof deliveryAttempts.$inferSelect;

const attemptView = (a: Attempt) => ({
  attempt: a.attempt,
  at: a.at,
  status_code: a.statusCode,
  latency_ms: a.latencyMs,
  response_excerpt: a.responseExcerpt,
  error: a.error,
});

const deliveryView = (d: Delivery, attempts: Attempt[]) => ({
  id: d.id,
  subscription_id: d.subscriptionId,
  event_id: d.eventId,
  event_type: d.eventType as EventType,
  status: d.status,
  attempt_count: d.attempts,
  last_status_code: d.lastStatusCode,
  next_attempt_at: d.nextAttemptAt,
  delivered_at: d.deliveredAt,
  created_at: d.createdAt,
  updated_at: d.updatedAt,
  payload: JSON.parse(d.payload) as { type: string; timestamp: string; data: Record<string, unknown> },
  attempts: attempts.map(attemptView),
});

/** The subscription's deliveries, newest first, each with every attempt in order. */
export async function listDeliveries(
  env: Env,
  subscriptionId: string,
  filter: {
    status?: (typeof DELIVERY_STATUSES)[number] | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  await load(env, subscriptionId);
  const db = getDb(env.DB);
  const where: SQL[] = [eq(eventDeliveries.subscriptionId, subscriptionId)];
  if (filter.status) where.push(eq(eventDeliveries.status, filter.status));
  const page = await newestFirst(
    db.select().from(eventDeliveries).$dynamic(),
    { time: eventDeliveries.createdAt, id: eventDeliveries.id },
    where,
    filter,
    (d) => [d.createdAt, d.id],
  );
  // One read for the page's attempts: the ids travel as one JSON parameter (D1 binds at most 100).
  const attempts =
    page.items.length === 0
      ? []
      : await db
          .select()
          .from(deliveryAttempts)
          .where(
            sql`${deliveryAttempts.deliveryId} IN (SELECT value FROM json_each(${JSON.stringify(page.items.map((d) => d.id))}))`,
          )
          .orderBy(asc(deliveryAttempts.deliveryId), asc(deliveryAttempts.attempt));
  const byDelivery = new Map<string, Attempt[]>();
  for (const a of attempts) byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), a]);
  return {
    items: page.items.map((d) => deliveryView(d, byDelivery.get(d.id) ?? [])),
    next_cursor: page.next_cursor,
  };
}
