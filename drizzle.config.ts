// `npm run db:generate` writes SQL migrations from src/db/schema into migrations/ (never hand-edit them);
// wrangler applies them (`wrangler d1 migrations apply DB`) and the tests apply the same files.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema",
  out: "./migrations",
});
