// Sales CSV imports through the HTTP door and the IMPORTS queue: a messy export (BOM, quoted commas and line
// breaks, decimal commas, two countries and currencies, bad rows) becomes exactly its good orders with the
// bad rows reported by line; again it creates nothing; big files run in chunks with progress; preview,
// mapping errors, cancel, errors.csv and who may import. Every row has its own date: nothing depends on today.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { runChunk } from "../src/modules/imports/chunks";
import { planOf } from "../src/modules/imports/jobs";
import { ImportMappingSchema } from "../src/modules/imports/schemas";
import { type ApiClient, actingAs, bearer, call, seedCustomer, seedUser, tokenFor } from "./helpers";

const IMPORTS = "/api/v1/imports";

/** A shop's export: "," delimited with decimal commas (so amounts are quoted), day.month.year in Berlin. */
const SHOP_MAPPING = {
  columns: {
    date: "Datum",
    country: "Land",
    currency: "Währung",
    sku: "Artikel",
    name: "Bezeichnung",
    quantity: "Menge",
    unit_price: "Preis",
    tax_rate: "MwSt",
    buyer_email: "E-Mail",
  },
  date_format: "DD.MM.YYYY",
  time_zone: "Europe/Berlin",
  decimal: ",",
  default_status: "shipped",
};

const HEADER = "Datum,Land,Währung,Artikel,Bezeichnung,Menge,Preis,MwSt,E-Mail";

/** The messy file: 8 good rows (one spans two lines), 5 bad ones; its lines noted beside each row. */
const MESSY = [
  HEADER, // line 1
  '03.02.2025 14:30,DE,EUR,MUG-1,"Mug, large",2,"12,50",19,anna@example.test', // 2
  '03.02.2025,CH,CHF,TEA-9,"Tea ""Earl Grey""",1,"8,10","8,1",', // 3
  '04.02.2025 09:05:30,DE,EUR,BAG-2,"Bag\nwith a line break",1,"1.234,56",19,', // 4-5
  '05.02.2025,DE,EUR,PEN-1,Pen,10,"0,99",7,', // 6
  '31.02.2025,DE,EUR,PEN-2,Pen,1,"1,00",19,', // 7: no 31 February
  '06.02.2025,CH,XXX,PEN-3,Pen,1,"1,00",8,', // 8: no currency XXX
  "", // 9: blank, skipped
  '07.02.2025,CH,CHF,CUP-1,"Cup, small",3,"4,20","8,1",', // 10
  '08.02.2025,DE,EUR,PEN-4,Pen,1,"1,0,0",19,', // 11: not an amount
  '09.02.2025,DE,EUR,PEN-5,Pen,zwei,"1,00",19,', // 12: not a quantity
  '10.02.2025,DE,EUR,"PLATE-1",Plate,1,"15,00",19,', // 13
  '11.02.2025,DE,EUR,PEN-6,Pen,1,"1,00",19,not-an-email', // 14: not an email
  '12.02.2025,CH,CHF,"BOWL-1","Bowl, ""deep""",1,"22,00","8,1",', // 15
  '13.02.2025 23:30,DE,EUR,SPOON-1,Spoon,4,"2,25",19,', // 16
].join("\r\n");
const BAD_LINES = [7, 8, 11, 12, 14];
const GOOD_ROWS = 8;

let managerToken: string;
let manager: ApiClient;

beforeAll(async () => {
  managerToken = await tokenFor(await seedUser("manager"));
  manager = actingAs(managerToken);
});

const csvHeaders = (token: string, body: string | Uint8Array) => ({
  ...bearer(token),
  "content-type": "text/csv",
  "content-length": String(
    typeof body === "string" ? new TextEncoder().encode(body).byteLength : body.byteLength,
  ),
});

async function saveFormat(name: string, mapping: unknown = SHOP_MAPPING) {
  const res = await manager.put(`${IMPORTS}/formats/${name}`, mapping);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function upload(format: string, body: string | Uint8Array, query = "", token = managerToken) {
  const res = await call(`${IMPORTS}?format=${format}${query}`, {
    method: "POST",
    headers: csvHeaders(token, body),
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Polls the job until it finishes, answering it and every (rows_done, status) seen on the way. */
async function finished(id: string, tries = 3000) {
  const seen: { rows_done: number; status: string; seconds_left: number | null }[] = [];
  for (let i = 0; i < tries; i++) {
    const job = (await manager.get(`${IMPORTS}/${id}`)).body;
    seen.push({ rows_done: job.rows_done, status: job.status, seconds_left: job.seconds_left });
    if (["done", "failed", "cancelled"].includes(job.status)) return { job, seen };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import ${id} did not finish`);
}

const ordersOf = async (source: string) =>
  (
    await env.DB.prepare(
      "SELECT id, external_ref, currency, status, placed_at, total_minor, notes FROM orders WHERE source = ? ORDER BY placed_at",
    )
      .bind(source)
      .all<Record<string, any>>()
  ).results;

describe("importing a sales export", () => {
  it("creates exactly the good orders and reports the 5 bad rows with their line numbers; again it creates nothing", async () => {
    await saveFormat("shop-a");
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(MESSY)]);
    const made = await upload("shop-a", bytes, "&filename=sales.csv");
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.status).toBe("queued");
    const { job } = await finished(made.body.id);
    expect(job).toMatchObject({
      status: "done",
      rows_total: GOOD_ROWS + BAD_LINES.length,
      rows_done: GOOD_ROWS + BAD_LINES.length,
      rows_failed: BAD_LINES.length,
      orders_created: GOOD_ROWS,
      orders_unchanged: 0,
      progress: 1,
      seconds_left: 0,
      filename: "sales.csv",
    });

    const orders = await ordersOf("import:shop-a");
    expect(orders).toHaveLength(GOOD_ROWS);
    expect(orders.map((o) => o.currency).sort()).toEqual([
      "CHF",
      "CHF",
      "CHF",
      "EUR",
      "EUR",
      "EUR",
      "EUR",
      "EUR",
    ]);
    // 14:30 in Berlin in winter is 13:30 UTC; a day alone is its midnight in Berlin.
    expect(orders[0]).toMatchObject({ placed_at: "2025-02-02T23:00:00.000Z", currency: "CHF" });
    expect(orders[1]).toMatchObject({
      placed_at: "2025-02-03T13:30:00.000Z",
      currency: "EUR",
      status: "shipped",
    });
    expect(orders[2]?.placed_at).toBe("2025-02-04T08:05:30.000Z");
    // 2 x 12,50 EUR + 19 % = 29,75; 1.234,56 + 19 % = 1469,13 (rounded half up); 8,10 CHF + 8,1 % = 8,76.
    expect(orders[1]?.total_minor).toBe(2975);
    expect(orders[2]?.total_minor).toBe(146_913);
    expect(orders[0]?.total_minor).toBe(876);
    expect(orders[0]?.notes).toBe("Country: CH");
    const lines = await env.DB.prepare(
      "SELECT l.name, l.tax_rate_bp FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.source = 'import:shop-a'",
    ).all<{ name: string; tax_rate_bp: number }>();
    expect(lines.results.map((l) => l.name)).toEqual(
      expect.arrayContaining(["Mug, large", 'Tea "Earl Grey"', "Bag\nwith a line break", 'Bowl, "deep"']),
    );
    expect(lines.results.find((l) => l.name.startsWith("Tea"))?.tax_rate_bp).toBe(810);

    const errors = await env.DB.prepare(
      "SELECT line_no, message FROM import_errors WHERE job_id = ? ORDER BY line_no",
    )
      .bind(job.id)
      .all<{ line_no: number; message: string }>();
    expect(errors.results.map((e) => e.line_no)).toEqual(BAD_LINES);
    expect(errors.results.map((e) => e.message)).toEqual([
      expect.stringContaining('"31.02.2025" is not a date'),
      expect.stringContaining('"XXX" is not an ISO 4217 currency'),
      expect.stringContaining('"1,0,0" is not an amount'),
      expect.stringContaining('"zwei" is not a whole number'),
      expect.stringContaining('"not-an-email" is not an email'),
    ]);

    // The same file again answers its job; sent to run again, it finds every order already there.
    const same = await upload("shop-a", bytes);
    expect(same.status).toBe(200);
    expect(same.body.id).toBe(job.id);
    const rerun = await upload("shop-a", bytes, "&rerun=true");
    expect(rerun.status).toBe(201);
    const again = (await finished(rerun.body.id)).job;
    expect(again).toMatchObject({
      status: "done",
      orders_created: 0,
      orders_unchanged: GOOD_ROWS,
      rows_failed: 5,
    });
    // An overlapping file (two of the same rows, one new) adds only the new sale.
    const overlap = [
      HEADER,
      MESSY.split("\r\n")[1],
      MESSY.split("\r\n")[14],
      '14.02.2025,DE,EUR,NEW-1,New,1,"3,00",19,',
    ];
    const third = (await finished((await upload("shop-a", overlap.join("\n"))).body.id)).job;
    expect(third).toMatchObject({ orders_created: 1, orders_unchanged: 2, rows_failed: 0 });
    expect(await ordersOf("import:shop-a")).toHaveLength(GOOD_ROWS + 1);

    // A message delivered again after its chunk went in changes nothing.
    const mapping = ImportMappingSchema.parse(SHOP_MAPPING);
    const { plan, dataByte } = planOf(bytes, true, mapping, "import:shop-a");
    expect(await runChunk(env, { job_id: job.id, from_byte: dataByte, plan })).toBeNull();
    expect((await manager.get(`${IMPORTS}/${job.id}`)).body).toMatchObject({
      rows_done: 13,
      orders_created: 8,
    });
  });

  it("hands the bad rows back as CSV with their lines, messages and the rows as they were", async () => {
    await saveFormat("shop-b");
    const { body } = await upload("shop-b", MESSY);
    const { job } = await finished(body.id);
    const res = await call(`${IMPORTS}/${job.id}/errors.csv`, { headers: bearer(managerToken) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const text = (await res.text()).replace(/^\uFEFF/, "");
    const rows = text.trim().split("\r\n");
    expect(rows[0]).toBe("line,message,row");
    expect(rows).toHaveLength(6);
    expect(rows[1]).toMatch(/^7,".*31\.02\.2025.*","31\.02\.2025,DE,EUR,PEN-2,Pen,1,""1,00"",19,"$/);
    expect(rows.slice(1).map((r) => Number(r.split(",")[0]))).toEqual(BAD_LINES);
  });

  it("groups adjacent rows sharing an order ref into one order with several lines", async () => {
    await saveFormat("grouped", {
      columns: {
        order_ref: "Order",
        date: "Date",
        sku: "SKU",
        quantity: "Qty",
        line_total: "Total",
        status: "State",
      },
      default_currency: "USD",
      date_format: "MM/DD/YYYY",
      time_zone: "America/New_York",
      statuses: { Versandt: "shipped" },
    });
    const file = [
      "Order\tDate\tSKU\tQty\tTotal\tState",
      "A-1\t07/04/2025 10:00\tX-1\t2\t10.00\tVersandt",
      "A-1\t07/04/2025 10:00\tX-2\t1\t5.50\tVersandt",
      "A-2\t07/05/2025\tX-1\t3\t10.00\tcancelled",
      "A-3\t07/05/2025\tX-3\t1\t1.00\tnonsense",
    ].join("\n");
    const { job } = await finished((await upload("grouped", file)).body.id);
    expect(job).toMatchObject({ rows_done: 4, rows_failed: 2, orders_created: 1 });
    const [order] = await ordersOf("import:grouped");
    expect(order).toMatchObject({ external_ref: "A-1", status: "shipped", total_minor: 1550 });
    expect(order?.placed_at).toBe("2025-07-04T14:00:00.000Z");
    const errors = await env.DB.prepare(
      "SELECT line_no, message FROM import_errors WHERE job_id = ? ORDER BY line_no",
    )
      .bind(job.id)
      .all<{ line_no: number; message: string }>();
    expect(errors.results).toEqual([
      { line_no: 4, message: expect.stringContaining("not a whole number of minor units per unit") },
      { line_no: 5, message: expect.stringContaining('"nonsense" is not a status') },
    ]);
  });
});

describe("big files", () => {
  it("imports 20,000 rows in chunks with progress visible on the way", { timeout: 600_000 }, async () => {
    await saveFormat("big", { ...SHOP_MAPPING, columns: { ...SHOP_MAPPING.columns, order_ref: "Nr" } });
    const rows = [`Nr,${HEADER}`];
    for (let i = 0; i < 20_000; i++) {
      const day = String(1 + (i % 28)).padStart(2, "0");
      rows.push(
        `B-${Math.floor(i / 4)},${day}.03.2025,DE,EUR,SKU-${i % 4},Item ${i % 4},1,"1,${String(i % 100).padStart(2, "0")}",19,`,
      );
    }
    const made = await upload("big", rows.join("\n"));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const { job, seen } = await finished(made.body.id, 12_000);
    expect(job).toMatchObject({
      status: "done",
      rows_total: 20_000,
      rows_done: 20_000,
      rows_failed: 0,
      orders_created: 5000,
    });
    expect(job.chunks_done).toBeGreaterThan(1);
    expect(job.rows_per_second).toBeGreaterThan(0);
    const midway = seen.filter((s) => s.status === "running" && s.rows_done > 0 && s.rows_done < 20_000);
    expect(midway.length).toBeGreaterThan(0);
    expect(midway.some((s) => s.seconds_left !== null && s.seconds_left > 0)).toBe(true);
    expect(new Set(seen.map((s) => s.rows_done)).size).toBeGreaterThan(2);
  });

  it("stops a cancelled import at its next chunk", { timeout: 120_000 }, async () => {
    await saveFormat("cancelled");
    const rows = [HEADER];
    for (let i = 0; i < 5000; i++) rows.push(`01.04.2025,DE,EUR,C-${i},Cancel me,1,"2,00",19,`);
    const made = await upload("cancelled", rows.join("\n"));
    const cancel = await manager.post(`${IMPORTS}/${made.body.id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 3000));
    const job = (await manager.get(`${IMPORTS}/${made.body.id}`)).body;
    expect(job.status).toBe("cancelled");
    expect(job.rows_done).toBeLessThan(5000);
    expect((await ordersOf("import:cancelled")).length).toBe(job.orders_created);
    expect((await manager.post(`${IMPORTS}/${made.body.id}/cancel`)).status).toBe(409);
  });
});

describe("formats and preview", () => {
  it("refuses a file whose header lacks a mapped column, naming it and the headers found", async () => {
    await saveFormat("strict");
    const res = await upload("strict", "Datum;Land;Artikel\n01.01.2025;DE;X\n");
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('"Währung" (the mapping\'s columns.currency)');
    expect(res.body.headers_found).toEqual(["Datum", "Land", "Artikel"]);
    const saved = await manager.put(
      `${IMPORTS}/formats/strict?sample_header=${encodeURIComponent("Datum,Land")}`,
      SHOP_MAPPING,
    );
    expect(saved.status).toBe(400);
    expect(saved.body.detail).toContain('"Artikel"');
  });

  it("refuses a mapping with neither a price column nor a currency", async () => {
    const res = await manager.put(`${IMPORTS}/formats/broken`, { columns: { date: "D", sku: "S" } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(["columns.unit_price"]),
    );
    const listed = await manager.get(`${IMPORTS}/formats`);
    expect(listed.body.items.map((f: { name: string }) => f.name)).not.toContain("broken");
  });

  it("previews the first rows with the mapping applied and their errors, writing nothing", async () => {
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM orders").first<{ n: number }>())?.n;
    const mapping = encodeURIComponent(JSON.stringify(SHOP_MAPPING));
    const res = await call(`${IMPORTS}/preview?mapping=${mapping}&rows=7`, {
      method: "POST",
      headers: { ...bearer(managerToken), "content-type": "text/csv" },
      body: MESSY,
    });
    expect(res.status).toBe(200);
    const preview = (await res.json()) as any;
    expect(preview.delimiter).toBe(",");
    expect(preview.rows.map((r: { line: number }) => r.line)).toEqual([2, 3, 4, 6, 7, 8, 10]);
    expect(preview.rows[0].order).toMatchObject({
      placed_at: "2025-02-03T13:30:00.000Z",
      country: "DE",
      currency: "EUR",
      status: "shipped",
      line: { sku: "MUG-1", name: "Mug, large", quantity: 2, unit_price: 1250, tax_rate_bp: 1900 },
    });
    expect(preview.rows[2].order.line.unit_price).toBe(123_456);
    expect(preview.rows[4].order).toBeNull();
    expect(preview.rows[4].errors[0]).toContain("31.02.2025");
    expect((await env.DB.prepare("SELECT count(*) AS n FROM orders").first<{ n: number }>())?.n).toBe(before);
  });

  it("lists imports newest first", async () => {
    const page = await manager.get(`${IMPORTS}?limit=2`);
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    expect(page.body.items[0]).toHaveProperty("rows_per_second");
  });
});

describe("who may import", () => {
  it("takes uploads from staff with orders:write, not from customers, vendors or anyone signed out", async () => {
    await saveFormat("who");
    const staff = await tokenFor(await seedUser("staff"));
    const vendor = await tokenFor(await seedUser("vendor"));
    const customer = await tokenFor(
      await seedUser("customer", { customerId: await seedCustomer("Import Buyer") }),
    );
    const file = `${HEADER}\n01.05.2025,DE,EUR,W-1,Who,1,"1,00",19,`;
    expect((await upload("who", file, "", staff)).status).toBe(201);
    expect((await upload("who", file, "&rerun=true", vendor)).status).toBe(403);
    expect((await upload("who", file, "&rerun=true", customer)).status).toBe(403);
    const anonymous = await call(`${IMPORTS}?format=who`, { method: "POST", body: file });
    expect(anonymous.status).toBe(401);
    expect((await actingAs(customer).get(IMPORTS)).status).toBe(403);
    expect((await actingAs(vendor).get(`${IMPORTS}/formats`)).status).toBe(403);
  });
});
