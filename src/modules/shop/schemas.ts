import { z } from "@hono/zod-openapi";
import { AddressSchema } from "../../lib/address";

export const ShopProfileBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).openapi({ description: "As printed on labels and documents" }),
    legal_name: z.string().trim().max(200).nullish(),
    address: AddressSchema.nullish(),
    tax_id: z
      .string()
      .trim()
      .max(50)
      .nullish()
      .openapi({ description: "VAT or tax number, printed on invoices" }),
    email: z.string().trim().email().max(200).nullish(),
    phone: z.string().trim().max(50).nullish(),
  })
  .openapi("ShopProfileBody");
export type ShopProfileBody = z.infer<typeof ShopProfileBody>;

export const ShopProfileSchema = z
  .object({
    name: z.string(),
    legal_name: z.string().nullable(),
    address: AddressSchema.nullable(),
    tax_id: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    updated_at: z.string().nullable(),
  })
  .openapi("ShopProfile");
