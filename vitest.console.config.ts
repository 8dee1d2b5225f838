// The console's tests: Node drives Debian's Chromium (puppeteer-core) against ROMS served by `wrangler dev`
// (test/console/global-setup.ts), because they need what only a running Worker gives a browser: pages,
// static assets, cookies and live WebSockets. The Worker's own tests run in workerd (vitest.config.ts).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/console/**/*.test.ts"],
    globalSetup: ["./test/console/global-setup.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 240_000,
  },
});
