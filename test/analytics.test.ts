// Analytics through its door: every figure of every report equals the same figure computed here from the raw
// rows the test created, bucketed by the local date of each instant, across daylight-saving changes.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { isoWeek, localDate } from "../src/lib/zone";
import {
  type ApiClient,
  actingAs,
  call,
  makeProduct,
  seedCustomer,
  seedUser,
  stockroom,
  tokenFor,
} from "./helpers";

let manager: ApiClient;
beforeAll(async () => {
  manager = actingAs(await tokenFor(await seedUser("manager")));
});

const uniqueSource = (name: string) => `an-${name}-${crypto.randomUUID().slice(0, 8)}`;
type By = "day" | "week" | "month";
const labelOf = (at: string, tz: string, by: By) => {
  const date = localDate(Date.parse(at), tz);
  return by === "day" ? date : by === "week" ? isoWeek(date) : date.slice(0, 7);
};
const inRange = (at: string, tz: string, from: string, to: string) => {
  const date = localDate(Date.parse(at), tz);
  return date >= from && date <= to;
};
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const rateOf = (part: number, whole: number) => (whole === 0 ? null : round(part / whole, 4));

interface OrderRow {
  id: string;
  status: string;
  currency: string;
  total_minor: number;
  placed_at: string;
  shipped_at: string | null;
  delivered_at: string | null;
  customer_id: string | null;
  country: string | null;
}
const rawOrders = async (source: string) =>
  (
    await env.DB.prepare(
      "SELECT id, status, currency, total_minor, placed_at, shipped_at, delivered_at, customer_id, json_extract(shipping_address, '$.country') AS country FROM orders WHERE source = ?",
    )
      .bind(source)
      .all<OrderRow>()
  ).results;

const address = (country: string) => ({
  line1: "Hauptstr. 1",
  city: "Berlin",
  postal_code: "10115",
  country,
});

/** Orders through the intake door at the given instants, with a status, currency, country and customer each. */
async function placeOrders(
  source: string,
  specs: {
    at: string;
    status?: string;
    currency: string;
    country: string;
    customer?: string;
    qty: number;
    sku: string;
  }[],
) {
  for (const s of specs) {
    const res = await manager.post("/api/v1/orders/intake", {
      source,
      external_ref: crypto.randomUUID(),
      kind: "sale",
      currency: s.currency,
      placed_at: s.at,
      shipping_address: address(s.country),
      ...(s.customer && { customer_id: s.customer }),
      ...(s.status && { status: s.status }),
      lines: [{ sku: s.sku, name: `Item ${s.sku}`, quantity: s.qty, unit_price: 1250, tax_rate_bp: 1900 }],
      shipping: 300,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}

// Berlin springs forward at 2026-03-29T01:00Z: 29 March is 23 hours long there, [28T23:00Z, 29T22:00Z).
const BERLIN_SPRING = [
  "2026-03-27T22:59:59Z", // 27 March, 23:59:59 CET: before the range
  "2026-03-27T23:00:00Z", // 28 March, 00:00 CET
  "2026-03-28T22:59:59Z", // 28 March, 23:59:59 CET
  "2026-03-28T23:00:00Z", // 29 March, 00:00 CET
  "2026-03-29T00:59:59Z", // 29 March, 01:59:59 CET, just before the change
  "2026-03-29T01:00:00Z", // 29 March, 03:00 CEST
  "2026-03-29T21:59:59Z", // 29 March, 23:59:59 CEST
  "2026-03-29T22:00:00Z", // 30 March, 00:00 CEST
  "2026-03-30T21:59:59Z", // 30 March, 23:59:59 CEST
  "2026-03-30T22:00:00Z", // 31 March: after the range
];
// New York falls back at 2026-11-01T06:00Z: 1 November is 25 hours long there, [01T04:00Z, 02T05:00Z).
const NEW_YORK_AUTUMN = [
  "2026-10-31T03:59:59Z", // 30 October EDT: before the range
  "2026-10-31T04:00:00Z",
  "2026-11-01T03:59:59Z",
  "2026-11-01T04:00:00Z", // 1 November, 00:00 EDT
  "2026-11-01T05:30:00Z", // 01:30 EDT
  "2026-11-01T06:30:00Z", // 01:30 EST, the hour again
  "2026-11-02T04:59:59Z", // 1 November, 23:59:59 EST
  "2026-11-02T05:00:00Z", // 2 November
  "2026-11-03T04:59:59Z",
  "2026-11-03T05:00:00Z", // 3 November: after the range
];
const STATUSES = ["placed", "shipped", "delivered", "cancelled", "delivered"];

async function scenario(name: string, instants: string[]) {
  const source = uniqueSource(name);
  const alpha = await seedCustomer(`Alpha ${source}`);
  const beta = await seedCustomer(`Beta ${source}`);
  await placeOrders(
    source,
    instants.flatMap((at, i) => [
      {
        at,
        status: STATUSES[i % STATUSES.length] as string,
        currency: "EUR",
        country: "DE",
        customer: alpha,
        qty: 1 + (i % 3),
        sku: `A-${i % 2}`,
      },
      {
        at,
        status: STATUSES[(i + 2) % STATUSES.length] as string,
        currency: i % 2 ? "USD" : "EUR",
        country: i % 2 ? "US" : "DE",
        customer: i % 3 ? beta : alpha,
        qty: 2,
        sku: `B-${i % 3}`,
      },
    ]),
  );
  const orders = await rawOrders(source);
  // A claim on some delivered orders (filed straight into the table: the figure is about counting them).
  const delivered = orders.filter((o) => o.delivered_at !== null);
  for (const o of delivered.filter((_, i) => i % 2 === 0)) {
    await env.DB.prepare(
      "INSERT INTO claims (id, order_id, customer_id, status, currency, claimed_minor, filed_by) VALUES (?, ?, ?, 'open', ?, 100, 'test')",
    )
      .bind(crypto.randomUUID(), o.id, o.customer_id ?? "", o.currency)
      .run();
  }
  const claimed = new Set(delivered.filter((_, i) => i % 2 === 0).map((o) => o.id));
  return { source, orders, claimed };
}

const get = async (path: string) => {
  const res = await manager.get(path);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

function expectSales(body: any, orders: OrderRow[], tz: string, by: By, from: string, to: string) {
  const mine = orders.filter((o) => inRange(o.placed_at, tz, from, to));
  const currencies = [...new Set(mine.map((o) => o.currency))].sort();
  const expected = body.buckets.flatMap((b: { label: string }) =>
    currencies.map((currency) => {
      const here = mine.filter((o) => o.currency === currency && labelOf(o.placed_at, tz, by) === b.label);
      const counted = here.filter((o) => o.status !== "cancelled");
      const revenue = counted.reduce((s, o) => s + o.total_minor, 0);
      return {
        bucket: b.label,
        currency,
        orders: here.length,
        cancelled: here.length - counted.length,
        revenue: revenue,
        aov: counted.length === 0 ? null : Math.round(revenue / counted.length),
      };
    }),
  );
  expect(
    body.items.map((r: any) => ({
      bucket: r.bucket,
      currency: r.currency,
      orders: r.orders,
      cancelled: r.cancelled,
      revenue: r.revenue.amount,
      aov: r.average_order_value?.amount ?? null,
    })),
  ).toEqual(expected);
  // Every order in range is in exactly one bucket.
  expect(body.items.reduce((s: number, r: any) => s + r.orders, 0)).toBe(mine.length);
}

describe("order reports across Berlin's spring change", () => {
  const tz = "Europe/Berlin";
  const range = "from=2026-03-28&to=2026-03-30&tz=Europe%2FBerlin";
  let data: Awaited<ReturnType<typeof scenario>>;
  beforeAll(async () => {
    data = await scenario("berlin", BERLIN_SPRING);
  });

  it("cuts days at local midnight: 29 March is 23 hours long", async () => {
    const body = await get(`/api/v1/analytics/sales?${range}&source=${data.source}`);
    expect(
      body.buckets.map((b: any) => [b.label, (Date.parse(b.end) - Date.parse(b.start)) / 3_600_000]),
    ).toEqual([
      ["2026-03-28", 24],
      ["2026-03-29", 23],
      ["2026-03-30", 24],
    ]);
    expect(body.buckets[1]).toMatchObject({
      start: "2026-03-28T23:00:00.000Z",
      end: "2026-03-29T22:00:00.000Z",
    });
  });

  for (const by of ["day", "week", "month"] as const) {
    it(`sales by ${by}: orders, cancelled, revenue and average per currency equal the raw orders`, async () => {
      const body = await get(`/api/v1/analytics/sales?${range}&by=${by}&source=${data.source}`);
      expectSales(body, data.orders, tz, by, "2026-03-28", "2026-03-30");
    });
  }

  it("filters by currency and by the shipping country", async () => {
    const usd = await get(`/api/v1/analytics/sales?${range}&source=${data.source}&currency=USD`);
    expectSales(
      usd,
      data.orders.filter((o) => o.currency === "USD"),
      tz,
      "day",
      "2026-03-28",
      "2026-03-30",
    );
    const de = await get(`/api/v1/analytics/sales?${range}&source=${data.source}&country=DE`);
    expectSales(
      de,
      data.orders.filter((o) => o.country === "DE"),
      tz,
      "day",
      "2026-03-28",
      "2026-03-30",
    );
    const purchases = await get(`/api/v1/analytics/sales?${range}&source=${data.source}&kind=purchase`);
    expect(purchases.items).toEqual([]);
  });

  it("statuses: orders per bucket by status equal the raw orders", async () => {
    const body = await get(`/api/v1/analytics/statuses?${range}&source=${data.source}`);
    const mine = data.orders.filter((o) => inRange(o.placed_at, tz, "2026-03-28", "2026-03-30"));
    for (const r of body.items) {
      expect(r.orders).toBe(
        mine.filter((o) => labelOf(o.placed_at, tz, "day") === r.bucket && o.status === r.status).length,
      );
    }
    expect(body.items.reduce((s: number, r: any) => s + r.orders, 0)).toBe(mine.length);
  });

  it("fulfilment: median and average hours placed → shipped → delivered equal the raw timestamps", async () => {
    const body = await get(`/api/v1/analytics/fulfilment?${range}&source=${data.source}`);
    const hours = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 3_600_000;
    const median = (v: number[]) => {
      const s = [...v].sort((a, b) => a - b);
      const m = s.length >> 1;
      return s.length === 0
        ? null
        : round(s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2, 2);
    };
    const mean = (v: number[]) => (v.length === 0 ? null : round(v.reduce((s, x) => s + x, 0) / v.length, 2));
    for (const r of body.items) {
      const here = data.orders.filter(
        (o) =>
          o.shipped_at &&
          inRange(o.placed_at, tz, "2026-03-28", "2026-03-30") &&
          labelOf(o.placed_at, tz, "day") === r.bucket,
      );
      const toShip = here.map((o) => hours(o.placed_at, o.shipped_at as string));
      const toDeliver = here
        .filter((o) => o.delivered_at)
        .map((o) => hours(o.shipped_at as string, o.delivered_at as string));
      expect(r).toEqual({
        bucket: r.bucket,
        shipped: toShip.length,
        to_ship_hours_median: median(toShip),
        to_ship_hours_avg: mean(toShip),
        delivered: toDeliver.length,
        to_deliver_hours_median: median(toDeliver),
        to_deliver_hours_avg: mean(toDeliver),
      });
    }
    expect(body.items.reduce((s: number, r: any) => s + r.shipped, 0)).toBeGreaterThan(0);
  });

  it("claims: delivered orders with a claim over delivered orders, per bucket", async () => {
    const body = await get(`/api/v1/analytics/claims?${range}&source=${data.source}`);
    for (const r of body.items) {
      const delivered = data.orders.filter(
        (o) =>
          o.delivered_at &&
          inRange(o.placed_at, tz, "2026-03-28", "2026-03-30") &&
          labelOf(o.placed_at, tz, "day") === r.bucket,
      );
      const claimed = delivered.filter((o) => data.claimed.has(o.id)).length;
      expect(r).toEqual({
        bucket: r.bucket,
        delivered: delivered.length,
        claimed,
        claim_rate: rateOf(claimed, delivered.length),
      });
    }
    expect(body.items.reduce((s: number, r: any) => s + r.claimed, 0)).toBeGreaterThan(0);
  });

  it("top customers and products: revenue and quantity per currency equal the raw orders and lines", async () => {
    const mine = data.orders.filter(
      (o) => o.status !== "cancelled" && inRange(o.placed_at, tz, "2026-03-28", "2026-03-30"),
    );
    const customers = await get(`/api/v1/analytics/customers?${range}&source=${data.source}`);
    const expected = new Map<string, { orders: number; revenue: number }>();
    for (const o of mine) {
      const key = `${o.customer_id}|${o.currency}`;
      const e = expected.get(key) ?? { orders: 0, revenue: 0 };
      e.orders++;
      e.revenue += o.total_minor;
      expected.set(key, e);
    }
    expect(customers.items).toHaveLength(expected.size);
    for (const r of customers.items) {
      expect({ orders: r.orders, revenue: r.revenue.amount }).toEqual(
        expected.get(`${r.customer_id}|${r.currency}`),
      );
    }

    const ids = new Set(mine.map((o) => o.id));
    const currencyOf = new Map(mine.map((o) => [o.id, o.currency]));
    const { results: lines } = await env.DB.prepare(
      `SELECT order_id, sku, quantity, unit_price_minor FROM order_lines WHERE order_id IN (SELECT id FROM orders WHERE source = ?)`,
    )
      .bind(data.source)
      .all<{ order_id: string; sku: string; quantity: number; unit_price_minor: number }>();
    const bySku = new Map<string, { quantity: number; revenue: number }>();
    for (const l of lines.filter((l) => ids.has(l.order_id))) {
      const key = `${l.sku}|${currencyOf.get(l.order_id)}`;
      const e = bySku.get(key) ?? { quantity: 0, revenue: 0 };
      e.quantity += l.quantity;
      e.revenue += l.quantity * l.unit_price_minor;
      bySku.set(key, e);
    }
    const products = await get(`/api/v1/analytics/products?${range}&source=${data.source}&limit=100`);
    const byRevenue = products.items.filter((r: any) => r.list === "by_revenue");
    expect(byRevenue).toHaveLength(bySku.size);
    for (const r of byRevenue) {
      expect({ quantity: r.quantity, revenue: r.revenue.amount }).toEqual(
        bySku.get(`${r.sku}|${r.currency}`),
      );
    }
    const quantities = products.items
      .filter((r: any) => r.list === "by_quantity")
      .map((r: any) => r.quantity);
    expect(quantities).toEqual([...quantities].sort((a: number, b: number) => b - a));
    const { results: counts } = await env.DB.prepare(
      "SELECT status, count(*) AS n FROM products WHERE deleted_at IS NULL GROUP BY status",
    ).all<{ status: string; n: number }>();
    expect(products.catalog).toEqual({
      draft: counts.find((c) => c.status === "draft")?.n ?? 0,
      published: counts.find((c) => c.status === "published")?.n ?? 0,
    });
  });

  it("answers each report as CSV, with the same figures", async () => {
    const res = await fetchAs(`/api/v1/analytics/sales?${range}&source=${data.source}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const json = await get(`/api/v1/analytics/sales?${range}&source=${data.source}`);
    const csv = await (
      await fetchAs(`/api/v1/analytics/sales?${range}&source=${data.source}`, { accept: "text/csv" })
    ).text();
    const [header, ...rows] = csv.trimEnd().split("\r\n");
    expect(header).toBe("bucket,currency,orders,cancelled,revenue,average_order_value");
    expect(rows).toEqual(
      json.items.map((r: any) =>
        [
          r.bucket,
          r.currency,
          r.orders,
          r.cancelled,
          r.revenue.display,
          r.average_order_value?.display ?? "",
        ].join(","),
      ),
    );
    for (const report of [
      "statuses",
      "fulfilment",
      "conversion",
      "products",
      "customers",
      "claims",
      "attendance",
      "ingestion",
    ]) {
      const r = await fetchAs(`/api/v1/analytics/${report}?${range}&source=${data.source}&format=csv`);
      expect(r.status, report).toBe(200);
      expect(r.headers.get("content-type"), report).toContain("text/csv");
      expect((await r.text()).split("\r\n")[0], report).toMatch(/^[a-z_]+(,[a-z_0-9-]+)+$/);
    }
  });
});

let managerToken: string;
const fetchAs = async (path: string, headers: Record<string, string> = {}) => {
  managerToken ??= await tokenFor(await seedUser("manager"));
  return call(path, {
    headers: { authorization: `Bearer ${managerToken}`, ...headers },
  });
};

describe("order reports across New York's autumn change", () => {
  const tz = "America/New_York";
  let data: Awaited<ReturnType<typeof scenario>>;
  beforeAll(async () => {
    data = await scenario("newyork", NEW_YORK_AUTUMN);
  });

  it("1 November is 25 hours long, and sales by day, week and month equal the raw orders", async () => {
    const range = "from=2026-10-31&to=2026-11-02&tz=America%2FNew_York";
    const days = await get(`/api/v1/analytics/sales?${range}&source=${data.source}`);
    expect(days.buckets[1]).toEqual({
      label: "2026-11-01",
      start: "2026-11-01T04:00:00.000Z",
      end: "2026-11-02T05:00:00.000Z",
    });
    for (const by of ["day", "week", "month"] as const) {
      const body = await get(`/api/v1/analytics/sales?${range}&by=${by}&source=${data.source}`);
      expectSales(body, data.orders, tz, by, "2026-10-31", "2026-11-02");
    }
    const weeks = await get(`/api/v1/analytics/sales?${range}&by=week&source=${data.source}`);
    // Saturday and Sunday are ISO week 44, Monday starts week 45: weeks are clipped to the range.
    expect(weeks.buckets.map((b: any) => b.label)).toEqual(["2026-W44", "2026-W45"]);
    const months = await get(`/api/v1/analytics/sales?${range}&by=month&source=${data.source}`);
    expect(months.buckets.map((b: any) => b.label)).toEqual(["2026-10", "2026-11"]);
  });
});

describe("reports beyond orders", () => {
  it("conversion: carts created and ordered per local day equal the carts table", async () => {
    const instants = [
      "2026-03-28T23:30:00Z",
      "2026-03-29T00:30:00Z",
      "2026-03-29T01:30:00Z",
      "2026-03-29T22:30:00Z",
    ];
    for (const [i, at] of instants.entries()) {
      await env.DB.prepare(
        "INSERT INTO carts (id, user_id, customer_id, status, created_at, updated_at) VALUES (?, ?, 'c', ?, ?, ?)",
      )
        .bind(crypto.randomUUID(), crypto.randomUUID(), i % 2 ? "ordered" : "open", at, at)
        .run();
    }
    const body = await get("/api/v1/analytics/conversion?from=2026-03-28&to=2026-03-30&tz=Europe%2FBerlin");
    const { results: carts } = await env.DB.prepare("SELECT status, created_at FROM carts").all<{
      status: string;
      created_at: string;
    }>();
    const tz = "Europe/Berlin";
    for (const r of body.items) {
      const here = carts.filter((c) => localDate(Date.parse(c.created_at), tz) === r.bucket);
      const ordered = here.filter((c) => c.status === "ordered").length;
      expect(r).toEqual({
        bucket: r.bucket,
        carts_created: here.length,
        carts_ordered: ordered,
        conversion_rate: rateOf(ordered, here.length),
      });
    }
    expect(body.items.find((r: any) => r.bucket === "2026-03-29").carts_created).toBeGreaterThanOrEqual(2);
  });

  it("ingestion: received, refused, created and failed per door and local day equal the ingest records", async () => {
    const source = uniqueSource("doors");
    const rows: [string, string, string, string | null][] = [
      ["webhook", "2026-03-28T23:10:00Z", "accepted", "created"],
      ["webhook", "2026-03-29T01:10:00Z", "accepted", "failed"],
      ["email", "2026-03-29T21:59:00Z", "refused", null],
      ["email", "2026-03-29T22:01:00Z", "accepted", "created"],
      ["webhook", "2026-03-29T00:10:00Z", "duplicate", null],
    ];
    for (const [door, at, verdict, outcome] of rows) {
      await env.DB.prepare(
        "INSERT INTO ingest_records (id, door, source, received_at, verdict, outcome) VALUES (?, ?, ?, ?, ?, ?)",
      )
        .bind(crypto.randomUUID(), door, source, at, verdict, outcome)
        .run();
    }
    const body = await get(
      `/api/v1/analytics/ingestion?from=2026-03-28&to=2026-03-30&tz=Europe%2FBerlin&source=${source}`,
    );
    const count = (bucket: string, door: string, test: (r: (typeof rows)[number]) => boolean) =>
      rows.filter((r) => r[0] === door && localDate(Date.parse(r[1]), "Europe/Berlin") === bucket && test(r))
        .length;
    for (const r of body.items) {
      expect(r).toEqual({
        bucket: r.bucket,
        door: r.door,
        received: count(r.bucket, r.door, () => true),
        refused: count(r.bucket, r.door, (x) => x[2] === "refused"),
        duplicate: count(r.bucket, r.door, (x) => x[2] === "duplicate"),
        created: count(r.bucket, r.door, (x) => x[3] === "created"),
        updated: 0,
        failed: count(r.bucket, r.door, (x) => x[3] === "failed"),
        pending: 0,
      });
    }
    expect(body.items.reduce((s: number, r: any) => s + r.received, 0)).toBe(rows.length);
  });

  it("attendance: hours per employee and local day are attendance's own minutes, a night shift over the change 7 hours", async () => {
    const employee = crypto.randomUUID();
    const code = `E-${employee.slice(0, 6)}`;
    await env.DB.prepare("INSERT INTO employees (id, code, name) VALUES (?, ?, 'Night Owl')")
      .bind(employee, code)
      .run();
    // 22:00 CET on 28 March to 06:00 CEST on 29 March: 7 real hours, counted on the 28th.
    const punches = [
      "2026-03-28T21:00:00Z",
      "2026-03-29T04:00:00Z",
      "2026-03-29T07:00:00Z",
      "2026-03-29T11:30:00Z",
    ];
    for (const at of punches) {
      await env.DB.prepare(
        "INSERT INTO punches (id, employee_id, card_id, card_uid, device_id, device_event_id, at) VALUES (?, ?, 'card', 'uid', 'dev', ?, ?)",
      )
        .bind(crypto.randomUUID(), employee, crypto.randomUUID(), at)
        .run();
    }
    const range = "from=2026-03-28&to=2026-03-30&tz=Europe%2FBerlin";
    const body = await get(`/api/v1/analytics/attendance?${range}`);
    const mine = body.items.filter((r: any) => r.employee_id === employee);
    expect(mine).toEqual([
      {
        bucket: "2026-03-28",
        employee_id: employee,
        employee_code: code,
        employee_name: "Night Owl",
        minutes: 420,
        hours: 7,
      },
      {
        bucket: "2026-03-29",
        employee_id: employee,
        employee_code: code,
        employee_name: "Night Owl",
        minutes: 270,
        hours: 4.5,
      },
    ]);
    const days = await get(`/api/v1/attendance/days?${range}&employee_id=${employee}`);
    expect(days.items.map((d: any) => d.minutes)).toEqual(mine.map((r: any) => r.minutes));
  });

  it("stock value: on hand × list price per location and currency equals the levels", async () => {
    const room = await stockroom();
    const a = await makeProduct(room.manager, { price: { amount: 1999, currency: "EUR" } });
    const b = await makeProduct(room.manager, { price: { amount: 500, currency: "USD" } });
    await room.stock(a.id, 7);
    await room.stock(b.id, 3);
    const body = await get("/api/v1/analytics/stock-value");
    expect(body.basis).toBe("list_price");
    const { results } = await env.DB.prepare(
      "SELECT l.location_id, p.currency, l.on_hand, p.price_minor FROM stock_levels l JOIN products p ON p.id = l.product_id WHERE l.on_hand != 0",
    ).all<{ location_id: string; currency: string; on_hand: number; price_minor: number }>();
    for (const r of body.items) {
      const here = results.filter((x) => x.location_id === r.location_id && x.currency === r.currency);
      expect([r.units, r.value.amount]).toEqual([
        here.reduce((s, x) => s + x.on_hand, 0),
        here.reduce((s, x) => s + x.on_hand * x.price_minor, 0),
      ]);
    }
    expect(body.items).toContainEqual(
      expect.objectContaining({ location_id: room.shop, currency: "USD", units: 3 }),
    );
    for (const t of body.totals) {
      const here = results.filter((x) => x.currency === t.currency);
      expect(t.value.amount).toBe(here.reduce((s, x) => s + x.on_hand * x.price_minor, 0));
    }
  });

  it("khata: every customer's balance equals its entries, aging is the ledger's, totals add up, sorted and paged", async () => {
    const ids = [
      await seedCustomer("Khata One"),
      await seedCustomer("Khata Two"),
      await seedCustomer("Khata Three"),
    ];
    const post = (id: string, direction: string, amount: number, currency = "EUR") =>
      manager.post(`/api/v1/customers/${id}/ledger`, {
        direction,
        amount: { amount, currency },
        reference_type: "manual",
      });
    await post(ids[0] as string, "debit", 10_000);
    await post(ids[0] as string, "credit", 2_500);
    await post(ids[1] as string, "debit", 50_000);
    await post(ids[1] as string, "debit", 700, "USD");
    await post(ids[2] as string, "debit", 1_000);
    await post(ids[2] as string, "credit", 1_000);

    const body = await get("/api/v1/analytics/khata?limit=200");
    const { results: entries } = await env.DB.prepare(
      "SELECT customer_id, currency, direction, amount_minor FROM ledger_entries",
    ).all<{ customer_id: string; currency: string; direction: string; amount_minor: number }>();
    const balance = (id: string, currency: string) =>
      entries
        .filter((e) => e.customer_id === id && e.currency === currency)
        .reduce((s, e) => s + (e.direction === "debit" ? e.amount_minor : -e.amount_minor), 0);
    for (const r of body.items) expect(r.balance.amount).toBe(balance(r.customer_id, r.currency));
    for (const id of ids) {
      const summary = (await manager.get(`/api/v1/customers/${id}/ledger/summary`)).body;
      for (const s of summary.currencies) {
        const row = body.items.find((r: any) => r.customer_id === id && r.currency === s.currency);
        expect(row.aging).toEqual(s.aging);
      }
    }
    for (const t of body.totals) {
      const rows = body.items.filter((r: any) => r.currency === t.currency);
      expect(t.balance.amount).toBe(rows.reduce((s: number, r: any) => s + r.balance.amount, 0));
      expect(t.customers).toBe(rows.length);
    }
    const eur = body.items.filter((r: any) => r.currency === "EUR").map((r: any) => r.balance.amount);
    expect(eur).toEqual([...eur].sort((a: number, b: number) => b - a));

    const owing = await get("/api/v1/analytics/khata?currency=EUR&min_balance=1");
    expect(owing.items.every((r: any) => r.currency === "EUR" && r.balance.amount >= 1)).toBe(true);
    expect(owing.items.map((r: any) => r.customer_id)).toEqual(expect.arrayContaining([ids[0], ids[1]]));
    expect(owing.items.map((r: any) => r.customer_id)).not.toContain(ids[2]);

    const first = await get("/api/v1/analytics/khata?limit=1");
    expect(first.items).toHaveLength(1);
    const second = await get(`/api/v1/analytics/khata?limit=1&cursor=${first.next_cursor}`);
    expect(second.items[0]).toEqual(body.items[1]);
  });

  it("is for holders of analytics:read on the shop's side", async () => {
    const staff = actingAs(await tokenFor(await seedUser("staff")));
    expect((await staff.get("/api/v1/analytics/sales?from=2026-03-28&to=2026-03-30")).status).toBe(403);
    expect((await manager.get("/api/v1/analytics/sales?from=2026-03-30&to=2026-03-28")).status).toBe(400);
    expect((await manager.get("/api/v1/analytics/sales?from=2024-01-01&to=2026-03-28")).status).toBe(400);
  });
});
