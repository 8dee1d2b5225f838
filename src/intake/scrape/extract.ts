// Running a recipe in a real browser: log in (credentials from Worker secrets), open the start URL, wait for
// what the recipe waits for, read the fields of each row (or of the page), follow the next page up to the
// cap, and take a screenshot. Every step is bounded by the recipe's timeout; the page is always closed.
import type { Browser, Page } from "@cloudflare/puppeteer";
import { type Env, secretNamed } from "../../env";
import type { Recipe } from "../../modules/scrapes/recipe";

export type ScrapedRecord = Record<string, string | null>;

export interface Scraped {
  pages: { url: string; html: string }[];
  records: ScrapedRecord[];
  screenshot: Uint8Array;
}

/** Why a run failed, in words for the job's reason (a timeout, a missing secret, changed markup). */
export class ScrapeFailure extends Error {}

/** Runs in the page: every record the recipe reads there. Kept free of closures: puppeteer serializes it. */
const READ_PAGE = `(recipe) => {
  const ld = [...document.querySelectorAll('script[type="application/ld+json"]')].flatMap((s) => {
    try {
      const json = JSON.parse(s.textContent || "null");
      const list = Array.isArray(json) ? json : json && json["@graph"] ? json["@graph"] : [json];
      return list.filter((o) => o && typeof o === "object");
    } catch { return []; }
  });
  const at = (obj, path) => path.split(/\\.|\\[(\\d+)\\]/).filter(Boolean)
    .reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), obj);
  const read = (root, field) => {
    if (field.json_ld) {
      for (const o of ld) { const v = at(o, field.json_ld); if (v !== undefined && v !== null) return String(v); }
      return null;
    }
    const el = field.selector ? root.querySelector(field.selector) : root.documentElement || root;
    if (!el) return null;
    const v = field.attribute ? el.getAttribute(field.attribute) : el.textContent;
    return v === null ? null : v.replace(/\\s+/g, " ").trim();
  };
  const roots = recipe.rows ? [...document.querySelectorAll(recipe.rows)] : [document];
  return roots.map((root) => Object.fromEntries(Object.entries(recipe.fields).map(([k, f]) => [k, read(root, f)])));
}`;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

async function step<T>(what: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (/timeout|timed out/i.test(text))
      throw new ScrapeFailure(`${what} did not finish within ${seconds(timeoutMs)}.`);
    throw new ScrapeFailure(`${what} failed: ${text.slice(0, 300)}`);
  }
}

async function login(page: Page, env: Env, recipe: Recipe): Promise<void> {
  const timeout = recipe.timeout_ms;
  for (const [i, s] of (recipe.login ?? []).entries()) {
    const what = `Login step ${i + 1} (${s.action})`;
    if (s.action === "goto")
      await step(what, timeout, () => page.goto(s.url, { waitUntil: "load", timeout }));
    else if (s.action === "fill") {
      const value = secretNamed(env, s.secret);
      if (value === undefined) {
        throw new ScrapeFailure(`${what}: the Worker secret ${s.secret} is not set.`);
      }
      await step(what, timeout, () => page.type(s.selector, value));
    } else if (s.action === "click") await step(what, timeout, () => page.click(s.selector));
    else await step(what, timeout, () => page.waitForSelector(s.selector, { timeout }));
  }
}

/** Reads one page, checking that every required field was found (else the markup changed). */
async function readPage(page: Page, recipe: Recipe, n: number): Promise<ScrapedRecord[]> {
  const records = (await page.evaluate(`(${READ_PAGE})(${JSON.stringify(recipe)})`)) as ScrapedRecord[];
  if (recipe.rows && records.length === 0) {
    throw new ScrapeFailure(
      `Page ${n}: the rows "${recipe.rows}" matched nothing; the page's markup may have changed.`,
    );
  }
  const required = Object.entries(recipe.fields)
    .filter(([, f]) => f.required)
    .map(([k]) => k);
  for (const [i, record] of records.entries()) {
    const missing = required.filter((k) => !record[k]);
    if (missing.length > 0) {
      throw new ScrapeFailure(
        `Page ${n}${recipe.rows ? `, row ${i + 1}` : ""}: ${missing.join(", ")} not found; the page's markup may have changed.`,
      );
    }
  }
  return records;
}

/** Runs the recipe from `startUrl` in a fresh page of `browser` (closed afterwards, whatever happens). */
export async function runRecipe(
  browser: Browser,
  env: Env,
  startUrl: string,
  recipe: Recipe,
): Promise<Scraped> {
  const page = await browser.newPage();
  const timeout = recipe.timeout_ms;
  page.setDefaultTimeout(timeout);
  page.setDefaultNavigationTimeout(timeout);
  try {
    await login(page, env, recipe);
    await step("Opening the start URL", timeout, () => page.goto(startUrl, { waitUntil: "load", timeout }));
    const pages: Scraped["pages"] = [];
    const records: ScrapedRecord[] = [];
    const maxPages = recipe.next_page?.max_pages ?? 1;
    for (let n = 1; ; n++) {
      if (recipe.wait_for) {
        const selector = recipe.wait_for;
        await step(`Waiting for "${selector}" on page ${n}`, timeout, () =>
          page.waitForSelector(selector, { timeout }),
        );
      }
      pages.push({ url: page.url(), html: await page.content() });
      records.push(...(await readPage(page, recipe, n)));
      if (!recipe.next_page || n >= maxPages) break;
      const next = recipe.next_page.selector;
      const href = await page
        .$eval(next, (el) => (el as unknown as { href?: string }).href || null)
        .catch(() => null);
      if (href) {
        await step(`Opening page ${n + 1}`, timeout, () => page.goto(href, { waitUntil: "load", timeout }));
      } else if (await page.$(next)) {
        await step(`Opening page ${n + 1}`, timeout, () =>
          Promise.all([page.waitForNavigation({ timeout }), page.click(next)]),
        );
      } else break; // no next page: the list ended
    }
    const screenshot = (await page.screenshot({ type: "png" })) as Uint8Array;
    return { pages, records, screenshot };
  } finally {
    await page.close().catch(() => undefined);
  }
}
