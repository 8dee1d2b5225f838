// The API's reference (/docs) and the rooms' protocol
// (/asyncapi.json). None of them loads anything from another host; the reference page and the AsyncAPI
// document are built on their first request, not at startup.
import { Scalar } from "@scalar/hono-api-reference";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../env";
import { asyncApiDocument } from "./asyncapi";

/**
 * The reference UI's script, a static asset (wrangler.toml [assets]): scripts/assets.mjs copies it from
 * node_modules/@scalar/api-reference, so package-lock.json pins it and no CDN serves it.
 */
export const REFERENCE_SCRIPT = "/vendor/scalar/api-reference.js";

/** Everything from this origin: no web fonts, telemetry, AI agent, MCP or developer toolbar calling elsewhere. */
const settings = {
  url: "/openapi.json",
  pageTitle: "ROMS API",
  cdn: REFERENCE_SCRIPT,
  withDefaultFonts: false,
  telemetry: false,
  showDeveloperTools: "never" as const,
  agent: { disabled: true },
  mcp: { disabled: true }, // newer than the middleware's types, read by the script
};
const reference = Scalar<AppEnv>(settings);

/** A policy that lets a page use this origin only, plus the inline scripts given by their hashes. */
function contentSecurityPolicy(scriptHashes: string[]): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${scriptHashes.map((h) => `'sha256-${h}'`).join(" ")}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/** The reference page and its policy: the page's inline start-up script is allowed by its hash alone. */
async function renderDocs(c: Context<AppEnv>) {
  const response = await reference(c, async () => {});
  const html = response ? await response.text() : "";
  const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => m[1] ?? "",
  );
  return { html, csp: contentSecurityPolicy(await Promise.all(inline.map(sha256))) };
}
let docsPage: { html: string; csp: string } | undefined;

export const docsRoutes = new Hono<AppEnv>()
  .get("/docs", async (c) => {
    docsPage ??= await renderDocs(c);
    c.header("content-security-policy", docsPage.csp);
    return c.html(docsPage.html);
  })
  .get("/asyncapi.json", (c) => c.json(asyncApiDocument(new URL(c.req.url).origin)));
