// The back-office screens as the admin uses them: claims reviewed, approved, rejected and closed in the
// browser; a payment recorded against an invoice; a sales CSV imported with live progress and its bad rows
// downloaded; labels printed and their PDF fetched; a failed webhook reading found and reprocessed; scrape
// targets and a Magento store pulled; a card statement imported and matched. Every screen passes axe.
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, ElementHandle, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rest, unique } from "./api";
import { BASE, expectAccessible, go, launch, person, signIn, waitForText } from "./browser";
import { ADMIN } from "./global-setup";

let browser: Browser;
let admin: Rest;
let page: Page;
let complaints: string[];
const files = mkdtempSync(path.join(tmpdir(), "roms-back-office-"));

beforeAll(async () => {
  browser = await launch();
  admin = await Rest.signIn();
  const desk = await person(browser);
  page = desk.page;
  complaints = desk.complaints;
  await signIn(page, ADMIN.email, ADMIN.password, "/dashboard");
  // Every blob URL the page makes, kept for the test to read (the console moves without reloading).
  await page.evaluate(() => {
    const w = window as unknown as { kept: Map<string, Blob> };
    w.kept = new Map();
    const original = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      const url = original(blob);
      w.kept.set(url, blob as Blob);
      return url;
    };
  });
});
afterAll(async () => {
  await browser?.close();
  rmSync(files, { recursive: true, force: true });
});

/** The control a <label> names (exactly its text), optionally inside the element `within` selects. */
async function control(label: string, within = "main"): Promise<ElementHandle<HTMLInputElement>> {
  const handle = await page.waitForFunction(
    (l, w) => {
      const scope = document.querySelector(w) ?? document;
      const found = [...scope.querySelectorAll("label")].find((x) => x.textContent?.trim() === l);
      return found ? (document.getElementById(found.htmlFor) ?? found.querySelector("input")) : null;
    },
    { timeout: 15_000 },
    label,
    within,
  );
  return handle as unknown as ElementHandle<HTMLInputElement>;
}
async function fill(label: string, value: string, within?: string) {
  const input = await control(label, within);
  await input.click({ count: 3 });
  await input.press("Backspace");
  if (value) await input.type(value);
}
async function choose(label: string, value: string, within?: string) {
  await (await control(label, within)).select(value);
}
/** Clicks the enabled button whose text or aria-label is `name` (inside `within`). */
async function press(name: string, within = "main") {
  const button = await page.waitForFunction(
    (n, w) =>
      [...(document.querySelector(w) ?? document).querySelectorAll("button")].find(
        (b) => !b.disabled && (b.textContent?.trim() === n || b.getAttribute("aria-label") === n),
      ) ?? null,
    { timeout: 15_000 },
    name,
    within,
  );
  await (button as unknown as ElementHandle<HTMLButtonElement>).click();
}
/** Clicks the link whose text is `text`. */
async function follow(text: string) {
  const link = await page.waitForFunction(
    (t) => [...document.querySelectorAll("main a")].find((a) => a.textContent?.trim() === t) ?? null,
    { timeout: 15_000 },
    text,
  );
  await (link as unknown as ElementHandle<HTMLAnchorElement>).click();
}
/** The fetched file the page offers (its "Save …" link), read back from its blob URL. */
async function offered(name: RegExp) {
  const handle = await page.waitForFunction(
    (source) =>
      [...document.querySelectorAll<HTMLAnchorElement>("a[download]")].find((a) =>
        new RegExp(source).test(a.download),
      ) ?? null,
    { timeout: 30_000 },
    name.source,
  );
  const href = await (handle as unknown as ElementHandle<HTMLAnchorElement>).evaluate((a) => a.href);
  // The page's policy lets it fetch only its own origin, so the blob is read where the page made it.
  return page.evaluate(async (h) => {
    const blob = (window as unknown as { kept: Map<string, Blob> }).kept.get(h);
    if (!blob) throw new Error(`no blob for ${h}`);
    return { type: blob.type, size: blob.size, head: await blob.slice(0, 2000).text() };
  }, href);
}
/** Waits for a table row holding every text. */
async function waitForRow(...texts: string[]) {
  await page.waitForFunction(
    (ts) => [...document.querySelectorAll("tr")].some((tr) => ts.every((t) => tr.textContent?.includes(t))),
    { timeout: 30_000 },
    texts,
  );
}
async function waitUntil<T>(what: string, check: () => Promise<T | undefined | null | false>, tries = 200) {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not happen`);
}

/** A delivered sale to a new customer (its invoice is made on delivery). */
async function deliveredSale(
  company: string,
  lines = [{ sku: "MUG", name: "Blue mug", quantity: 4, unit_price: 1000, tax_rate_bp: 1900 }],
) {
  const customer = await admin.post<{ id: string }>("/customers", { company });
  const made = await admin.post<{ order: { id: string; number: string; lines: { id: string }[] } }>(
    "/orders/intake",
    {
      source: "console-back",
      external_ref: unique("SO"),
      kind: "sale",
      customer_id: customer.id,
      currency: "EUR",
      status: "delivered",
      lines,
    },
  );
  return { customerId: customer.id, order: made.order };
}

describe("claims", () => {
  it("a claim in manual review is in the queue, shows its photo and the review's reasons, and is approved then closed", async () => {
    const { order } = await deliveredSale(unique("Claim Co"));
    const claim = await admin.post<{ id: string }>("/claims", {
      order_id: order.id,
      lines: [
        { order_line_id: order.lines[0]!.id, quantity: 2, reason: "damaged", description: "Cracked handle" },
      ],
    });
    const photo = readFileSync(path.join(import.meta.dirname, "../fixtures/photos/gps.jpg"));
    const uploaded = await fetch(`${BASE}/api/v1/claims/${claim.id}/photos?filename=mug.jpg`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin.token}`, "content-type": "image/jpeg" },
      body: photo,
    });
    expect(uploaded.status).toBe(201);
    const reviewed = await admin.post<{ status: string }>(`/claims/${claim.id}/submit`);
    expect(reviewed.status).toBe("manual_review");

    await go(page, "/claims", "Claims");
    await waitForText(page, "Waiting for a person, oldest first");
    await waitForRow(claim.id.slice(-8), "damaged");
    await expectAccessible(page, "the claims queue");

    await follow(claim.id.slice(-8));
    await waitForText(page, "Cracked handle");
    await waitForText(page, "auto approve:");
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>("img[alt^='Photo 1 of 1']");
      return img?.complete && img.naturalWidth > 0 && img.src.startsWith("blob:");
    });
    await waitForText(page, "Live");
    await expectAccessible(page, "a claim in review");

    await choose("Outcome", "refund");
    await fill("Note (optional)", "Refunded the two mugs", "form[aria-label='Approve the claim']");
    await press("Approve");
    await waitForText(page, "Close the claim");
    const approved = await admin.get(`/claims/${claim.id}`);
    expect(approved).toMatchObject({
      status: "approved",
      refund: { amount: 2380 },
      decision_note: "Refunded the two mugs",
    });
    await waitForText(page, "Refunded");

    await press("Resolve");
    await page.waitForFunction(() => !document.body.textContent?.includes("Close the claim"));
    expect((await admin.get(`/claims/${claim.id}`)).status).toBe("resolved");
  });

  it("a claim is rejected in the browser with the reason the customer reads", async () => {
    const { order } = await deliveredSale(unique("Reject Co"));
    const claim = await admin.post<{ id: string }>("/claims", {
      order_id: order.id,
      lines: [{ order_line_id: order.lines[0]!.id, quantity: 1, reason: "missing" }],
    });
    await admin.post(`/claims/${claim.id}/submit`);
    await go(page, `/claims?claim=${claim.id}`);
    await waitForText(page, "Why (the customer reads this)");
    await press("Reject");
    // The browser's own check: a rejection needs its reason.
    expect((await admin.get(`/claims/${claim.id}`)).status).toBe("manual_review");
    await fill("Why (the customer reads this)", "All four mugs were in the parcel.");
    await press("Reject");
    await waitForText(page, "All four mugs were in the parcel.");
    expect(await admin.get(`/claims/${claim.id}`)).toMatchObject({
      status: "rejected",
      decision_note: "All four mugs were in the parcel.",
    });
    await waitForText(page, "Resolve");
  });
});

describe("invoices", () => {
  it("lists the invoice with its payment status and PDF; a payment recorded in the browser pays the order", async () => {
    const { order } = await deliveredSale(unique("Invoice Co"));
    const billing = await admin.get(`/orders/${order.id}/billing`);
    const number: string = billing.invoice.number;
    await go(page, "/invoices", "Invoices and payments");
    await waitForRow(number, order.number, "unpaid");
    await expectAccessible(page, "invoices");

    await press(`PDF of ${number}`);
    const pdf = await offered(new RegExp(`${number}\\.pdf`));
    expect(pdf.type).toBe("application/pdf");
    expect(pdf.head.startsWith("%PDF-")).toBe(true);

    await follow(order.number);
    await waitForText(page, `Money of order ${order.number}`);
    await waitForText(page, "Record a payment or refund");
    expect(await (await control("Amount (EUR)")).evaluate((i) => i.value)).toBe("47.60");
    await fill("Amount (EUR)", "20");
    await choose("Method", "card");
    await fill("Reference (optional)", "CARD-42");
    await press("Record payment");
    await waitForText(page, "Recorded: payment of");
    expect((await admin.get(`/orders/${order.id}/billing`)).payment_status).toBe("partial");
    await waitForRow("CARD-42", "card");

    // More than is due is refused, in words, by the form.
    await fill("Amount (EUR)", "100");
    await press("Record payment");
    await page.waitForSelector("form[aria-label='Record a payment or refund'] .problem");
    await fill("Amount (EUR)", "27,60");
    await press("Record payment");
    await waitForText(page, "Recorded: payment of");
    await page.waitForFunction(() => document.querySelector("main .badge-paid") !== null);
    const paid = await admin.get(`/orders/${order.id}/billing`);
    expect(paid).toMatchObject({ payment_status: "paid", outstanding: { amount: 0 } });
    await waitForRow(number, order.number, "paid");
    await expectAccessible(page, "an order's money");
  });
});

describe("imports", () => {
  it("a CSV uploaded in the browser shows its progress and ends done; its bad rows download as CSV", async () => {
    const format = unique("console").toLowerCase();
    await admin.call("PUT", `/imports/formats/${format}`, {
      columns: {
        order_ref: "Order",
        date: "Date",
        sku: "SKU",
        name: "Name",
        quantity: "Qty",
        unit_price: "Price",
      },
      default_currency: "EUR",
      default_status: "shipped",
    });
    const ref = unique("imp");
    const rows = ["Order,Date,SKU,Name,Qty,Price"];
    for (let i = 1; i <= 400; i++)
      rows.push(
        `${ref}-${i},2025-03-${String((i % 28) + 1).padStart(2, "0")},SKU-${i},Thing ${i},${(i % 3) + 1},${i}.50`,
      );
    rows.push(`${ref}-bad-1,2025-02-31,SKU-X,Bad date,1,1.00`);
    rows.push(`${ref}-bad-2,2025-03-01,SKU-Y,Bad quantity,two,1.00`);
    const file = path.join(files, `${ref}.csv`);
    writeFileSync(file, `${rows.join("\n")}\n`);

    await go(page, "/imports", "Imports");
    await waitForText(page, "Import a sales file");
    await expectAccessible(page, "imports");
    await choose("Format", format);
    await (await control("Sales CSV")).uploadFile(file);
    await press("Preview");
    await waitForText(page, "Header on line 1");
    await waitForRow("SKU-1", "Thing 1");
    await press("Import");
    await page.waitForSelector("main progress");
    await waitForText(page, "Rows read", 30_000);
    await page.waitForFunction(() => document.querySelector("main section .badge-done") !== null, {
      timeout: 60_000,
    });
    const progress = await page.$eval("main progress", (p) => [
      (p as HTMLProgressElement).value,
      (p as HTMLProgressElement).max,
    ]);
    expect(progress).toEqual([402, 402]);
    await waitForText(page, "402 of 402");
    const jobs = await admin.get("/imports?limit=5");
    const job = jobs.items.find((j: { filename: string }) => j.filename === `${ref}.csv`);
    expect(job).toMatchObject({ status: "done", rows_total: 402, rows_failed: 2, orders_created: 400 });
    await expectAccessible(page, "an import done");

    await press("Download the 2 bad rows (CSV)");
    const errors = await offered(/errors\.csv$/);
    expect(errors.head).toContain("Bad date");
    expect(errors.head).toContain("Bad quantity");
  });
});

describe("labels", () => {
  it("product labels chosen in the browser render with progress and their PDF opens from a blob", async () => {
    const sku = unique("LBL").toUpperCase();
    await admin.post("/products", { sku, name: "Label mug", price: { amount: 1299, currency: "EUR" } });
    await go(page, "/labels", "Labels");
    await waitForText(page, "Print labels");
    await expectAccessible(page, "labels");
    await fill("Find products", sku);
    await press("Find");
    const box = await control(
      `Label mug · ${sku} · ${await page.evaluate(() => new Intl.NumberFormat(navigator.language, { style: "currency", currency: "EUR" }).format(12.99))}`,
    );
    await box.click();
    await waitForText(page, "Products (1 chosen)");
    await choose("Label stock", "a4-2x7");
    await fill("Copies of each", "3");
    await press("Print labels");
    await waitForText(page, "Label job");
    await page.waitForFunction(() => document.querySelector("main .badge-done") !== null, {
      timeout: 60_000,
    });
    await waitForText(page, "3 of 3");
    await press("Get the PDF");
    const pdf = await offered(/\.pdf$/);
    expect(pdf.type).toBe("application/pdf");
    expect(pdf.head.startsWith("%PDF-")).toBe(true);
    const history = await admin.get("/labels/jobs?limit=1");
    expect(history.items[0]).toMatchObject({
      status: "done",
      labels: 3,
      stock: "a4-2x7",
      template: "product",
    });
    await expectAccessible(page, "a label job done");
  });
});

describe("intake", () => {
  it("a webhook whose reading failed shows with its reason per door and source, and is reprocessed from the browser", async () => {
    const name = unique("hook")
      .toLowerCase()
      .replaceAll(/[^a-z0-9_-]/g, "-");
    const source = await admin.post<{ secret: string }>("/webhook-sources", { name, kind: "standard" });
    const id = `msg_${crypto.randomUUID()}`;
    const at = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      type: "order.created",
      timestamp: new Date().toISOString(),
      data: {
        external_ref: "BAD-1",
        currency: "EUR",
        lines: [{ sku: "X", name: "X", quantity: 0, unit_price: 100 }],
      },
    });
    const key = Buffer.from(source.secret.replace(/^whsec_/, ""), "base64");
    const signature = createHmac("sha256", key).update(`${id}.${at}.${body}`).digest("base64");
    const res = await fetch(`${BASE}/api/v1/webhooks/${name}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(at),
        "webhook-signature": `v1,${signature}`,
      },
      body,
    });
    expect(res.status).toBe(202);
    const receipt = (await res.json()) as { id: string };
    await waitUntil(
      "the reading",
      async () => (await admin.get(`/ingest/${receipt.id}`)).outcome === "failed",
    );

    await go(page, "/intake", "Intake monitor");
    await waitForRow(`webhook: ${name}`, "1 failed");
    await expectAccessible(page, "the intake monitor");
    await follow(`webhook: ${name}`);
    await waitForRow(name, "failed", "quantity");
    await press("Reprocess");
    await waitForText(page, "Read again: failed");
    expect((await admin.get(`/ingest/${receipt.id}`)).attempts).toBe(2);
    await waitForRow(name, "failed", "2");
    await expectAccessible(page, "intake records");
  });
});

describe("scrapes and store pulls", () => {
  it("shows targets and their runs, and a Magento store whose pull fails says why", async () => {
    const target = unique("prices").toLowerCase();
    await admin.post("/scrapes/targets", {
      name: target,
      start_url: "http://127.0.0.1:9/nothing-here",
      kind: "price",
      interval_minutes: 60,
      recipe: { fields: { price: { selector: ".price", required: true } }, timeout_ms: 2000 },
    });
    const store = `magento:${unique("shop")
      .toLowerCase()
      .replaceAll(/[^a-z0-9_-]/g, "-")}`;
    await admin.post("/connectors", {
      name: store,
      base_url: "http://127.0.0.1:9",
      token_secret: "MAGENTO_CONSOLE_TEST_TOKEN",
    });

    await go(page, "/scrapes", "Scrapes and store pulls");
    await waitForRow(target, "price", "on");
    await waitForRow(store, "missing: MAGENTO_CONSOLE_TEST_TOKEN");
    await expectAccessible(page, "scrapes");

    await press(`Pull now: ${store}`);
    await waitForText(page, "the pull failed: The token secret MAGENTO_CONSOLE_TEST_TOKEN is not set");
    await waitForRow("pull now", "failed");

    await press(`Run now: ${target}`);
    await waitForText(page, `${target} ran: failed`, 60_000);
    await waitForRow("run now", "failed");

    await press(`Switch off: ${target}`);
    await waitForText(page, `${target} is off`);
    await waitForRow(target, "off");
    expect(
      (await admin.get("/scrapes/targets")).items.find((t: { name: string }) => t.name === target).enabled,
    ).toBe(false);
    await follow(target);
    await waitForText(page, `Runs of ${target}`);
    await expectAccessible(page, "a target's runs and a store's pulls");
  });
});

describe("card reconciliation", () => {
  it("a statement uploaded with its mapping matches its charge; the rest is set aside by hand and reported", async () => {
    const merchant = `Acme ${unique("supplies")}`;
    const purchase = await admin.post<{ order: { id: string; number: string } }>("/orders/intake", {
      source: "console-back",
      external_ref: unique("PO"),
      kind: "purchase",
      merchant,
      currency: "EUR",
      lines: [{ sku: "PAPER", name: "Paper", quantity: 1, unit_price: 4321 }],
    });
    const today = new Date().toISOString().slice(0, 10);
    const file = path.join(files, `${unique("visa")}.csv`);
    writeFileSync(
      file,
      `Posted,Amount,Merchant\n${today},-43.21,${merchant.toUpperCase()}\n${today},-9.99,CORNER COFFEE\n`,
    );
    const bank = unique("visa").toLowerCase();

    await go(page, "/reconciliation", "Card reconciliation");
    await waitForText(page, "Import a card statement");
    await expectAccessible(page, "reconciliation");
    await fill("Bank and card", bank);
    await (await control("Statement CSV")).uploadFile(file);
    await fill("Posting day column", "Posted");
    await fill("Amount column", "Amount");
    await fill("Merchant column", "Merchant");
    await fill("Currency when there is no column", "EUR");
    await press("Import and match");
    await waitForText(page, "Imported: 2 rows, 1 matched, 0 ambiguous, 1 unmatched.");
    await waitForRow(merchant.toUpperCase(), "matched", purchase.order.number);
    await waitForRow("CORNER COFFEE", "unmatched");
    await press("Ignore line 3");
    await waitForText(page, "Line 3: ignored.");
    await waitForText(page, "Purchases no charge paid");
    const statements = await admin.get("/reconciliation/statements?limit=1");
    expect(statements.items[0]).toMatchObject({ bank, counts: { matched: 1, unmatched: 0, ignored: 1 } });
    await expectAccessible(page, "a statement and its report");
    // Only this screen's sections: nothing of the screens visited before stays on the page.
    expect(await page.$$eval("main h2", (hs) => hs.map((h) => h.textContent?.split(":")[0]))).toEqual([
      "Import a card statement",
      `Statement ${bank}`,
      "Report",
      "Card statements",
    ]);
    expect(complaints.filter((c) => !/Failed to load resource/.test(c))).toEqual([]);
  });
});
