// What happened, told once to everyone who listens: the shop's live feed (FEED_ROOM) and the outbound event
// queue (EVENTS: subscriptions' signed deliveries). Called by the service that committed the change, after
// its batch, and never awaited by the request: deliveries do not slow the request that caused them.
import { waitUntil } from "cloudflare:workers";
import type { EventType } from "../../db/schema/events";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";

export interface DomainEvent {
  /** The event's id: the `webhook-id` of every delivery of it, and the feed's dedupe key. */
  id: string;
  type: EventType;
  occurred_at: string;
  data: Record<string, unknown>;
}

/** What the EVENTS queue carries. */
export type EventMessage = { kind: "fanout"; event: DomainEvent } | { kind: "deliver"; delivery_id: string };

export const domainEvent = (type: EventType, data: Record<string, unknown>, at?: string): DomainEvent => ({
  id: newId(),
  type,
  occurred_at: at ?? new Date().toISOString(),
  data,
});

/** Sends the events to the feed and the queue, in order, without holding up the caller. */
export function announce(env: Env, events: DomainEvent[]): void {
  if (events.length === 0) return;
  const log = (what: string) => (error: unknown) =>
    console.error(
      JSON.stringify({
        level: "error",
        msg: `${what} failed`,
        events: events.map((e) => `${e.type}:${e.id}`),
        error: String(error),
      }),
    );
  waitUntil(
    import("../../rooms/stubs")
      .then(({ feedRoom }) => feedRoom(env).announce(events))
      .catch(log("feed publish")),
  );
  // One retry: the queue is the only way an event reaches subscribers.
  const send = () => env.EVENTS.sendBatch(events.map((event) => ({ body: { kind: "fanout", event } })));
  waitUntil(
    send()
      .catch(() => send())
      .catch(log("event enqueue")),
  );
}
