// Every response says how many D1 round trips it took (Server-Timing), and the hot routes keep to their
// budgets: local D1 answers one query at a time and the edge charges a round trip per query.
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, actingAs, call, makeProduct, seedUser, stockroom, tokenFor } from "./helpers";

/** The budgets, once the caller's session is cached (the first request of a token also reads it). */
const BUDGET = {
  health: 0,
  orderList: 1,
  orderRead: 1,
  intakeCreate: 2, // one read (order, products and stock, customer), one batch
  intakeUpdate: 2,
  intakeUnchanged: 1,
  transition: 2, // one read, one batch that reads the order back
} as const;

const d1Of = (headers: Headers) => {
  const timing = headers.get("server-timing") ?? "";
  const match = /d1;desc="(\d+) quer(?:y|ies)";dur=([\d.]+), total;dur=([\d.]+)/.exec(timing);
  if (!match) throw new Error(`no Server-Timing with D1 figures: "${timing}"`);
  return Number(match[1]);
};

let manager: ApiClient;
let shop: Awaited<ReturnType<typeof stockroom>>;
beforeAll(async () => {
  manager = actingAs(await tokenFor(await seedUser("manager")));
  shop = await stockroom();
  await manager.get("/api/v1/orders?limit=1"); // the session is read once, then cached
});

const purchase = (ref: string, extra: Record<string, unknown> = {}) => ({
  source: "timing",
  external_ref: ref,
  kind: "purchase",
  merchant: "Retailer",
  currency: "EUR",
  lines: [{ sku: "T-1", name: "Thing", quantity: 1, unit_price: 100 }],
  ...extra,
});

describe("Server-Timing", () => {
  it("is on every response, errors included", async () => {
    expect(d1Of((await call("/health")).headers)).toBe(BUDGET.health);
    expect(d1Of((await call("/api/v1/nowhere")).headers)).toBe(0);
    expect(d1Of((await manager.get("/api/v1/orders/not-an-order")).headers)).toBe(1);
  });

  it("the order list is one round trip", async () => {
    const res = await manager.get("/api/v1/orders?status=picking&limit=50");
    expect(res.status).toBe(200);
    expect(d1Of(res.headers)).toBe(BUDGET.orderList);
  });

  it("intake creates, updates and recognizes a repeat within its budget", async () => {
    const ref = crypto.randomUUID();
    const created = await manager.post("/api/v1/orders/intake", purchase(ref));
    expect(created.status).toBe(201);
    expect(d1Of(created.headers)).toBe(BUDGET.intakeCreate);
    const updated = await manager.post(
      "/api/v1/orders/intake",
      purchase(ref, { status: "cancelled", tracking: { carrier: "DHL" } }),
    );
    expect(updated.body.outcome).toBe("updated");
    expect(d1Of(updated.headers)).toBe(BUDGET.intakeUpdate);
    const again = await manager.post(
      "/api/v1/orders/intake",
      purchase(ref, { status: "cancelled", tracking: { carrier: "DHL" } }),
    );
    expect(again.body.outcome).toBe("unchanged");
    expect(d1Of(again.headers)).toBe(BUDGET.intakeUnchanged);
    expect(d1Of((await manager.get(`/api/v1/orders/${created.body.order.id}`)).headers)).toBe(
      BUDGET.orderRead,
    );
  });

  it("a sale of 60 stocked lines is still one read and one batch", async () => {
    const products = await Promise.all(Array.from({ length: 4 }, () => makeProduct(shop.manager)));
    for (const p of products) await shop.stock(p.id, 500);
    const lines = Array.from({ length: 60 }, (_, i) => {
      const p = products[i % 4] as Record<string, any>;
      return { sku: p.sku, name: p.name, quantity: 1, unit_price: 100 };
    });
    const res = await manager.post("/api/v1/orders/intake", {
      source: "timing",
      external_ref: crypto.randomUUID(),
      currency: "EUR",
      lines,
    });
    expect(res.status).toBe(201);
    expect(res.body.order.status).toBe("picking");
    expect(d1Of(res.headers)).toBe(BUDGET.intakeCreate);
    const moved = await manager.post(`/api/v1/orders/${res.body.order.id}/transitions`, { to: "shipped" });
    expect(moved.status).toBe(200);
    expect(d1Of(moved.headers)).toBe(BUDGET.transition);
  });
});
