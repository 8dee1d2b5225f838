#!/usr/bin/env node
// Builds the Worker into dist/worker as ES modules split at every dynamic import(): the entry workerd
// evaluates at startup holds src/index.ts and the room classes; the app, email intake and cron code are
// separate modules it loads on first use. Wrangler uploads them as they are (wrangler.toml: no_bundle,
// find_additional_modules). Same esbuild settings as wrangler's own bundling. Also fills dist/public.
import { rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import "./assets.mjs";

const root = path.resolve(import.meta.dirname, "..");
const outdir = path.join(root, "dist", "worker");
const nodeEnv = JSON.stringify(process.env.NODE_ENV || "production");

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { index: "src/index.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  target: "es2024",
  supported: { "import-source": true, using: true },
  conditions: ["workerd", "worker", "browser"],
  external: ["cloudflare:*", "node:*"],
  keepNames: true,
  sourcemap: true,
  loader: { ".js": "jsx", ".mjs": "jsx", ".cjs": "jsx" },
  define: {
    "process.env.NODE_ENV": nodeEnv,
    "global.process.env.NODE_ENV": nodeEnv,
    "globalThis.process.env.NODE_ENV": nodeEnv,
    "navigator.userAgent": '"Cloudflare-Workers"',
  },
  logLevel: "warning",
});
console.log("build: dist/worker ready");
