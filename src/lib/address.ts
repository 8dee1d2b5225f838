// A postal address, as customers keep them and orders carry them (shipping and billing).
import { z } from "@hono/zod-openapi";

export const AddressSchema = z
  .strictObject({
    name: z.string().trim().max(200).optional().openapi({ description: "Who receives at it" }),
    company: z.string().trim().max(200).optional(),
    phone: z.string().trim().max(50).optional(),
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().min(1).max(100),
    postal_code: z.string().trim().min(1).max(20),
    region: z.string().trim().max(100).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, "ISO 3166-1 alpha-2, e.g. DE"),
  })
  .openapi("Address");
