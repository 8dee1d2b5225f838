// Scrapes: a real Chromium (the local Browser Rendering binding) reads retailer pages served on loopback
// (test/servers/shop-pages.ts); what it reads is kept raw, then moves purchase orders through the one intake
// path or becomes prices. Slow pages, changed markup and logins fail clearly and touch nothing else.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import { type ApiClient, actingAs, makeOrder, seedUser, tokenFor } from "./helpers";

let staff: ApiClient;
beforeAll(async () => {
  staff = actingAs(await tokenFor(await seedUser("staff")));
});

const shop = (scenario: string, page: string) => `${env.TEST_SERVER_URL}/shop/${scenario}/${page}`;
const setState = (scenario: string, state: unknown) =>
  fetch(shop(scenario, "state"), { method: "POST", body: JSON.stringify(state) });

const ORDER_FIELDS = {
  order_number: { selector: ".number", required: true },
  status: { selector: ".status" },
  carrier: { selector: ".carrier" },
  tracking_number: { selector: ".tracking a" },
  tracking_url: { selector: ".tracking a", attribute: "href" },
};
const orderRecipe = (extra: Record<string, unknown> = {}) => ({
  wait_for: "body[data-ready]",
  rows: "tr.order",
  fields: ORDER_FIELDS,
  next_page: { selector: "a.next", max_pages: 5 },
  order_source: "retailer-a",
  timeout_ms: 5000,
  ...extra,
});

async function target(name: string, body: Record<string, unknown>) {
  const res = await staff.post("/api/v1/scrapes/targets", { name, interval_minutes: 60, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}
const run = async (id: string) => (await staff.post(`/api/v1/scrapes/targets/${id}/run`)).body;

async function tick(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "*/15 * * * *", scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("scrape targets", () => {
  it("a recipe is checked when saved: a bad step is a 400 that names it", async () => {
    const bad = await staff.post("/api/v1/scrapes/targets", {
      name: "bad-recipe",
      start_url: shop("bad", "orders"),
      kind: "order_status",
      interval_minutes: 60,
      recipe: {
        ...orderRecipe(),
        rows: "tr.order[",
        login: [{ action: "fill", selector: "#p", secret: "hunter2" }],
      },
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.errors.map((e: any) => e.path);
    expect(paths).toContain("recipe.rows");
    expect(paths).toContain("recipe.login.0.secret");
    const missing = await staff.post("/api/v1/scrapes/targets", {
      name: "no-status",
      start_url: shop("bad", "orders"),
      kind: "order_status",
      interval_minutes: 60,
      recipe: { ...orderRecipe(), fields: { order_number: { selector: ".number" } } },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      expect.objectContaining({
        path: "recipe.fields.status",
        message: expect.stringContaining("order_number and status"),
      }),
    ]);
  });

  it("tries a recipe once without saving: rows rendered by scripts after a delay, five pages, and a screenshot", async () => {
    const res = await staff.post("/api/v1/scrapes/targets/test", {
      start_url: shop("try", "orders"),
      kind: "order_status",
      recipe: orderRecipe(),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.pages).toHaveLength(5);
    expect(res.body.records).toHaveLength(15);
    expect(res.body.records[0]).toMatchObject({ order_number: "PO-1001", status: "Processing" });
    expect(res.body.records[14].order_number).toBe("PO-1015");
    expect(res.body.screenshot).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(
      (await staff.get("/api/v1/scrapes/targets?limit=200")).body.items.some(
        (t: any) => t.start_url === shop("try", "orders"),
      ),
    ).toBe(false);
  }, 60_000);

  it("moves a purchase to shipped with its tracking from a scraped page, once, through intake", async () => {
    const order = await makeOrder(staff, { source: "retailer-a", external_ref: "PO-1002" });
    await setState("ship", {
      orders: [
        { number: "PO-1001", status: "Processing" },
        { number: "PO-1002", status: "Shipped", carrier: "DHL", tracking: "JJD0099" },
        { number: "PO-7777", status: "Shipped" },
      ],
    });
    const t = await target("retailer-a-orders", {
      start_url: shop("ship", "orders"),
      kind: "order_status",
      recipe: orderRecipe(),
    });
    const first = await run(t.id);
    expect(first).toMatchObject({ status: "ok", outcome: "updated", pages: 1, records_found: 3 });
    const moved = (await staff.get(`/api/v1/orders/${order.id}`)).body;
    expect(moved).toMatchObject({
      status: "shipped",
      tracking: { carrier: "DHL", number: "JJD0099", url: "https://track.example/JJD0099" },
    });
    // The raw read is kept first, with the page's HTML, through the ingest record.
    const record = (await staff.get(`/api/v1/ingest/${first.ingest_record_id}`)).body;
    expect(record).toMatchObject({ door: "scrape", source: "retailer-a-orders", outcome: "updated" });
    const raw = JSON.parse(
      await (await env.FILES.get(record.r2_key ?? `ingest/scrape/${record.id}`))!.text(),
    );
    expect(raw.pages[0].html).toContain("JJD0099");
    expect(await env.FILES.get(first.screenshot_key)).not.toBeNull();
    const events = (await staff.get(`/api/v1/orders/${order.id}/events`)).body.items.length;
    const second = await run(t.id);
    expect(second).toMatchObject({ status: "ok", outcome: "unchanged", ingest_record_id: null });
    expect((await staff.get(`/api/v1/orders/${order.id}/events`)).body.items.length).toBe(events);
  }, 60_000);

  it("logs in with credentials from Worker secrets, then reads the account's pages", async () => {
    const t = await target("retailer-b-account", {
      start_url: shop("login", "account/orders"),
      kind: "order_status",
      recipe: orderRecipe({
        order_source: "retailer-b",
        login: [
          { action: "goto", url: shop("login", "login") },
          { action: "fill", selector: "#user", secret: "RETAILER_USER" },
          { action: "fill", selector: "#password", secret: "RETAILER_PASSWORD" },
          { action: "click", selector: "#signin" },
          { action: "wait_for", selector: "#welcome" },
        ],
        next_page: undefined,
      }),
    });
    const job = await run(t.id);
    expect(job, JSON.stringify(job)).toMatchObject({ status: "ok", records_found: 3 });
    const unset = await target("retailer-c-account", {
      start_url: shop("login", "account/orders"),
      kind: "order_status",
      recipe: orderRecipe({ login: [{ action: "fill", selector: "#user", secret: "NO_SUCH_SECRET" }] }),
    });
    expect(await run(unset.id)).toMatchObject({
      status: "failed",
      reason: expect.stringContaining("NO_SUCH_SECRET is not set"),
    });
  }, 60_000);

  it("on the clock: a page that never loads fails its job alone; changed markup fails clearly and pauses after 5", async () => {
    const hang = await target("hanging-portal", {
      start_url: shop("hang", "hang"),
      kind: "order_status",
      recipe: orderRecipe({ timeout_ms: 2000 }),
    });
    const fine = await target("fine-portal", {
      start_url: shop("fine", "orders"),
      kind: "order_status",
      recipe: orderRecipe({ order_source: "retailer-z" }),
    });
    const changed = await target("redesigned-portal", {
      start_url: shop("redesign", "changed"),
      kind: "order_status",
      recipe: orderRecipe({ next_page: undefined }),
    });
    const before =
      (
        await env.DB.prepare("SELECT count(*) AS n FROM ingest_records WHERE door = 'scrape'").first<{
          n: number;
        }>()
      )?.n ?? 0;
    await tick(Date.parse("2030-01-01T00:00:00Z"));
    const jobsOf = async (id: string) => (await staff.get(`/api/v1/scrapes/jobs?target_id=${id}`)).body.items;
    const [hung] = await jobsOf(hang.id);
    expect(hung).toMatchObject({ status: "failed", trigger: "schedule", ingest_record_id: null });
    expect(hung.reason).toMatch(/did not finish within 2 s/);
    expect((await jobsOf(fine.id))[0]).toMatchObject({ status: "ok", records_found: 15, pages: 5 });
    const [redesigned] = await jobsOf(changed.id);
    expect(redesigned.status).toBe("failed");
    expect(redesigned.reason).toContain(
      'the rows "tr.order" matched nothing; the page\'s markup may have changed',
    );
    // Only the fine portal kept a read.
    const after =
      (
        await env.DB.prepare("SELECT count(*) AS n FROM ingest_records WHERE door = 'scrape'").first<{
          n: number;
        }>()
      )?.n ?? 0;
    expect(after - before).toBe(1);
    // Four more failed runs: paused, and the clock leaves it alone until someone saves it again.
    for (let i = 0; i < 4; i++) await run(changed.id);
    const paused = (await staff.get(`/api/v1/scrapes/targets/${changed.id}`)).body;
    expect(paused).toMatchObject({ paused: true, failures_in_a_row: 5 });
    expect(paused.paused_reason).toContain("Paused after 5 failed runs in a row");
    await tick(Date.parse("2030-01-02T00:00:00Z"));
    expect(await jobsOf(changed.id)).toHaveLength(5);
    const resumed = await staff.patch(`/api/v1/scrapes/targets/${changed.id}`, { enabled: true });
    expect(resumed.body).toMatchObject({ paused: false, failures_in_a_row: 0 });
  }, 120_000);

  it("a price page becomes price observations; an unchanged page changes nothing", async () => {
    const t = await target("mug-price", {
      start_url: shop("price", "product"),
      kind: "price",
      recipe: {
        wait_for: "h1",
        fields: {
          name: { json_ld: "name" },
          sku: { json_ld: "sku" },
          price: { selector: ".price", required: true },
          currency: { json_ld: "offers.priceCurrency" },
        },
      },
    });
    const first = await run(t.id);
    expect(first).toMatchObject({ status: "ok", outcome: "recorded", records_found: 1 });
    const record = (await staff.get(`/api/v1/ingest/${first.ingest_record_id}`)).body;
    expect(record).toMatchObject({ door: "scrape", outcome: "recorded" });
    expect((await run(t.id)).outcome).toBe("unchanged");
    await setState("price", { price: "€999,00" });
    expect((await run(t.id)).outcome).toBe("recorded");
    // Two prices seen, each parsed from the page's own writing ("€1.234,50", then "€999,00").
    const items = (await staff.get("/api/v1/prices?source=scrape:mug-price")).body.items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ key: "scrape:mug-price:MUG-BLUE", name: "Blue mug" });
    const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const history = (await staff.get(`/api/v1/prices/${items[0].id}/history?from=${from}`)).body;
    const seen = history.days.filter((d: any) => d.observations > 0);
    expect(seen.at(-1).close).toMatchObject({ amount: 99900, currency: "EUR" });
    expect(seen.reduce((n: number, d: any) => n + d.observations, 0)).toBe(2);
  }, 60_000);
});
