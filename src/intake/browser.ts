// Browser Rendering for scrape jobs: a real Chromium renders a page, scripts included.
import puppeteer from "@cloudflare/puppeteer";
import type { Env } from "../env";

export interface RenderedPage {
  url: string;
  title: string;
  html: string;
  text: string;
}

export interface RenderOptions {
  /** CSS selector that must appear before the page counts as rendered (e.g. a table filled by scripts). */
  waitFor?: string;
  timeoutMs?: number;
}

export async function renderPage(env: Env, url: string, options: RenderOptions = {}): Promise<RenderedPage> {
  const timeout = options.timeoutMs ?? 20_000;
  const browser = await puppeteer.launch(env.BROWSER);
  try {
    const page = await browser.newPage();
    await page.goto(url, { waitUntil: "networkidle0", timeout });
    if (options.waitFor) await page.waitForSelector(options.waitFor, { timeout });
    const [title, html, text] = await Promise.all([
      page.title(),
      page.content(),
      page.evaluate("document.body ? document.body.innerText : ''") as Promise<string>,
    ]);
    return { url: page.url(), title, html, text };
  } finally {
    await browser.close();
  }
}
