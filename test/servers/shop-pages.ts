// Retailer pages for the scrape tests, under /shop/<scenario>/… so tests do not share state: an order list
// rendered by scripts after a delay, paged by a next link; a login form whose account pages need its cookie;
// a product page with its price in JSON-LD; a page that never answers; a list whose markup changed. POST
// /shop/<scenario>/state changes what the pages say (orders' statuses and tracking, a product's price).
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "./http";

interface Order {
  number: string;
  status: string;
  carrier?: string;
  tracking?: string;
}
interface Scenario {
  orders: Order[];
  price: string;
  perPage: number;
}

const scenarios = new Map<string, Scenario>();
const scenario = (name: string): Scenario => {
  let s = scenarios.get(name);
  if (!s) {
    s = {
      orders: Array.from({ length: 15 }, (_, i) => ({ number: `PO-${1001 + i}`, status: "Processing" })),
      price: "€1.234,50",
      perPage: 3,
    };
    scenarios.set(name, s);
  }
  return s;
};

const html = (res: ServerResponse, body: string, headers: Record<string, string> = {}) =>
  res
    .writeHead(200, { "content-type": "text/html; charset=utf-8", ...headers })
    .end(`<!doctype html><html lang="en">${body}</html>`);
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The list as the portal renders it: rows appear 200 ms after load, by script, as on real portals. */
function orderList(s: Scenario, page: number, base: string, rowClass = "order") {
  const rows = s.orders.slice((page - 1) * s.perPage, page * s.perPage);
  const last = page * s.perPage >= s.orders.length;
  const cells = rows
    .map(
      (o) =>
        `<tr class="${rowClass}"><td class="number">${esc(o.number)}</td><td class="status">${esc(o.status)}</td>` +
        `<td class="carrier">${esc(o.carrier ?? "")}</td><td class="tracking">${o.tracking ? `<a href="https://track.example/${esc(o.tracking)}">${esc(o.tracking)}</a>` : ""}</td></tr>`,
    )
    .join("");
  return `<head><title>Orders, page ${page}</title></head><body><table id="orders"></table>
${last ? "" : `<a class="next" href="${base}?page=${page + 1}">Next</a>`}
<script>setTimeout(() => { document.getElementById("orders").innerHTML = ${JSON.stringify(cells)}; document.body.dataset.ready = "1"; }, 200);</script></body>`;
}

export async function shopPagesServer(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const match = /^\/shop\/([\w-]+)\/(.*)$/.exec(url.pathname);
  if (!match) return false;
  const [, name = "", rest] = match;
  const s = scenario(name);
  const page = Number(url.searchParams.get("page") ?? "1");
  const cookie = req.headers.cookie ?? "";
  switch (rest) {
    case "state": {
      const body = JSON.parse((await readBody(req)).toString("utf8") || "{}") as Partial<Scenario>;
      Object.assign(s, body);
      res.writeHead(204).end();
      return true;
    }
    case "orders":
      html(res, orderList(s, page, url.pathname));
      return true;
    case "changed":
      // The same list after the retailer's redesign: rows are no longer tr.order.
      html(res, orderList(s, page, url.pathname, "order-row"));
      return true;
    case "hang":
      // Never answers: the socket stays open until the client gives up.
      req.on("close", () => res.destroy());
      return true;
    case "login":
      if (req.method === "POST") {
        const form = new URLSearchParams((await readBody(req)).toString("utf8"));
        const ok = form.get("user") === "buyer@roms.test" && form.get("password") === "correct horse battery";
        if (!ok) {
          html(res, `<body><p id="error">Wrong email or password</p></body>`);
          return true;
        }
        res
          .writeHead(303, {
            location: `/shop/${name}/account`,
            "set-cookie": `session=${name}; Path=/shop/${name}; HttpOnly`,
          })
          .end();
        return true;
      }
      html(
        res,
        `<body><form method="post" action="/shop/${name}/login"><input id="user" name="user"><input id="password" name="password" type="password"><button id="signin" type="submit">Sign in</button></form></body>`,
      );
      return true;
    case "account":
      html(
        res,
        cookie.includes(`session=${name}`)
          ? `<body><p id="welcome">Welcome back</p></body>`
          : `<body><p>Please sign in</p></body>`,
      );
      return true;
    case "account/orders":
      if (!cookie.includes(`session=${name}`)) {
        res.writeHead(303, { location: `/shop/${name}/login` }).end();
        return true;
      }
      html(res, orderList(s, page, url.pathname));
      return true;
    case "product":
      html(
        res,
        `<head><title>Blue mug</title><script type="application/ld+json">${JSON.stringify({
          "@context": "https://schema.org",
          "@type": "Product",
          name: "Blue mug",
          sku: "MUG-BLUE",
          offers: {
            "@type": "Offer",
            price: s.price
              .replace(/[^\d,.]/g, "")
              .replace(".", "")
              .replace(",", "."),
            priceCurrency: "EUR",
          },
        })}</script></head><body><h1>Blue mug</h1><p class="price">${esc(s.price)}</p></body>`,
      );
      return true;
    default:
      res.writeHead(404).end("not found");
      return true;
  }
}
