// The staff's live console and a customer at the same time: an order arriving through intake shows on an
// open dashboard without a reload, staff open it and move it to picking, and staff and the customer chat
// in the order's room, each seeing the other's message and the status change live. The dashboard keeps a new
// sale whose event came before its list's answer, and lists no purchases.
import type { Browser, HTTPRequest } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Rest, unique } from "./api";
import { expectAccessible, go, launch, person, signIn, waitForText } from "./browser";
import { ADMIN } from "./global-setup";

let browser: Browser;
let admin: Rest;
beforeAll(async () => {
  browser = await launch();
  admin = await Rest.signIn();
});
afterAll(async () => {
  await browser?.close();
});

async function customerWithUser() {
  const company = unique("Shop");
  const customer = await admin.post<{ id: string }>("/customers", {
    company,
    email: `${company}@buyer.test`,
  });
  const user = { email: `${company.toLowerCase()}@buyer.test`, password: "customer-password-1" };
  await admin.post("/users", {
    ...user,
    name: `${company} buyer`,
    role: "customer",
    customer_id: customer.id,
  });
  return { customerId: customer.id, user, name: `${company} buyer` };
}

describe("orders in the console, live", () => {
  it("shows an order from intake on an open dashboard, and staff and customer see each other's chat and the move to picking", async () => {
    const { customerId, user, name } = await customerWithUser();
    const staff = await person(browser);
    await signIn(staff.page, ADMIN.email, ADMIN.password, "/dashboard");
    await waitForText(staff.page, "Live: new orders appear as they arrive.");
    await expectAccessible(staff.page, "dashboard");

    const ref = unique("WEB");
    const sent = Date.now();
    const intake = await admin.post<{ order: { id: string; number: string } }>("/orders/intake", {
      source: "shop-main",
      external_ref: ref,
      customer_id: customerId,
      currency: "EUR",
      buyer: { name: "Dana Buyer" },
      // The shop says "placed": the order waits there for staff to move it on.
      status: "placed",
      lines: [{ sku: "MUG-1", name: "Blue mug", quantity: 2, unit_price: 1250, tax_rate_bp: 1900 }],
    });
    const { id, number } = intake.order;
    // No reload: the feed room brings it.
    await waitForText(staff.page, number);
    console.log(`intake to dashboard: ${Date.now() - sent} ms`);
    expect(await staff.page.evaluate(() => performance.getEntriesByType("navigation").length)).toBe(1);

    await staff.page.click(`a[href="/orders/${id}"]`);
    await staff.page.waitForFunction(
      (n) => document.body.innerText.includes(`Order\n${n}`) || document.body.innerText.includes(n),
      {},
      number,
    );
    await waitForText(staff.page, "Move to picking");
    await waitForText(staff.page, "Dana Buyer");

    const customer = await person(browser, { width: 390, height: 844 });
    await signIn(customer.page, user.email, user.password, "/shop");
    await go(customer.page, `/shop/orders/${id}`);
    await waitForText(customer.page, number);
    await waitForText(customer.page, "Live");

    await staff.page.bringToFront();
    // Presence: staff see the customer in the room.
    await waitForText(staff.page, `${name} (customer)`);
    await staff.page.click("button::-p-text(Move to picking)");
    await staff.page.waitForSelector('[data-status="picking"]');
    await staff.page.type("#chat-draft", "Your mugs are being picked now.");
    await staff.page.click(".room form button[type=submit]");

    await customer.page.bringToFront();
    await waitForText(customer.page, "Your mugs are being picked now.");
    await waitForText(customer.page, "picking");
    await customer.page.type("#chat-draft", "Thank you!");
    await customer.page.click(".room form button[type=submit]");
    await expectAccessible(customer.page, "customer's order");

    await staff.page.bringToFront();
    await waitForText(staff.page, "Thank you!");
    await expectAccessible(staff.page, "staff order");
    expect((await admin.get(`/orders/${id}`)).status).toBe("picking");
    expect(staff.complaints.filter((c) => !/Failed to load resource/.test(c))).toEqual([]);
    expect(customer.complaints.filter((c) => !/Failed to load resource/.test(c))).toEqual([]);
  });

  it("keeps a new sale on the dashboard whose event came before the list's answer, and lists no purchases", async () => {
    const intake = (ref: string, extra: Record<string, unknown> = {}) =>
      admin.post<{ order: { number: string } }>("/orders/intake", {
        source: "shop-main",
        external_ref: unique(ref),
        currency: "EUR",
        status: "placed",
        lines: [{ sku: "CUP-1", name: "Cup", quantity: 1, unit_price: 900 }],
        ...extra,
      });
    const older = await intake("OLD");
    // What the list held before the new sale: the answer of a read that left before it was written.
    const before = JSON.stringify(await admin.get("/orders?kind=sale&limit=10"));

    const staff = await person(browser);
    const { page } = staff;
    // The dashboard's first read of its new sales is held until the sale's event has reached the page.
    let hold: (request: HTTPRequest) => void = () => {};
    const held = new Promise<HTTPRequest>((resolve) => {
      hold = resolve;
    });
    let holding = true;
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (holding && url.pathname === "/api/v1/orders" && url.searchParams.get("kind") === "sale") {
        holding = false;
        hold(request);
        return;
      }
      void request.continue();
    });
    const cdp = await page.createCDPSession();
    await cdp.send("Network.enable");
    const frames: string[] = [];
    cdp.on("Network.webSocketFrameReceived", (e) => frames.push(e.response.payloadData));

    await signIn(page, ADMIN.email, ADMIN.password, "/dashboard");
    await waitForText(page, "Live: new orders appear as they arrive.");
    const request = await held;
    const sale = await intake("NEW");
    await vi.waitFor(() => expect(frames.some((f) => f.includes(sale.order.number))).toBe(true), {
      timeout: 10_000,
    });
    // A turn for the page to take the frame in, then the stale answer.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    await request.respond({ status: 200, contentType: "application/json", body: before });
    await waitForText(page, older.order.number);
    expect(await page.$eval("main", (m) => (m as HTMLElement).innerText)).toContain(sale.order.number);

    // A purchase arriving live is not a new sale; the sale after it is.
    const purchase = await intake("PO", { kind: "purchase", merchant: "Cup Wholesale" });
    const next = await intake("NEXT");
    await waitForText(page, next.order.number);
    expect(await page.$eval("main", (m) => (m as HTMLElement).innerText)).not.toContain(
      purchase.order.number,
    );
    expect(staff.complaints.filter((c) => !/Failed to load resource/.test(c))).toEqual([]);
  });

  it("lists orders with filters and text search kept in the address", async () => {
    const staff = await person(browser);
    await signIn(staff.page, ADMIN.email, ADMIN.password, "/dashboard");
    const ref = unique("FIND");
    const made = await admin.post<{ order: { number: string } }>("/orders/intake", {
      source: "shop-main",
      external_ref: ref,
      currency: "EUR",
      lines: [{ sku: "PEN-1", name: "Pen", quantity: 1, unit_price: 300 }],
    });
    await go(staff.page, "/orders", "Orders");
    await staff.page.waitForSelector("#order-search");
    // Nothing of the screen before stays behind.
    expect(await staff.page.$eval("main", (m) => (m as HTMLElement).innerText)).not.toContain("New orders");
    await staff.page.type("#order-search", ref);
    await staff.page.keyboard.press("Enter");
    await staff.page.waitForFunction(
      (r) => location.search.includes(encodeURIComponent(r)) || location.search.includes(r),
      {},
      ref,
    );
    await waitForText(staff.page, made.order.number);
    await expectAccessible(staff.page, "orders list");
    await staff.page.reload({ waitUntil: "domcontentloaded" });
    await waitForText(staff.page, made.order.number);
    await staff.page.waitForSelector("#order-search");
    expect(await staff.page.$eval("#order-search", (el) => (el as HTMLInputElement).value)).toBe(ref);
  });
});
