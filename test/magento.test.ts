// The Magento 2 store pull, through HTTP and the clock, against a fake Magento at the network edge
// (test/servers/magento.ts): orders over two pages, invoices releasing orders to picking, a failure mid-pull
// resumed without duplicates, a second pull that changes nothing, and connections refused or failing clearly.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import { magentoMinor, mapMagentoInvoice, mapMagentoOrder } from "../src/intake/magento/map";
import { BASE, bearer, seedUser, tokenFor } from "./helpers";

/** The Worker as deployed with the integration token in its secret MAGENTO_TEST_TOKEN. */
const withSecret = { ...env, MAGENTO_TEST_TOKEN: "test-token" } as typeof env;

async function send(token: string, method: string, path: string, body?: unknown, bindings = withSecret) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/api/v1${path}`, {
      method,
      headers: { ...bearer(token), ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : null) as any,
    type: res.headers.get("content-type"),
  };
}

/** One fake store of its own: `/magento/<scenario>` and its control. */
function fakeStore() {
  const scenario = `t-${crypto.randomUUID().slice(0, 8)}`;
  const base = `${env.TEST_SERVER_URL}/magento/${scenario}`;
  return {
    scenario,
    base,
    control: async (body: unknown) =>
      (await fetch(`${base}/control`, { method: "POST", body: JSON.stringify(body) })).json() as Promise<any>,
    log: async () => ((await (await fetch(`${base}/log`)).json()) as { requests: any[] }).requests,
  };
}

let token: string;
beforeAll(async () => {
  token = await tokenFor(await seedUser("manager"));
});

async function connect(base: string, overrides: Record<string, unknown> = {}) {
  const name = `magento:${crypto.randomUUID().slice(0, 8)}`;
  const res = await send(token, "POST", "/connectors", {
    name,
    base_url: base,
    token_secret: "MAGENTO_TEST_TOKEN",
    page_size: 4,
    ...overrides,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string };
}

const pull = async (id: string, bindings = withSecret) => {
  const res = await send(token, "POST", `/connectors/${id}/pull`, undefined, bindings);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

async function ordersOf(source: string) {
  const res = await send(token, "GET", `/orders?source=${encodeURIComponent(source)}&limit=100`);
  expect(res.status).toBe(200);
  const items = res.body.items as any[];
  return new Map(items.map((o) => [o.external_ref as string, o]));
}

async function pagesOf(source: string) {
  const res = await send(token, "GET", `/ingest?door=pull&source=${encodeURIComponent(source)}&limit=100`);
  return res.body.items as any[];
}

describe("connections", () => {
  it("refuses bad input with a 400 problem naming each field", async () => {
    const res = await send(token, "POST", "/connectors", {
      name: "Main Shop",
      base_url: "http://shop.example.com",
      token_secret: "JWT_SECRETS",
      page_size: 0,
    });
    expect(res.status).toBe(400);
    expect(res.type).toBe("application/problem+json");
    expect(res.body.errors.map((e: any) => e.path).sort()).toEqual([
      "base_url",
      "name",
      "page_size",
      "token_secret",
    ]);
    expect(res.body.errors.find((e: any) => e.path === "base_url").message).toMatch(/https/);

    const rest = await send(token, "POST", "/connectors", {
      name: "magento:rest",
      base_url: "https://shop.example.com/rest/V1",
      token_secret: "MAGENTO_TOKEN",
    });
    expect(rest.status).toBe(400);
    expect(rest.body.errors[0]).toMatchObject({ in: "body", path: "base_url" });
  });

  it("keeps the token out: a connection names its secret and says whether the Worker has it", async () => {
    const store = fakeStore();
    const made = await connect(store.base, { token_secret: "MAGENTO_NOT_SET" });
    const seen = await send(token, "GET", `/connectors/${made.id}`);
    expect(seen.body).toMatchObject({ token_secret: "MAGENTO_NOT_SET", token_set: false, enabled: true });
    expect(seen.body.cursors).toEqual({ orders: null, invoices: null });
    const again = await send(token, "POST", "/connectors", {
      name: made.name,
      base_url: store.base,
      token_secret: "MAGENTO_TEST_TOKEN",
    });
    expect(again.status).toBe(409);
  });

  it("is the shop's: a vendor and a customer are refused", async () => {
    const vendor = await tokenFor(await seedUser("vendor"));
    expect((await send(vendor, "GET", "/connectors")).status).toBe(403);
    const customer = await tokenFor(await seedUser("customer"));
    expect((await send(customer, "POST", "/connectors", {})).status).toBe(403);
  });
});

describe("the Magento pull", () => {
  it("creates the orders of two pages with buyer, addresses, lines and totals in minor units", async () => {
    const store = fakeStore();
    const connection = await connect(store.base);
    const done = await pull(connection.id);
    expect(done).toMatchObject({
      trigger: "manual",
      status: "ok",
      pages: 4, // orders 4 + 3, invoices 4 + 1
      orders_created: 7,
      orders_updated: 0,
      invoices: 5,
      error: null,
    });

    const orders = await ordersOf(connection.name);
    expect([...orders.keys()].sort()).toEqual([
      "000000001",
      "000000002",
      "000000003",
      "000000004",
      "000000005",
      "000000006",
      "000000007",
    ]);
    const first = await send(token, "GET", `/orders/${orders.get("000000001").id}`);
    expect(first.body).toMatchObject({
      kind: "sale",
      source: connection.name,
      status: "picking",
      payment_status: "paid",
      currency: "EUR",
      buyer: { name: "Erika Mustermann", email: "erika@example.com", phone: "+49 30 1234567" },
      shipping_address: {
        name: "Erika Mustermann",
        company: "Muster GmbH",
        phone: "+49 30 1234567",
        line1: "Hauptstraße 5",
        line2: "Hinterhaus",
        city: "Berlin",
        postal_code: "10115",
        region: "Berlin",
        country: "DE",
      },
    });
    expect(first.body.reached.placed).toBe("2025-03-01T09:00:00.000Z");
    // The configurable's child item is not a line of its own.
    expect(first.body.lines.map((l: any) => [l.sku, l.quantity, l.unit_price.amount, l.tax_rate_bp])).toEqual(
      [
        ["SHIRT-M-BLUE", 2, 2500, 1900],
        ["MUG", 1, 1250, 1900],
      ],
    );
    // Magento's grand total 75.21: 62.50 + 11.88 tax + 5.83 shipping with its tax − 5.00.
    const totals = Object.fromEntries(
      Object.entries(first.body.totals).map(([k, v]: [string, any]) => [k, v.amount]),
    );
    expect(totals).toEqual({ subtotal: 6250, tax: 1188, shipping: 583, discount: 500, total: 7521 });

    const guest = orders.get("000000002");
    expect(guest).toMatchObject({
      buyer: { name: "Jan Jansen", email: "guest-2@example.com" },
      payment_status: "unpaid",
    });
    expect(guest.shipping_address).toMatchObject({
      line1: "Damrak 1",
      postal_code: "1012 LG",
      country: "NL",
    });
    expect(orders.get("000000003")).toMatchObject({ status: "shipped", payment_status: "paid" });
    expect(orders.get("000000004").status).toBe("cancelled");
    // 16.8067 net (20.00 with 19% tax) is 16.81: rounded half up by decimal arithmetic.
    const kettle = await send(token, "GET", `/orders/${orders.get("000000005").id}`);
    expect(kettle.body).toMatchObject({ status: "picking", payment_status: "partial" });
    expect(kettle.body.lines[0].unit_price.amount).toBe(1681);
    expect(orders.get("000000006")).toMatchObject({ status: "cancelled", payment_status: "refunded" });
    expect(orders.get("000000007")).toMatchObject({ currency: "JPY", totals: { total: { amount: 3240 } } });

    // Each feed resumes after its last item; the state says when it last worked.
    const state = (await send(token, "GET", `/connectors/${connection.id}`)).body;
    expect(state.cursors).toEqual({
      orders: { updated_at: "2025-03-06T09:30:00Z", entity_id: 7 },
      invoices: { updated_at: "2025-03-05T10:00:00Z", entity_id: 105 },
    });
    expect(state.last_success_at).toBe(done.finished_at);
    expect(state.last_error).toBeNull();

    // The second orders page was asked after (updated_at, entity_id) of the first's last order: order 5
    // shares order 4's updated_at and is neither skipped nor taken twice.
    const asked = (await store.log()).filter((r) => r.path.endsWith("/rest/V1/orders"));
    const second = new URLSearchParams(asked[1].query);
    expect(second.get("searchCriteria[filter_groups][0][filters][0][value]")).toBe("2025-03-04 12:00:00");
    expect(second.get("searchCriteria[filter_groups][1][filters][1][field]")).toBe("entity_id");
    expect(second.get("searchCriteria[filter_groups][1][filters][1][value]")).toBe("4");

    // Every page was kept raw first: Magento's answer as it came, and read into the orders.
    const pages = await pagesOf(connection.name);
    expect(pages).toHaveLength(4);
    expect(pages.every((p) => p.verdict === "accepted")).toBe(true);
    const firstPage = pages.find((p) => p.subject === "Magento orders 000000001 … 000000004 (4)");
    expect(firstPage).toMatchObject({ outcome: "created", content_type: "application/json" });
    const raw = await send(token, "GET", `/ingest/${firstPage.id}/raw`);
    expect(raw.body).toMatchObject({ magento: "orders", after: null, response: { total_count: 7 } });
    expect(raw.body.response.items.map((o: any) => o.increment_id)).toEqual([
      "000000001",
      "000000002",
      "000000003",
      "000000004",
    ]);
  });

  it("reads invoices as their orders' release to picking, sets aside those with nothing new, and takes a later invoice with its order", async () => {
    const store = fakeStore();
    const connection = await connect(store.base);
    await pull(connection.id);
    const invoicePages = (await pagesOf(connection.name)).filter((p) =>
      p.subject.startsWith("Magento invoices"),
    );
    // Invoices of complete or closed orders and a cancelled invoice say nothing new: set aside with why.
    const detail = invoicePages.map((p) => p.detail ?? "").join(" ");
    expect(detail).toMatch(/invoice 000000103 is cancelled/);
    expect(detail).toMatch(/order 000000003 is complete already/);

    // Not invoiced: it waits in placed, outside the pick & pack queue.
    expect((await ordersOf(connection.name)).get("000000002")).toMatchObject({
      status: "placed",
      payment_status: "unpaid",
    });
    await store.control({ invoice: { order: "000000002", at: "2025-03-07 10:00:00" } });
    const next = await pull(connection.id);
    expect(next).toMatchObject({ status: "ok", pages: 2, orders_created: 0, orders_updated: 1, invoices: 1 });
    expect((await ordersOf(connection.name)).get("000000002")).toMatchObject({
      status: "picking",
      payment_status: "paid",
    });
  });

  it("resumes after a failure in the middle from the cursor, without duplicates", async () => {
    const store = fakeStore();
    const connection = await connect(store.base);
    await store.control({ fail_on_page: 2, feed: "orders" });

    const failed = await pull(connection.id);
    expect(failed).toMatchObject({ status: "failed", pages: 1, orders_created: 4, invoices: 0 });
    expect(failed.error).toBe(
      `Magento answered 500 to GET /magento/${store.scenario}/rest/V1/orders: Internal error. Details are available in Magento log file. Report ID: webapi-6f1c`,
    );
    const stopped = (await send(token, "GET", `/connectors/${connection.id}`)).body;
    expect(stopped).toMatchObject({
      cursors: { orders: { updated_at: "2025-03-04T12:00:00Z", entity_id: 4 }, invoices: null },
      last_success_at: null,
      last_error: failed.error,
      last_error_at: failed.finished_at,
    });
    expect((await ordersOf(connection.name)).size).toBe(4);

    const resumed = await pull(connection.id);
    expect(resumed).toMatchObject({
      status: "ok",
      pages: 3,
      orders_created: 3,
      orders_updated: 0,
      invoices: 5,
    });
    const orders = await ordersOf(connection.name);
    expect(orders.size).toBe(7);
    const { results } = await env.DB.prepare(
      "SELECT external_ref, count(*) AS n FROM orders WHERE source = ? GROUP BY external_ref HAVING n > 1",
    )
      .bind(connection.name)
      .all();
    expect(results).toEqual([]);
    // Page 1 was not asked for again: four pages kept in all, each once.
    const pages = await pagesOf(connection.name);
    expect(pages).toHaveLength(4);
    expect(pages.every((p) => p.verdict === "accepted")).toBe(true);
    const pulls = (await send(token, "GET", `/connectors/${connection.id}/pulls`)).body.items;
    expect(pulls.map((p: any) => p.status)).toEqual(["ok", "failed"]);
  });

  it("changes nothing on a second pull by the clock, nor when pulled again from the start", async () => {
    const store = fakeStore();
    const connection = await connect(store.base);
    await pull(connection.id);
    const before = await ordersOf(connection.name);
    const keptBefore = await pagesOf(connection.name);

    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.UTC(2025, 5, 1, 0, 15) }),
      withSecret,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const pulls = (await send(token, "GET", `/connectors/${connection.id}/pulls`)).body.items;
    expect(pulls[0]).toMatchObject({
      trigger: "schedule",
      status: "ok",
      pages: 0,
      orders_created: 0,
      orders_updated: 0,
      orders_unchanged: 0,
      invoices: 0,
    });
    expect(await pagesOf(connection.name)).toHaveLength(keptBefore.length);

    // From the start again: every page is recognised as one kept before and changes nothing.
    const rewound = await send(token, "PATCH", `/connectors/${connection.id}`, {
      pull_from: "2025-01-01T00:00:00Z",
    });
    expect(rewound.body.cursors.orders).toEqual({ updated_at: "2025-01-01T00:00:00Z", entity_id: 0 });
    const again = await pull(connection.id);
    expect(again).toMatchObject({
      status: "ok",
      pages: 4,
      orders_created: 0,
      orders_updated: 0,
      orders_unchanged: 7,
    });
    const kept = await pagesOf(connection.name);
    expect(kept.filter((p) => p.verdict === "accepted")).toHaveLength(keptBefore.length);
    expect(kept.filter((p) => p.verdict === "duplicate")).toHaveLength(4);

    const after = await ordersOf(connection.name);
    for (const [ref, order] of before) {
      expect(after.get(ref)).toMatchObject({
        status: order.status,
        version: order.version,
        updated_at: order.updated_at,
      });
    }

    // A kept page holds all it needs to be read again (a reprocess after a mapping was fixed).
    const firstPage = kept.find(
      (p) => p.verdict === "accepted" && p.subject.startsWith("Magento orders 000000001"),
    );
    const reread = await send(token, "POST", `/ingest/${firstPage.id}/reprocess`);
    expect(reread.status).toBe(200);
    expect(reread.body).toMatchObject({ outcome: "unchanged", attempts: 2 });
    expect(reread.body.results).toHaveLength(4);
  });

  it("fails clearly when the token secret is missing or Magento refuses the token", async () => {
    const store = fakeStore();
    const missing = await connect(store.base, { token_secret: "MAGENTO_NOT_SET" });
    const failed = await pull(missing.id);
    expect(failed).toMatchObject({ status: "failed", pages: 0 });
    expect(failed.error).toMatch(
      /^The token secret MAGENTO_NOT_SET is not set: .*wrangler secret put MAGENTO_NOT_SET/,
    );
    const state = (await send(token, "GET", `/connectors/${missing.id}`)).body;
    expect(state).toMatchObject({ last_error: failed.error, last_success_at: null, token_set: false });

    const refused = await connect(store.base);
    await store.control({ token: "another-token" });
    const denied = await pull(refused.id);
    expect(denied.status).toBe("failed");
    expect(denied.error).toMatch(
      /^Magento answered 401 to GET .*\/rest\/V1\/orders: The consumer isn't authorized to access Magento_Sales::sales\. Check the integration's access token in the secret MAGENTO_TEST_TOKEN/,
    );
    expect((await ordersOf(refused.name)).size).toBe(0);
  });

  it("answers 409 while the connection is being pulled or switched off", async () => {
    const store = fakeStore();
    const connection = await connect(store.base);
    await env.DB.prepare(
      "INSERT INTO store_pulls (id, connection_id, trigger, status, started_at) VALUES (?, ?, 'schedule', 'running', ?)",
    )
      .bind(crypto.randomUUID(), connection.id, new Date().toISOString())
      .run();
    const busy = await send(token, "POST", `/connectors/${connection.id}/pull`);
    expect(busy.status).toBe(409);
    expect(busy.body.detail).toMatch(/being pulled already/);

    await send(token, "PATCH", `/connectors/${connection.id}`, { enabled: false });
    const off = await send(token, "POST", `/connectors/${connection.id}/pull`);
    expect(off.status).toBe(409);
    expect(off.body.detail).toMatch(/switched off/);
  });
});

describe("reading Magento's orders and invoices", () => {
  it("turns Magento's decimals into minor units by rounding half up, never by float sums", () => {
    expect(magentoMinor(16.8067, "EUR")).toBe(1681);
    expect(magentoMinor(0.005, "EUR")).toBe(1);
    expect(magentoMinor(0.0049, "EUR")).toBe(0);
    expect(magentoMinor(-5, "EUR")).toBe(-500);
    expect(magentoMinor("19.99", "EUR")).toBe(1999);
    expect(magentoMinor(1500, "JPY")).toBe(1500);
    expect(magentoMinor(0.1 + 0.2, "EUR")).toBe(30);
    expect(magentoMinor(1e-7, "EUR")).toBe(1e-7); // not a plain decimal: left for the schema to refuse
  });

  it("maps Magento's states to where the order is for us", () => {
    const statusOf = (state: string, extra: Record<string, unknown> = {}) => {
      const mapped = mapMagentoOrder({ increment_id: "1", state, ...extra }, "magento:x");
      return "intake" in mapped ? mapped.intake.status : "ignored";
    };
    // Not invoiced yet: placed (stock reserved, waiting for the invoice that releases it to pick & pack).
    expect(statusOf("new")).toBe("placed");
    expect(statusOf("pending_payment")).toBe("placed");
    expect(statusOf("holded")).toBe("placed");
    expect(statusOf("processing")).toBe("placed");
    expect(statusOf("processing", { total_invoiced: 10 })).toBe("picking");
    expect(statusOf("complete")).toBe("shipped");
    expect(statusOf("canceled")).toBe("cancelled");
    expect(statusOf("closed")).toBe("cancelled");
  });

  it("reads an invoice as its order's release to picking, unless it says nothing new", () => {
    const orders = {
      "9": { increment_id: "000000009", state: "processing" },
      "10": { increment_id: "000000010", state: "complete" },
    };
    expect(mapMagentoInvoice({ increment_id: "I1", order_id: 9, state: 2 }, "magento:x", orders)).toEqual({
      intake: { source: "magento:x", kind: "sale", external_ref: "000000009", status: "picking" },
    });
    expect(mapMagentoInvoice({ increment_id: "I2", order_id: 9, state: 3 }, "magento:x", orders)).toEqual({
      ignore: "invoice I2 is cancelled",
    });
    expect(
      mapMagentoInvoice({ increment_id: "I3", order_id: 10, state: 2 }, "magento:x", orders),
    ).toHaveProperty("ignore");
    expect(
      mapMagentoInvoice({ increment_id: "I4", order_id: 11, state: 2 }, "magento:x", orders),
    ).toHaveProperty("ignore");
  });
});
