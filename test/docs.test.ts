// The doors a newcomer finds first: `/` (the console's page) says what ROMS is and where to go, and `/docs` renders the API
// reference in a real Chromium that can reach nothing but this Worker (as with no internet at all).

import { env, exports } from "cloudflare:workers";
import puppeteer from "@cloudflare/puppeteer";
import { describe, expect, it } from "vitest";
import { REFERENCE_SCRIPT } from "../src/docs/routes";
import { BASE, call } from "./helpers";

const assets = (env as unknown as { ASSETS: Fetcher }).ASSETS;

/**
 * Answers a request as a deployment does: a static asset when one exists at the path (wrangler.toml [assets]),
 * else the Worker's own fetch. The test runner does not route through the assets itself, so this does.
 */
async function deployment(request: Request): Promise<Response> {
  const asset = await assets.fetch(request.clone());
  if (asset.status !== 404) return asset;
  return exports.default.fetch(request);
}

describe("the page at /", () => {
  it("is the console's page: says what ROMS is, links the reference, both contracts and health, and loads only its own script", async () => {
    const res = await call("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const policy = res.headers.get("content-security-policy") ?? "";
    expect(policy).toMatch(/default-src 'self'/);
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("Retail Operations Management System");
    for (const href of ["/docs", "/openapi.json", "/asyncapi.json", "/health"]) {
      expect(html).toContain(`href="${href}"`);
    }
    expect(html).toContain('<script type="module" src="/console/app.js">');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script>|<script type="module">/);
  });

  it("answers the same page at every console address, and a problem elsewhere", async () => {
    for (const path of ["/dashboard", "/orders/0190abcd", "/shop/cart", "/stock/counts/x"]) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain("/console/app.js");
    }
    const missing = await call("/no-such-page");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/problem\+json/);
  });
});

describe("/docs", () => {
  it("loads only same-origin scripts, and the reference UI is a pinned static asset", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    const sources = [...html.matchAll(/<(?:script|link)[^>]*(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual([REFERENCE_SCRIPT]);
    const script = await deployment(new Request(`${BASE}${REFERENCE_SCRIPT}`));
    expect(script.status, "run scripts/assets.mjs to fill dist/public").toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(1_000_000);
    // The policy allows this origin and the page's own inline start-up script, nothing else.
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it("renders the API reference in a real Chromium that can reach nothing but this Worker", async () => {
    const browser = await puppeteer.launch(env.BROWSER);
    const elsewhere: string[] = [];
    const refused: string[] = [];
    try {
      const page = await browser.newPage();
      page.on("console", (message) => {
        if (/Refused to|Content Security Policy/i.test(message.text())) refused.push(message.text());
      });
      await page.setRequestInterception(true);
      page.on("request", (request) => {
        const url = new URL(request.url());
        if (url.origin !== BASE) {
          elsewhere.push(request.url());
          void request.abort("internetdisconnected");
          return;
        }
        void (async () => {
          const res = await deployment(
            new Request(url, {
              method: request.method(),
              headers: request.headers(),
              body: request.postData() ?? null,
            }),
          );
          await request.respond({
            status: res.status,
            headers: Object.fromEntries(res.headers),
            body: Buffer.from(await res.arrayBuffer()),
          });
        })();
      });
      // A wide window shows the sidebar; the hash opens the rooms' group, as a link to it would.
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(`${BASE}/docs#tag/rooms`, { waitUntil: "networkidle0", timeout: 30_000 });
      await page.waitForFunction(
        "document.body.innerText.includes('ROMS API') && document.body.innerText.includes('/api/v1/orders/{id}/room')",
        { timeout: 20_000 },
      );
      const text = (await page.evaluate("document.body.innerText")) as string;
      expect(text).toContain("Join an order's live room");
      expect(text).toContain("/asyncapi.json");
    } finally {
      await browser.close();
    }
    expect(elsewhere).toEqual([]);
    expect(refused).toEqual([]);
  }, 90_000);
});
