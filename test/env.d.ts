// Bindings that exist only in tests (vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_SERVER_URL: string;
    UNMIGRATED_DB: D1Database;
  }
}

declare module "*.eml?raw" {
  const text: string;
  export default text;
}
