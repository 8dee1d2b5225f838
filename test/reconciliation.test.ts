// Card statement reconciliation through the HTTP door: a bank's CSV imported once, its charges matched to
// purchase orders (exact, near, ambiguous, none), matched and unmatched by hand, reported, and refused whole
// when it cannot be read. Every order has its own placed_at and every row its own date: nothing here
// depends on today.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  actingAs,
  bearer,
  call,
  customerUser,
  makeOrder,
  seedUser,
  tokenFor,
} from "./helpers";

const STATEMENTS = "/api/v1/reconciliation/statements";

/** A German bank's export: ";" delimited, day.month.year, decimal commas, charges negative. */
const DE_MAPPING = {
  date: "Belegdatum",
  amount: "Betrag",
  description: "Beschreibung",
  currency: "Währung",
  date_format: "dmy",
  decimal: ",",
  charges: "negative",
};

let managerToken: string;
let manager: ApiClient;
let staffToken: string;

beforeAll(async () => {
  managerToken = await tokenFor(await seedUser("manager"));
  manager = actingAs(managerToken);
  staffToken = await tokenFor(await seedUser("staff"));
});

/** A purchase through the intake door, for one line of `total` minor units. */
const purchase = (merchant: string, placedAt: string, total: number, extra: Record<string, unknown> = {}) =>
  makeOrder(manager, {
    merchant,
    placed_at: placedAt,
    lines: [{ sku: "P-1", name: "Bought", quantity: 1, unit_price: total }],
    ...extra,
  });

async function upload(body: string | Uint8Array, query: string, token = managerToken) {
  const res = await call(`${STATEMENTS}?${query}`, {
    method: "POST",
    headers: { ...bearer(token), "content-type": "text/csv; charset=utf-8" },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, type: res.headers.get("content-type") };
}

const withMapping = (bank: string, mapping: object = DE_MAPPING) =>
  `bank=${bank}&mapping=${encodeURIComponent(JSON.stringify(mapping))}`;

const rowsOf = async (id: string) =>
  (await manager.get(`${STATEMENTS}/${id}?limit=1000`)).body.transactions.items as Record<string, any>[];

const storedCounts = async () => ({
  statements: (await env.DB.prepare("SELECT count(*) AS n FROM card_statements").first<{ n: number }>())?.n,
  transactions: (await env.DB.prepare("SELECT count(*) AS n FROM card_transactions").first<{ n: number }>())
    ?.n,
  files: (await env.FILES.list({ prefix: "statements/" })).objects.length,
});

describe("a March statement: exact, near, ambiguous and unmatched charges", () => {
  const order: Record<string, Record<string, any>> = {};
  let statement: Record<string, any>;
  const file = [
    "\uFEFFBelegdatum;Beschreibung;Betrag;Währung;Referenz",
    '10.03.2025;"CONRAD ELECTRONIC; HIRSCHAU";-1.299,00;EUR;R-1',
    '14.03.2025;"AMZN Mktp DE*2K4XY7',
    'Amazon.de";-45,99;EUR;R-2',
    "12.03.2025;OFFICE WORLD;-25,00;EUR;R-3",
    ";;;;",
    "13.03.2025;Cafe Nord;-3,80;EUR;R-4",
    "15.03.2025;AMAZON GUTSCHRIFT;12,00;EUR;R-5",
    "",
  ].join("\r\n");

  beforeAll(async () => {
    order.conrad = await purchase("Conrad Electronic", "2025-03-10T09:15:00Z", 129900);
    order.amazon = await purchase("Amazon", "2025-03-11T18:00:00Z", 4599);
    order.office1 = await purchase("Office World", "2025-03-12T10:00:00Z", 2500);
    order.office2 = await purchase("Office World", "2025-03-12T14:00:00Z", 2500);
    // In the statement's days, paid by no charge on it.
    order.reichelt = await purchase("Reichelt", "2025-03-09T08:00:00Z", 1999);
    // Not owed a charge (cancelled) or outside the days a charge could have paid.
    order.cancelled = await purchase("Reichelt", "2025-03-11T08:00:00Z", 777, { status: "cancelled" });
    order.february = await purchase("Reichelt", "2025-02-01T08:00:00Z", 1999);
    expect(order.cancelled?.status).toBe("cancelled");

    const mapping = { ...DE_MAPPING, reference: "Referenz" };
    const res = await upload(file, `${withMapping("sparkasse-visa", mapping)}&filename=march.csv`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    statement = res.body;
  });

  it("reads a BOM, ';', quoted delimiters and line breaks, decimal commas, and counts lines as the file has them", async () => {
    expect(statement).toMatchObject({
      bank: "sparkasse-visa",
      filename: "march.csv",
      rows: 5,
      counts: { matched: 2, ambiguous: 1, unmatched: 2, ignored: 0 },
    });
    const rows = await rowsOf(statement.id);
    expect(rows.map((r) => [r.line_no, r.posted_on, r.amount.amount, r.description])).toEqual([
      [2, "2025-03-10", 129900, "CONRAD ELECTRONIC; HIRSCHAU"],
      [3, "2025-03-14", 4599, "AMZN Mktp DE*2K4XY7 Amazon.de"],
      [5, "2025-03-12", 2500, "OFFICE WORLD"],
      [7, "2025-03-13", 380, "Cafe Nord"],
      [8, "2025-03-15", -1200, "AMAZON GUTSCHRIFT"],
    ]);
    expect(rows[0]?.reference).toBe("R-1");
    expect(rows[0]?.amount).toEqual({ amount: 129900, currency: "EUR", display: "1299.00" });
  });

  it("matches the same-day charge exactly and the one three days late with the merchant written otherwise", async () => {
    const [conrad, amazon] = await rowsOf(statement.id);
    expect(conrad).toMatchObject({ status: "matched", matched_by: "exact", order: { id: order.conrad?.id } });
    expect(conrad?.score).toBe(100);
    expect(amazon).toMatchObject({ status: "matched", matched_by: "auto", order: { id: order.amazon?.id } });
    expect(amazon?.score).toBe(88);
    expect(amazon?.order.total).toEqual({ amount: 4599, currency: "EUR", display: "45.99" });
  });

  it("leaves a charge two equal purchases fit ambiguous with both, and a stranger and a credit unmatched", async () => {
    const rows = await rowsOf(statement.id);
    const office = rows.find((r) => r.line_no === 5);
    expect(office).toMatchObject({ status: "ambiguous", order: null });
    expect(office?.candidates.map((c: { id: string }) => c.id).sort()).toEqual(
      [order.office1?.id, order.office2?.id].sort(),
    );
    expect(office?.candidates[0]).toMatchObject({ merchant: "Office World", score: 100 });
    expect(rows.find((r) => r.line_no === 7)).toMatchObject({ status: "unmatched", candidates: [] });
    expect(rows.find((r) => r.line_no === 8)).toMatchObject({ status: "unmatched", order: null });
    const ambiguous = await manager.get(`${STATEMENTS}/${statement.id}?status=ambiguous`);
    expect(ambiguous.body.transactions.items.map((r: { line_no: number }) => r.line_no)).toEqual([5]);
  });

  it("reports totals per currency, the charges left, and the purchases of those days no charge paid", async () => {
    const res = await manager.get(`${STATEMENTS}/${statement.id}/report`);
    expect(res.status).toBe(200);
    const report = res.body;
    expect(report.statement.counts).toEqual({ matched: 2, ambiguous: 1, unmatched: 2, ignored: 0 });
    expect(report.period).toEqual({ from: "2025-03-10", to: "2025-03-15" });
    expect(report.orders_placed).toEqual({ from: "2025-03-03", to: "2025-03-17" });
    expect(report.totals).toEqual([
      {
        currency: "EUR",
        matched: { count: 2, total: { amount: 134499, currency: "EUR", display: "1344.99" } },
        ambiguous: { count: 1, total: { amount: 2500, currency: "EUR", display: "25.00" } },
        unmatched: { count: 1, total: { amount: 380, currency: "EUR", display: "3.80" } },
        ignored: { count: 0, total: { amount: 0, currency: "EUR", display: "0.00" } },
        credits: { count: 1, total: { amount: -1200, currency: "EUR", display: "-12.00" } },
        orders_without_charge: { count: 3, total: { amount: 6999, currency: "EUR", display: "69.99" } },
      },
    ]);
    expect(report.unmatched.map((t: { line_no: number }) => t.line_no)).toEqual([7]);
    expect(report.ambiguous.map((t: { line_no: number }) => t.line_no)).toEqual([5]);
    expect(report.credits.map((t: { line_no: number }) => t.line_no)).toEqual([8]);
    expect(report.orders_without_charge).toMatchObject({ count: 3, truncated: false });
    expect(report.orders_without_charge.items.map((o: { id: string }) => o.id)).toEqual([
      order.reichelt?.id,
      order.office1?.id,
      order.office2?.id,
    ]);
  });

  it("answers the same file again with the same statement and changes nothing", async () => {
    const before = await storedCounts();
    const again = await upload(file, withMapping("sparkasse-visa"));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: statement.id, rows: 5, filename: "march.csv" });
    expect(again.body.counts).toEqual(statement.counts);
    expect(await storedCounts()).toEqual(before);
  });

  it("matches by hand, refuses an order another charge holds, and unmatches keeping the candidates", async () => {
    const rows = await rowsOf(statement.id);
    const office = rows.find((r) => r.line_no === 5) as Record<string, any>;
    const cafe = rows.find((r) => r.line_no === 7) as Record<string, any>;
    const credit = rows.find((r) => r.line_no === 8) as Record<string, any>;
    const tx = (row: Record<string, any>, verb: string) =>
      `${STATEMENTS}/${statement.id}/transactions/${row.id}/${verb}`;

    const matched = await manager.post(tx(office, "match"), { order_id: order.office1?.id });
    expect(matched.status, JSON.stringify(matched.body)).toBe(200);
    expect(matched.body).toMatchObject({ status: "matched", order: { id: order.office1?.id } });
    expect(matched.body.matched_by).toMatch(/^user:/);

    const taken = await manager.post(tx(cafe, "match"), { order_id: order.office1?.id });
    expect(taken.status).toBe(409);
    expect(taken.headers.get("content-type")).toBe("application/problem+json");
    expect(taken.body.detail).toContain(office.id);
    expect(taken.body).toMatchObject({ transaction_id: office.id, statement_id: statement.id, line_no: 5 });

    expect((await manager.post(tx(credit, "match"), { order_id: order.reichelt?.id })).status).toBe(422);
    const sale = await makeOrder(manager, { kind: "sale", placed_at: "2025-03-13T07:00:00Z" });
    expect((await manager.post(tx(cafe, "match"), { order_id: sale.id })).body.detail).toContain("is a sale");
    const dollars = await purchase("Cafe Nord", "2025-03-13T07:00:00Z", 380, { currency: "USD" });
    expect((await manager.post(tx(cafe, "match"), { order_id: dollars.id })).body.detail).toContain("USD");

    const unmatched = await manager.post(tx(office, "unmatch"));
    expect(unmatched.status).toBe(200);
    expect(unmatched.body).toMatchObject({ status: "unmatched", order: null, matched_by: null });
    expect(unmatched.body.candidates).toHaveLength(2);
    // The order is free again.
    const now = await manager.post(tx(cafe, "match"), { order_id: order.office1?.id });
    expect(now.body).toMatchObject({ status: "matched", order: { id: order.office1?.id } });
    expect((await manager.post(tx(cafe, "unmatch"))).status).toBe(200);
  });

  it("does not offer an order matched on one statement to the charges of the next", async () => {
    const next = [
      "Belegdatum;Beschreibung;Betrag;Währung",
      "10.03.2025;CONRAD ELECTRONIC;-1.299,00;EUR",
    ].join("\n");
    const res = await upload(next, withMapping("sparkasse-visa"));
    expect(res.status).toBe(201);
    expect(res.body.counts).toMatchObject({ matched: 0, unmatched: 1 });
  });
});

describe("one statement, one order per charge", () => {
  it("gives a contested order to the charge that fits it best, and each of two look-alikes its own day", async () => {
    const april1 = await purchase("Thomann", "2025-04-01T10:00:00Z", 31415);
    const april2 = await purchase("Thomann", "2025-04-02T10:00:00Z", 31415);
    const lone = await purchase("Musikhaus Kirstein", "2025-04-20T10:00:00Z", 27182);
    const csv = [
      "Belegdatum;Beschreibung;Betrag;Währung",
      "02.04.2025;THOMANN TREPPENDORF;-314,15;EUR",
      "01.04.2025;THOMANN TREPPENDORF;-314,15;EUR",
      "24.04.2025;MUSIKHAUS KIRSTEIN;-271,82;EUR",
      "20.04.2025;MUSIKHAUS KIRSTEIN;-271,82;EUR",
    ].join("\n");
    const res = await upload(csv, withMapping("sparkasse-visa"));
    expect(res.status).toBe(201);
    const rows = await rowsOf(res.body.id);
    expect(rows.map((r) => [r.line_no, r.status, r.order?.id ?? null])).toEqual([
      [2, "matched", april2.id],
      [3, "matched", april1.id],
      [4, "unmatched", null],
      [5, "matched", lone.id],
    ]);
  });
});

describe("mappings", () => {
  it("saves a bank's mapping and reuses it for a comma-delimited file with quoted commas", async () => {
    const put = await manager.put("/api/v1/reconciliation/mappings/ING-Visa", {
      date: "Date",
      amount: "Amount",
      description: "Payee",
      date_format: "iso",
      decimal: ".",
      charges: "positive",
      default_currency: "EUR",
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ bank: "ing-visa", mapping: { default_currency: "EUR" } });
    const list = await manager.get("/api/v1/reconciliation/mappings");
    expect(list.body.items.map((m: { bank: string }) => m.bank)).toContain("ing-visa");

    const bought = await purchase("Hornbach", "2025-05-05T12:00:00Z", 123456);
    const csv = 'Date,Payee,Amount\n2025-05-06,"HORNBACH, BAUMARKT 123",1234.56\n2025-05-07,Refund,-5.00\n';
    const res = await upload(csv, "bank=ing-visa");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const rows = await rowsOf(res.body.id);
    expect(rows[0]).toMatchObject({
      description: "HORNBACH, BAUMARKT 123",
      status: "matched",
      order: { id: bought.id },
    });
    expect(rows[1]?.amount.amount).toBe(-500);
  });

  it("saves a mapping given with an import for the bank's next imports", async () => {
    const header = "Belegdatum;Beschreibung;Betrag;Währung";
    const first = await upload(`${header}\n01.09.2025;Erste;-1,00;EUR\n`, withMapping("dkb"));
    expect(first.status).toBe(201);
    const saved = (await manager.get("/api/v1/reconciliation/mappings")).body.items;
    expect(saved.find((m: { bank: string }) => m.bank === "dkb")).toMatchObject({ mapping: DE_MAPPING });
    const next = await upload(`${header}\n02.09.2025;Zweite;-2,00;EUR\n`, "bank=DKB");
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect(next.body.bank).toBe("dkb");
  });

  it("refuses an import for a bank with no mapping, saying what a mapping needs", async () => {
    const res = await upload("Date,Payee,Amount\n2025-05-06,X,1.00\n", "bank=unknown-bank");
    expect(res.status).toBe(400);
    expect(res.type).toBe("application/problem+json");
    for (const field of ["date_format", "decimal", "charges", "default_currency", "unknown-bank"]) {
      expect(res.body.detail).toContain(field);
    }
  });

  it("refuses a mapping with a missing field or bad JSON, naming it", async () => {
    const { charges: _, ...partial } = DE_MAPPING;
    const res = await upload("x", withMapping("some-bank", partial));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ in: "query", path: "mapping.charges" })]);
    const bad = await upload("x", "bank=some-bank&mapping=%7Bnot");
    expect(bad.body.errors).toEqual([
      expect.objectContaining({ path: "mapping", message: "Malformed JSON" }),
    ]);
  });
});

describe("a multipart upload", () => {
  it("takes the file and its mapping as form fields, and sets a row aside as ignored", async () => {
    const form = new FormData();
    const csv = "Belegdatum;Beschreibung;Betrag;Währung\n05.08.2025;KONTOFÜHRUNG;-4,90;EUR\n";
    form.set("file", new File([csv], "august.csv", { type: "text/csv" }));
    form.set("mapping", JSON.stringify(DE_MAPPING));
    const res = await call(`${STATEMENTS}?bank=volksbank`, {
      method: "POST",
      headers: bearer(managerToken),
      body: form,
    });
    expect(res.status).toBe(201);
    const statement = (await res.json()) as Record<string, any>;
    expect(statement).toMatchObject({ bank: "volksbank", filename: "august.csv", counts: { unmatched: 1 } });
    const [fee] = await rowsOf(statement.id);
    expect(fee?.description).toBe("KONTOFÜHRUNG");
    const ignored = await manager.post(`${STATEMENTS}/${statement.id}/transactions/${fee?.id}/ignore`);
    expect(ignored.body).toMatchObject({ status: "ignored", order: null });
    expect((await manager.get(`${STATEMENTS}/${statement.id}`)).body.counts).toMatchObject({
      ignored: 1,
      unmatched: 0,
    });
  });
});

describe("a file that cannot be read", () => {
  it("is refused whole when a mapped column is missing, naming it and the headers found, and nothing is kept", async () => {
    const before = await storedCounts();
    const csv = "Belegdatum;Text;Summe;Währung\n10.06.2025;Somewhere;-1,00;EUR\n";
    const res = await upload(csv, withMapping("new-bank"));
    expect(res.status).toBe(400);
    expect(res.type).toBe("application/problem+json");
    expect(res.body.detail).toContain('"Betrag"');
    expect(res.body.detail).toContain('"Beschreibung"');
    expect(res.body.detail).toContain('"Summe"');
    expect(res.body.headers_found).toEqual(["Belegdatum", "Text", "Summe", "Währung"]);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ message: 'No column "Betrag" (mapping.amount)' })]),
    );
    expect(await storedCounts()).toEqual(before);
    const mappings = await manager.get("/api/v1/reconciliation/mappings");
    expect(mappings.body.items.map((m: { bank: string }) => m.bank)).not.toContain("new-bank");
  });

  it("names every bad row by its line in the file, past a quoted line break", async () => {
    const before = await storedCounts();
    const csv = [
      "Belegdatum;Beschreibung;Betrag;Währung",
      '01.07.2025;"two',
      'lines";-1,00;EUR',
      "31.06.2025;Bad day;-2,00;EUR",
      "02.07.2025;Bad amount;-2.50;EUR",
      "03.07.2025;Bad currency;-2,50;EURO",
    ].join("\n");
    const res = await upload(csv, withMapping("sparkasse-visa"));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: "line 4, Belegdatum", message: expect.stringContaining("23.11.2026") }),
      expect.objectContaining({ path: "line 5, Betrag", message: expect.stringContaining('"-2.50"') }),
      expect.objectContaining({ path: "line 6, Währung", message: expect.stringContaining("EURO") }),
    ]);
    expect(res.body.detail).toContain("nothing was imported");
    expect(await storedCounts()).toEqual(before);
  });

  it("is refused when empty", async () => {
    const res = await upload("", withMapping("sparkasse-visa"));
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain("empty");
  });
});

describe("who may do what", () => {
  it("lets staff read statements but not import them (billing read only)", async () => {
    const res = await upload(
      "Belegdatum;Beschreibung;Betrag;Währung\n",
      withMapping("sparkasse-visa"),
      staffToken,
    );
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain("billing:write");
    const staff = actingAs(staffToken);
    expect((await staff.get(STATEMENTS)).status).toBe(200);
    expect((await staff.put("/api/v1/reconciliation/mappings/x", DE_MAPPING)).status).toBe(403);
  });

  it("keeps customers out, though they may read their own invoices (billing read)", async () => {
    const customer = await customerUser("Reconciled Ltd");
    const res = await customer.api.get(STATEMENTS);
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain("shop's own");
  });

  it("pages the statement list newest first", async () => {
    const first = await manager.get(`${STATEMENTS}?limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await manager.get(`${STATEMENTS}?limit=1&cursor=${first.body.next_cursor}`);
    expect(second.body.items[0].created_at <= first.body.items[0].created_at).toBe(true);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it("answers 404 for a statement that does not exist", async () => {
    expect((await manager.get(`${STATEMENTS}/no-such/report`)).status).toBe(404);
    expect((await manager.get(`${STATEMENTS}/no-such`)).status).toBe(404);
  });
});
