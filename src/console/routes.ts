// The console's addresses: `/` and every console section answer the same page (src/console/shell.tsx); the
// browser code (dist/public/console, built from src/console/client) shows the screen. The page holds no
// data: everything comes from the API with the signed-in person's token, so the API's rules are the
// console's rules.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { CONSOLE_SECTIONS } from "./client/sections";
import { consolePage } from "./shell";

/** Only this origin, no inline script or style, nothing framed: the console's page policy. */
const POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");

export const consoleRoutes = new Hono<AppEnv>();
const answer = (c: import("hono").Context<AppEnv>) => {
  c.header("content-security-policy", POLICY);
  // The page is the same for everyone and carries no data; revalidated so a new deployment shows at once.
  c.header("cache-control", "no-cache");
  return c.html(consolePage());
};
consoleRoutes.get("/", answer);
for (const section of CONSOLE_SECTIONS) {
  consoleRoutes.get(`/${section}`, answer);
  consoleRoutes.get(`/${section}/*`, answer);
}
