// What the office screens (customers, people, attendance, analytics) read from the API, typed from the
// server's own schemas and views with type-only imports: nothing of the server reaches the browser bundle.
import type { z } from "@hono/zod-openapi";
import type { Role } from "../../../../db/schema/auth";
import type {
  reportOf,
  SalesRow,
  StatusRow,
  CustomerRow as TopCustomerRow,
} from "../../../../modules/analytics/schemas";
import type {
  DayRowSchema,
  EmployeeSchema,
  MonthRowSchema,
  WeekRowSchema,
} from "../../../../modules/attendance/schemas";
import type { UserSchema } from "../../../../modules/auth/schemas";
import type { ApiKeySchema, DeviceSchema } from "../../../../modules/credentials/schemas";
import type { toCustomerView } from "../../../../modules/customers/service";
import type { EntryView, ledgerSummary } from "../../../../modules/ledger/service";
import type {
  AttendanceChangeFrame,
  AttendanceWelcomeFrame,
  ClockedIn as ClockedInRow,
} from "../../../../rooms/frames";

// customers and their ledger (the routes answer these services' views)
export type Customer = ReturnType<typeof toCustomerView>;
export type LedgerEntry = EntryView;
export type LedgerCurrency = Awaited<ReturnType<typeof ledgerSummary>>[number];
export interface LedgerSummary {
  customer_id: string;
  as_of: string;
  currencies: LedgerCurrency[];
}

// people
export type RoleName = Role;
export type User = z.infer<typeof UserSchema>;
export type CreatedUser = User & { password?: string };
export interface RoleInfo {
  role: Role;
  description: string;
  permissions: string[];
}
export type ApiKey = z.infer<typeof ApiKeySchema>;
export type CreatedApiKey = ApiKey & { key: string };
export type Device = z.infer<typeof DeviceSchema>;
export type RegisteredDevice = Device & { token: string };

// attendance
export type Employee = z.infer<typeof EmployeeSchema>;
export type DayRow = z.infer<typeof DayRowSchema>;
export type WeekRow = z.infer<typeof WeekRowSchema>;
export type MonthRow = z.infer<typeof MonthRowSchema>;
export interface AttendanceReport<T> {
  time_zone: string;
  items: T[];
}
export type ClockedIn = ClockedInRow;
export type AttendanceWelcome = z.infer<typeof AttendanceWelcomeFrame>;
export type AttendanceChange = AttendanceChangeFrame;

// analytics
/** Every range report: its range, zone, buckets (UTC instants of local days) and rows. */
type ReportOf<T extends z.ZodType> = z.infer<ReturnType<typeof reportOf<T>>>;
export type SalesReport = ReportOf<typeof SalesRow>;
export type StatusReport = ReportOf<typeof StatusRow>;
export type TopCustomersReport = ReportOf<typeof TopCustomerRow>;
