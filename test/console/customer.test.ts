// The customer's console: filling a cart, placing an order that waits for the customer, choosing a
// substitute and seeing the order move on live; staying inside their own screens and orders; claims with a
// photo, and invoices.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, ElementHandle, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rest, unique } from "./api";
import { expectAccessible, go, launch, person, signIn, waitForText } from "./browser";

const PHONE = { width: 390, height: 844 };
/** The photos the customer files, as files on the phone. */
const files = mkdtempSync(path.join(tmpdir(), "roms-claim-"));
const PASSWORD = "customer-password-1234";

let browser: Browser;
let admin: Rest;
let stockroom: string;
let alice: { email: string; customerId: string };
let bobOrder: { id: string; number: string };

async function customerWithUser(company: string) {
  const customer = await admin.post<{ id: string }>("/customers", {
    company,
    email: `${company.toLowerCase()}@customer.test`,
  });
  const email = `${company.toLowerCase()}@customer.test`;
  await admin.post("/users", {
    email,
    name: `${company} buyer`,
    role: "customer",
    password: PASSWORD,
    customer_id: customer.id,
  });
  return { email, customerId: customer.id };
}

async function product(name: string, price: number, stock: number) {
  const made = await admin.post<{ id: string; sku: string; name: string }>("/products", {
    sku: unique("SKU"),
    name,
    price: { amount: price, currency: "EUR" },
    tax_rate_bp: 1900,
  });
  await admin.post(`/products/${made.id}/publish`);
  if (stock > 0)
    await admin.post("/inventory/adjustments", {
      product_id: made.id,
      location_id: stockroom,
      delta: stock,
      kind: "receive",
    });
  return made;
}

/** A delivered sale to a customer through the intake door (invoiced on delivery). */
const deliveredOrder = (customerId: string, sku: string, name: string) =>
  admin
    .post<{ order: { id: string; number: string } }>("/orders/intake", {
      source: "console-test",
      external_ref: unique("ref"),
      kind: "sale",
      customer_id: customerId,
      currency: "EUR",
      lines: [{ sku, name, quantity: 2, unit_price: 2500, tax_rate_bp: 1900 }],
      status: "delivered",
    })
    .then((r) => r.order);

/** The card (an <article>) whose heading is `name`. */
async function card(page: Page, name: string): Promise<ElementHandle<Element>> {
  const handle = await page.waitForFunction(
    (n) => [...document.querySelectorAll("article")].find((a) => a.querySelector("h2")?.textContent === n),
    {},
    name,
  );
  return handle.asElement() as ElementHandle<Element>;
}

async function typeInto(field: ElementHandle<Element> | null, value: string) {
  if (!field) throw new Error("no such field");
  await field.click({ count: 3 });
  await field.press("Backspace");
  await field.type(value);
}

const statusShown = (page: Page, words: string) =>
  page.waitForFunction((w) => document.querySelector(".order-status")?.textContent?.includes(w), {}, words);

/** Clicks the button whose text includes `text`. */
async function press(page: Page, text: string) {
  const button = await page.waitForFunction(
    (t) => [...document.querySelectorAll("button")].find((b) => b.textContent?.includes(t) && !b.disabled),
    {},
    text,
  );
  await (button.asElement() as ElementHandle<HTMLButtonElement>).click();
}

beforeAll(async () => {
  browser = await launch();
  admin = await Rest.signIn();
  stockroom = (
    await admin.post<{ id: string }>("/inventory/locations", { name: unique("Shop"), kind: "shop" })
  ).id;
  alice = await customerWithUser(unique("Alice").replaceAll("-", ""));
  const bob = await customerWithUser(unique("Bob").replaceAll("-", ""));
  bobOrder = await deliveredOrder(bob.customerId, "BOB-SECRET", "Bob's secret parcel");
});
afterAll(async () => {
  await browser?.close();
  rmSync(files, { recursive: true, force: true });
});

describe("the customer's console", () => {
  it("fills a cart, places an order that waits for them, picks a substitute and sees the order move on live", async () => {
    const wanted = await product(unique("Teapot"), 2000, 1);
    const substitute = await product(unique("Kettle"), 2200, 10);
    const { page, context, complaints } = await person(browser);
    await signIn(page, alice.email, PASSWORD, "/shop");

    // Find the product, see that 3 of it is a high risk, add 3 to the cart.
    await page.waitForSelector("#product-search");
    await page.type("#product-search", wanted.name);
    await page.keyboard.press("Enter");
    // The search's answer: that one product.
    await page.waitForFunction(
      () => location.search.includes("q=") && document.querySelectorAll("article").length === 1,
    );
    const teapot = await card(page, wanted.name);
    await typeInto(await teapot.$("input[name=quantity]"), "3");
    await page.waitForFunction(
      (el) => el.textContent?.includes("high risk") && el.textContent.includes("Only 1 available for 3"),
      {},
      teapot,
    );
    await expectAccessible(page, "products");
    await (await teapot.$("button[type=submit]"))?.click();
    await waitForText(page, `Your cart holds 3 piece of ${wanted.name}`);

    // In the cart (on a phone): the kettle as first substitute, a note, then place the order.
    await page.setViewport(PHONE);
    await go(page, "/shop/cart", "Cart");
    await card(page, wanted.name);
    await waitForText(page, "Only 1 available");
    expect(await page.$("#product-search")).toBeNull(); // nothing of the products screen is left behind
    const first = await page.waitForFunction(
      (n, id) =>
        [...document.querySelectorAll("article")]
          .find((a) => a.querySelector("h2")?.textContent === n)
          ?.querySelector<HTMLSelectElement>("select[name=substitute-0]")
          ?.querySelector(`option[value="${id}"]`)
          ?.closest("select")?.id,
      {},
      wanted.name,
      substitute.id,
    );
    await page.select(`[id="${await first.jsonValue()}"]`, substitute.id);
    const me = await Rest.signIn(alice.email, PASSWORD);
    await expect
      .poll(async () => (await me.get("/cart")).lines[0]?.substitutes, { timeout: 10_000 })
      .toEqual([substitute.id]);
    await page.type('textarea[name="notes"]', "Ring the bell twice");
    await expectAccessible(page, "cart");
    await press(page, "Place order");
    await page.waitForFunction(() => /^\/shop\/orders\/[^/]+$/.test(location.pathname));
    const orderId = await page.evaluate(() => location.pathname.split("/").pop() as string);
    await statusShown(page, "awaiting customer");
    await waitForText(page, "Only 1 available for 3 ordered.");
    const placed = await admin.get(`/orders/${orderId}`);
    expect(placed).toMatchObject({ status: "awaiting_customer", notes: "Ring the bell twice" });

    // My orders says it needs my action; back to it from there.
    await page.setViewport({ width: 1280, height: 900 });
    await go(page, "/shop/orders", "My orders");
    await waitForText(page, "Actions needed");
    await page.waitForSelector(`section a[href="/shop/orders/${orderId}"]`);
    await expectAccessible(page, "my orders");
    await page.click(`section a[href="/shop/orders/${orderId}"]`);
    await page.waitForFunction((id) => location.pathname === `/shop/orders/${id}`, {}, orderId);
    await statusShown(page, "awaiting customer");
    await page.waitForFunction(() => document.querySelector(".room .live")?.textContent?.startsWith("Live"));
    await expectAccessible(page, "order awaiting the customer");

    // Take the kettle: the line is filled and the order goes on to picking, without a reload.
    const marker = await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
      return true;
    });
    await press(page, `Use ${substitute.name}`);
    await statusShown(page, "picking");
    await waitForText(page, `${wanted.sku} replaced by ${substitute.sku}`);
    const chosen = await admin.get(`/orders/${orderId}`);
    expect(chosen.status).toBe("picking");
    expect(chosen.lines[0]).toMatchObject({
      product_id: substitute.id,
      fill: "ok",
      replaced_product_id: wanted.id,
    });

    // The shop ships it: the page hears it in the order's room.
    await admin.post(`/orders/${orderId}/transitions`, { to: "shipped" });
    await statusShown(page, "shipped");
    await waitForText(page, "picking → shipped");
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(marker);
    await expectAccessible(page, "shipped order");
    expect(complaints.filter((c) => !/Failed to load resource/.test(c))).toEqual([]);
    await context.close();
  });

  it("keeps a customer out of staff pages and other customers' orders", async () => {
    const { page, context } = await person(browser, PHONE);
    await signIn(page, alice.email, PASSWORD, "/shop");
    for (const [path, title] of [
      ["/orders", "Orders"],
      ["/dashboard", "Dashboard"],
      ["/stock", "Stock"],
    ] as const) {
      await go(page, path, title);
      await waitForText(page, "This page is for the shop's staff. Your account is a customer's.");
      expect(await page.$("main table")).toBeNull();
      expect(await page.evaluate(() => document.body.textContent)).not.toContain(bobOrder.number);
      await expectAccessible(page, `refused ${path}`);
    }
    await go(page, `/shop/orders/${bobOrder.id}`, "Order");
    await waitForText(page, "No such order.");
    const shown = await page.evaluate(() => document.body.textContent);
    expect(shown).not.toContain(bobOrder.number);
    expect(shown).not.toContain("Bob's secret parcel");
    expect(await page.$(".room")).toBeNull();
    await expectAccessible(page, "another customer's order");
    await context.close();
  });

  it("files a claim with a photo from the phone, and shows invoices with their PDFs", async () => {
    const order = await deliveredOrder(alice.customerId, "MUG-1", "Blue mug");
    const photo = path.join(files, "broken-mug.png");
    writeFileSync(
      photo,
      Buffer.from(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
        "base64",
      ),
    );
    const { page, context, complaints } = await person(browser, PHONE);
    await signIn(page, alice.email, PASSWORD, "/shop");

    await go(page, "/shop/claims", "Claims");
    await waitForText(page, "File a claim");
    await waitForText(page, "You have not filed a claim.");
    await expectAccessible(page, "claims");
    const orderSelect = (await page.waitForSelector(
      "select[name=order_id]",
    )) as ElementHandle<HTMLSelectElement>;
    await orderSelect.select(order.id);
    await waitForText(page, "Line 1: Blue mug (MUG-1), 2 delivered");
    await typeInto(await page.$("fieldset.claim-line input[type=number]"), "1");
    await page.type("fieldset.claim-line input:not([type])", "Arrived in pieces");
    const input = (await page.$("input[type=file][name=photos]")) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(photo);
    await waitForText(page, "Chosen: broken-mug.png");
    await expectAccessible(page, "claim form");
    await press(page, "File the claim");
    await waitForText(page, "Claim filed and sent to the shop: manual review.");
    const claims = (await admin.get(`/claims?order_id=${order.id}`)).items;
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({
      status: "manual_review",
      lines: [{ quantity: 1, reason: "damaged", description: "Arrived in pieces" }],
      photos: [{ content_type: "image/png", filename: "broken-mug.png" }],
    });
    // The claim's details: its photo fetched with the session's token.
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>(".photos img");
      return img?.complete && img.naturalWidth === 1;
    });
    await waitForText(page, "Arrived in pieces");
    await expectAccessible(page, "claim details");

    await go(page, "/shop/invoices", "Invoices");
    const invoices = (await admin.get(`/invoices?customer_id=${alice.customerId}`)).items as {
      number: string;
      order_number: string;
    }[];
    const invoice = invoices.find((i) => i.order_number === order.number);
    expect(invoice).toBeDefined();
    await waitForText(page, invoice?.number as string);
    await waitForText(page, "Account history");
    await expectAccessible(page, "invoices");
    await press(page, `Download ${invoice?.number}`);
    await waitForText(page, `Saved ${invoice?.number}.pdf`);
    expect(complaints.filter((c) => !/Failed to load resource/.test(c))).toEqual([]);
    await context.close();
  });
});
