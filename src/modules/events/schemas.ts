// The events module's contract: subscriptions, their deliveries with each attempt, and what a ping answers.
import { z } from "@hono/zod-openapi";
import { DELIVERY_STATUSES, EVENT_TYPES, type EventType } from "../../db/schema/events";
import { PageQuery } from "../../lib/pagination";

/** What a subscription may ask for: every event type but `ping`, which goes to one subscription on request. */
export const SUBSCRIBABLE_TYPES = EVENT_TYPES.filter((t) => t !== "ping") as [
  Exclude<EventType, "ping">,
  ...Exclude<EventType, "ping">[],
];

const EventTypeList = z
  .array(
    z.enum(SUBSCRIBABLE_TYPES, {
      error: `One of ${SUBSCRIBABLE_TYPES.join(", ")} (a ping is sent on request: POST /event-subscriptions/{id}/ping)`,
    }),
  )
  .min(1, "Name at least one event type")
  .max(SUBSCRIBABLE_TYPES.length * 2)
  .openapi({ description: `Any of ${SUBSCRIBABLE_TYPES.join(", ")}. A repeat is kept once.` });

const TargetUrl = z.string().trim().min(1).max(2048).openapi({
  description:
    "Where deliveries are POSTed. https; plain http only to localhost or a loopback address, and only where ENVIRONMENT is development or test.",
  example: "https://example.com/hooks/roms",
});

export const SubscriptionSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    event_types: z.array(z.enum(EVENT_TYPES)),
    enabled: z.boolean(),
    disabled_reason: z
      .string()
      .nullable()
      .openapi({ description: "Why it is off: a 410 Gone from the receiver, or staff" }),
    created_by: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("EventSubscription");

export const CreatedSubscriptionSchema = SubscriptionSchema.extend({
  secret: z.string().openapi({
    description:
      "whsec_<base64>: verify each delivery with it (Standard Webhooks). Shown in this answer only; keep it now.",
  }),
}).openapi("CreatedEventSubscription");

export const NewSubscriptionBody = z
  .strictObject({ url: TargetUrl, event_types: EventTypeList })
  .openapi("NewEventSubscription");

export const SubscriptionPatchBody = z
  .strictObject({
    url: TargetUrl.optional(),
    event_types: EventTypeList.optional(),
    enabled: z.boolean().optional().openapi({
      description:
        "false stops deliveries (those waiting are cancelled); true resumes and clears disabled_reason",
    }),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one of url, event_types, enabled" })
  .openapi("EventSubscriptionPatch");

export const AttemptSchema = z
  .object({
    attempt: z.number().int(),
    at: z.string(),
    status_code: z.number().int().nullable().openapi({ description: "null when no answer came" }),
    latency_ms: z.number().int(),
    response_excerpt: z
      .string()
      .nullable()
      .openapi({ description: "The first 500 characters of the answer" }),
    error: z.string().nullable().openapi({ description: "Why no answer came: timeout, refused, DNS" }),
  })
  .openapi("DeliveryAttempt");

export const DeliverySchema = z
  .object({
    id: z.string(),
    subscription_id: z.string(),
    event_id: z.string().openapi({ description: "The webhook-id header of every attempt" }),
    event_type: z.enum(EVENT_TYPES),
    status: z.enum(DELIVERY_STATUSES),
    attempt_count: z.number().int(),
    last_status_code: z.number().int().nullable(),
    next_attempt_at: z.string().nullable().openapi({ description: "When the next retry is due" }),
    delivered_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    payload: z
      .object({ type: z.string(), timestamp: z.string(), data: z.record(z.string(), z.unknown()) })
      .openapi({ description: "The body POSTed on every attempt" }),
    attempts: z.array(AttemptSchema),
  })
  .openapi("EventDelivery");

export const DeliveryQuery = PageQuery.extend({ status: z.enum(DELIVERY_STATUSES).optional() });

export const PingResultSchema = z
  .object({
    delivery_id: z.string(),
    event_id: z.string(),
    status: z.enum(DELIVERY_STATUSES),
  })
  .openapi("EventPing");
