// The credentials of machines: API keys for integrations and device tokens for on-site agents.
import { z } from "@hono/zod-openapi";
import { PermissionSchema } from "../auth/schemas";

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.string()),
    created_by: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ApiKey");

export const NewApiKeyBody = z
  .strictObject({ name: z.string().trim().min(1).max(100), scopes: z.array(PermissionSchema).min(1).max(30) })
  .openapi("NewApiKey");

export const DeviceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    location: z.string().nullable(),
    prefix: z.string(),
    created_by: z.string(),
    created_at: z.string(),
    last_seen_at: z.string().nullable(),
    agent_version: z.string().nullable().openapi({ description: "As the agent said at its last delivery" }),
    revoked_at: z.string().nullable(),
    heartbeat_seconds: z.int().openapi({ description: "Silent longer than this, the device shows offline" }),
    status: z.enum(["online", "offline", "never_seen", "revoked"]),
    last_heartbeat: z.record(z.string(), z.unknown()).nullable().openapi({
      description:
        "What the agent said in its last heartbeat: queue_depth, dead, last_delivery_at, ports, at",
    }),
  })
  .openapi("Device");

export const NewDeviceBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    location: z.string().trim().max(200).optional(),
    heartbeat_seconds: z.int().min(15).max(3600).optional().openapi({
      description: "Silent longer than this, the device shows offline (default 60)",
    }),
  })
  .openapi("NewDevice");
