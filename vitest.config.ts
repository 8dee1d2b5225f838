// Worker tests run inside workerd (@cloudflare/vitest-plugin) with the bindings of wrangler.toml:
// real D1 (migrations applied in test/setup.ts), R2, Durable Objects, rate limiters and Browser Rendering.
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        // The source, not the build wrangler.toml's main names (dist/worker, scripts/build.mjs).
        main: "./src/index.ts",
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            TEST_SERVER_URL: inject<string>("testServerUrl"),
            ENVIRONMENT: "test",
            EVENT_RETRY_BASE_SECONDS: "1",
            // Secrets the scrape and pull tests' fakes expect (a retailer's login, a Magento token).
            RETAILER_USER: "buyer@roms.test",
            RETAILER_PASSWORD: "correct horse battery",
            MAGENTO_TEST_TOKEN: "test-token",
            JWT_SECRETS:
              "test-2:a-test-only-secret-that-is-long-enough-0002,test-1:a-test-only-secret-that-is-long-enough-0001",
          },
          // A database with no migrations: what /health must call degraded.
          d1Databases: { DB: "roms-test", UNMIGRATED_DB: "roms-unmigrated" },
        },
      })),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      // The console's tests drive a browser against `wrangler dev` from Node (vitest.console.config.ts).
      exclude: ["test/console/**", "node_modules/**"],
      globalSetup: ["./test/global-setup.ts"],
      setupFiles: ["./test/setup.ts"],
      silent: "passed-only" as const,
      // Failures must point at the line of the .ts file. A module from this cache reaches workerd with its
      // source map still appended to the code (the plugin inlines the cache file without splitting it off),
      // so stack traces kept the positions of the transformed code: orders.test.ts:431 in a 373-line file.
      fsModuleCache: false,
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
});
