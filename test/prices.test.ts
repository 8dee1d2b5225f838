// Watched prices through the REST door: observations kept only when they change, items linked to products by
// SKU, days in a time zone with prices carried forward, price.changed on the shop's feed, and forecasts
// checked against a line fitted here by hand (and refused on too few points).
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, actingAs, makeProduct, seedUser, tokenFor } from "./helpers";
import { normalEquations } from "./least-squares";
import { join } from "./ws";

let manager: ApiClient;
let managerToken: string;
let staff: ApiClient;
beforeAll(async () => {
  managerToken = await tokenFor(await seedUser("manager"));
  manager = actingAs(managerToken);
  staff = actingAs(await tokenFor(await seedUser("staff")));
});

/** A source of its own per test, so tests never see each other's items. */
const newSource = () => `rival-${crypto.randomUUID().slice(0, 8)}`;

async function record(observations: Record<string, unknown>[]) {
  const res = await manager.post("/api/v1/prices/observations", { observations });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { recorded: number; unchanged: number };
}

async function itemOf(source: string, key: string) {
  const res = await manager.get(`/api/v1/prices?source=${source}`);
  expect(res.status).toBe(200);
  const item = res.body.items.find((i: { key: string }) => i.key === `${source}:${key}`);
  expect(item, `no item ${source}:${key}`).toBeDefined();
  return item as Record<string, any>;
}

/** An observation in EUR, named after its key unless `extra` says. */
const seen = (source: string, key: string, price_minor: number, observed_at: string, extra = {}) => ({
  source,
  key,
  name: key,
  price_minor,
  currency: "EUR",
  observed_at,
  ...extra,
});

const eur = (amount: number) => ({ amount, currency: "EUR", display: (amount / 100).toFixed(2) });

describe("recording observations", () => {
  it("keeps changed prices only, so a second identical batch records nothing", async () => {
    const source = newSource();
    const obs = (key: string, price: number, at: string) =>
      seen(source, key, price, at, { name: `Mug ${key}` });
    const batch = [
      obs("A", 1000, "2025-05-01T08:00:00Z"),
      obs("A", 1200, "2025-05-03T08:00:00Z"),
      obs("A", 1000, "2025-05-02T08:00:00+00:00"), // same as the price before it: not kept
      obs("B", 500, "2025-05-01T09:00:00Z"),
    ];
    expect(await record(batch)).toEqual({ recorded: 3, unchanged: 1 });
    expect(await record(batch)).toEqual({ recorded: 0, unchanged: 4 });
    // Later and the same: unchanged; earlier than the last known: history only moves forward.
    expect(
      await record([obs("A", 1200, "2025-05-04T08:00:00Z"), obs("B", 450, "2025-04-30T08:00:00Z")]),
    ).toEqual({ recorded: 0, unchanged: 2 });

    const a = await itemOf(source, "A");
    expect(a).toMatchObject({
      name: "Mug A",
      product_id: null,
      alert_below: null,
      change_threshold_bp: null,
      effective_change_threshold_bp: 1000,
      latest: { price: eur(1200), source, observed_at: "2025-05-03T08:00:00.000Z" },
    });
    expect((await staff.get(`/api/v1/prices/${a.id}`)).body).toEqual(a);
    const days = await staff.get(`/api/v1/prices/${a.id}/history?from=2025-05-01&to=2025-05-03&tz=UTC`);
    expect(days.body.days.map((d: any) => [d.date, d.close.amount, d.observations])).toEqual([
      ["2025-05-01", 1000, 1],
      ["2025-05-02", 1000, 0],
      ["2025-05-03", 1200, 1],
    ]);
  });

  it("links an item to the catalog product whose SKU it shows, also when the SKU comes later", async () => {
    const product = await makeProduct(manager);
    const source = newSource();
    const at = "2025-05-01T10:00:00Z";
    await record([
      seen(source, "m-1", 900, at, { sku: product.sku }),
      seen(source, "m-2", 950, at),
      seen(source, "m-3", 990, at, { sku: "NO-SUCH-SKU" }),
    ]);
    expect((await itemOf(source, "m-1")).product_id).toBe(product.id);
    expect((await itemOf(source, "m-2")).product_id).toBeNull();
    expect((await itemOf(source, "m-3")).product_id).toBeNull();

    // An unchanged price still links the item and takes its new name.
    await record([
      seen(source, "m-2", 950, "2025-05-02T10:00:00Z", { name: "Rival mug, blue", sku: product.sku }),
    ]);
    expect(await itemOf(source, "m-2")).toMatchObject({ product_id: product.id, name: "Rival mug, blue" });

    const linked = await staff.get(`/api/v1/prices?product_id=${product.id}`);
    expect(linked.body.items.map((i: { key: string }) => i.key)).toEqual([`${source}:m-1`, `${source}:m-2`]);
  });

  it("pages items by key", async () => {
    const source = newSource();
    await record(["c", "a", "b"].map((key) => seen(source, key, 100, "2025-05-01T10:00:00Z")));
    const first = await staff.get(`/api/v1/prices?source=${source}&limit=2`);
    expect(first.body.items.map((i: { key: string }) => i.key)).toEqual([`${source}:a`, `${source}:b`]);
    const second = await staff.get(
      `/api/v1/prices?source=${source}&limit=2&cursor=${first.body.next_cursor}`,
    );
    expect(second.body).toMatchObject({ items: [{ key: `${source}:c` }], next_cursor: null });
  });

  it("is the shop's: customers and vendors are refused, staff read but do not record", async () => {
    const customer = actingAs(await tokenFor(await seedUser("customer")));
    const vendor = actingAs(await tokenFor(await seedUser("vendor")));
    expect((await customer.get("/api/v1/prices")).status).toBe(403);
    const body = { observations: [seen("x", "y", 1, "2025-01-01T00:00:00Z")] };
    expect((await vendor.post("/api/v1/prices/observations", body)).status).toBe(403);
    expect((await staff.post("/api/v1/prices/observations", body)).status).toBe(403);
    expect((await staff.get("/api/v1/prices")).status).toBe(200);
  });

  it("refuses a bad observation naming its field, and a future one", async () => {
    const res = await manager.post("/api/v1/prices/observations", {
      observations: [seen("x", "y", 12.5, "2099-01-01T00:00:00Z")],
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "observations.0.observed_at",
      "observations.0.price_minor",
    ]);
  });
});

describe("history by day", () => {
  it("aggregates per day in the asked time zone and carries the last price forward", async () => {
    const source = newSource();
    const at = (observed_at: string, price: number) => seen(source, "kettle", price, observed_at);
    await record([
      at("2025-01-10T03:00:00Z", 1000), // New York: Jan 9, 22:00
      at("2025-01-10T15:00:00Z", 1100), // Jan 10, 10:00
      at("2025-01-10T20:00:00Z", 900), //  Jan 10, 15:00
      at("2025-01-11T04:30:00Z", 950), //  Jan 10, 23:30
      at("2025-01-13T16:00:00Z", 1050), // Jan 13, 11:00
    ]);
    const { id } = await itemOf(source, "kettle");
    const history = async (query: string) => {
      const res = await staff.get(`/api/v1/prices/${id}/history?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const prices = ["open", "low", "high", "close"];
    const row = (d: any) => [d.date, ...prices.map((p) => d[p].amount), d.observations, d.carried_forward];

    const ny = await history("from=2025-01-08&to=2025-01-14&tz=America/New_York");
    expect(ny).toMatchObject({
      time_zone: "America/New_York",
      currency: "EUR",
      other_currency_observations: 0,
    });
    expect(ny.note).toMatch(/carries the price before it forward/);
    expect(ny.days.map(row)).toEqual([
      // Jan 8: no price known yet, left out.
      ["2025-01-09", 1000, 1000, 1000, 1000, 1, false],
      ["2025-01-10", 1000, 900, 1100, 950, 3, false],
      ["2025-01-11", 950, 950, 950, 950, 0, true],
      ["2025-01-12", 950, 950, 950, 950, 0, true],
      ["2025-01-13", 950, 950, 1050, 1050, 1, false],
      ["2025-01-14", 1050, 1050, 1050, 1050, 0, true],
    ]);
    expect(ny.days[1].low).toEqual(eur(900));

    // The same prices in UTC fall on other days.
    const utc = await history("from=2025-01-10&to=2025-01-11&tz=UTC");
    expect(utc.days.map(row)).toEqual([
      ["2025-01-10", 1000, 900, 1100, 900, 3, false],
      ["2025-01-11", 900, 900, 950, 950, 1, false],
    ]);

    // A range that starts later opens at the price in force before it.
    const later = await history("from=2025-01-12&to=2025-01-12&tz=America/New_York");
    expect(later.days.map(row)).toEqual([["2025-01-12", 950, 950, 950, 950, 0, true]]);
  });

  it("refuses a range the wrong way round, an unknown zone and an unknown item", async () => {
    expect((await staff.get("/api/v1/prices/x/history?from=2025-02-02&to=2025-02-01")).status).toBe(400);
    expect(
      (await staff.get("/api/v1/prices/x/history?from=2025-02-01&to=2025-02-02&tz=Mars/Base")).status,
    ).toBe(400);
    expect(
      (await staff.get("/api/v1/prices/no-such-item/history?from=2025-02-01&to=2025-02-02")).status,
    ).toBe(404);
    expect((await staff.get("/api/v1/prices/no-such-item/forecast?to=2025-02-02")).status).toBe(404);
  });
});

describe("price.changed", () => {
  it("is announced on a move beyond the threshold and a price below the alert, not on a small move", async () => {
    const dashboard = await join("/api/v1/feed", managerToken);
    await dashboard.next("welcome");
    const source = newSource();
    let day = 1;
    const price = (key: string, price_minor: number) =>
      record([
        seen(source, key, price_minor, `2025-03-${String(day++).padStart(2, "0")}T12:00:00Z`, {
          name: `Teapot ${key}`,
        }),
      ]);
    const changed = (itemId: string, timeoutMs?: number) =>
      dashboard.until(
        (f) => f.type === "event" && f.event.type === "price.changed" && f.event.data.item_id === itemId,
        timeoutMs,
      );

    await price("t", 1000);
    const item = await itemOf(source, "t");
    const patched = await manager.patch(`/api/v1/prices/${item.id}`, {
      alert_below: 800,
      change_threshold_bp: 2000,
    });
    expect(patched.body).toMatchObject({
      alert_below: 800,
      change_threshold_bp: 2000,
      effective_change_threshold_bp: 2000,
    });

    await price("t", 1100); // +10%: under the item's 20%
    await price("t", 1400); // +27.27%
    await price("t", 1200); // -14.3%
    await price("t", 850); //  -29.2%
    await price("t", 790); //  -7.1%, below 800

    const big = await changed(item.id);
    expect(big.event).toMatchObject({
      occurred_at: "2025-03-03T12:00:00.000Z",
      data: {
        item_id: item.id,
        key: `${source}:t`,
        name: "Teapot t",
        product_id: null,
        source,
        previous: eur(1100),
        price: eur(1400),
        change_bp: 2727,
        reason: "changed_beyond_threshold",
      },
    });
    const drop = await changed(item.id);
    expect(drop.event.data).toMatchObject({ previous: eur(1200), price: eur(850), change_bp: -2917 });
    const below = await changed(item.id);
    expect(below.event.data).toMatchObject({
      previous: eur(850),
      price: eur(790),
      change_bp: -706,
      reason: "below_alert",
      alert_below_minor: 800,
    });

    // Without settings, the default threshold is 10%.
    await price("u", 2000);
    const plain = await itemOf(source, "u");
    await price("u", 2150); // +7.5%
    await price("u", 2400); // +11.6%
    expect((await changed(plain.id)).event.data).toMatchObject({
      previous: eur(2150),
      price: eur(2400),
      change_bp: 1163,
    });

    await expect(changed(item.id, 1000)).rejects.toThrow();
    await expect(changed(plain.id, 500)).rejects.toThrow();
    dashboard.close();
  });
});

describe("the forecast", () => {
  // y = 10000 + 25·i + noise over 100 days, one observation a day at noon UTC from 2025-03-01 (day 0).
  const NOISE = [37, -52, 18, -9, 61, -40, 5, -23, 44, -31, 12, -6, 27];
  const ys = Array.from({ length: 100 }, (_, i) => 10_000 + 25 * i + NOISE[i % NOISE.length]!);
  const dateOf = (i: number) => new Date(Date.UTC(2025, 2, 1) + i * 86_400_000).toISOString().slice(0, 10);

  it("matches a line fitted here by the normal equations, with its 95% intervals and the 7/30/90-day changes", async () => {
    for (let i = 1; i < ys.length; i++) expect(ys[i]).not.toBe(ys[i - 1]); // every day a change, so every day kept
    const source = newSource();
    expect(await record(ys.map((price, i) => seen(source, "line", price, `${dateOf(i)}T12:00:00Z`)))).toEqual(
      { recorded: 100, unchanged: 0 },
    );
    const { id } = await itemOf(source, "line");
    const res = await staff.get(`/api/v1/prices/${id}/forecast?days=14&to=${dateOf(99)}&tz=Europe/Berlin`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body;

    // The last 90 days, t = 0 on day 10: the normal equations [n Σt; Σt Σt²][a b]ᵀ = [Σy Σty]ᵀ by Cramer's rule.
    const fitted = ys.slice(10);
    const { n, a, b, s, tBar, sxx } = normalEquations(fitted);
    const T_88 = 1.9873; // t(0.975, 88 degrees of freedom), from a table

    expect(body).toMatchObject({
      status: "forecast",
      message: null,
      as_of: dateOf(99),
      points: 90,
      needed: 3,
    });
    expect(body.fit).toMatchObject({ from: dateOf(10), to: dateOf(99), points: 90, degrees_of_freedom: 88 });
    expect(b).toBeGreaterThan(24); // the noise does not hide the line
    expect(body.fit.slope_per_day).toBeCloseTo(b, 3);
    expect(body.fit.intercept).toBeCloseTo(a, 3);
    expect(body.fit.residual_standard_error).toBeCloseTo(s, 3);
    expect(body.fit.t_quantile).toBeCloseTo(T_88, 4);
    expect(body.fit.fitted_last).toEqual(eur(Math.round(a + b * 89)));
    expect(body.forecast).toHaveLength(14);
    body.forecast.forEach((f: any, h: number) => {
      const t0 = 90 + h;
      const yhat = a + b * t0;
      const half = T_88 * s * Math.sqrt(1 + 1 / n + (t0 - tBar) ** 2 / sxx);
      expect([f.date, f.t]).toEqual([dateOf(100 + h), t0]);
      expect(f.expected).toEqual(eur(Math.round(yhat)));
      expect(Math.abs(f.lower.amount - (yhat - half))).toBeLessThanOrEqual(1);
      expect(Math.abs(f.upper.amount - (yhat + half))).toBeLessThanOrEqual(1);
    });

    const last = ys[99]!;
    expect(body.last).toEqual({ date: dateOf(99), close: eur(last) });
    expect(body.changes).toEqual(
      [7, 30, 90].map((days) => {
        const then = ys[99 - days]!;
        return {
          days,
          since: dateOf(99 - days),
          from: eur(then),
          amount: eur(last - then),
          percent: Math.round(((last - then) / then) * 10_000) / 100,
        };
      }),
    );
    const meanOf = (xs: number[]) => Math.round(xs.reduce((acc, x) => acc + x, 0) / xs.length);
    expect(body.moving_averages).toEqual([
      { days: 7, value: eur(meanOf(ys.slice(-7))) },
      { days: 30, value: eur(meanOf(ys.slice(-30))) },
    ]);
    expect(body.method).toMatch(/least squares/);
    expect(body.method).toMatch(new RegExp(`from ${dateOf(10)} to ${dateOf(99)}`));
    expect(body.method).toMatch(/95% prediction interval/);
    expect(body.method).toMatch(/carries the price before it forward/);
    expect(body.method).toMatch(/half away from zero/);
  });

  it("refuses with two points and with one, saying so, with no numbers", async () => {
    const source = newSource();
    await record(
      [1000, 1100, 1050].map((price, i) => seen(source, "few", price, `2025-02-0${i + 1}T12:00:00Z`)),
    );
    const { id } = await itemOf(source, "few");
    const asOf = async (to: string) =>
      (await staff.get(`/api/v1/prices/${id}/forecast?to=${to}&tz=UTC`)).body;

    for (const [to, points] of [
      ["2025-02-02", 2],
      ["2025-02-01", 1],
      ["2025-01-31", 0],
    ] as const) {
      const body = await asOf(to);
      expect(body).toMatchObject({
        status: "cannot_forecast",
        message: `cannot forecast: ${points} point${points === 1 ? "" : "s"}; at least 3 are needed`,
        points,
        needed: 3,
        last: null,
        moving_averages: [],
        changes: [],
        fit: null,
        forecast: [],
      });
      expect(JSON.stringify(body)).not.toMatch(/"amount"/);
    }
    // A third day is enough to fit a line (with a very wide interval: 1 degree of freedom).
    const three = await asOf("2025-02-03");
    expect(three).toMatchObject({ status: "forecast", points: 3, fit: { degrees_of_freedom: 1 } });
  });
});
