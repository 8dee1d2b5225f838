// Signed events out: who subscribed to what, and every delivery with each of its attempts.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const EVENT_TYPES = [
  "order.created",
  "order.status_changed",
  "order.updated",
  "stock.low",
  "claim.filed",
  "claim.status_changed",
  "price.changed",
  "ping",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const eventSubscriptions = sqliteTable(
  "event_subscriptions",
  {
    id: text("id").primaryKey(),
    url: text("url").notNull(),
    eventTypes: text("event_types", { mode: "json" }).$type<EventType[]>().notNull(),
    /** whsec_<base64>: shown once when created; signs every delivery (Standard Webhooks). */
    secret: text("secret").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** Why it was switched off (a 410 from the receiver, or staff). */
    disabledReason: text("disabled_reason"),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [index("event_subscriptions_created_idx").on(t.createdAt, t.id)],
);

export const DELIVERY_STATUSES = ["pending", "delivered", "retrying", "dead", "cancelled"] as const;

export const eventDeliveries = sqliteTable(
  "event_deliveries",
  {
    id: text("id").primaryKey(),
    subscriptionId: text("subscription_id").notNull(),
    /** The event's id: the webhook-id header, the same on every attempt, so receivers can drop repeats. */
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The exact body sent on every attempt. */
    payload: text("payload").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    nextAttemptAt: text("next_attempt_at"),
    deliveredAt: text("delivered_at"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("event_deliveries_event_uq").on(t.subscriptionId, t.eventId),
    index("event_deliveries_sub_idx").on(t.subscriptionId, t.createdAt, t.id),
    // The clock's sweep for deliveries whose queue message was lost: only waiting ones are in it.
    index("event_deliveries_waiting_idx").on(t.updatedAt).where(sql`status IN ('pending', 'retrying')`),
  ],
);

export const deliveryAttempts = sqliteTable(
  "delivery_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id").notNull(),
    attempt: integer("attempt").notNull(),
    at: text("at").notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms").notNull(),
    /** The first 500 characters of the response body, or the network error. */
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
  },
  (t) => [uniqueIndex("delivery_attempts_uq").on(t.deliveryId, t.attempt)],
);
