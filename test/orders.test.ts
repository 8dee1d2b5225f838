import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { pathTo, TRANSITIONS } from "../src/modules/orders/lifecycle";
import { monthsBetween } from "../src/modules/orders/queries";
import {
  type ApiClient,
  actingAs,
  customerUser,
  expectLedgerAgrees,
  makeOrder,
  makeProduct,
  seedUser,
  stockroom,
  tokenFor,
} from "./helpers";
import { join } from "./ws";

let manager: ApiClient;
let stock: Awaited<ReturnType<typeof stockroom>>["stock"];
let level: Awaited<ReturnType<typeof stockroom>>["level"];
beforeAll(async () => {
  ({ manager, stock, level } = await stockroom());
});
// Tests that read "now" hold the clock still: vi.setSystemTime reaches the Worker, which runs in this
// isolate. They sign in on the held clock, as a token from the real one need not be valid at that instant.
afterEach(() => {
  vi.useRealTimers();
});

const move = (api: ApiClient, id: string, to: string) => api.post(`/api/v1/orders/${id}/transitions`, { to });

describe("the lifecycle", () => {
  it("allows every move in the table", async () => {
    const edges = Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => [from, to] as const));
    for (const [from, to] of edges) {
      const order = await makeOrder(manager);
      const path: Record<string, string[]> = {
        placed: [],
        under_risk: ["under_risk"],
        awaiting_customer: ["awaiting_customer"],
        picking: ["picking"],
        shipped: ["picking", "shipped"],
      };
      for (const step of path[from] ?? [])
        expect((await move(manager, order.id, step)).status, `${from}: ${step}`).toBe(200);
      const res = await move(manager, order.id, to);
      expect(res.status, `${from} -> ${to}`).toBe(200);
      expect(res.body.status).toBe(to);
      expect(res.body.reached[to]).toEqual(expect.any(String));
    }
  });

  it("refuses moves outside the table with 409 naming what is allowed, and changes nothing", async () => {
    const order = await makeOrder(manager);
    const samples: [string[], string][] = [
      [[], "shipped"],
      [[], "delivered"],
      [["picking", "shipped"], "cancelled"],
      [["picking", "shipped", "delivered"], "picking"],
      [["cancelled"], "placed"],
    ];
    for (const [walk, to] of samples) {
      const o = await makeOrder(manager);
      for (const step of walk) await move(manager, o.id, step);
      const before = (await manager.get(`/api/v1/orders/${o.id}`)).body;
      const res = await move(manager, o.id, to);
      expect(res.status, `${before.status} -> ${to}`).toBe(409);
      expect(res.body).toMatchObject({
        current: before.status,
        allowed: TRANSITIONS[before.status as keyof typeof TRANSITIONS],
      });
      expect((await manager.get(`/api/v1/orders/${o.id}`)).body.version).toBe(before.version);
    }
    expect((await move(manager, order.id, "nowhere")).status).toBe(400);
  });

  it("records every change as an event: from, to, source, actor, time", async () => {
    const order = await makeOrder(manager);
    await move(manager, order.id, "picking");
    await move(manager, order.id, "shipped");
    const events = (await manager.get(`/api/v1/orders/${order.id}/events`)).body.items;
    expect(events.map((e: any) => [e.type, e.from_status, e.to_status])).toEqual([
      ["created", null, "placed"],
      ["status", "placed", "picking"],
      ["status", "picking", "shipped"],
    ]);
    expect(events[1]).toMatchObject({
      source: "staff",
      actor_id: expect.any(String),
      created_at: expect.any(String),
    });
  });

  it("staff edit notes, staff-only notes, payment and tracking; customers never see staff notes", async () => {
    const { api } = await customerUser("Notes Co");
    const p = await makeProduct(manager);
    await stock(p.id, 1);
    await api.post("/api/v1/cart/lines", { product_id: p.id, quantity: 1 });
    const order = (await api.post("/api/v1/orders/from-cart")).body;
    const edited = await manager.patch(`/api/v1/orders/${order.id}`, {
      staff_notes: "Customer pays late",
      payment_status: "partial",
      tracking: { carrier: "DPD", number: "0123" },
    });
    expect(edited.body).toMatchObject({
      staff_notes: "Customer pays late",
      payment_status: "partial",
      tracking: { carrier: "DPD", number: "0123" },
    });
    const seen = (await api.get(`/api/v1/orders/${order.id}`)).body;
    expect(seen.staff_notes).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain("pays late");
    expect((await api.patch(`/api/v1/orders/${order.id}`, { notes: "mine" })).status).toBe(403);
    const events = (await manager.get(`/api/v1/orders/${order.id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({
      type: "updated",
      details: { changes: ["staff_notes", "payment_status", "carrier", "tracking_number"] },
    });
  });

  it("numbers orders R-<year>-<6 digits>, unique and increasing", async () => {
    // Each year has its own counter: hold the clock inside one year, so New Year's Eve cannot split the pair.
    vi.setSystemTime(new Date("2026-03-10T12:00:00Z"));
    const clerk = actingAs(await tokenFor(await seedUser("manager")));
    const a = await makeOrder(clerk);
    const b = await makeOrder(clerk);
    expect(a.number).toMatch(/^R-2026-\d{6}$/);
    expect(Number(b.number.slice(-6))).toBe(Number(a.number.slice(-6)) + 1);
  });

  it("derives totals exactly in minor units", async () => {
    const order = await makeOrder(manager, {
      lines: [
        { sku: "A", name: "A", quantity: 3, unit_price: 1999, tax_rate_bp: 1900 },
        { sku: "B", name: "B", quantity: 1, unit_price: 333, tax_rate_bp: 700 },
      ],
      shipping: 495,
      discount: 100,
    });
    expect(order.totals).toEqual({
      subtotal: { amount: 6330, currency: "EUR", display: "63.30" },
      tax: { amount: 1162, currency: "EUR", display: "11.62" },
      shipping: { amount: 495, currency: "EUR", display: "4.95" },
      discount: { amount: 100, currency: "EUR", display: "1.00" },
      total: { amount: 7887, currency: "EUR", display: "78.87" },
    });
    expect(order.lines[0].line_total.amount).toBe(5997);
  });
});

describe("placing from the cart", () => {
  it("reserves stock and goes to picking when every line can be filled; shipping turns reservations into sales", async () => {
    const { api } = await customerUser("Happy Path Co");
    const p = await makeProduct(manager, { price: { amount: 1250, currency: "EUR" } });
    await stock(p.id, 10);
    await api.post("/api/v1/cart/lines", { product_id: p.id, quantity: 4 });
    const placed = await api.post("/api/v1/orders/from-cart", { notes: "Ring twice" });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({
      status: "picking",
      source: "cart",
      notes: "Ring twice",
      totals: { subtotal: { amount: 5000 } },
    });
    expect(placed.body.staff_notes).toBeUndefined();
    // Who buys and where it goes come from the customer's record, and the customer sees them.
    expect(placed.body).toMatchObject({
      buyer: { name: "Happy Path Co", email: "happypathco@customer.test", phone: null },
      shipping_address: null,
    });
    expect((await api.get(`/api/v1/orders/${placed.body.id}`)).body.buyer.email).toBe(
      "happypathco@customer.test",
    );
    expect(await level(p.id)).toMatchObject({ on_hand: 10, reserved: 4, available: 6 });
    // The cart was used: a new one is empty.
    expect((await api.get("/api/v1/cart")).body.lines).toEqual([]);
    expect((await api.post("/api/v1/orders/from-cart")).status).toBe(409);

    expect((await move(api, placed.body.id, "shipped")).status).toBe(403);
    expect((await move(manager, placed.body.id, "shipped")).status).toBe(200);
    expect(await level(p.id)).toMatchObject({ on_hand: 6, reserved: 0, available: 6 });
    const kinds = (await manager.get(`/api/v1/inventory/movements?product_id=${p.id}`)).body.items.map(
      (m: any) => [m.kind, m.quantity, m.reserved_delta],
    );
    expect(kinds).toEqual([
      ["sale", -4, -4],
      ["reserve", 0, 4],
      ["receive", 10, 0],
    ]);
    await expectLedgerAgrees(p.id);
  });

  it("short stock puts the order under risk; the customer picks a substitute and it goes on to picking", async () => {
    const { api } = await customerUser("Short Co");
    const wanted = await makeProduct(manager, { price: { amount: 1000, currency: "EUR" } });
    const fine = await makeProduct(manager, { price: { amount: 500, currency: "EUR" } });
    const sub = await makeProduct(manager, { price: { amount: 1100, currency: "EUR" } });
    await stock(wanted.id, 1);
    await stock(fine.id, 5);
    await stock(sub.id, 5);
    await api.post("/api/v1/cart/lines", { product_id: wanted.id, quantity: 2, substitutes: [sub.id] });
    await api.post("/api/v1/cart/lines", { product_id: fine.id, quantity: 1 });
    const placed = (await api.post("/api/v1/orders/from-cart")).body;
    expect(placed.status).toBe("awaiting_customer");
    expect(placed.reached.under_risk).toEqual(expect.any(String));
    const short = placed.lines.find((l: any) => l.product_id === wanted.id);
    expect(short).toMatchObject({
      fill: "short",
      risk_reason: "Only 1 available for 2 ordered.",
      substitutes: [sub.id],
    });
    // What can be filled is held; the short line holds nothing.
    expect(await level(wanted.id)).toMatchObject({ reserved: 0, available: 1 });
    expect(await level(fine.id)).toMatchObject({ reserved: 1 });
    const events = (await api.get(`/api/v1/orders/${placed.id}/events`)).body.items.map((e: any) => [
      e.from_status,
      e.to_status,
    ]);
    expect(events).toEqual([
      [null, "placed"],
      ["placed", "under_risk"],
      ["under_risk", "awaiting_customer"],
    ]);
    expect((await move(manager, placed.id, "picking")).status).toBe(409);

    // Only an offered substitute may be chosen by the customer.
    const other = await makeProduct(manager);
    await stock(other.id, 5);
    expect(
      (await api.post(`/api/v1/orders/${placed.id}/lines/${short.id}/substitute`, { product_id: other.id }))
        .status,
    ).toBe(400);
    const watcher = await join(`/api/v1/orders/${placed.id}/room`, await tokenFor(await seedUser("staff")));
    await watcher.next("welcome");
    const chosen = await api.post(`/api/v1/orders/${placed.id}/lines/${short.id}/substitute`, {
      product_id: sub.id,
    });
    expect(chosen.status).toBe(200);
    expect(chosen.body.status).toBe("picking");
    // The room hears both: the substitute, and the move it made.
    expect((await watcher.until((f) => f.event?.type === "substitute")).event).toMatchObject({
      line_no: short.line_no,
    });
    expect((await watcher.until((f) => f.event?.type === "status")).event).toMatchObject({
      from: "awaiting_customer",
      to: "picking",
    });
    watcher.close();
    expect(chosen.body.lines.find((l: any) => l.id === short.id)).toMatchObject({
      product_id: sub.id,
      fill: "ok",
      replaced_product_id: wanted.id,
      unit_price: { amount: 1100 },
    });
    expect(chosen.body.totals.subtotal.amount).toBe(2 * 1100 + 500);
    expect(await level(sub.id)).toMatchObject({ reserved: 2, available: 3 });
    for (const id of [wanted.id, fine.id, sub.id]) await expectLedgerAgrees(id);
  });

  it("without any substitute in stock the order waits under risk; staff may replace the product", async () => {
    const { api } = await customerUser("Staff Fix Co");
    const scarce = await makeProduct(manager, { category_id: null });
    await stock(scarce.id, 1);
    await api.post("/api/v1/cart/lines", { product_id: scarce.id, quantity: 3 });
    const placed = (await api.post("/api/v1/orders/from-cart")).body;
    expect(placed.status).toBe("under_risk");
    const replacement = await makeProduct(manager);
    await stock(replacement.id, 3);
    const fixed = await manager.post(`/api/v1/orders/${placed.id}/lines/${placed.lines[0].id}/substitute`, {
      product_id: replacement.id,
    });
    expect(fixed.body.status).toBe("picking");
  });

  it("cancelling gives the stock back", async () => {
    const { api } = await customerUser("Cancel Co");
    const p = await makeProduct(manager);
    await stock(p.id, 5);
    await api.post("/api/v1/cart/lines", { product_id: p.id, quantity: 3 });
    const placed = (await api.post("/api/v1/orders/from-cart")).body;
    expect(await level(p.id)).toMatchObject({ reserved: 3, available: 2 });
    // Customers may not cancel once picking has started; staff may.
    expect((await move(api, placed.id, "cancelled")).status).toBe(403);
    const cancelled = await move(manager, placed.id, "cancelled");
    expect(cancelled.body.status).toBe("cancelled");
    expect(await level(p.id)).toMatchObject({ on_hand: 5, reserved: 0, available: 5 });
    await expectLedgerAgrees(p.id);
  });

  it("a customer cancels their own order while it waits for them", async () => {
    const { api } = await customerUser("Self Cancel Co");
    const p = await makeProduct(manager, { category_id: null });
    await api.post("/api/v1/cart/lines", { product_id: p.id, quantity: 1 });
    const placed = (await api.post("/api/v1/orders/from-cart")).body;
    expect(placed.status).toBe("under_risk");
    expect((await move(api, placed.id, "cancelled")).body.status).toBe("cancelled");
  });

  it("two customers racing for the last units: one gets them, the other is put at risk", async () => {
    const p = await makeProduct(manager, { category_id: null });
    await stock(p.id, 3);
    const a = await customerUser("Race A");
    const b = await customerUser("Race B");
    await a.api.post("/api/v1/cart/lines", { product_id: p.id, quantity: 3 });
    await b.api.post("/api/v1/cart/lines", { product_id: p.id, quantity: 3 });
    const [ra, rb] = await Promise.all([
      a.api.post("/api/v1/orders/from-cart"),
      b.api.post("/api/v1/orders/from-cart"),
    ]);
    expect([ra.body.status, rb.body.status].sort()).toEqual(["picking", "under_risk"]);
    expect(await level(p.id)).toMatchObject({ on_hand: 3, reserved: 3, available: 0 });
    await expectLedgerAgrees(p.id);
  });
});

describe("lists and dashboards", () => {
  it("filters by status, kind, date and text; customers see only their own, by id, list, search and events", async () => {
    const alice = await customerUser("Alice Imports");
    const bob = await customerUser("Bob Exports");
    // Sales placed at fixed instants, so the date filters below mean the same at any time of day or year.
    const sale = (customerId: string, placed_at: string) =>
      makeOrder(manager, { kind: "sale", merchant: undefined, customer_id: customerId, placed_at });
    const mine = await sale(alice.customerId, "2026-03-10T11:00:00Z");
    const theirs = await sale(bob.customerId, "2026-03-10T12:00:00Z");
    expect([mine.status, theirs.status]).toEqual(["picking", "picking"]);

    const ids = async (api: ApiClient, query: string) =>
      (await api.get(`/api/v1/orders?${query}`)).body.items.map((o: any) => o.id);
    expect(await ids(alice.api, "limit=200")).toEqual([mine.id]);
    expect(await ids(alice.api, `q=${theirs.number}`)).toEqual([]);
    expect(await ids(alice.api, "q=Bob")).toEqual([]);
    expect(await ids(alice.api, `customer_id=${bob.customerId}`)).toEqual([mine.id]);
    for (const path of ["", "/events", "/messages"]) {
      expect((await alice.api.get(`/api/v1/orders/${theirs.id}${path}`)).status, path).toBe(404);
    }
    expect((await alice.api.post(`/api/v1/orders/${theirs.id}/messages`, { body: "hi" })).status).toBe(404);
    expect(
      (await alice.api.post(`/api/v1/orders/${theirs.id}/transitions`, { to: "cancelled" })).status,
    ).toBe(404);

    expect(await ids(manager, `q=${theirs.number}`)).toEqual([theirs.id]);
    expect(await ids(manager, "q=bob exports")).toEqual([theirs.id]);
    expect(await ids(manager, `customer_id=${alice.customerId}&status=picking&kind=sale`)).toEqual([mine.id]);
    const at = (time: string) => encodeURIComponent(time);
    // A window across a month's end: the text search narrows by month, both months must be searched.
    const window = `from=${at("2026-02-25T00:00:00Z")}&to=${at("2026-03-11T00:00:00Z")}`;
    expect(await ids(manager, `q=bob&status=picking&kind=sale&${window}`)).toEqual([theirs.id]);
    expect(await ids(manager, `q=bob&status=shipped&${window}`)).toEqual([]);
    expect(await ids(manager, `q=bob&kind=purchase`)).toEqual([]);
    // Offsets count: 13:00 in Berlin (+01:00 in March) is 12:00 UTC, when Bob's order was placed; `to`
    // excludes that instant, `from` includes it.
    expect(await ids(manager, `q=bob&to=${at("2026-03-10T13:00:01+01:00")}`)).toEqual([theirs.id]);
    expect(await ids(manager, `q=bob&to=${at("2026-03-10T13:00:00+01:00")}`)).toEqual([]);
    expect(await ids(manager, `q=bob&from=${at("2026-03-10T13:00:00+01:00")}`)).toEqual([theirs.id]);
    expect(await ids(manager, `customer_id=${bob.customerId}&from=${at("2026-03-10T12:00:01Z")}`)).toEqual(
      [],
    );
    expect((await manager.get("/api/v1/orders?from=yesterday")).status).toBe(400);
  });

  it("pages with a cursor without repeats", async () => {
    const source = `pager-${crypto.randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 5; i++) await makeOrder(manager, { source });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await manager.get(
        `/api/v1/orders?source=${source}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...page.body.items.map((o: any) => o.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it("gives customers their counts and what needs their action, and staff today's figures", async () => {
    // "Today" is read from the clock: hold it at 23:30 UTC, already 00:30 the next day in Berlin, so the two
    // days differ and every figure below is exact whenever the test runs.
    vi.setSystemTime(new Date("2026-03-10T23:30:00Z"));
    const { manager, stock } = await stockroom();
    const today = async (tz: string) => (await manager.get(`/api/v1/orders/dashboard?tz=${tz}`)).body;
    const eur = (d: any) => d.today_revenue.find((m: any) => m.currency === "EUR")?.amount ?? 0;
    const before = { berlin: await today("Europe/Berlin"), utc: await today("UTC") };

    const { api } = await customerUser("Dash Co");
    const p = await makeProduct(manager, { category_id: null, price: { amount: 700, currency: "EUR" } });
    const sub = await makeProduct(manager);
    await stock(sub.id, 5);
    await api.post("/api/v1/cart/lines", { product_id: p.id, quantity: 1, substitutes: [sub.id] });
    const placed = (await api.post("/api/v1/orders/from-cart")).body;
    const mine = (await api.get("/api/v1/orders/dashboard")).body;
    expect(mine).toMatchObject({ view: "customer", counts: { awaiting_customer: 1 } });
    expect(mine.needs_your_action.map((o: any) => o.id)).toEqual([placed.id]);
    expect(mine.recent.map((o: any) => o.id)).toEqual([placed.id]);

    // Two shop sales either side of midnight in Berlin; both fall on the same day in UTC.
    const sale = (placed_at: string, unit_price: number) =>
      makeOrder(manager, {
        kind: "sale",
        merchant: undefined,
        placed_at,
        lines: [{ sku: "DASH", name: "Dash", quantity: 1, unit_price }],
      });
    await sale("2026-03-10T22:59:59Z", 2000);
    await sale("2026-03-10T23:00:00Z", 4000);
    const cart = placed.totals.total.amount;

    const after = { berlin: await today("Europe/Berlin"), utc: await today("UTC") };
    expect(after.berlin).toMatchObject({
      view: "staff",
      time_zone: "Europe/Berlin",
      today_since: "2026-03-10T23:00:00.000Z",
    });
    expect(after.berlin.today_orders - before.berlin.today_orders).toBe(2);
    expect(eur(after.berlin) - eur(before.berlin)).toBe(cart + 4000);
    expect(after.utc).toMatchObject({ time_zone: "UTC", today_since: "2026-03-10T00:00:00.000Z" });
    expect(after.utc.today_orders - before.utc.today_orders).toBe(3);
    expect(eur(after.utc) - eur(before.utc)).toBe(cart + 2000 + 4000);
    expect((await manager.get("/api/v1/orders/dashboard?tz=Mars/Olympus")).status).toBe(400);
  });
});

describe("lifecycle and range helpers", () => {
  it("finds the shortest allowed path between states", () => {
    expect(pathTo("placed", "delivered")).toEqual(["picking", "shipped", "delivered"]);
    expect(pathTo("under_risk", "shipped")).toEqual(["picking", "shipped"]);
    expect(pathTo("shipped", "cancelled")).toBeNull();
    expect(pathTo("delivered", "picking")).toBeNull();
    expect(pathTo("picking", "picking")).toEqual([]);
  });

  it("lists the months of a range, and gives up on open or long ones", () => {
    expect(monthsBetween("2026-11-20T00:00:00Z", "2027-01-01T00:00:00Z")).toEqual(["202611", "202612"]);
    expect(monthsBetween("2026-11-20T00:00:00Z", "2027-01-01T00:00:01Z")).toEqual([
      "202611",
      "202612",
      "202701",
    ]);
    expect(monthsBetween(undefined, "2027-01-01T00:00:00Z")).toBeUndefined();
    expect(monthsBetween("2020-01-01T00:00:00Z", "2027-01-01T00:00:00Z")).toBeUndefined();
  });
});
