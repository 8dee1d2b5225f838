// What the console reads from the API, typed from the API's own schemas (type-only imports: nothing of the
// server reaches the browser bundle).
import type { z } from "@hono/zod-openapi";
import type { MeResponse } from "../../modules/auth/schemas";
import type { IngestStatsSchema } from "../../modules/ingest/schemas";
import type {
  DashboardSchema,
  EventSchema,
  MessageSchema,
  OrderSchema,
  OrderSummary,
} from "../../modules/orders/schemas";

export type Me = z.infer<typeof MeResponse>;
export type Order = z.infer<typeof OrderSchema>;
export type OrderListItem = z.infer<typeof OrderSummary>;
export type OrderEvent = z.infer<typeof EventSchema>;
export type OrderMessage = z.infer<typeof MessageSchema>;
export type Dashboard = z.infer<typeof DashboardSchema>;
export type StaffDashboard = Extract<Dashboard, { view: "staff" }>;
export type CustomerDashboard = Extract<Dashboard, { view: "customer" }>;

/** A page of a newest-first list (the API's one paging shape). */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** An RFC 9457 problem as the API answers every error. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { in: string; path: string; message: string }[];
  [extension: string]: unknown;
}

export type IngestStats = z.infer<typeof IngestStatsSchema>;
