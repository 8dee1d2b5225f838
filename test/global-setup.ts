// Runs in Node before the Worker tests and starts one loopback server, TEST_SERVER_URL, that gives the
// tests (which run inside workerd) what only Node has:
//   GET  /pages/<name>      fixture pages (test/fixtures/pages), standing in for the portals scrapes visit;
//   POST /validate-openapi  an independent OpenAPI validator (@apidevtools/swagger-parser) run on the body;
//   test/servers/mail.ts      a corpus of real-format emails built with a MIME library;
//   test/servers/receiver.ts  receivers of ROMS's outbound events, which verify them as a subscriber would;
//   test/servers/pdf.ts       POST /pdf/inspect: a PDF checked and read by qpdf, poppler, zbar and libdmtx.
//   test/servers/exif.ts      POST /exif/inspect: an image's metadata as ExifTool reads it;
//   test/servers/magento.ts   a fake Magento 2 REST API (/magento/...) for store pulls;
//   test/servers/shop-pages.ts retailer pages (/shop/...) for scrapes: delays, pages, a login, a hang.
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import type { TestProject } from "vitest/node";
import { exifServer } from "./servers/exif";
import { magentoServer } from "./servers/magento";
import { mailServer } from "./servers/mail";
import { pdfServer } from "./servers/pdf";
import { receiverServer } from "./servers/receiver";
import { shopPagesServer } from "./servers/shop-pages";

const PAGES = path.join(import.meta.dirname, "fixtures", "pages");

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export default async function setup(project: TestProject) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://loopback");
    // Each answers the paths it owns and says whether it did.
    if (
      (await mailServer(req, res, url)) ||
      (await receiverServer(req, res, url)) ||
      (await pdfServer(req, res, url)) ||
      (await exifServer(req, res, url)) ||
      (await magentoServer(req, res, url)) ||
      (await shopPagesServer(req, res, url))
    )
      return;
    if (req.method === "POST" && url.pathname === "/validate-openapi") {
      try {
        await SwaggerParser.validate(JSON.parse(await readBody(req)));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ valid: true }));
      } catch (error) {
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ valid: false, error: String(error) }));
      }
      return;
    }
    if (url.pathname.startsWith("/pages/")) {
      try {
        const name = path.basename(url.pathname);
        const body = await readFile(path.join(PAGES, name));
        res.writeHead(200, {
          "content-type": name.endsWith(".html") ? "text/html; charset=utf-8" : "text/plain",
        });
        res.end(body);
      } catch {
        res.writeHead(404).end("not found");
      }
      return;
    }
    res.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  project.provide("testServerUrl", `http://127.0.0.1:${port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

declare module "vitest" {
  export interface ProvidedContext {
    testServerUrl: string;
  }
}
