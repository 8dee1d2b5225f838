// Stock, counts and the catalog in the browser: a count counted by two people at once with a keyboard-wedge
// scanner's typing (and a typed count), each seeing the other's counts live, posted by the admin, the levels
// then equal to what was counted; the stock screen following movements live; products created, edited
// and published.
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rest, unique } from "./api";
import { expectAccessible, go, launch, person, signIn, waitForText as waitFor } from "./browser";
import { ADMIN } from "./global-setup";

let browser: Browser;
let rest: Rest;
beforeAll(async () => {
  browser = await launch();
  rest = await Rest.signIn();
});
afterAll(async () => {
  await browser?.close();
});

interface Product {
  id: string;
  sku: string;
  name: string;
  status: string;
  price: { amount: number; currency: string };
}

async function stockedProduct(locationId: string, name: string, code: string, onHand: number) {
  const product = await rest.post<Product>("/products", {
    sku: unique("CNT"),
    name,
    price: { amount: 250, currency: "EUR" },
    barcodes: [{ barcode: code, kind: "internal" }],
  });
  await rest.post("/inventory/adjustments", {
    product_id: product.id,
    location_id: locationId,
    delta: onHand,
    kind: "receive",
  });
  return product;
}

/** Waits for text on the page; failing, says what the page shows instead. */
const waitForText = (page: Page, text: string) =>
  waitFor(page, text).catch(async (error) => {
    const shown = await page.evaluate(() => document.querySelector("main")?.textContent ?? "");
    throw new Error(`Waited for "${text}"; the page shows:\n${shown}`, { cause: error });
  });

/** Waits until the stock screen follows its location's room. */
const waitForLive = (page: Page) =>
  page.waitForFunction(() =>
    [...document.querySelectorAll(".card-head .live")].some((e) => e.textContent === "Live"),
  );

/** The text of a cell of the table row that names `sku` (columns counted from 0). */
const cellOf = (page: Page, sku: string, column: number) =>
  page.evaluate(
    (s, c) => {
      const row = [...document.querySelectorAll("tbody tr")].find((tr) =>
        tr.querySelector("td")?.textContent?.includes(s),
      );
      return row?.querySelectorAll("td")[c]?.textContent?.trim() ?? null;
    },
    sku,
    column,
  );

async function waitForCell(page: Page, sku: string, column: number, text: string) {
  await page
    .waitForFunction(
      (s, c, t) => {
        const row = [...document.querySelectorAll("tbody tr")].find((tr) =>
          tr.querySelector("td")?.textContent?.includes(s),
        );
        return row?.querySelectorAll("td")[c]?.textContent?.trim() === t;
      },
      { timeout: 15_000 },
      sku,
      column,
      text,
    )
    .catch(async (error) => {
      throw new Error(`${sku} column ${column}: wanted ${text}, shows ${await cellOf(page, sku, column)}`, {
        cause: error,
      });
    });
}

/** What a keyboard-wedge scanner does: types the code into the focused box and presses Enter. */
async function scan(page: Page, code: string) {
  await page.type("#scan-code", code);
  await page.keyboard.press("Enter");
  // The box is empty again and keeps the focus, ready for the next scan.
  await page.waitForFunction(() => {
    const box = document.activeElement as HTMLInputElement | null;
    return box?.id === "scan-code" && box.value === "";
  });
}

// The count screen's columns: product, bin, expected, counted, difference, status, counted by, working on it.
const COUNTED = 3;
const COUNTED_BY = 6;
// The stock screen's levels: product, bin, on hand, …
const ON_HAND = 2;

describe("stock and counts", () => {
  it("counts a location in two browsers with scans and typed counts, live, and posts it", async () => {
    const depot = await rest.post<{ id: string; name: string }>("/inventory/locations", {
      name: unique("Depot"),
      kind: "warehouse",
    });
    const codeA = unique("BCA");
    const codeB = unique("BCB");
    const apples = await stockedProduct(depot.id, "Counted apples", codeA, 5);
    const pears = await stockedProduct(depot.id, "Counted pears", codeB, 5);
    const counter = { email: `${unique("counter")}@console.test`, password: "counter-password-12345" };
    await rest.post("/users", { ...counter, name: "Casey Counter", role: "staff" });

    const admin = await person(browser);
    await signIn(admin.page, ADMIN.email, ADMIN.password, "/dashboard");
    await go(admin.page, `/stock?location=${depot.id}`, "Stock");
    await waitForCell(admin.page, apples.sku, ON_HAND, "5");
    await waitForLive(admin.page);
    await expectAccessible(admin.page, "stock");

    await admin.page.click('form[aria-label="Open a count"] button[type=submit]');
    await admin.page.waitForFunction(() => location.pathname.startsWith("/stock/counts/"));
    const countId = (await admin.page.evaluate(() => location.pathname)).split("/").pop() as string;
    await admin.page.waitForFunction(() => document.querySelector("h1")?.textContent === "Count");
    await waitForCell(admin.page, apples.sku, 2, "5");
    // Once the count is here, the scan box has the focus: a scanner can start at once.
    await admin.page.waitForFunction(() => document.activeElement?.id === "scan-code");

    const staff = await person(browser);
    await signIn(staff.page, counter.email, counter.password, "/dashboard");
    await go(staff.page, `/stock/counts/${countId}`, "Count");
    await waitForText(staff.page, "Administrator (admin)");
    await staff.page.waitForFunction(() => document.activeElement?.id === "scan-code");

    // The admin scans three apples.
    await admin.page.bringToFront();
    await waitForText(admin.page, "Casey Counter (staff)");
    for (let i = 0; i < 3; i++) await scan(admin.page, codeA);
    await waitForCell(admin.page, apples.sku, COUNTED, "3");
    await waitForText(admin.page, `Scan of ${codeA}: ${apples.sku} Counted apples, 3 counted`);

    // The colleague sees them, scans two pears, then types the pears' count: seven.
    await staff.page.bringToFront();
    await waitForCell(staff.page, apples.sku, COUNTED, "3");
    await waitForCell(staff.page, apples.sku, COUNTED_BY, "Administrator");
    for (let i = 0; i < 2; i++) await scan(staff.page, codeB);
    await waitForCell(staff.page, pears.sku, COUNTED, "2");
    await staff.page.type(`#count-${pears.id}`, "7");
    await staff.page.click(`button[aria-label="Save count of ${pears.sku}"]`);
    await waitForCell(staff.page, pears.sku, COUNTED, "7");
    // Apples are the admin's while they count them: the room says so, in words.
    await scan(staff.page, codeA);
    await waitForText(staff.page, "is being counted by Administrator");
    await expectAccessible(staff.page, "count (staff)");

    await admin.page.bringToFront();
    await waitForCell(admin.page, pears.sku, COUNTED, "7");
    await waitForCell(admin.page, pears.sku, COUNTED_BY, "Casey Counter");
    await waitForCell(admin.page, apples.sku, COUNTED, "3");
    await expectAccessible(admin.page, "count (admin)");

    await admin.page.click("::-p-text(Post count)");
    await waitForText(admin.page, "This count is posted");
    await waitForText(admin.page, "Posted 2 products.");
    await staff.page.bringToFront();
    await waitForText(staff.page, "This count is posted");
    expect(await staff.page.$("#scan-code")).toBeNull();

    const level = (id: string) =>
      rest.get<{ on_hand: number }>(`/inventory/levels/${id}/${depot.id}`).then((l) => l.on_hand);
    expect(await level(apples.id)).toBe(3);
    expect(await level(pears.id)).toBe(7);
    expect((await rest.get(`/inventory/count-sessions/${countId}`)).session.status).toBe("posted");

    // The stock screen follows movements live: one made over REST, one with its own form.
    await admin.page.bringToFront();
    await go(admin.page, `/stock?location=${depot.id}`, "Stock");
    await waitForCell(admin.page, apples.sku, ON_HAND, "3");
    await waitForLive(admin.page);
    await rest.post("/inventory/adjustments", {
      product_id: apples.id,
      location_id: depot.id,
      delta: 2,
      kind: "receive",
    });
    await waitForCell(admin.page, apples.sku, ON_HAND, "5");
    const form = 'form[aria-label="Receive or adjust stock"]';
    await admin.page.type(`${form} input[name=product_id]`, pears.sku);
    await admin.page.type(`${form} input[name=delta]`, "4");
    await admin.page.click(`${form} button[type=submit]`);
    await waitForText(admin.page, `${pears.sku}: 11 on hand`);
    await waitForCell(admin.page, pears.sku, ON_HAND, "11");
    expect(await level(pears.id)).toBe(11);

    // Where apples sit, and when they run low: five available is at the threshold of ten.
    await admin.page.click(`button[aria-label="Bin and threshold of ${apples.sku}"]`);
    const settings = `form[aria-label="Settings of ${apples.sku} Counted apples"]`;
    await admin.page.waitForSelector(settings);
    await admin.page.type(`${settings} input[name=bin]`, "A-01-2");
    await admin.page.type(`${settings} input[name=low_stock_threshold]`, "10");
    await admin.page.click(`${settings} button[type=submit]`);
    await waitForCell(admin.page, apples.sku, 1, "A-01-2");
    await waitForCell(admin.page, apples.sku, 4, "5 low");
    expect(await rest.get(`/inventory/levels/${apples.id}/${depot.id}`)).toMatchObject({
      bin: "A-01-2",
      low_stock_threshold: 10,
    });
    await expectAccessible(admin.page, "stock after moves");

    expect(admin.complaints.filter((c) => !/401/.test(c))).toEqual([]);
    expect(staff.complaints.filter((c) => !/401/.test(c))).toEqual([]);
    await admin.context.close();
    await staff.context.close();
  });

  it("creates a product as a draft, edits its price and publishes it", async () => {
    const { page, context, complaints } = await person(browser);
    await signIn(page, ADMIN.email, ADMIN.password, "/dashboard");
    await go(page, "/catalog", "Catalog");
    await expectAccessible(page, "catalog");

    const sku = unique("NEW");
    const form = 'form[aria-label="New product"]';
    await page.waitForSelector(form);
    await page.type(`${form} input[name=sku]`, sku);
    await page.type(`${form} input[name=name]`, "Console teapot");
    await page.type(`${form} input[name="price.amount"]`, "12.50");
    await page.type(`${form} input[name=barcodes]`, unique("TEA"));
    await page.click(`${form} button[type=submit]`);
    await waitForText(page, `${sku} was created as a draft`);
    await waitForCell(page, sku, 4, "draft");

    await page.click(`button[aria-label="Edit ${sku}"]`);
    const editor = `section[aria-label="Edit ${sku}"]`;
    await page.waitForSelector(editor);
    await page.click(`${editor} input[name="price.amount"]`, { count: 3 });
    await page.keyboard.press("Backspace");
    await page.type(`${editor} input[name="price.amount"]`, "9.99");
    await page.click(`${editor} button[type=submit]`);
    await waitForText(page, `${sku} is saved.`);
    await expectAccessible(page, "catalog editor");

    await page.click(`button[aria-label="Publish ${sku}"]`);
    await page.waitForSelector(`button[aria-label="Unpublish ${sku}"]`);
    await waitForCell(page, sku, 4, "published");

    const found = await rest.get<{ items: Product[] }>(`/products?q=${sku}`);
    const product = found.items.find((p) => p.sku === sku);
    expect(product?.status).toBe("published");
    expect(product?.price).toMatchObject({ amount: 999, currency: "EUR" });
    // (The 401 is the page asking for a session before signing in.)
    expect(complaints.filter((c) => !/401/.test(c))).toEqual([]);
    await context.close();
  });
});
