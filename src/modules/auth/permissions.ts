// What each role may do: a permission is a module times read or write; write implies read.
import type { Role } from "../../db/schema/auth";

export const MODULES = [
  "orders",
  "inventory",
  "catalog",
  "customers",
  "claims",
  "billing",
  "labels",
  "attendance",
  "intake",
  "analytics",
  "users",
] as const;
export type Module = (typeof MODULES)[number];
export type Access = "read" | "write";
export type Permission = `${Module}:${Access}`;

export const ALL_PERMISSIONS: Permission[] = MODULES.flatMap(
  (m) => [`${m}:read`, `${m}:write`] as Permission[],
);

const rw = (...modules: Module[]): Permission[] =>
  modules.flatMap((m) => [`${m}:read`, `${m}:write`] as Permission[]);
const ro = (...modules: Module[]): Permission[] => modules.map((m) => `${m}:read` as Permission);

/**
 * Role defaults. Customers' permissions are further bounded to their own customer's records by every
 * service (a foreign id answers 404).
 */
export const ROLE_PERMISSIONS: Record<Role, Permission[]> = {
  admin: ALL_PERMISSIONS,
  manager: [...rw(...MODULES.filter((m) => m !== "users")), ...ro("users")],
  staff: [
    ...rw("orders", "inventory", "claims", "labels", "intake"),
    ...ro("catalog", "customers", "billing", "attendance"),
  ],
  // Fulfilment partners (the e-commerce seed's vendor): every order, moved through fulfilment; what of an
  // order they may see and change is narrowed by audience (src/modules/auth/principal.ts audienceOf).
  vendor: [...rw("catalog", "orders", "labels"), ...ro("inventory")],
  customer: [...rw("orders", "claims"), ...ro("catalog", "customers", "billing")],
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: "Everything, including users, API keys and devices.",
  manager: "Runs the business: every module, and sees users.",
  staff:
    "Daily work: orders, stock, claims, labels and intake; reads catalog, customers, billing, attendance.",
  vendor:
    "Fulfilment partner: sees every order (not staff notes or customer chat), moves orders through picking, shipping and delivery, sets tracking, prints labels; maintains the catalog, reads stock.",
  customer:
    "A B2B customer: the published catalog and only their own customer's orders, claims and invoices.",
};

/** The role's defaults, narrowed to the user's allowed modules when they have a list. */
export function effectivePermissions(role: Role, allowedModules: readonly string[] | null): Permission[] {
  const defaults = ROLE_PERMISSIONS[role];
  if (allowedModules === null) return defaults;
  return defaults.filter((p) => allowedModules.includes(p.slice(0, p.indexOf(":"))));
}

export const isPermission = (value: string): value is Permission =>
  (ALL_PERMISSIONS as string[]).includes(value);
