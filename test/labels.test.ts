// Labels and documents: every template and symbology rendered, then read back by real tools (pdftoppm and
// zbarimg decode each code, dmtxread the DataMatrix, pdftotext finds the text, qpdf checks the file), jobs
// in chunks with progress and one PDF, reprints, downloads by token and by signed link, and who may print.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { renderInvoice } from "../src/documents/documents";
import { fontBytes } from "../src/documents/fonts";
import { labelBox, STOCKS } from "../src/documents/stock";
import { signLink } from "../src/modules/auth/links";
import {
  type ApiClient,
  actingAs,
  call,
  customerUser,
  makeOrder,
  makeProduct,
  seedUser,
  tokenFor,
} from "./helpers";

interface Inspected {
  qpdf: { ok: boolean; output: string };
  page_count: number;
  pages: {
    number: number;
    width: number;
    height: number;
    codes?: { type: string; value: string }[];
    words?: { text: string; x_min: number; y_min: number; x_max: number; y_max: number }[];
  }[];
  text: string;
}

/** The PDF read by the real tools on the test server (test/servers/pdf.ts). */
async function inspect(pdf: ArrayBuffer | Uint8Array, query = ""): Promise<Inspected> {
  const res = await fetch(`${env.TEST_SERVER_URL}/pdf/inspect?${query}`, {
    method: "POST",
    headers: { "content-type": "application/pdf" },
    body: pdf,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

const codesOf = (doc: Inspected) => doc.pages.flatMap((p) => (p.codes ?? []).map((c) => c.value));

let manager: ApiClient;
let managerToken: string;
beforeAll(async () => {
  managerToken = await tokenFor(await seedUser("manager"));
  manager = actingAs(managerToken);
});

/** Polls the job until it is done (or failed), answering it and every progress value seen. */
async function finished(id: string, api = manager) {
  const seen: number[] = [];
  for (let i = 0; i < 600; i++) {
    const job = (await api.get(`/api/v1/labels/jobs/${id}`)).body;
    seen.push(job.progress);
    if (job.status === "done" || job.status === "failed") return { job, seen };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`label job ${id} did not finish`);
}

async function printed(body: Record<string, unknown>) {
  const made = await manager.post("/api/v1/labels/jobs", body);
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const { job } = await finished(made.body.id);
  expect(job.status, job.error).toBe("done");
  const pdf = await call(`/api/v1/labels/jobs/${job.id}/pdf`, {
    headers: { authorization: `Bearer ${managerToken}` },
  });
  expect(pdf.status).toBe(200);
  expect(pdf.headers.get("content-type")).toBe("application/pdf");
  return { job, bytes: await pdf.arrayBuffer() };
}

describe("barcodes", () => {
  it("draws every symbology as vectors that scan back to exactly their value, edge values included", async () => {
    const codes = [
      { symbology: "code128", value: "abc123xyz-Q9" },
      { symbology: "code128", value: "0042" },
      { symbology: "ean13", value: "0012345678905" },
      { symbology: "ean13", value: "4006381333931" },
      { symbology: "upca", value: "036000291452" },
      { symbology: "qrcode", value: "Grüße aus Köln, Ελληνικά, 東京 ✓" },
      { symbology: "qrcode", value: "a^b" },
      { symbology: "datamatrix", value: "LOC:0190f7a2-aaaa-4bbb-8ccc-1234567890ab" },
      { symbology: "datamatrix", value: "Crème brûlée" },
    ];
    const { job, bytes } = await printed({ stock: "a4-2x7", source: { codes } });
    expect(job).toMatchObject({ template: "code", labels: 9, pages: 1 });
    const doc = await inspect(bytes, "datamatrix=1");
    expect(doc.qpdf.ok, doc.qpdf.output).toBe(true);
    // zbar reads a UPC-A as the EAN-13 it is a part of (a leading 0), as GS1 defines it.
    const expected = codes.map((c) => (c.symbology === "upca" ? `0${c.value}` : c.value));
    expect(codesOf(doc).sort()).toEqual(expected.sort());
    const types = new Set(doc.pages[0]?.codes?.map((c) => c.type));
    for (const type of ["CODE-128", "EAN-13", "QR-Code", "DATAMATRIX"]) expect(types).toContain(type);
    // Vectors, not pictures: the file has no image.
    expect(new TextDecoder("latin1").decode(bytes)).not.toMatch(/\/Subtype\s*\/Image/);
  });

  it("refuses a value its symbology cannot carry with a 400 naming it, and makes no job", async () => {
    const before = (await manager.get("/api/v1/labels/jobs?limit=100")).body.items.length;
    const badEan = await manager.post("/api/v1/labels/jobs", {
      stock: "a4-3x8",
      source: { codes: [{ symbology: "ean13", value: "4006381333932" }] },
    });
    expect(badEan.status).toBe(400);
    expect(badEan.headers.get("content-type")).toContain("application/problem+json");
    expect(badEan.body.detail).toContain("4006381333932");
    expect(badEan.body.detail).toContain("needs 1");
    const badCode128 = await manager.post("/api/v1/labels/jobs", {
      stock: "a4-3x8",
      source: { codes: [{ symbology: "code128", value: "Crème" }] },
    });
    expect(badCode128.status).toBe(400);
    expect(badCode128.body.errors[0].message).toContain("outside Code 128");
    const shippingOnSheet = await manager.post("/api/v1/labels/jobs", {
      stock: "a4-3x8",
      source: { order: { id: "whatever" } },
    });
    expect(shippingOnSheet.status).toBe(400);
    expect(shippingOnSheet.body.detail).toContain("thermal-4x6");
    expect((await manager.get("/api/v1/labels/jobs?limit=100")).body.items.length).toBe(before);
  });
});

describe("product labels", () => {
  it("prints 30 labels on a 3x8 sheet as 2 pages, each label where the stock has it, with name, price and code", async () => {
    const products = [];
    for (let i = 0; i < 30; i++) {
      products.push(
        await makeProduct(manager, {
          name: i === 0 ? "Crème brûlée Ελληνικά Жёлтый" : `Label widget ${i}`,
          price: { amount: 1999 + i, currency: "EUR" },
          ...(i === 1 && { barcodes: [{ barcode: "4006381333931", kind: "ean13" }] }),
        }),
      );
    }
    const { job, bytes } = await printed({
      stock: "a4-3x8",
      source: { products: { ids: products.map((p) => p.id) } },
    });
    expect(job).toMatchObject({ template: "product", labels: 30, pages: 2 });
    const doc = await inspect(bytes, "bbox=1");
    expect(doc.qpdf.ok).toBe(true);
    expect(doc.page_count).toBe(2);
    expect(doc.pages[0]?.width).toBeCloseTo(595.28, 1); // A4
    expect(doc.text).toContain("Crème brûlée Ελληνικά");
    expect(doc.text).toContain("Жёлтый"); // wrapped to the label's second line
    expect(doc.text).toContain("19.99 EUR");
    expect(doc.text).toContain("20.28 EUR");
    const expected = products.map((p, i) => (i === 1 ? "4006381333931" : p.sku));
    expect(codesOf(doc).sort()).toEqual([...expected].sort());
    // Each price sits inside its label's rectangle (poppler measures from the page's top left).
    const stock = STOCKS["a4-3x8"];
    products.forEach((_, i) => {
      const page = doc.pages[Math.floor(i / 24)];
      const price = `${((1999 + i) / 100).toFixed(2)}`;
      const word = page?.words?.find((w) => w.text === price);
      expect(word, `price of label ${i}`).toBeDefined();
      const box = labelBox(stock, i);
      const top = stock.page[1] - (box.y + box.height);
      expect(word?.x_min).toBeGreaterThan(box.x);
      expect(word?.x_max).toBeLessThan(box.x + box.width);
      expect(word?.y_min).toBeGreaterThan(top);
      expect(word?.y_max).toBeLessThan(top + box.height);
    });
  });

  it("prints shelf labels for a location's bins, and its own label, as codes the scanner resolves", async () => {
    const location = (
      await manager.post("/api/v1/inventory/locations", { name: "Backroom", kind: "warehouse" })
    ).body;
    for (const bin of ["B-02", "A-01"]) {
      const product = await makeProduct(manager);
      await manager.post("/api/v1/inventory/adjustments", {
        product_id: product.id,
        location_id: location.id,
        delta: 1,
        kind: "receive",
      });
      expect(
        (await manager.put(`/api/v1/inventory/levels/${product.id}/${location.id}/bin`, { bin })).status,
      ).toBe(200);
    }
    const { job, bytes } = await printed({
      stock: "thermal-2x1",
      source: { location: { id: location.id, with_location: true } },
    });
    expect(job).toMatchObject({ template: "shelf", labels: 3, pages: 3 });
    const doc = await inspect(bytes);
    expect(doc.pages.map((p) => [Math.round(p.width), Math.round(p.height)])).toEqual([
      [144, 72],
      [144, 72],
      [144, 72],
    ]);
    expect(codesOf(doc)).toEqual([
      `LOC:${location.id}`,
      `BIN:${location.id}:A-01`,
      `BIN:${location.id}:B-02`,
    ]);
    const scan = await manager.post("/api/v1/scans", { code: `BIN:${location.id}:A-01`, action: "look_up" });
    expect(scan.status).toBe(200);
  });
});

describe("label jobs", () => {
  it("renders 2,000 labels in chunks with progress into one PDF, and reprints the same labels", async () => {
    const codes = Array.from({ length: 2000 }, (_, i) => ({
      symbology: "code128",
      value: `JOB-${String(i).padStart(5, "0")}`,
    }));
    const made = await manager.post("/api/v1/labels/jobs", { stock: "a4-4x10", source: { codes } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      status: "queued",
      labels: 2000,
      labels_done: 0,
      chunks: 5,
      progress: 0,
    });
    const { job, seen } = await finished(made.body.id);
    expect(job).toMatchObject({ status: "done", labels_done: 2000, chunks_done: 5, progress: 1, pages: 50 });
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // never goes back
    const chunks = await env.DB.prepare(
      "SELECT n, labels, pages FROM label_job_chunks WHERE job_id = ? ORDER BY n",
    )
      .bind(job.id)
      .all<{ n: number; labels: number; pages: number }>();
    expect(chunks.results.map((c) => c.labels)).toEqual([480, 480, 480, 480, 80]);
    const pdf = await call(`/api/v1/labels/jobs/${job.id}/pdf`, {
      headers: { authorization: `Bearer ${managerToken}` },
    });
    const doc = await inspect(await pdf.arrayBuffer(), "pages=1,13,50");
    expect(doc.page_count).toBe(50);
    const decoded = doc.pages.filter((p) => p.codes).map((p) => (p.codes ?? []).map((c) => c.value).sort());
    const page = (n: number) =>
      codes
        .slice((n - 1) * 40, n * 40)
        .map((c) => c.value)
        .sort();
    expect(decoded).toEqual([page(1), page(13), page(50)]);
    // The parts were merged and removed.
    expect(await env.FILES.head(`labels/${job.id}/part-0.pdf`)).toBeNull();

    const again = await manager.post(
      `/api/v1/labels/jobs/${job.id}/reprint`,
      { copies: 2, start: 0 },
      { "idempotency-key": `reprint-${job.id}` },
    );
    expect(again.status).toBe(201);
    const replay = await manager.post(
      `/api/v1/labels/jobs/${job.id}/reprint`,
      { copies: 2, start: 0 },
      { "idempotency-key": `reprint-${job.id}` },
    );
    expect(replay.body.id).toBe(again.body.id);
    const reprinted = (await finished(again.body.id)).job;
    expect(reprinted).toMatchObject({ status: "done", reprint_of: job.id, labels: 4000, pages: 100 });
    const history = (await manager.get(`/api/v1/labels/jobs?template=code&status=done&limit=100`)).body.items;
    expect(history.map((j: { id: string }) => j.id)).toEqual(expect.arrayContaining([job.id, reprinted.id]));
  }, 120_000);

  it("starts on a part-used sheet and prints copies one after the other", async () => {
    const { job, bytes } = await printed({
      stock: "a4-3x8",
      start: 22,
      copies: 2,
      source: {
        codes: [
          { symbology: "code128", value: "ONE" },
          { symbology: "code128", value: "TWO" },
        ],
      },
    });
    expect(job).toMatchObject({ labels: 4, pages: 2 });
    const doc = await inspect(bytes, "bbox=1");
    // zbar reports a value once per page however often it is printed there: the printed text counts them.
    expect(doc.pages.map((p) => (p.codes ?? []).map((c) => c.value))).toEqual([["ONE"], ["TWO"]]);
    expect(doc.pages.map((p) => (p.words ?? []).map((w) => w.text))).toEqual([
      ["ONE", "ONE"],
      ["TWO", "TWO"],
    ]);
  });

  it("lets staff download by a signed link without a token, until it expires; customers get nothing", async () => {
    const { job } = await printed({
      stock: "thermal-2x1",
      source: { codes: [{ symbology: "qrcode", value: "link" }] },
    });
    const link = await manager.post(`/api/v1/labels/jobs/${job.id}/link`);
    expect(link.status).toBe(200);
    const anonymous = await call(link.body.url);
    expect(anonymous.status).toBe(200);
    expect(codesOf(await inspect(await anonymous.arrayBuffer()))).toEqual(["link"]);
    const tampered = await call(link.body.url.replace(/signature=./, "signature=A"));
    expect(tampered.status).toBe(403);
    const other = await call(link.body.url.replace(job.id, crypto.randomUUID()));
    expect(other.status).toBe(403);
    // Signatures are base64url: one with "_" in it works as well (other expiries, other signatures).
    let urlSafe = link.body;
    for (let s = 600; !/_/.test(new URL(urlSafe.url, "http://x").searchParams.get("signature") ?? ""); s++) {
      urlSafe = await signLink(env, "label-job-pdf", job.id, `/api/v1/labels/files/${job.id}`, s);
    }
    expect((await call(urlSafe.url)).status).toBe(200);
    const expired = await signLink(env, "label-job-pdf", job.id, `/api/v1/labels/files/${job.id}`, -1);
    expect((await call(expired.url)).status).toBe(410);
    expect((await call(`/api/v1/labels/jobs/${job.id}/pdf`)).status).toBe(401);

    const { api: customer } = await customerUser("Label Snoop Ltd");
    expect((await customer.get(`/api/v1/labels/jobs/${job.id}`)).status).toBe(403);
    expect((await customer.get(`/api/v1/labels/jobs/${job.id}/pdf`)).status).toBe(403);
    expect((await customer.get("/api/v1/labels/jobs")).status).toBe(403);
    expect((await customer.post(`/api/v1/labels/jobs/${job.id}/link`)).status).toBe(403);
    expect(
      (
        await customer.post("/api/v1/labels/jobs", {
          stock: "a4-3x8",
          source: { codes: [{ symbology: "code128", value: "X" }] },
        })
      ).status,
    ).toBe(403);
  });
});

describe("order documents", () => {
  it("prints an order's packing slip and a 4x6 label per parcel, n of m, in one PDF", async () => {
    expect(
      (
        await manager.put("/api/v1/shop", {
          name: "Müller & Söhne Shop",
          address: { line1: "Hauptstr. 1", city: "Berlin", postal_code: "10115", country: "DE" },
        })
      ).status,
    ).toBe(200);
    const order = await makeOrder(manager, {
      kind: "sale",
      merchant: undefined,
      buyer: { name: "Zoë Ångström" },
      shipping_address: {
        name: "Zoë Ångström",
        line1: "Lindenweg 22",
        city: "München",
        postal_code: "80331",
        country: "DE",
      },
      lines: [{ sku: "SLIP-1", name: "Slip widget", quantity: 3, unit_price: 1000 }],
    });
    const res = await call(`/api/v1/orders/${order.id}/documents?paper=letter`, {
      headers: { authorization: `Bearer ${managerToken}` },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const doc = await inspect(await res.arrayBuffer());
    expect(doc.qpdf.ok).toBe(true);
    expect(doc.pages.map((p) => [Math.round(p.width), Math.round(p.height)])).toEqual([
      [612, 792],
      [288, 432],
    ]);
    expect(doc.text).toContain("Packing slip");
    expect(doc.text).toContain("Slip widget");
    expect(doc.text).toContain("Zoë Ångström");
    expect(doc.text).toContain("Müller & Söhne Shop");
    expect(doc.text).toContain("Parcel 1 of 1");
    expect(codesOf(doc)).toEqual([order.number, order.number]);

    const { api: customer } = await customerUser("Docs Snoop Ltd");
    expect((await customer.get(`/api/v1/orders/${order.id}/documents`)).status).toBe(403);
  });

  it("prints a pick list walked by bin, with the list's code and a code per line", async () => {
    const location = (
      await manager.post("/api/v1/inventory/locations", { name: "Pick floor", kind: "warehouse" })
    ).body;
    const lines = [];
    for (const bin of ["C-3", "A-1"]) {
      const product = await makeProduct(manager);
      await manager.post("/api/v1/inventory/adjustments", {
        product_id: product.id,
        location_id: location.id,
        delta: 5,
        kind: "receive",
      });
      await manager.put(`/api/v1/inventory/levels/${product.id}/${location.id}/bin`, { bin });
      lines.push({ sku: product.sku, name: product.name, quantity: 2, unit_price: 1000 });
    }
    const order = await makeOrder(manager, { kind: "sale", merchant: undefined, lines });
    const made = await manager.post("/api/v1/pick-lists", { order_ids: [order.id] });
    const list = made.body.items.find((l: { location_id: string }) => l.location_id === location.id);
    expect(list, JSON.stringify(made.body)).toBeDefined();
    const res = await call(`/api/v1/pick-lists/${list.id}/document`, {
      headers: { authorization: `Bearer ${managerToken}` },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const doc = await inspect(await res.arrayBuffer());
    expect(doc.qpdf.ok).toBe(true);
    expect(doc.text.indexOf("A-1")).toBeLessThan(doc.text.indexOf("C-3"));
    expect(codesOf(doc).sort()).toEqual([list.id, lines[0]?.sku, lines[1]?.sku].sort());
  });

  it("renders an invoice and a credit note with their numbers, parties, tax per rate and totals", async () => {
    const fonts = await fontBytes(env);
    const base = {
      issued_on: "2026-11-23",
      currency: "EUR",
      seller: ["Müller & Söhne Shop", "Hauptstr. 1", "10115 Berlin", "DE"],
      seller_tax_id: "DE123456789",
      buyer: ["Acme Ltd", "1 Road", "London", "GB"],
      lines: [
        {
          description: "Widget",
          sku: "W-1",
          quantity: 2,
          unit_price_minor: 1000,
          tax_rate: "19%",
          total_minor: 2000,
        },
        {
          description: "Book",
          sku: "B-1",
          quantity: 1,
          unit_price_minor: 1500,
          tax_rate: "7%",
          total_minor: 1500,
        },
      ],
      taxes: [
        { rate: "19%", base_minor: 2000, tax_minor: 380 },
        { rate: "7%", base_minor: 1500, tax_minor: 105 },
      ],
      net_minor: 3500,
      tax_minor: 485,
      total_minor: 3985,
    };
    const invoice = await inspect(
      (
        await renderInvoice(fonts, "a4", {
          ...base,
          kind: "invoice",
          number: "INV-2026-000001",
          due_on: "2026-12-23",
        })
      ).bytes,
    );
    expect(invoice.qpdf.ok).toBe(true);
    expect(invoice.text).toContain("Invoice INV-2026-000001");
    expect(invoice.text).toMatch(/Tax 19% on 20\.00\s+3\.80 EUR/);
    expect(invoice.text).toMatch(/Total due\s+39\.85 EUR/);
    expect(codesOf(invoice)).toEqual(["INV-2026-000001"]);
    const credit = await inspect(
      (
        await renderInvoice(fonts, "letter", {
          ...base,
          kind: "credit_note",
          number: "CN-2026-000001",
          refers_to: "INV-2026-000001",
        })
      ).bytes,
    );
    expect(credit.text).toContain("Credit note CN-2026-000001");
    expect(credit.text).toContain("Corrects invoice INV-2026-000001");
    expect(credit.pages[0]?.width).toBe(612);
  });
});
