// The console's top-level paths: the Worker answers each of them (and anything under them) with the
// console's page, so a link or a reload lands on the right screen. Kept apart from the screens so the
// Worker can import it without any browser code.
export const CONSOLE_SECTIONS = [
  "signin",
  "dashboard",
  "orders",
  "stock",
  "catalog",
  "customers",
  "people",
  "intake",
  "scrapes",
  "labels",
  "claims",
  "invoices",
  "reconciliation",
  "attendance",
  "imports",
  "analytics",
  "shop",
] as const;
