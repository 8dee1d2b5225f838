import type { Role } from "../../db/schema/auth";
import { forbidden, notFound } from "../../lib/problem";
import type { Permission } from "./permissions";

/** Who is asking, as established by the auth middleware from a JWT, an API key or a device token. */
export interface Principal {
  kind: "user" | "api_key" | "device";
  id: string;
  name: string;
  /** Users only. */
  role: Role | null;
  /** For customer users: the only customer whose records they may reach. */
  customerId: string | null;
  permissions: readonly Permission[];
  /** Users only: the session (refresh-token family) the access token belongs to. */
  sessionId: string | null;
}

/**
 * The customer a principal is confined to, or null when it may see every customer's records.
 * A customer user without a linked customer is confined to nothing at all.
 */
export function customerScope(principal: Principal): string | null {
  if (principal.kind === "user" && principal.role === "customer") return principal.customerId ?? "\u0000none";
  return null;
}

/**
 * Whose side a principal is on, for what of a record it may see and do:
 * - `shop`: the shop's own people and integrations (admin, manager, staff users; API keys);
 * - `vendor`: a fulfilment partner: sees every order and moves it through fulfilment, but not the shop's
 *   internal notes, money decisions or the conversation between the shop and its customer;
 * - `customer`: a B2B customer's user, confined to that customer's records (see customerScope).
 */
export type Audience = "shop" | "vendor" | "customer";

export function audienceOf(principal: Principal): Audience {
  if (principal.kind !== "user") return "shop";
  if (principal.role === "customer") return "customer";
  if (principal.role === "vendor") return "vendor";
  return "shop";
}

/** Who a principal is, as /auth/me and the console show it. */
export const meOf = (principal: Principal) => ({
  kind: principal.kind,
  id: principal.id,
  name: principal.name,
  role: principal.role,
  customer_id: principal.customerId,
  permissions: [...principal.permissions],
});

/** Throws 404 (never 403) when a record belongs to a customer the principal may not see. */
/** For the shop's own side of a module (staff and integrations): vendors and customers get 403 saying why. */
export function assertShop(principal: Principal, detail = "This is for staff and integrations."): void {
  if (audienceOf(principal) !== "shop") throw forbidden(detail);
}

export function assertVisible(
  principal: Principal,
  recordCustomerId: string | null | undefined,
  what = "resource",
): void {
  const scope = customerScope(principal);
  if (scope !== null && recordCustomerId !== scope) throw notFound(`No such ${what}.`);
}

declare module "hono" {
  // Set by the authenticate middleware for every API request; read through principalOf().
  interface ContextVariableMap {
    principal: Principal | undefined;
  }
}
