// What a new user tripped on: order numbers from absurd dates, a dashboard that mixed sales and purchases,
// placeholder secrets accepted, and refusals that did not say what to send.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { type ApiClient, actingAs, BASE, call, makeOrder, problemOf, seedUser, tokenFor } from "./helpers";

let manager: ApiClient;
beforeAll(async () => {
  manager = actingAs(await tokenFor(await seedUser("manager")));
});
// Tests that read "now" hold the clock still: vi.setSystemTime reaches the Worker, which runs in this
// isolate. They sign in on the held clock, as a token from the real one need not be valid at that instant.
afterEach(() => {
  vi.useRealTimers();
});

describe("order numbers", () => {
  it("take the year ROMS received the order, whatever placed_at the sender claims", async () => {
    // Received half an hour before New Year by a clock held still; one sender already claims next year.
    vi.setSystemTime(new Date("2026-12-31T23:30:00Z"));
    const clerk = actingAs(await tokenFor(await seedUser("manager")));
    const old = await makeOrder(clerk, { placed_at: "2003-02-01T10:00:00Z" });
    const soon = await makeOrder(clerk, { placed_at: "2027-01-01T00:30:00Z" });
    for (const order of [old, soon]) expect(order.number).toMatch(/^R-2026-\d{6}$/);
    expect(old.reached.placed).toBe("2003-02-01T10:00:00.000Z");
  });

  it("refuse an absurd placed_at with a 400 naming it, and create nothing", async () => {
    for (const placed_at of ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1999-12-31T23:59:59Z"]) {
      const ref = crypto.randomUUID();
      const res = await manager.post("/api/v1/orders/intake", {
        source: "test",
        external_ref: ref,
        kind: "purchase",
        currency: "EUR",
        lines: [{ sku: "X-1", name: "Thing", quantity: 1, unit_price: 1000 }],
        placed_at,
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          in: "body",
          path: "placed_at",
          message: expect.stringMatching(/2000-01-01/),
        }),
      ]);
      const found = await env.DB.prepare("SELECT COUNT(*) AS n FROM orders WHERE external_ref = ?")
        .bind(ref)
        .first<number>("n");
      expect(found).toBe(0);
    }
  });
});

describe("the staff dashboard", () => {
  it("counts sales and purchases apart, and today's revenue from sales only", async () => {
    // "Today" is read from the clock: held still, midnight cannot fall between the two readings.
    vi.setSystemTime(new Date("2026-03-10T12:00:00Z"));
    const manager = actingAs(await tokenFor(await seedUser("manager")));
    const before = (await manager.get("/api/v1/orders/dashboard?tz=Pacific/Kiritimati")).body;
    await makeOrder(manager, {
      kind: "purchase",
      lines: [{ sku: "P", name: "P", quantity: 1, unit_price: 5000 }],
    });
    await makeOrder(manager, { kind: "purchase", placed_at: "2020-05-05T05:05:05Z" });
    // Placed tomorrow in Kiritimati (UTC+14; today there ends at 10:00Z) by a sender whose clock runs ahead.
    await makeOrder(manager, { kind: "purchase", placed_at: "2026-03-11T11:00:00Z" });
    await makeOrder(manager, {
      kind: "sale",
      merchant: undefined,
      lines: [{ sku: "S", name: "S", quantity: 3, unit_price: 700 }],
    });
    // An order placed now is placed "today" in every time zone; one from 2020 is not.
    const after = (await manager.get("/api/v1/orders/dashboard?tz=Pacific/Kiritimati")).body;
    expect(after.view).toBe("staff");
    expect(after.today_orders - before.today_orders).toBe(1);
    expect(after.today_purchases - before.today_purchases).toBe(1);
    const eur = (d: any) => d.today_revenue.find((m: any) => m.currency === "EUR")?.amount ?? 0;
    expect(eur(after) - eur(before)).toBe(2100);
    expect(after.counts.purchase.placed - before.counts.purchase.placed).toBe(3);
    // A sale of lines ROMS does not stock holds nothing, so it goes straight to picking.
    expect(after.counts.sale.picking - before.counts.sale.picking).toBe(1);
    expect(Object.keys(after.counts.sale).sort()).toEqual(
      ["awaiting_customer", "cancelled", "delivered", "picking", "placed", "shipped", "under_risk"].sort(),
    );
  });
});

describe("secrets", () => {
  const signIn = async (secrets: string) => {
    const user = await seedUser("staff");
    const req = new Request(`${BASE}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": "192.0.2.77" },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };
    return worker.fetch(req, { ...env, JWT_SECRETS: secrets }, ctx as unknown as ExecutionContext);
  };

  it("refuse the placeholder copied from .dev.vars.example, and other plain secrets", async () => {
    for (const secrets of [
      "k2026a:replace-with-at-least-32-random-characters",
      "k1:changeme-changeme-changeme-changeme",
      "k1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ]) {
      const res = await signIn(secrets);
      expect(res.status).toBe(503);
      expect((await problemOf(res)).detail).toMatch(/not a placeholder/);
    }
  });

  it("accept a random one", async () => {
    const res = await signIn(
      `k1:${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(36))))}`,
    );
    expect(res.status).toBe(200);
  });
});

describe("refusals say what to send", () => {
  it("415 for a body that is not sent as JSON", async () => {
    const res = await call("/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: '{"email":"a@b.test","password":"whatever-whatever"}',
    });
    expect(res.status).toBe(415);
    const problem = await problemOf(res);
    expect(problem.type).toBe("/problems/unsupported-media-type");
    expect(problem.detail).toMatch(/Content-Type: application\/json/);
  });

  it("400 for malformed JSON, naming the body", async () => {
    const res = await call("/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"email": "a@b.test",',
    });
    expect(res.status).toBe(400);
    const problem = await problemOf(res);
    expect(problem.detail).toMatch(/not valid JSON/);
    expect(problem.errors).toEqual([{ in: "body", path: "", message: "Malformed JSON" }]);
  });
});
