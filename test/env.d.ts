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

declare namespace Cloudflare {
  // `exports` from "cloudflare:workers" (the tests' door into the Worker) carries the Worker's types.
  interface GlobalProps {
    mainModule: typeof import("../src/index");
    durableNamespaces: "OrderRoom" | "InventoryRoom" | "ClaimRoom";
  }
}
