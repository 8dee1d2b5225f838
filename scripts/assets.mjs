#!/usr/bin/env node
// Fills dist/public, the Worker's static assets (wrangler.toml [assets]): the console's code and styles, built
// from src/console/client by esbuild (split per screen; chunks are named by their hash and cached for good,
// dist/public/_headers), and from node_modules the API reference UI that /docs loads (src/docs/routes.ts
// REFERENCE_SCRIPT) and the fonts documents embed (src/documents/fonts.ts), so package-lock.json pins them
// and no CDN serves them.
// Run before anything that serves or deploys the Worker; it writes only what changed, so running it again is
// cheap. Plain Node (no TypeScript), so any Node that wrangler finds on PATH can run it.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { honoDomMends } from "./hono-dom-mends.mjs";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "dist", "public");
const scalar = path.join(root, "node_modules", "@scalar", "api-reference");

/** [source, destination under dist/public] */
const dejavu = path.join(root, "node_modules", "dejavu-fonts-ttf", "ttf");
const files = [
  [path.join(scalar, "dist", "browser", "standalone.js"), "vendor/scalar/api-reference.js"],
  [path.join(dejavu, "DejaVuSans.ttf"), "fonts/DejaVuSans.ttf"],
  [path.join(dejavu, "DejaVuSans-Bold.ttf"), "fonts/DejaVuSans-Bold.ttf"],
];

const same = (a, b) =>
  existsSync(b) && statSync(a).size === statSync(b).size && readFileSync(a).equals(readFileSync(b));

let copied = 0;
for (const [from, to] of files) {
  if (!existsSync(from)) {
    console.error(`assets: ${path.relative(root, from)} is missing; run npm install.`);
    process.exit(1);
  }
  const target = path.join(out, to);
  if (same(from, target)) continue;
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(from, target);
  copied++;
}
console.log(`assets: dist/public ready (${copied} of ${files.length} file(s) copied)`);

// The console: app.js (the shell's script) and its screens' chunks, app.css.
const consoleOut = path.join(out, "console");
rmSync(consoleOut, { recursive: true, force: true });
const built = await build({
  absWorkingDir: root,
  entryPoints: { app: "src/console/client/main.tsx" },
  outdir: consoleOut,
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  target: "es2022",
  chunkNames: "chunks/[name]-[hash]",
  jsx: "automatic",
  jsxImportSource: "hono/jsx/dom",
  tsconfig: "src/console/client/tsconfig.json",
  plugins: [honoDomMends], // hono/jsx/dom's render.js, mended (scripts/hono-dom-mends.mjs)
  metafile: true,
  logLevel: "warning",
});
await build({
  absWorkingDir: root,
  entryPoints: { app: "src/console/client/console.css" },
  outdir: consoleOut,
  bundle: true,
  minify: true,
  logLevel: "warning",
});
copyFileSync(path.join(root, "src", "console", "client", "icon.svg"), path.join(consoleOut, "icon.svg"));
writeFileSync(
  path.join(out, "_headers"),
  "# Written by scripts/assets.mjs. Chunks are named by their content: cached for good.\n/console/chunks/*\n  Cache-Control: public, max-age=31536000, immutable\n",
);
const outputs = Object.keys(built.metafile.outputs).length;
console.log(`assets: console built (${outputs} file(s) in dist/public/console)`);
