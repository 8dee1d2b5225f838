// Orders that arrive by themselves show up live: two staff dashboards on the feed see an order created by
// a signed webhook and then one read from mail, in that order, with the same seqs.
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { call, makeProduct, seedUser, stockroom, tokenFor } from "./helpers";
import {
  deliverMail,
  mailBytes,
  readingOf,
  recordsOf,
  seedMailbox,
  seedWebhookSource,
} from "./ingest-helpers";
import { join } from "./ws";

const SECRET = `whsec_${btoa("the-live-feed-test-secret-32-bytes")}`;

const orderMail = (ref: string) =>
  mailBytes(`From: Shop <orders@live-shop.test>
To: sales@roms.test
Subject: New order ${ref}
Message-ID: <${ref}@live-shop.test>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><script type="application/ld+json">{"@context":"http://schema.org","@type":"Order","orderNumber":"${ref}","priceCurrency":"EUR","acceptedOffer":{"@type":"Offer","itemOffered":{"@type":"Product","name":"Tea","sku":"TEA-1"},"price":"5.00","priceCurrency":"EUR","eligibleQuantity":{"@type":"QuantitativeValue","value":1}}}</script></head><body>Order ${ref}</body></html>
`);

describe("the live feed sees orders from every door", () => {
  let token: string;
  beforeAll(async () => {
    token = await tokenFor(await seedUser("staff"));
    await seedWebhookSource("live-shop", "standard", [SECRET]);
    await seedMailbox("sales@roms.test", {
      kind: "sale",
      source: "mail:live-shop",
      senders: ["@live-shop.test"],
    });
  });

  it("two dashboards see an order created by webhook, then one by email, in order", async () => {
    const [a, b] = [await join("/api/v1/feed", token), await join("/api/v1/feed", token)];
    const [welcomeA, welcomeB] = [await a.next("welcome"), await b.next("welcome")];
    expect(welcomeA.head).toBe(welcomeB.head);

    const webRef = `WEB-${crypto.randomUUID().slice(0, 8)}`;
    const id = `msg_${crypto.randomUUID()}`;
    const now = new Date();
    const body = JSON.stringify({
      type: "order.created",
      data: {
        source: "x",
        external_ref: webRef,
        currency: "EUR",
        lines: [{ sku: "MUG-1", name: "Mug", quantity: 1, unit_price: 900 }],
      },
    });
    const res = await call("/api/v1/webhooks/live-shop", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": new Webhook(SECRET).sign(id, now, body),
      },
      body,
    });
    expect(res.status).toBe(202);
    await readingOf(token, ((await res.json()) as Record<string, any>).id);

    const mailRef = `MAIL-${crypto.randomUUID().slice(0, 8)}`;
    await deliverMail(orderMail(mailRef), "orders@live-shop.test", "sales@roms.test");
    const [kept] = await recordsOf(token, "sales@roms.test");
    expect((await readingOf(token, kept?.id)).outcome).toBe("created");

    for (const dashboard of [a, b]) {
      const first = await dashboard.next("event");
      const second = await dashboard.next("event");
      expect([first.event.type, first.event.data.order.external_ref, first.event.data.order.source]).toEqual([
        "order.created",
        webRef,
        "live-shop",
      ]);
      expect([
        second.event.type,
        second.event.data.order.external_ref,
        second.event.data.order.source,
      ]).toEqual(["order.created", mailRef, "mail:live-shop"]);
      expect(second.seq).toBe(first.seq + 1);
      expect(first.seq).toBe(welcomeA.head + 1);
    }
    a.close();
    b.close();
  });
});

describe("stock.low", () => {
  it("is announced once when a movement takes available stock from above its threshold to at or below it", async () => {
    const { manager, shop, stock } = await stockroom();
    const product = await makeProduct(manager);
    await stock(product.id, 10);
    await manager.put(`/api/v1/inventory/levels/${product.id}/${shop}/threshold`, { low_stock_threshold: 5 });
    const dashboard = await join("/api/v1/feed", await tokenFor(await seedUser("staff")));
    await dashboard.next("welcome");

    await stock(product.id, -4); // 6 left: still above
    await stock(product.id, -2); // 4 left: crossed
    await stock(product.id, -1); // 3 left: already low, nothing new
    await stock(product.id, 5); // 8: back above
    await stock(product.id, -3); // 5: crossed again

    const first = await dashboard.next("event");
    expect(first.event).toMatchObject({
      type: "stock.low",
      data: { product_id: product.id, location_id: shop, available: 4, threshold: 5, sku: product.sku },
    });
    const second = await dashboard.next("event");
    expect(second.event.data).toMatchObject({ available: 5 });
    await expect(dashboard.next("event", 1500)).rejects.toThrow(/no "event" frame/);
    dashboard.close();

    // The staff dashboard lists it while it stays low; vendors see the stock, customers get no such block.
    const low = (await manager.get("/api/v1/orders/dashboard")).body.low_stock;
    expect(low.lowest).toContainEqual({
      product_id: product.id,
      sku: product.sku,
      name: product.name,
      location_id: shop,
      available: 5,
      threshold: 5,
    });
    expect(low.count).toBeGreaterThanOrEqual(1);
    await stock(product.id, 1);
    const after = (await manager.get("/api/v1/orders/dashboard")).body.low_stock;
    expect(after.lowest.map((l: { product_id: string }) => l.product_id)).not.toContain(product.id);
    expect(after.count).toBe(low.count - 1);
  });
});
