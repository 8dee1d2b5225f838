// Debian's Chromium driven by puppeteer-core for the console's tests: a browser per test file, a context
// (its own cookies, as a second person on another machine) per person, sign-in through the console's own
// form, and axe-core run on what a page shows.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer, { type Browser, type BrowserContext, type Page } from "puppeteer-core";
import { expect, inject } from "vitest";

export const BASE = inject("consoleBase");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export async function launch(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    // The machine's network is closed: no background calls to Google that fail at every start.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      "--disable-renderer-backgrounding",
      "--disable-background-timer-throttling",
      "--disable-backgrounding-occluded-windows",
    ],
  });
}

/** A person at their own browser: a fresh context, a page, and what the page complained of. */
export async function person(browser: Browser, viewport = { width: 1280, height: 900 }) {
  const context: BrowserContext = await browser.createBrowserContext();
  const page: Page = await context.newPage();
  await page.setViewport(viewport);
  const complaints: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") complaints.push(message.text());
  });
  page.on("pageerror", (error) => complaints.push(String(error)));
  return { context, page, complaints };
}

/** Signs in through the console's form and waits for the home screen's title. */
export async function signIn(page: Page, email: string, password: string, home: string) {
  if (!(await page.$("#email"))) await page.goto(`${BASE}/`, { waitUntil: "domcontentloaded" });
  await page.waitForSelector("#email");
  for (const [field, value] of [
    ["#email", email],
    ["#password", password],
  ] as const) {
    await page.click(field, { count: 3 });
    await page.keyboard.press("Backspace");
    await page.type(field, value);
  }
  await page.click("button[type=submit]");
  await page.waitForFunction((path) => location.pathname === path, {}, home);
}

/** Waits until the page's visible text contains `text`. */
export async function waitForText(page: Page, text: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction((t) => document.body.innerText.includes(t), { timeout }, text);
}

/** Moves inside the console as a click on a link would (no reload: the session stays in memory). */
export async function go(page: Page, path: string, title?: string): Promise<void> {
  await page.evaluate((p) => {
    const a = document.createElement("a");
    a.href = p;
    document.body.append(a);
    a.click();
    a.remove();
  }, path);
  await page.waitForFunction((p) => location.pathname + location.search === p, {}, path);
  if (title) await page.waitForFunction((t) => document.querySelector("h1")?.textContent === t, {}, title);
}

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical findings on the page as it is now (WCAG 2.x A and AA rules). */
export async function axe(page: Page): Promise<Violation[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected above
    const result = await (window as any).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    // biome-ignore lint/suspicious/noExplicitAny: axe's result shape
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      // biome-ignore lint/suspicious/noExplicitAny: axe's result shape
      nodes: v.nodes.map((n: any) => n.target.join(" ")),
    }));
  })) as Violation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Asserts axe finds nothing serious, naming what it found if it does. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const found = await axe(page);
  expect(found, `${where}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
}
