// Analytics over the last 7, 30 or 90 days in the reader's time zone: revenue and orders per day (each
// currency on its own, never converted), orders by status, the top customers; each report as CSV too.
import { api } from "../api";
import { count, day, money, timeZone, words } from "../format";
import { setQuery, useLocation } from "../router";
import type { ScreenProps } from "../screen";
import { BarChart } from "../ui/chart";
import { CsvButton } from "../ui/files";
import { useLoad } from "../ui/hooks";
import { Section, Select, Show, Table } from "../ui/parts";
import { addDays, today } from "./office/dates";
import type { SalesReport, StatusReport, TopCustomersReport } from "./office/types";

const PERIODS = ["7", "30", "90"] as const;

export default function Analytics(_props: ScreenProps) {
  const { query } = useLocation();
  const asked = query.get("days") ?? "30";
  const days = (PERIODS as readonly string[]).includes(asked) ? asked : "30";
  const to = today();
  const from = addDays(to, 1 - Number(days));
  const range = { from, to, tz: timeZone, by: "day" };
  const sales = useLoad(() => api<SalesReport>("/analytics/sales", { query: range }), [from, to]);
  const statuses = useLoad(() => api<StatusReport>("/analytics/statuses", { query: range }), [from, to]);
  const customers = useLoad(
    () => api<TopCustomersReport>("/analytics/customers", { query: { ...range, limit: 10 } }),
    [from, to],
  );
  const csv = (name: string, label: string) => (
    <CsvButton
      label={`${label} (CSV)`}
      path={`/analytics/${name}`}
      query={{ ...range, format: "csv" }}
      file={`${name}-${from}-${to}.csv`}
    />
  );
  return (
    <>
      <form class="row card" onSubmit={(e: Event) => e.preventDefault()}>
        <Select
          label="Period"
          name="days"
          value={days}
          options={PERIODS.map((d): [string, string] => [d, `the last ${d} days`])}
          onChange={(v) => setQuery({ days: v })}
        />
        <p class="muted">
          {from} to {to}, sales by the day they were placed, in {timeZone}.
        </p>
      </form>
      <Section title="Revenue" actions={csv("sales", "Sales per day")}>
        <Show loaded={sales}>{(report) => <Revenue report={report} />}</Show>
      </Section>
      <Section title="Orders by status" actions={csv("statuses", "Statuses per day")}>
        <Show loaded={statuses}>
          {(report) => {
            const totals = new Map<string, number>();
            for (const r of report.items) totals.set(r.status, (totals.get(r.status) ?? 0) + r.orders);
            const bars = [...totals]
              .filter(([, n]) => n > 0)
              .map(([status, n]) => ({ label: words(status), value: n }));
            return bars.length ? (
              <BarChart title="Orders placed in the period, by their status now" bars={bars} format={count} />
            ) : (
              <p class="muted">No orders in the period.</p>
            );
          }}
        </Show>
      </Section>
      <Section title="Top customers" actions={csv("customers", "Top customers")}>
        <Show loaded={customers}>
          {(report) => (
            <Table
              caption="Top customers by revenue"
              rows={report.items}
              empty="No customer orders in the period."
              columns={[
                { label: "Rank", cell: (r) => count(r.rank), numeric: true },
                {
                  label: "Customer",
                  cell: (r) => <a href={`/customers/${r.customer_id}`}>{r.company ?? r.customer_id}</a>,
                },
                { label: "Orders", cell: (r) => count(r.orders), numeric: true },
                { label: "Revenue", cell: (r) => money(r.revenue), numeric: true },
              ]}
            />
          )}
        </Show>
      </Section>
    </>
  );
}

function Revenue({ report }: { report: SalesReport }) {
  const currencies = [...new Set(report.items.map((r) => r.currency))];
  const label = new Map(report.buckets.map((b) => [b.label, day(b.start)]));
  const perDay = report.buckets.map((b) => ({
    label: day(b.start),
    value: report.items.filter((r) => r.bucket === b.label).reduce((n, r) => n + r.orders, 0),
  }));
  if (currencies.length === 0) return <p class="muted">No sales in the period.</p>;
  return (
    <>
      <div class="tiles">
        {currencies.map((currency) => {
          const rows = report.items.filter((r) => r.currency === currency);
          const revenue = rows.reduce((n, r) => n + r.revenue.amount, 0);
          const orders = rows.reduce((n, r) => n + r.orders - r.cancelled, 0);
          return (
            <div class="tile">
              <span class="muted">Revenue ({currency})</span>
              <strong>{money({ amount: revenue, currency })}</strong>
              <small class="muted">
                {count(orders)} orders
                {orders ? ` · average ${money({ amount: Math.round(revenue / orders), currency })}` : ""}
              </small>
            </div>
          );
        })}
      </div>
      {currencies.map((currency) => (
        <BarChart
          title={`Revenue per day (${currency})`}
          bars={report.items
            .filter((r) => r.currency === currency)
            .map((r) => ({ label: label.get(r.bucket) ?? r.bucket, value: r.revenue.amount }))}
          format={(amount) => money({ amount, currency })}
        />
      ))}
      <BarChart title="Orders per day" bars={perDay} format={count} />
      <p class="muted">{report.rule}</p>
    </>
  );
}
