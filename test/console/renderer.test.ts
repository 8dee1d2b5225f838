// hono/jsx/dom as the console's bundle takes it (scripts/hono-dom-mends.mjs), in Chromium: a component that
// draws several nodes keeps the focus, and the keys typed, inside them when it redraws itself with something
// after it; and after any run of redraws the page shows exactly what drawing the same state from nothing
// shows. The same page built without the mends loses the focus, which is why the console takes them.
import path from "node:path";
import { build } from "esbuild";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script (no types), shared with scripts/assets.mjs
import { honoDomMends } from "../../scripts/hono-dom-mends.mjs";
import { launch } from "./browser";
import type { Shape } from "./fixtures/renderer-page";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const root = path.resolve(import.meta.dirname, "../..");

async function pageBuilt(mended: boolean): Promise<Page> {
  const built = await build({
    absWorkingDir: root,
    entryPoints: ["test/console/fixtures/renderer-page.ts"],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    plugins: mended ? [honoDomMends] : [],
    logLevel: "silent",
  });
  const page = await browser.newPage();
  const script = (built.outputFiles[0] as { text: string }).text.replaceAll("</script", "<\\/script");
  await page.setContent(`<div id="live"></div><script type="module">${script}</script>`);
  await page.waitForFunction(() => "renderer" in window);
  return page;
}

type Renderer = {
  mount(shapes: Record<string, Shape>): void;
  set(name: string, shape: Shape): Promise<void>;
  html(): string;
  fresh(): string;
};
const renderer = (page: Page) => ({
  mount: (shapes: Record<string, Shape>) =>
    page.evaluate((s) => (window as unknown as { renderer: Renderer }).renderer.mount(s), shapes),
  set: (name: string, shape: Shape) =>
    page.evaluate((n, s) => (window as unknown as { renderer: Renderer }).renderer.set(n, s), name, shape),
  html: () => page.evaluate(() => (window as unknown as { renderer: Renderer }).renderer.html()),
  fresh: () => page.evaluate(() => (window as unknown as { renderer: Renderer }).renderer.fresh()),
  focused: () => page.evaluate(() => document.activeElement?.id ?? ""),
});

const shape = (head: boolean, items: string[], tail: boolean): Shape => ({ head, items, tail });
const START = {
  a: shape(true, ["x", "y"], true),
  b: shape(true, ["x", "y"], true),
  c: shape(true, ["x", "y"], true),
  d: shape(true, ["x", "y"], true),
};

/** Types into a block's input, the block redraws itself (a head less, an input more), typing goes on. */
async function typeThroughRedraw(mended: boolean, block: "a" | "c") {
  const page = await pageBuilt(mended);
  const r = renderer(page);
  await r.mount(START);
  await page.focus(`#${block}-y`);
  await page.keyboard.type("12");
  await r.set(block, shape(false, ["w", "x", "y", "z"], true));
  await page.keyboard.type("34");
  const typed = {
    focused: await r.focused(),
    value: await page.$eval(`#${block}-y`, (e) => (e as HTMLInputElement).value),
  };
  await page.close();
  return typed;
}

describe("the console's renderer (hono/jsx/dom, mended)", () => {
  it("keeps the focus and the keys typed in a component that draws several nodes when it redraws", async () => {
    // Block a has a paragraph after it; block c has block d after it.
    expect(await typeThroughRedraw(true, "a")).toEqual({ focused: "a-y", value: "1234" });
    expect(await typeThroughRedraw(true, "c")).toEqual({ focused: "c-y", value: "1234" });
    // Unmended, the same redraw takes the input out and puts it back: the focus and the last keys are lost.
    expect(await typeThroughRedraw(false, "a")).toEqual({ focused: "", value: "12" });
  });

  it("shows what drawing the same state from nothing shows, after any run of redraws", async () => {
    const page = await pageBuilt(true);
    const r = renderer(page);
    await r.mount(START);
    const now: Record<string, Shape> = structuredClone(START);
    // A fixed seed: the same run every time (mulberry32).
    let seed = 20261123;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
    let next = 0;
    for (let step = 0; step < 300; step++) {
      const name = pick(["a", "b", "c", "d"]);
      const old = now[name] as Shape;
      const items = [...old.items];
      const op = pick(["head", "tail", "insert", "insert", "remove", "shuffle", "empty"]);
      if (op === "insert") items.splice(Math.floor(random() * (items.length + 1)), 0, `k${next++}`);
      if (op === "remove" && items.length) items.splice(Math.floor(random() * items.length), 1);
      if (op === "shuffle") items.sort(() => random() - 0.5);
      const drawn = shape(
        op === "head" ? !old.head : old.head,
        op === "empty" ? [] : items,
        op === "tail" ? !old.tail : old.tail,
      );
      // Focus an input that stays where it is among the others (shuffles move inputs, and moving blurs).
      const staying = old.items.filter((k) => drawn.items.includes(k));
      const keep = op !== "shuffle" && staying.length ? `${name}-${pick(staying)}` : null;
      if (keep) await page.focus(`#${keep}`);
      now[name] = drawn;
      await r.set(name, drawn);
      expect(await r.html(), `step ${step}: ${op} on ${name}`).toBe(await r.fresh());
      if (keep) expect(await r.focused(), `step ${step}: ${op} on ${name}`).toBe(keep);
    }
    await page.close();
  });
});
