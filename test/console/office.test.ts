// The office screens as the admin uses them, in a browser in Asia/Kolkata (so the reports' "today" and
// days are the reader's, not the server's): customers and a customer's ledger, people (users, API keys,
// devices), attendance live from the who-is-in room, analytics; and staff, who may not see people.
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rest, unique } from "./api";
import { BASE, expectAccessible, launch, person, signIn, waitForText } from "./browser";
import { ADMIN } from "./global-setup";

const ZONE = "Asia/Kolkata";
let browser: Browser;
let admin: Rest;
let page: Page;
let complaints: string[];
beforeAll(async () => {
  browser = await launch();
  admin = await Rest.signIn();
  const desk = await person(browser);
  page = desk.page;
  complaints = desk.complaints;
  await page.emulateTimezone(ZONE);
  await signIn(page, ADMIN.email, ADMIN.password, "/dashboard");
});
afterAll(async () => {
  await browser?.close();
});

/** Money as the page writes it (the browser's locale). */
const moneyIn = (p: Page, amount: number, currency: string) =>
  p.evaluate(
    (a, c) => new Intl.NumberFormat(navigator.language, { style: "currency", currency: c }).format(a),
    amount,
    currency,
  );

/** Every blob the page hands the browser as a download, kept for the test to read. */
async function keepDownloads(p: Page) {
  await p.evaluate(() => {
    const w = window as unknown as { downloads: Blob[] };
    w.downloads = [];
    const original = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      w.downloads.push(blob as Blob);
      return original(blob);
    };
  });
}
async function lastDownload(p: Page, after: number): Promise<string> {
  await p.waitForFunction(
    (n) => (window as unknown as { downloads: Blob[] }).downloads.length > n,
    {},
    after,
  );
  return p.evaluate(() => (window as unknown as { downloads: Blob[] }).downloads.at(-1)!.text());
}
const downloads = (p: Page) =>
  p.evaluate(() => (window as unknown as { downloads: Blob[] }).downloads.length);

/** Waits for a table row holding both texts. */
async function waitForRow(p: Page, has: string, want: string) {
  await p.waitForFunction(
    (h, w) =>
      [...document.querySelectorAll("tr")].some(
        (tr) => (tr as HTMLElement).textContent.includes(h) && (tr as HTMLElement).textContent.includes(w),
      ),
    { timeout: 15_000 },
    has,
    want,
  );
}

/** Opens an address as a person typing it would (a full load; the session resumes from its cookie). */
async function open(p: Page, path: string, title: string) {
  await p.goto(`${BASE}${path}`, { waitUntil: "domcontentloaded" });
  await p.waitForFunction((t) => document.querySelector("h1")?.textContent === t, {}, title);
}

const todayIn = (zone: string) => new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date());

async function saleFor(customerId: string | undefined, unitPrice: number, quantity = 1) {
  const made = await admin.post<{ order: { id: string; number: string } }>("/orders/intake", {
    source: "console-office",
    external_ref: unique("SO"),
    ...(customerId ? { customer_id: customerId } : {}),
    currency: "EUR",
    buyer: { name: "Office Buyer" },
    lines: [{ sku: "DESK-1", name: "Standing desk", quantity, unit_price: unitPrice, tax_rate_bp: 0 }],
  });
  return made.order;
}

describe("customers", () => {
  it("finds a customer, shows their balance, aging, ledger and orders, and records a credit", async () => {
    const company = unique("Acme");
    const customer = await admin.post<{ id: string }>("/customers", {
      company,
      email: `${company}@acme.test`,
    });
    await admin.post(`/customers/${customer.id}/ledger`, {
      direction: "debit",
      amount: { amount: 12_345, currency: "EUR" },
      reference_type: "manual",
      note: "Opening balance",
    });
    const order = await saleFor(customer.id, 4_000);

    await open(page, "/customers", "Customers");
    await page.waitForSelector("#customer-search");
    await page.type("#customer-search", company);
    await page.click("button::-p-text(Search)");
    await page.waitForFunction((p) => location.search === p, {}, `?q=${encodeURIComponent(company)}`);
    await page.waitForSelector(`a[href="/customers/${customer.id}"]`);
    await expectAccessible(page, "customers");

    await page.click(`a[href="/customers/${customer.id}"]`);
    await page.waitForFunction((t) => document.querySelector("h1")?.textContent === t, {}, "Customer");
    const owed = await moneyIn(page, 123.45, "EUR");
    await waitForText(page, owed);
    await waitForText(page, "Opening balance");
    await waitForText(page, order.number);
    await expectAccessible(page, "a customer");

    // A payment of 23.45 brings what they owe down to 100.00.
    await page.select('select[name="direction"]', "credit");
    await page.select('select[name="reference_type"]', "payment");
    await page.type("#entry-amount", "23.45");
    await page.click("button::-p-text(Record entry)");
    await waitForText(page, await moneyIn(page, 100, "EUR"));
    const summary = await admin.get(`/customers/${customer.id}/ledger/summary`);
    expect(summary.currencies[0].balance.amount).toBe(10_000);

    // A nonsense amount is refused next to the field, and nothing is recorded.
    await page.type("#entry-amount", "1.234");
    await page.click("button::-p-text(Record entry)");
    await waitForText(page, "at most 2 decimals");
    expect((await admin.get(`/customers/${customer.id}/ledger`)).items).toHaveLength(2);
  });

  it("adds a customer through the form, on a phone", async () => {
    const phone = await person(browser, { width: 390, height: 844 });
    await signIn(phone.page, ADMIN.email, ADMIN.password, "/dashboard");
    await open(phone.page, "/customers", "Customers");
    await expectAccessible(phone.page, "customers on a phone");
    const company = unique("Phone Co");
    await phone.page.waitForSelector('input[name="company"]');
    await phone.page.type('input[name="company"]', company);
    await phone.page.type('input[name="email"]', "buyer@phone.test");
    // More than a year's terms: the API refuses, and says so beside the field.
    await phone.page.type('input[name="payment_terms_days"]', "400");
    await phone.page.click("button::-p-text(Add customer)");
    await phone.page.waitForSelector('input[name="payment_terms_days"][aria-invalid="true"]');
    await expectAccessible(phone.page, "a refused customer on a phone");
    await phone.page.click('input[name="payment_terms_days"]', { count: 3 });
    await phone.page.keyboard.press("Backspace");
    await phone.page.type('input[name="payment_terms_days"]', "45");
    await phone.page.click("button::-p-text(Add customer)");
    await phone.page.waitForFunction(() => /^\/customers\/.+/.test(location.pathname));
    await waitForText(phone.page, company);
    await waitForText(phone.page, "No ledger entries yet");
    await expectAccessible(phone.page, "a new customer on a phone");
    const found = await admin.get(`/customers?q=${encodeURIComponent(company)}`);
    expect(found.items[0]).toMatchObject({ company, email: "buyer@phone.test", payment_terms_days: 45 });
    await phone.context.close();
  });
});

describe("people", () => {
  it("adds a user with a generated password, disables them, and makes and revokes an API key and a device", async () => {
    await open(page, "/people", "Users, API keys and devices");
    await waitForText(page, "Everything, including users, API keys and devices.");
    await expectAccessible(page, "people");

    // A user: the generated password is shown once.
    const email = `${unique("clerk").toLowerCase()}@office.test`;
    await page.type('input[name="email"]', email);
    await page.type('::-p-aria([name="Name"][role="textbox"])', "Clerk Kent");
    await page.select('select[name="role"]', "manager");
    await page.click("button::-p-text(Add user)");
    await waitForText(page, `Password for ${email}`);
    await waitForText(page, "Clerk Kent");
    const [user] = (await admin.get(`/users?q=${encodeURIComponent(email)}`)).items;
    expect(user).toMatchObject({ email, role: "manager", status: "active" });
    await expectAccessible(page, "people with a new password shown");
    await page.click("button::-p-text(I have kept it)");
    await page.waitForFunction((e) => !document.body.textContent.includes(`Password for ${e}`), {}, email);

    await page.click(`::-p-aria(Disable Clerk Kent)`);
    await page.click("button::-p-text(Disable Clerk Kent?)");
    await waitForRow(page, email, "disabled");
    expect((await admin.get(`/users/${user.id}`)).status).toBe("disabled");

    // An API key: its secret is shown once, then only its first characters.
    const keyName = unique("Shop sync");
    await page.type('::-p-aria([name="Key name"][role="textbox"])', keyName);
    await page.select('select[name="scope-orders"]', "write");
    await page.select('select[name="scope-catalog"]', "read");
    await page.click("button::-p-text(Make key)");
    await waitForText(page, `API key ${keyName}`);
    const secret = await page.$eval(
      `::-p-aria([name="API key ${keyName}"][role="textbox"])`,
      (input) => (input as HTMLInputElement).value,
    );
    const key = (await admin.get("/api-keys")).items.find((k: { name: string }) => k.name === keyName);
    expect(key.scopes.sort()).toEqual(["catalog:read", "orders:read", "orders:write"]);
    expect(secret.startsWith(key.prefix)).toBe(true);
    const me = await fetch(`${BASE}/api/v1/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);
    await page.click("button::-p-text(I have kept it)");
    await page.waitForFunction((s) => !document.body.innerHTML.includes(s), {}, secret);
    await page.click(`::-p-aria(Revoke the key ${keyName})`);
    await page.click(`button::-p-text(Revoke the key ${keyName}?)`);
    await waitForRow(page, keyName, "revoked");
    const revoked = (await admin.get("/api-keys")).items.find((k: { name: string }) => k.name === keyName);
    expect(revoked.revoked_at).not.toBeNull();

    // A device: its token is shown once; it has not been seen yet.
    const deviceName = unique("Till");
    await page.type('::-p-aria([name="Device name"][role="textbox"])', deviceName);
    await page.type('input[name="location"]', "Front desk");
    await page.click("button::-p-text(Register device)");
    await waitForText(page, `Token for ${deviceName}`);
    await waitForRow(page, deviceName, "never seen");
    await expectAccessible(page, "people with a device token shown");
  });

  it("is not for staff: the navigation lacks it and the address refuses", async () => {
    const email = `${unique("staffer").toLowerCase()}@office.test`;
    const password = "staff-password-office-1";
    await admin.post("/users", { email, name: "Sam Staff", role: "staff", password });
    const staff = await person(browser);
    await signIn(staff.page, email, password, "/dashboard");
    await staff.page.waitForSelector('nav a[href="/orders"]');
    expect(await staff.page.$('nav a[href="/people"]')).toBeNull();
    expect(await staff.page.$('nav a[href="/customers"]')).not.toBeNull();
    await open(staff.page, "/people", "Users, API keys and devices");
    await waitForText(staff.page, "Your role (staff) cannot see users, api keys and devices.");
    await expectAccessible(staff.page, "people refused to staff");
    await staff.context.close();
  });
});

/** Waits until the section titled `title` shows `text`. */
async function waitInSection(p: Page, title: string, text: string) {
  await p.waitForFunction(
    (t, x) =>
      [...document.querySelectorAll("section")]
        .find((s) => s.querySelector("h2")?.textContent === t)
        ?.textContent.includes(x) ?? false,
    { timeout: 15_000 },
    title,
    text,
  );
}

describe("attendance", () => {
  it("shows who comes in, live, the employees, the day's report and its CSV", async () => {
    const name = unique("Ana");
    const code = unique("E");
    const employee = await admin.post<{ id: string }>("/employees", { code, name });
    const card = `04${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`.toUpperCase();
    await admin.post(`/employees/${employee.id}/cards`, { uid: card });
    const device = await admin.post<{ token: string }>("/devices", { name: unique("Door") });

    await open(page, "/attendance", "Attendance");
    await waitInSection(page, "In now", "Live");
    await waitInSection(page, "Employees", name);
    await expectAccessible(page, "attendance");

    // The card is read at the door: the room brings the change, no reload.
    const tap = await fetch(`${BASE}/api/v1/devices/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${device.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        events: [
          {
            id: crypto.randomUUID(),
            kind: "card",
            value: card,
            source: "door",
            at: new Date(Date.now() - 60_000).toISOString(),
          },
        ],
      }),
    });
    expect(tap.status).toBe(200);
    await waitInSection(page, "In now", name);
    expect(await page.evaluate(() => performance.getEntriesByType("navigation").length)).toBe(1);

    // Today's report (in the reader's zone) has them; so does its CSV.
    await page.click("button::-p-text(Earlier day)");
    await page.click("button::-p-text(Later day)");
    await page.waitForFunction((d) => location.search.includes(`date=${d}`), {}, todayIn(ZONE));
    await waitInSection(page, "Reports", name);
    await keepDownloads(page);
    const before = await downloads(page);
    await page.click("button::-p-text(Download the day (CSV))");
    const csv = await lastDownload(page, before);
    expect(csv).toContain(code);
    expect(csv).toContain(todayIn(ZONE));

    await page.select('select[name="report"]', "month");
    await waitForText(page, `The month ${todayIn(ZONE).slice(0, 7)}`);
    await waitInSection(page, "Reports", name);
    await expectAccessible(page, "attendance, a month");
  });
});

describe("analytics", () => {
  it("charts revenue per day and orders by status in the reader's zone, with CSV", async () => {
    await saleFor(undefined, 10_000, 2);
    await saleFor(undefined, 5_000);
    const today = todayIn(ZONE);
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    const range = `from=${from}&to=${today}&tz=${encodeURIComponent(ZONE)}`;
    const sales = await admin.get(`/analytics/sales?${range}`);
    const last = sales.buckets.at(-1);
    const eur = sales.items.find(
      (r: { bucket: string; currency: string }) => r.bucket === last.label && r.currency === "EUR",
    );
    expect(eur.revenue.amount).toBeGreaterThanOrEqual(25_000);
    const statuses = await admin.get(`/analytics/statuses?${range}`);
    const byStatusNow = new Map<string, number>();
    for (const r of statuses.items as { status: string; orders: number }[]) {
      byStatusNow.set(r.status, (byStatusNow.get(r.status) ?? 0) + r.orders);
    }

    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    const asked: string[] = [];
    page.on("request", (r) => asked.push(r.url()));
    await open(page, "/analytics?days=7", "Analytics");
    await waitForText(page, "Revenue per day (EUR)");
    expect(
      asked.some(
        (u) => u.includes("/api/v1/analytics/sales") && u.includes(`tz=${encodeURIComponent(zone)}`),
      ),
      asked.join("\n"),
    ).toBe(true);

    const figures = async (caption: string) => {
      await page.evaluate((c) => {
        const f = [...document.querySelectorAll("figure")].find(
          (x) => x.querySelector("figcaption")?.textContent === c,
        );
        (f?.querySelector("summary") as HTMLElement | null)?.click();
      }, caption);
      return page.evaluate((c) => {
        const f = [...document.querySelectorAll("figure")].find(
          (x) => x.querySelector("figcaption")?.textContent === c,
        );
        return [...(f?.querySelectorAll("tbody tr") ?? [])].map((tr) =>
          [...tr.querySelectorAll("td")].map((td) => (td as HTMLElement).textContent),
        );
      }, caption);
    };
    const revenue = await figures("Revenue per day (EUR)");
    expect(revenue).toHaveLength(7);
    const todayLabel = await page.evaluate(
      (iso) => new Intl.DateTimeFormat(navigator.language, { dateStyle: "medium" }).format(new Date(iso)),
      last.start,
    );
    expect(revenue.at(-1)).toEqual([todayLabel, await moneyIn(page, eur.revenue.amount / 100, "EUR")]);
    await waitForText(page, "Orders placed in the period, by their status now");
    const byStatus = await figures("Orders placed in the period, by their status now");
    expect(byStatus).toEqual(
      [...byStatusNow]
        .filter(([, n]) => n > 0)
        .map(([status, n]) => [status.replaceAll("_", " "), String(n)]),
    );
    await expectAccessible(page, "analytics");

    await keepDownloads(page);
    const before = await downloads(page);
    await page.click("button::-p-text(Sales per day (CSV))");
    const csv = await lastDownload(page, before);
    expect(csv.split("\n")[0]).toContain("bucket,currency,orders,cancelled,revenue");
    expect(csv).toContain(`${last.label},EUR`);

    await page.select('select[name="days"]', "30");
    await page.waitForFunction(() => location.search === "?days=30");
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll("figure")]
          .find((x) => x.querySelector("figcaption")?.textContent === "Revenue per day (EUR)")
          ?.querySelectorAll("tbody tr").length === 30,
    );
  });
});

describe("the desk's browser", () => {
  it("logged no script errors on any of these screens", () => {
    // Refusals the tests asked for (a 400) show as failed loads; anything else is a fault.
    expect(complaints.filter((c) => !/Failed to load resource/.test(c))).toEqual([]);
  });
});
