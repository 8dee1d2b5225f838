// Every screen of the console: its address, its title, who it is for and what it needs. A screen's code
// loads when it is first opened (its own chunk), so the first view carries only what it shows.
import type { ScreenModule } from "./screen";

export interface ScreenDef {
  path: string;
  title: string;
  /** staff: the shop's people and vendors; customer: a B2B customer's users. */
  audience: "staff" | "customer";
  /** The permission the screen's main list needs (the API checks it too). */
  need?: string;
  /** Shown in the navigation under this label. */
  nav?: string;
  load: () => Promise<ScreenModule>;
}

export const SCREENS: ScreenDef[] = [
  // staff
  {
    path: "/dashboard",
    title: "Dashboard",
    audience: "staff",
    need: "orders:read",
    nav: "Dashboard",
    load: () => import("./staff/dashboard"),
  },
  {
    path: "/orders",
    title: "Orders",
    audience: "staff",
    need: "orders:read",
    nav: "Orders",
    load: () => import("./staff/orders"),
  },
  {
    path: "/orders/:id",
    title: "Order",
    audience: "staff",
    need: "orders:read",
    load: () => import("./staff/order"),
  },
  {
    path: "/stock",
    title: "Stock",
    audience: "staff",
    need: "inventory:read",
    nav: "Stock",
    load: () => import("./staff/stock"),
  },
  {
    path: "/stock/counts/:id",
    title: "Count",
    audience: "staff",
    need: "inventory:read",
    load: () => import("./staff/count"),
  },
  {
    path: "/catalog",
    title: "Catalog",
    audience: "staff",
    need: "catalog:read",
    nav: "Catalog",
    load: () => import("./staff/catalog"),
  },
  {
    path: "/customers",
    title: "Customers",
    audience: "staff",
    need: "customers:read",
    nav: "Customers",
    load: () => import("./staff/customers"),
  },
  {
    path: "/customers/:id",
    title: "Customer",
    audience: "staff",
    need: "customers:read",
    load: () => import("./staff/customer"),
  },
  {
    path: "/claims",
    title: "Claims",
    audience: "staff",
    need: "claims:read",
    nav: "Claims",
    load: () => import("./staff/claims"),
  },
  {
    path: "/invoices",
    title: "Invoices and payments",
    audience: "staff",
    need: "billing:read",
    nav: "Invoices",
    load: () => import("./staff/invoices"),
  },
  {
    path: "/reconciliation",
    title: "Card reconciliation",
    audience: "staff",
    need: "billing:read",
    nav: "Reconciliation",
    load: () => import("./staff/reconciliation"),
  },
  {
    path: "/intake",
    title: "Intake monitor",
    audience: "staff",
    need: "intake:read",
    nav: "Intake",
    load: () => import("./staff/intake"),
  },
  {
    path: "/scrapes",
    title: "Scrapes and store pulls",
    audience: "staff",
    need: "intake:read",
    nav: "Scrapes",
    load: () => import("./staff/scrapes"),
  },
  {
    path: "/imports",
    title: "Imports",
    audience: "staff",
    need: "intake:read",
    nav: "Imports",
    load: () => import("./staff/imports"),
  },
  {
    path: "/labels",
    title: "Labels",
    audience: "staff",
    need: "labels:read",
    nav: "Labels",
    load: () => import("./staff/labels"),
  },
  {
    path: "/attendance",
    title: "Attendance",
    audience: "staff",
    need: "attendance:read",
    nav: "Attendance",
    load: () => import("./staff/attendance"),
  },
  {
    path: "/analytics",
    title: "Analytics",
    audience: "staff",
    need: "analytics:read",
    nav: "Analytics",
    load: () => import("./staff/analytics"),
  },
  {
    path: "/people",
    title: "Users, API keys and devices",
    audience: "staff",
    need: "users:read",
    nav: "People",
    load: () => import("./staff/people"),
  },
  // customers
  {
    path: "/shop",
    title: "Products",
    audience: "customer",
    nav: "Products",
    load: () => import("./customer/products"),
  },
  {
    path: "/shop/cart",
    title: "Cart",
    audience: "customer",
    nav: "Cart",
    load: () => import("./customer/cart"),
  },
  {
    path: "/shop/orders",
    title: "My orders",
    audience: "customer",
    nav: "My orders",
    load: () => import("./customer/orders"),
  },
  { path: "/shop/orders/:id", title: "Order", audience: "customer", load: () => import("./customer/order") },
  {
    path: "/shop/claims",
    title: "Claims",
    audience: "customer",
    nav: "Claims",
    load: () => import("./customer/claims"),
  },
  {
    path: "/shop/invoices",
    title: "Invoices",
    audience: "customer",
    nav: "Invoices",
    load: () => import("./customer/invoices"),
  },
];
