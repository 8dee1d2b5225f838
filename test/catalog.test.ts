// The catalog: who sees what, search, money, barcodes, images.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, actingAs, makeProduct, seedCustomer, seedUser, tokenFor } from "./helpers";

describe("catalog visibility", () => {
  let manager: ApiClient;
  let staff: ApiClient;
  let customer: ApiClient;
  const anonymous = actingAs();
  let draft: Record<string, any>;
  let published: Record<string, any>;

  beforeAll(async () => {
    manager = actingAs(await tokenFor(await seedUser("manager")));
    staff = actingAs(await tokenFor(await seedUser("staff")));
    customer = actingAs(
      await tokenFor(await seedUser("customer", { customerId: await seedCustomer("Visible Co") })),
    );
    draft = await makeProduct(
      manager,
      {
        name: "Zebra secret draft",
        sku: "ZEBRA-DRAFT",
        barcodes: [{ barcode: "4006381333931", kind: "ean13" }],
      },
      false,
    );
    published = await makeProduct(manager, { name: "Zebra public lamp", sku: "ZEBRA-PUB" });
  });

  it("drafts never reach the public or customers: not by listing, search, id, image, similar or risk", async () => {
    for (const who of [anonymous, customer]) {
      const list = await who.get("/api/v1/products?limit=200");
      expect(list.status).toBe(200);
      const ids = list.body.items.map((p: { id: string }) => p.id);
      expect(ids).toContain(published.id);
      expect(ids).not.toContain(draft.id);
      for (const q of ["zebra", "secret", "ZEBRA-DRAFT", "4006381333931", "40063"]) {
        const found = await who.get(`/api/v1/products?q=${encodeURIComponent(q)}`);
        expect(found.body.items.map((p: { id: string }) => p.id)).not.toContain(draft.id);
      }
      // Even asking for drafts explicitly changes nothing.
      const asked = await who.get("/api/v1/products?status=draft&limit=200");
      expect(asked.body.items.map((p: { id: string }) => p.id)).toEqual(ids);
      for (const path of ["", "/image", "/similar", "/risk?quantity=1"]) {
        expect((await who.get(`/api/v1/products/${draft.id}${path}`)).status, path).toBe(404);
      }
    }
  });

  it("staff see drafts, filter by status, and find them by name, SKU and barcode", async () => {
    expect((await staff.get(`/api/v1/products/${draft.id}`)).body.status).toBe("draft");
    const drafts = await staff.get("/api/v1/products?status=draft&limit=200");
    expect(drafts.body.items.map((p: { id: string }) => p.id)).toContain(draft.id);
    expect(drafts.body.items.map((p: { id: string }) => p.id)).not.toContain(published.id);
    expect(drafts.body.items.every((p: { status: string }) => p.status === "draft")).toBe(true);
    for (const q of ["secret", "zebra draft", "ZEBRA-DRAFT", "4006381333931", "4006381"]) {
      const found = await staff.get(`/api/v1/products?q=${encodeURIComponent(q)}`);
      expect(
        found.body.items.map((p: { id: string }) => p.id),
        q,
      ).toContain(draft.id);
    }
  });

  it("publishing shows a product, unpublishing hides it again", async () => {
    const p = await makeProduct(manager, { name: "Blinking toggle" }, false);
    expect((await anonymous.get(`/api/v1/products/${p.id}`)).status).toBe(404);
    const pub = await manager.post(`/api/v1/products/${p.id}/publish`);
    expect(pub.body).toMatchObject({ status: "published", published_at: expect.any(String) });
    expect((await anonymous.get(`/api/v1/products/${p.id}`)).status).toBe(200);
    await manager.post(`/api/v1/products/${p.id}/unpublish`);
    expect((await anonymous.get(`/api/v1/products/${p.id}`)).status).toBe(404);
  });

  it("deleting is soft: hidden from everyone but an admin who asks, and still in the table", async () => {
    const p = await makeProduct(manager, { name: "Soon gone" });
    expect((await manager.del(`/api/v1/products/${p.id}`)).status).toBe(204);
    expect((await manager.del(`/api/v1/products/${p.id}`)).status).toBe(204);
    expect((await anonymous.get(`/api/v1/products/${p.id}`)).status).toBe(404);
    expect((await staff.get(`/api/v1/products/${p.id}`)).status).toBe(404);
    expect(
      (await staff.get("/api/v1/products?deleted=include&limit=200")).body.items.map((x: any) => x.id),
    ).not.toContain(p.id);
    const admin = actingAs(await tokenFor(await seedUser("admin")));
    const only = await admin.get("/api/v1/products?deleted=only");
    expect(only.body.items.map((x: any) => x.id)).toEqual([p.id]);
    expect(only.body.items[0].deleted_at).toEqual(expect.any(String));
    expect(
      await env.DB.prepare("SELECT count(*) AS n FROM products WHERE id = ?").bind(p.id).first("n"),
    ).toBe(1);
  });

  it("only catalog writers change the catalog", async () => {
    expect(
      (await staff.post("/api/v1/products", { sku: "X1", name: "X", price: { amount: 1, currency: "EUR" } }))
        .status,
    ).toBe(403);
    expect((await customer.post(`/api/v1/products/${published.id}/unpublish`)).status).toBe(403);
    expect((await anonymous.post("/api/v1/categories", { name: "Nope" })).status).toBe(401);
  });
});

describe("money", () => {
  let manager: ApiClient;
  beforeAll(async () => {
    manager = actingAs(await tokenFor(await seedUser("manager")));
  });

  it("19.99 survives a round trip exactly in EUR, USD and GBP, and minor units follow each currency", async () => {
    for (const [currency, amount, display] of [
      ["EUR", 1999, "19.99"],
      ["USD", 1999, "19.99"],
      ["GBP", 1999, "19.99"],
      ["JPY", 1999, "1999"],
      ["KWD", 19990, "19.990"],
    ] as const) {
      const p = await makeProduct(manager, { price: { amount, currency } });
      const back = await manager.get(`/api/v1/products/${p.id}`);
      expect(back.body.price).toEqual({ amount, currency, display });
      const stored = await env.DB.prepare(
        "SELECT price_minor, typeof(price_minor) AS t FROM products WHERE id = ?",
      )
        .bind(p.id)
        .first();
      expect(stored).toEqual({ price_minor: amount, t: "integer" });
    }
  });

  it("refuses a float, a string amount and an unknown currency, and creates nothing", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM products").first("n");
    const float = await manager.post("/api/v1/products", {
      sku: "FLOAT-1",
      name: "Float",
      price: { amount: 19.99, currency: "EUR" },
    });
    expect(float.status).toBe(400);
    expect(float.body.errors).toEqual([
      expect.objectContaining({ path: "price.amount", message: expect.stringMatching(/whole/) }),
    ]);
    const text = await manager.post("/api/v1/products", {
      sku: "FLOAT-2",
      name: "F",
      price: { amount: "19.99", currency: "EUR" },
    });
    expect(text.status).toBe(400);
    const unknown = await manager.post("/api/v1/products", {
      sku: "FLOAT-3",
      name: "F",
      price: { amount: 1, currency: "XYZ" },
    });
    expect(unknown.status).toBe(400);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM products").first("n")).toBe(before);
  });
});

describe("products", () => {
  let manager: ApiClient;
  beforeAll(async () => {
    manager = actingAs(await tokenFor(await seedUser("manager")));
  });

  it("refuses a duplicate SKU or barcode, and a barcode with a wrong check digit", async () => {
    await makeProduct(manager, { sku: "DUP-SKU", barcodes: [{ barcode: "5901234123457", kind: "ean13" }] });
    expect(
      (
        await manager.post("/api/v1/products", {
          sku: "DUP-SKU",
          name: "x",
          price: { amount: 1, currency: "EUR" },
        })
      ).status,
    ).toBe(409);
    const barcode = await manager.post("/api/v1/products", {
      sku: "OTHER-SKU",
      name: "x",
      price: { amount: 1, currency: "EUR" },
      barcodes: [{ barcode: "5901234123457", kind: "ean13" }],
    });
    expect(barcode.status).toBe(409);
    expect(
      await env.DB.prepare("SELECT count(*) AS n FROM products WHERE sku = 'OTHER-SKU'").first("n"),
    ).toBe(0);
    const bad = await manager.post("/api/v1/products", {
      sku: "BAD-CHECK",
      name: "x",
      price: { amount: 1, currency: "EUR" },
      barcodes: [
        { barcode: "5901234123458", kind: "ean13" },
        { barcode: "03600029145", kind: "upca" },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "barcodes.0.barcode",
      "barcodes.1.barcode",
    ]);
  });

  it("filters by category and price, and pages without repeats", async () => {
    const category = (
      await manager.post("/api/v1/categories", { name: `Lamps ${crypto.randomUUID().slice(0, 4)}` })
    ).body;
    const sub = await manager.post("/api/v1/categories", { name: "Desk lamps", parent_id: category.id });
    expect(sub.body.parent_id).toBe(category.id);
    const prices = [500, 1500, 2500, 3500, 4500];
    for (const amount of prices)
      await makeProduct(manager, { category_id: category.id, price: { amount, currency: "EUR" } });
    const mid = await actingAs().get(
      `/api/v1/products?category_id=${category.id}&min_price=1500&max_price=3500&currency=EUR`,
    );
    expect(mid.body.items.map((p: any) => p.price.amount).sort()).toEqual([1500, 2500, 3500]);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await actingAs().get(
        `/api/v1/products?category_id=${category.id}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...page.body.items.map((p: any) => p.price.amount));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...prices].reverse());
    expect(
      (
        await manager.post("/api/v1/products", {
          sku: "NOCAT",
          name: "x",
          price: { amount: 1, currency: "EUR" },
          category_id: "nope",
        })
      ).status,
    ).toBe(400);
  });

  it("search ignores FTS syntax in what people type", async () => {
    const quoted = await makeProduct(manager, { name: 'Quoted "thing" OR NOT' });
    for (const q of ['"', "OR", "*", "NEAR(", "a:b", "-"]) {
      const res = await actingAs().get(`/api/v1/products?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
    }
    // What looks like syntax is searched as words: as FTS5 syntax these would fail or match otherwise.
    for (const q of ['"thing" OR NOT', "quoted NOT", 'thing*"', "quo- OR"]) {
      const found = await actingAs().get(`/api/v1/products?q=${encodeURIComponent(q)}`);
      expect(found.status, q).toBe(200);
      expect(
        found.body.items.map((p: { id: string }) => p.id),
        q,
      ).toEqual([quoted.id]);
    }
  });

  it("updates fields and replaces barcodes", async () => {
    const p = await makeProduct(manager, { barcodes: [{ barcode: "INT-001", kind: "internal" }] });
    const res = await manager.patch(`/api/v1/products/${p.id}`, {
      name: "Renamed widget",
      attributes: { color: "blue" },
      barcodes: [{ barcode: "INT-002", kind: "internal" }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: "Renamed widget",
      attributes: { color: "blue" },
      barcodes: [{ barcode: "INT-002", kind: "internal" }],
    });
    expect((await actingAs().get("/api/v1/products?q=INT-001")).body.items).toEqual([]);
    expect((await actingAs().get("/api/v1/products?q=renamed")).body.items.map((x: any) => x.id)).toEqual([
      p.id,
    ]);
  });

  it("stores the image in R2 and serves it", async () => {
    const p = await makeProduct(manager);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const token = await tokenFor(await seedUser("manager"));
    const put = await fetchRaw(`/api/v1/products/${p.id}/image`, "PUT", png, {
      "content-type": "image/png",
      authorization: `Bearer ${token}`,
    });
    expect(put.status).toBe(200);
    const wrong = await fetchRaw(`/api/v1/products/${p.id}/image`, "PUT", png, {
      "content-type": "text/plain",
      authorization: `Bearer ${token}`,
    });
    expect(wrong.status).toBe(400);
    const got = await fetchRaw(`/api/v1/products/${p.id}/image`, "GET");
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(png);
  });
});

async function fetchRaw(
  path: string,
  method: string,
  body?: Uint8Array,
  headers: Record<string, string> = {},
) {
  const { call } = await import("./helpers");
  return call(path, { method, headers, ...(body && { body }) });
}
