// A fake Magento 2 REST API for the store-pull tests (filled in with the connectors module).
import type { IncomingMessage, ServerResponse } from "node:http";

export async function magentoServer(_req: IncomingMessage, _res: ServerResponse, _url: URL): Promise<boolean> {
  return false;
}
