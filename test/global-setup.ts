// Runs in Node before the Worker tests: serves test/fixtures/pages on loopback, standing in for the
// portals and stores that scrape jobs visit, and hands its address to the tests as TEST_PAGES_URL.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { TestProject } from "vitest/node";

const PAGES = path.join(import.meta.dirname, "fixtures", "pages");

export default async function setup(project: TestProject) {
  const server = createServer(async (req, res) => {
    const name = path.basename(new URL(req.url ?? "/", "http://x").pathname) || "index.html";
    try {
      const body = await readFile(path.join(PAGES, name));
      res.writeHead(200, { "content-type": name.endsWith(".html") ? "text/html; charset=utf-8" : "text/plain" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  project.provide("pagesUrl", `http://127.0.0.1:${port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

declare module "vitest" {
  export interface ProvidedContext {
    pagesUrl: string;
  }
}
