// Signing in to the console: the same page for everyone, the refresh token only in an HttpOnly cookie,
// the access token only in the page's memory, a reload that keeps the session, sign-out that ends it.
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE, expectAccessible, launch, person, signIn, waitForText } from "./browser";
import { ADMIN } from "./global-setup";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe("the console's session", () => {
  it("signs staff in on the sign-in page, keeps the refresh token out of reach of scripts, and survives a reload", async () => {
    const { page, context, complaints } = await person(browser);
    await page.goto(`${BASE}/`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("#email");
    await expectAccessible(page, "sign-in");

    await page.type("#email", ADMIN.email);
    await page.type("#password", "not the password");
    await page.click("button[type=submit]");
    await waitForText(page, "The email or password is not correct.");

    await signIn(page, ADMIN.email, ADMIN.password, "/dashboard");
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "roms_session");
    expect(session).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
      path: "/api/v1/auth/session",
    });
    expect(await page.evaluate(() => document.cookie)).toBe("");
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).toBe("{}");

    await page.reload({ waitUntil: "domcontentloaded" });
    await page.waitForFunction(() => document.querySelector("h1")?.textContent === "Dashboard");

    // Two tabs opening at once share one cookie: their refreshes take turns and both stay signed in.
    const second = await context.newPage();
    const third = await context.newPage();
    await Promise.all([
      second.goto(`${BASE}/orders`, { waitUntil: "domcontentloaded" }),
      third.goto(`${BASE}/orders`, { waitUntil: "domcontentloaded" }),
    ]);
    for (const tab of [second, third]) {
      await tab.bringToFront();
      await tab.waitForFunction(() => document.querySelector("h1")?.textContent === "Orders");
    }

    await page.bringToFront();
    await page.click("header button.link");
    await page.waitForSelector("#email");
    await page.reload({ waitUntil: "domcontentloaded" });
    await page.waitForSelector("#email");
    expect(complaints.filter((c) => !/401|Failed to load resource/.test(c))).toEqual([]);
    await context.close();
  });

  it("refuses the session door from another origin", async () => {
    const res = await fetch(`${BASE}/api/v1/auth/session`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(((await res.json()) as { detail: string }).detail).toMatch(/own origin/);
  });
});
