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

/**
 * Runs `work` with a browser, reusing an idle Browser Rendering session when there is one (a new browser
 * costs seconds and the account may start only a few per minute), else starting one that stays alive for
 * the next run. The browser is disconnected, not closed, afterwards, so the session can be reused;
 * `reuse: false` starts and closes a browser of its own (what the bench compares against).
 */
export async function withBrowser<T>(
  env: Env,
  work: (browser: Awaited<ReturnType<typeof puppeteer.launch>>) => Promise<T>,
  options: { reuse?: boolean } = {},
): Promise<T> {
  const reuse = options.reuse ?? true;
  let browser: Awaited<ReturnType<typeof puppeteer.launch>> | null = null;
  if (reuse) {
    const idle = (await puppeteer.sessions(env.BROWSER).catch(() => [])).find((s) => !s.connectionId);
    if (idle) browser = await puppeteer.connect(env.BROWSER, idle.sessionId).catch(() => null);
  }
  browser ??= await puppeteer.launch(env.BROWSER, reuse ? { keep_alive: 120_000 } : {});
  try {
    return await work(browser);
  } finally {
    if (reuse) await browser.disconnect();
    else await browser.close();
  }
}
