// The device door's contract: a batch of reads from an on-site agent, answered read by read.
import { z } from "@hono/zod-openapi";
import { DEVICE_EVENT_KINDS } from "../../db/schema/devices";
import { plausibleInstant } from "../../lib/time";

/** Reads a device may send in one request. */
export const MAX_BATCH = 200;

/** One read as the agent sends it (agent/src/outbox.ts ScanEvent); checked read by read. */
export const DeviceEventSchema = z
  .strictObject({
    id: z
      .string()
      .min(1)
      .max(64)
      .openapi({ description: "The agent's id for the read: resending it is harmless" }),
    kind: z.enum(DEVICE_EVENT_KINDS),
    value: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[\x20-\x7e]+$/, "Printable ASCII, as card readers and scanners send it")
      .openapi({ description: "The card UID or barcode text" }),
    source: z.string().min(1).max(64).openapi({ description: "The agent's name for the port, e.g. door" }),
    at: z.iso
      .datetime({ offset: true })
      .refine(
        (at) => plausibleInstant(at),
        "A read time before 2000 or more than a day ahead: check the device's clock",
      )
      .openapi({ description: "When it was read" }),
  })
  .openapi("DeviceEvent");

export const DeviceBatchSchema = z
  .strictObject({
    events: z
      .array(
        // Only the id is needed to answer a read; everything else is checked read by read, so one bad read
        // is refused alone and the rest of the batch is taken.
        z.looseObject({ id: z.string().min(1).max(64) }).openapi({ description: "A DeviceEvent" }),
      )
      .min(1)
      .max(MAX_BATCH),
  })
  .openapi("DeviceEventBatch");

export const DeviceBatchResultSchema = z
  .object({
    results: z.array(
      z.object({
        id: z.string(),
        verdict: z.enum(["accepted", "duplicate", "refused"]),
        reason: z.string().optional().openapi({ description: "Why a read was refused, for a person" }),
        notice: z.string().optional().openapi({
          description:
            "For the person at the device: whose punch it was, an unknown card, or an enrolment's end",
        }),
        enrollment: z
          .object({
            status: z.enum(["bound", "refused"]),
            employee: z.object({ id: z.string(), code: z.string(), name: z.string() }),
            card_uid: z.string(),
            reason: z.string().optional(),
          })
          .optional()
          .openapi({
            description: "This card read ended the enrolment armed on the device: bound, or refused",
          }),
      }),
    ),
  })
  .openapi("DeviceEventResults");

export const HeartbeatSchema = z
  .object({
    queue_depth: z.int().min(0).openapi({ description: "Reads waiting in the agent's outbox" }),
    dead: z.int().min(0).openapi({ description: "Reads the API refused, set aside by the agent" }),
    last_delivery_at: z.iso.datetime({ offset: true }).nullable().optional(),
    ports: z
      .array(
        z.object({
          name: z.string().max(64),
          kind: z.enum(DEVICE_EVENT_KINDS),
          path: z.string().max(256),
          open: z.boolean(),
        }),
      )
      .max(32)
      .default([]),
  })
  .openapi("DeviceHeartbeat", {
    description: "Fields the API does not know are ignored, so newer agents can say more.",
  });
export type HeartbeatBody = z.infer<typeof HeartbeatSchema>;

export const HeartbeatAnswerSchema = z
  .object({
    device_id: z.string(),
    interval_seconds: z.int().openapi({
      description:
        "The device shows offline after this long without a heartbeat or a batch; beat three times as often",
    }),
    enrollment: z
      .object({
        id: z.string(),
        employee: z.object({ id: z.string(), code: z.string(), name: z.string() }),
        armed_at: z.string(),
        expires_at: z.string(),
      })
      .nullable()
      .openapi({ description: "The enrolment armed on this device: its next card read binds" }),
  })
  .openapi("DeviceHeartbeatAnswer");
