// Where ROMS keeps its state on this machine; plain paths, so quick scripts need not load wrangler.
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..");
/** Where `wrangler dev` keeps the local D1, R2 and Durable Objects (what `npm run reset` deletes). */
export const statePath = path.join(root, ".wrangler", "state");
/** The sign-ins `npm run demo` made (git-ignored with .wrangler/, mode 600). */
export const demoLoginsPath = path.join(root, ".wrangler", "demo-logins.txt");
