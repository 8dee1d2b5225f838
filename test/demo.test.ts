// The demo shop (scripts/demo, what `npm run demo` seeds) run through the Worker's own fetch door: what a
// newcomer signs in to must be a believable shop, and every rule of the API held while it was made.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { harbourCoffee } from "../scripts/demo/catalog";
import { type DemoShop, seedDemoShop } from "../scripts/demo/shop";
import { ORDER_STATUSES } from "../src/db/schema/orders";
import { barcodeProblem } from "../src/modules/catalog/barcodes";
import {
  type ApiClient,
  actingAs,
  BASE,
  call,
  expectLedgerAgrees,
  seedUser,
  someIp,
  tokenFor,
} from "./helpers";

let shop: DemoShop;
let owner: ApiClient;

beforeAll(async () => {
  const admin = await seedUser("admin");
  const clientIp = someIp();
  shop = await seedDemoShop({
    http: (url, init) => {
      const request = new Request(url, init);
      request.headers.set("cf-connecting-ip", clientIp);
      return exports.default.fetch(request);
    },
    base: BASE,
    owner: { ...admin, name: "Maren Holt" },
    catalog: harbourCoffee,
  });
  owner = actingAs(await tokenFor(admin));
});

describe("the demo shop", () => {
  it("has an order in every status, from carts, the webshop and suppliers", async () => {
    for (const status of ORDER_STATUSES) {
      const page = await owner.get(`/api/v1/orders?status=${status}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length, `orders ${status}`).toBeGreaterThan(0);
    }
    expect(new Set(shop.orders.map((o) => o.source))).toEqual(new Set(["cart", "webshop", "supplier"]));
  });

  it("keeps stock in a warehouse and a shop, with some of it low", async () => {
    const locations = (await owner.get("/api/v1/inventory/locations")).body.items;
    expect(locations.map((l: { kind: string }) => l.kind).sort()).toEqual(["shop", "warehouse"]);
    for (const location of locations) {
      const levels = (await owner.get(`/api/v1/inventory/levels?location_id=${location.id}`)).body.items;
      expect(
        levels.some((l: { on_hand: number }) => l.on_hand > 0),
        location.name,
      ).toBe(true);
    }
    expect((await owner.get("/api/v1/inventory/low-stock")).body.items.length).toBeGreaterThan(0);
    const stocked = (await owner.get("/api/v1/inventory/levels?limit=200")).body.items;
    for (const productId of new Set<string>(stocked.map((l: { product_id: string }) => l.product_id))) {
      await expectLedgerAgrees(productId);
    }
  });

  it("shows the public its published products, each with a valid EAN-13 and a PNG image", async () => {
    const published = (await actingAs().get("/api/v1/products?limit=100")).body.items;
    const drafts = (await owner.get("/api/v1/products?status=draft")).body.items;
    expect(published.length).toBeGreaterThanOrEqual(12);
    expect(drafts.length).toBe(2);
    for (const product of [...published, ...drafts]) {
      expect(product.barcodes).toHaveLength(1);
      expect(product.barcodes[0].kind).toBe("ean13");
      expect(barcodeProblem(product.barcodes[0].barcode, "ean13"), product.sku).toBeUndefined();
    }
    for (const product of published) {
      const image = await call(`/api/v1/products/${product.id}/image`);
      expect(image.status, product.sku).toBe(200);
      expect(image.headers.get("content-type")).toBe("image/png");
      const bytes = new Uint8Array(await image.arrayBuffer());
      expect([...bytes.subarray(1, 4)]).toEqual([80, 78, 71]); // "PNG"
    }
  });

  it("has a ledger for every customer, with a reversed mistake", async () => {
    const customers = (await owner.get("/api/v1/customers")).body.items;
    expect(customers).toHaveLength(3);
    let reversals = 0;
    for (const customer of customers) {
      const ledger = (await owner.get(`/api/v1/customers/${customer.id}/ledger`)).body.items;
      expect(ledger.length, customer.company).toBeGreaterThan(0);
      reversals += ledger.filter((e: { reference_type: string }) => e.reference_type === "reversal").length;
    }
    expect(reversals).toBe(1);
  });

  it("has chat between customers and staff in order rooms", async () => {
    const atRisk = (await owner.get("/api/v1/orders?status=under_risk")).body.items[0];
    const messages = (await owner.get(`/api/v1/orders/${atRisk.id}/messages`)).body.items;
    expect(messages.map((m: { author: { role: string } }) => m.author.role)).toEqual(["customer", "staff"]);
  });

  it("hands out a sign-in for every role, with generated passwords", async () => {
    expect(shop.logins.map((l) => l.role).sort()).toEqual([
      "admin",
      "customer",
      "customer",
      "customer",
      "manager",
      "staff",
      "vendor",
    ]);
    for (const login of shop.logins) expect(login.password.length).toBeGreaterThanOrEqual(12);
    expect(shop.apiKey).toMatch(/^roms_key_/);
  });
});
