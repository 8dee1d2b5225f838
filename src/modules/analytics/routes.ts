// The analytics module's REST door: one GET per report, each as JSON or CSV (`format=csv` or Accept: text/csv).
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { createRouter, problems } from "../../lib/openapi";
import { principalOf, requirePermission, requireShop } from "../auth/middleware";
import { toCsv } from "./csv";
import { khata } from "./khata";
import { attendanceReport, catalogCounts, conversionReport, ingestionReport, stockValue } from "./operations";
import {
  claimReport,
  fulfilmentReport,
  salesReport,
  statusReport,
  topCustomers,
  topProducts,
} from "./orders";
import {
  AttendanceRow,
  ClaimRow,
  ConversionRow,
  CustomerRow,
  FulfilmentRow,
  IngestionRow,
  KhataQuery,
  KhataReport,
  KhataRow,
  ProductsReport,
  ReportQuery,
  reportOf,
  SalesRow,
  StatusRow,
  StockValueQuery,
  StockValueReport,
  StockValueRow,
  TopProductRow,
} from "./schemas";
import { envelope, scopeOf } from "./scope";

const tags = ["analytics"];

const jsonOrCsv = <T extends z.ZodType>(schema: T, description: string) => ({
  200: {
    description,
    content: { "application/json": { schema }, "text/csv": { schema: z.string() } },
  },
  ...problems(400, 401, 403),
});

const rangeReport = <T extends z.ZodType>(name: string, summary: string, schema: T) =>
  createRoute({
    method: "get",
    path: `/analytics/${name}`,
    tags,
    summary,
    middleware: [requirePermission("analytics", "read"), requireShop()] as const,
    request: { query: ReportQuery },
    responses: jsonOrCsv(schema, summary),
  });

const routes = {
  sales: rangeReport(
    "sales",
    "Orders, revenue and average order value per bucket and currency",
    reportOf(SalesRow, "AnalyticsSales"),
  ),
  statuses: rangeReport(
    "statuses",
    "Orders per bucket by current status",
    reportOf(StatusRow, "AnalyticsStatuses"),
  ),
  fulfilment: rangeReport(
    "fulfilment",
    "Median and average hours placed → shipped → delivered per bucket",
    reportOf(FulfilmentRow, "AnalyticsFulfilment"),
  ),
  conversion: rangeReport(
    "conversion",
    "Carts created and carts ordered per bucket",
    reportOf(ConversionRow, "AnalyticsConversion"),
  ),
  products: rangeReport(
    "products",
    "Draft and published products; top products by quantity and revenue",
    ProductsReport,
  ),
  customers: rangeReport(
    "customers",
    "Top customers by revenue, per currency",
    reportOf(CustomerRow, "AnalyticsCustomers"),
  ),
  claims: rangeReport(
    "claims",
    "Claim rate: delivered orders with a claim per bucket",
    reportOf(ClaimRow, "AnalyticsClaims"),
  ),
  attendance: rangeReport(
    "attendance",
    "Hours worked per employee and bucket",
    reportOf(AttendanceRow, "AnalyticsAttendance"),
  ),
  ingestion: rangeReport(
    "ingestion",
    "Per door and bucket: received, refused, duplicate, created, updated, failed, pending",
    reportOf(IngestionRow, "AnalyticsIngestion"),
  ),
  stockValue: createRoute({
    method: "get",
    path: "/analytics/stock-value",
    tags,
    summary: "Stock on hand valued at list price (products have no cost), per location and currency",
    middleware: [requirePermission("analytics", "read"), requireShop()] as const,
    request: { query: StockValueQuery },
    responses: jsonOrCsv(StockValueReport, "Stock value"),
  }),
  khata: createRoute({
    method: "get",
    path: "/analytics/khata",
    tags,
    summary: "Every customer's balance and aging per currency, sorted and filtered, with totals",
    description:
      "Aging is the ledger's rule (credits pay the oldest debits first; reversal pairs left out). Sorted within each currency by balance or by oldest debt; totals cover every row that passes the filters, not only the page.",
    middleware: [requirePermission("analytics", "read"), requireShop()] as const,
    request: { query: KhataQuery },
    responses: jsonOrCsv(KhataReport, "The khata"),
  }),
};

const wantsCsv = (c: Context<AppEnv>, format: string | undefined) =>
  format === "csv" || (format === undefined && (c.req.header("accept") ?? "").includes("text/csv"));

const csv = (c: Context<AppEnv>, name: string, rows: object[], columns: z.ZodObject) => {
  c.header("content-disposition", `attachment; filename="${name}.csv"`);
  return c.body(toCsv(rows, Object.keys(columns.shape)), 200, { "content-type": "text/csv; charset=utf-8" });
};

/**
 * Registered on the router, not chained into its type: eleven reports with JSON and CSV answers made the
 * app's chained route type too deep for the compiler, and no client reads these through typed RPC.
 */
export const analyticsRoutes = createRouter();

analyticsRoutes
  .openapi(routes.sales, async (c) => {
    const q = c.req.valid("query");
    const body = await salesReport(c.env, scopeOf(c.env, q));
    return wantsCsv(c, q.format)
      ? csv(c, `sales-${q.from}-${q.to}`, body.items, SalesRow)
      : c.json(body, 200);
  })
  .openapi(routes.statuses, async (c) => {
    const q = c.req.valid("query");
    const body = await statusReport(c.env, scopeOf(c.env, q));
    return wantsCsv(c, q.format)
      ? csv(c, `statuses-${q.from}-${q.to}`, body.items, StatusRow)
      : c.json(body, 200);
  })
  .openapi(routes.fulfilment, async (c) => {
    const q = c.req.valid("query");
    const body = await fulfilmentReport(c.env, scopeOf(c.env, q));
    return wantsCsv(c, q.format)
      ? csv(c, `fulfilment-${q.from}-${q.to}`, body.items, FulfilmentRow)
      : c.json(body, 200);
  })
  .openapi(routes.conversion, async (c) => {
    const q = c.req.valid("query");
    const body = await conversionReport(c.env, scopeOf(c.env, q));
    return wantsCsv(c, q.format)
      ? csv(c, `conversion-${q.from}-${q.to}`, body.items, ConversionRow)
      : c.json(body, 200);
  })
  .openapi(routes.products, async (c) => {
    const q = c.req.valid("query");
    const scope = scopeOf(c.env, q);
    const [catalog, top] = await Promise.all([catalogCounts(c.env), topProducts(c.env, scope)]);
    const body = {
      ...envelope(
        scope,
        "Catalog counts are products not deleted, as they are now. Top lists rank lines of orders placed in the range and not cancelled: by quantity, and by quantity × unit price (before tax) within each currency.",
        top,
      ),
      catalog,
    };
    return wantsCsv(c, q.format)
      ? csv(c, `products-${q.from}-${q.to}`, top, TopProductRow)
      : c.json(body, 200);
  })
  .openapi(routes.customers, async (c) => {
    const q = c.req.valid("query");
    const body = await topCustomers(c.env, scopeOf(c.env, q));
    return wantsCsv(c, q.format)
      ? csv(c, `customers-${q.from}-${q.to}`, body.items, CustomerRow)
      : c.json(body, 200);
  })
  .openapi(routes.claims, async (c) => {
    const q = c.req.valid("query");
    const body = await claimReport(c.env, scopeOf(c.env, q));
    return wantsCsv(c, q.format)
      ? csv(c, `claims-${q.from}-${q.to}`, body.items, ClaimRow)
      : c.json(body, 200);
  })
  .openapi(routes.attendance, async (c) => {
    const q = c.req.valid("query");
    const body = await attendanceReport(c.env, scopeOf(c.env, q));
    return wantsCsv(c, q.format)
      ? csv(c, `attendance-${q.from}-${q.to}`, body.items, AttendanceRow)
      : c.json(body, 200);
  })
  .openapi(routes.ingestion, async (c) => {
    const q = c.req.valid("query");
    const body = await ingestionReport(c.env, scopeOf(c.env, q));
    return wantsCsv(c, q.format)
      ? csv(c, `ingestion-${q.from}-${q.to}`, body.items, IngestionRow)
      : c.json(body, 200);
  })
  .openapi(routes.stockValue, async (c) => {
    const q = c.req.valid("query");
    const body = await stockValue(c.env, q);
    return wantsCsv(c, q.format) ? csv(c, "stock-value", body.items, StockValueRow) : c.json(body, 200);
  })
  .openapi(routes.khata, async (c) => {
    const q = c.req.valid("query");
    const body = await khata(c.env, principalOf(c), q);
    return wantsCsv(c, q.format) ? csv(c, "khata", body.items, KhataRow) : c.json(body, 200);
  });
