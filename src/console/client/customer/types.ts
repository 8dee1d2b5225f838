// What the customer's screens read from the API, typed from the API's own schemas and views (type-only
// imports: nothing of the server reaches the browser bundle).
import type { z } from "@hono/zod-openapi";
import type { AccountSchema, InvoiceSchema } from "../../../modules/billing/schemas";
import type { CartView } from "../../../modules/carts/service";
import type { ProductSchema, RiskSchema } from "../../../modules/catalog/schemas";
import type { ClaimEventSchema, ClaimSchema } from "../../../modules/claims/schemas";

export type Product = z.infer<typeof ProductSchema>;
export type FillRisk = z.infer<typeof RiskSchema>;
export type Cart = CartView;
export type CartLine = Cart["lines"][number];
export type Claim = z.infer<typeof ClaimSchema>;
export type ClaimEvent = z.infer<typeof ClaimEventSchema>;
export type Invoice = z.infer<typeof InvoiceSchema>;
export type Account = z.infer<typeof AccountSchema>;
