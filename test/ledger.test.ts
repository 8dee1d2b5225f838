// The customer ledger: balances are sums of entries, reversals restore, aging reads unpaid debits.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, actingAs, bearer, call, seedCustomer, seedUser, tokenFor } from "./helpers";

let billing: ApiClient;
let billingToken: string;
beforeAll(async () => {
  billingToken = await tokenFor(await seedUser("manager"));
  billing = actingAs(billingToken);
});

const entry = (
  customerId: string,
  direction: "debit" | "credit",
  amount: number,
  extra: Record<string, unknown> = {},
  headers?: Record<string, string>,
) =>
  billing.post(
    `/api/v1/customers/${customerId}/ledger`,
    {
      direction,
      amount: { amount, currency: "EUR" },
      reference_type: direction === "debit" ? "invoice" : "payment",
      ...extra,
    },
    headers,
  );

describe("customer ledger", () => {
  it("keeps a running balance equal to the sum of the entries; a reversal restores it", async () => {
    const customer = await seedCustomer("Ledger One");
    const amounts: ["debit" | "credit", number][] = [
      ["debit", 10_000],
      ["debit", 2_550],
      ["credit", 4_000],
      ["debit", 1],
    ];
    for (const [d, a] of amounts) expect((await entry(customer, d, a)).status).toBe(201);
    const expected = amounts.reduce((s, [d, a]) => s + (d === "debit" ? a : -a), 0);

    const list = await billing.get(`/api/v1/customers/${customer}/ledger`);
    expect(list.body.items[0].balance_after).toEqual({ amount: expected, currency: "EUR", display: "85.51" });
    expect(list.body.items.map((e: any) => e.balance_after.amount)).toEqual([8551, 8550, 12550, 10000]);
    const summary = await billing.get(`/api/v1/customers/${customer}/ledger/summary`);
    expect(summary.body.currencies[0]).toMatchObject({
      currency: "EUR",
      total_debit: { amount: 12_551 },
      total_credit: { amount: 4_000 },
      balance: { amount: expected },
      entries: 4,
    });

    const wrong = list.body.items.find((e: any) => e.amount.amount === 2_550);
    const reversal = await billing.post(`/api/v1/customers/${customer}/ledger/${wrong.id}/reverse`, {
      note: "Billed twice",
    });
    expect(reversal.status).toBe(201);
    expect(reversal.body).toMatchObject({
      direction: "credit",
      reference_type: "reversal",
      reverses_entry_id: wrong.id,
      note: "Billed twice",
    });
    const after = await billing.get(`/api/v1/customers/${customer}/ledger/summary`);
    expect(after.body.currencies[0].balance.amount).toBe(expected - 2_550);
    expect((await billing.post(`/api/v1/customers/${customer}/ledger/${wrong.id}/reverse`)).status).toBe(409);
    const relisted = await billing.get(`/api/v1/customers/${customer}/ledger`);
    expect(relisted.body.items.find((e: any) => e.id === wrong.id).reversed_by_entry_id).toBe(
      reversal.body.id,
    );
    // Entries are never edited or deleted: there is no door for it.
    expect((await billing.del(`/api/v1/customers/${customer}/ledger/${wrong.id}`)).status).toBe(404);
  });

  it("ages the outstanding balance by its unpaid debits, oldest paid first", async () => {
    const customer = await seedCustomer("Ledger Aging");
    const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const insert = (id: string, direction: string, amount: number, at: string) =>
      env.DB.prepare(
        "INSERT INTO ledger_entries (id, customer_id, direction, amount_minor, currency, reference_type, actor_id, created_at) VALUES (?, ?, ?, ?, 'EUR', 'invoice', 'test', ?)",
      )
        .bind(id, customer, direction, amount, at)
        .run();
    await insert(`a-${customer}`, "debit", 1_000, ago(100));
    await insert(`b-${customer}`, "debit", 2_000, ago(70));
    await insert(`c-${customer}`, "debit", 3_000, ago(40));
    await insert(`d-${customer}`, "debit", 4_000, ago(5));
    await insert(`e-${customer}`, "credit", 1_500, ago(1)); // pays the 100-day debit and half the 70-day one
    const summary = await billing.get(`/api/v1/customers/${customer}/ledger/summary`);
    const aging = summary.body.currencies[0].aging;
    expect(Object.fromEntries(Object.entries(aging).map(([k, v]: [string, any]) => [k, v.amount]))).toEqual({
      "0-30": 4_000,
      "31-60": 3_000,
      "61-90": 1_500,
      over_90: 0,
    });
    expect(summary.body.currencies[0].balance.amount).toBe(8_500);
  });

  it("refuses floats, zero and negative amounts, and a reversal typed by hand", async () => {
    const customer = await seedCustomer("Ledger Strict");
    expect((await entry(customer, "debit", 12.5)).status).toBe(400);
    expect((await entry(customer, "debit", 0)).status).toBe(400);
    expect((await entry(customer, "credit", -5)).status).toBe(400);
    expect((await entry(customer, "debit", 5, { reference_type: "reversal" })).status).toBe(400);
    expect((await entry("no-such-customer", "debit", 5)).status).toBe(404);
    expect(
      await env.DB.prepare("SELECT count(*) AS n FROM ledger_entries WHERE customer_id = ?")
        .bind(customer)
        .first("n"),
    ).toBe(0);
  });

  it("an Idempotency-Key records a payment once", async () => {
    const customer = await seedCustomer("Ledger Idem");
    const key = { "idempotency-key": `pay-${crypto.randomUUID()}` };
    const a = await entry(customer, "credit", 700, {}, key);
    const b = await entry(customer, "credit", 700, {}, key);
    expect(b.body.id).toBe(a.body.id);
    expect(a.headers.get("idempotent-replayed")).toBeNull();
    expect(b.status).toBe(201);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(b.body).toEqual(a.body);
    expect(
      await env.DB.prepare("SELECT count(*) AS n FROM ledger_entries WHERE customer_id = ?")
        .bind(customer)
        .first("n"),
    ).toBe(1);
  });

  it("a customer user reads their own ledger, and gets 404 for another's", async () => {
    const mine = await seedCustomer("Mine Ltd");
    const theirs = await seedCustomer("Theirs Ltd");
    await entry(mine, "debit", 100);
    await entry(theirs, "debit", 999);
    const me = actingAs(await tokenFor(await seedUser("customer", { customerId: mine })));
    expect((await me.get(`/api/v1/customers/${mine}/ledger`)).body.items).toHaveLength(1);
    expect((await me.get(`/api/v1/customers/${theirs}/ledger`)).status).toBe(404);
    expect((await me.get(`/api/v1/customers/${theirs}/ledger/summary`)).status).toBe(404);
    expect((await me.get(`/api/v1/customers/${theirs}`)).status).toBe(404);
    // Reading is not writing.
    expect(
      (
        await me.post(`/api/v1/customers/${mine}/ledger`, {
          direction: "credit",
          amount: { amount: 1, currency: "EUR" },
          reference_type: "payment",
        })
      ).status,
    ).toBe(403);
  });

  it("keeps each entry's balance on the entry: concurrent postings agree with the list, and a deep page needs no history", async () => {
    const customer = await seedCustomer("Ledger Concurrent");
    const posted = await Promise.all(
      Array.from({ length: 20 }, (_, i) => entry(customer, i % 3 === 0 ? "credit" : "debit", 100 + i)),
    );
    expect(posted.every((r) => r.status === 201 && r.body.balance_after.currency === "EUR")).toBe(true);
    const items: any[] = [];
    for (let cursor: string | null = null, pages = 0; pages < 10; pages++) {
      const res: any = await billing.get(
        `/api/v1/customers/${customer}/ledger?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      items.push(...res.body.items);
      cursor = res.body.next_cursor;
      if (!cursor) break;
    }
    expect(items).toHaveLength(20);
    // Oldest first: each balance is the sum of every entry up to and including it.
    let running = 0;
    for (const e of items.reverse()) {
      running += e.direction === "debit" ? e.amount.amount : -e.amount.amount;
      expect(e.balance_after.amount).toBe(running);
    }
    const summary = await billing.get(`/api/v1/customers/${customer}/ledger/summary`);
    expect(summary.body.currencies[0].balance.amount).toBe(running);
    // What each POST answered is what the list shows for that entry.
    const byId = new Map(items.map((e) => [e.id, e.balance_after.amount]));
    for (const r of posted) expect(byId.get(r.body.id)).toBe(r.body.balance_after.amount);
  });

  it("a page deep in a long history reads each balance off its entry, per currency, in one D1 round trip", async () => {
    const customer = await seedCustomer("Ledger Deep");
    for (let round = 0; round < 3; round++) {
      const posted = await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const amount = { amount: 10 + round * 40 + i, currency: i % 5 === 0 ? "USD" : "EUR" };
          return entry(customer, i % 4 === 0 ? "credit" : "debit", amount.amount, { amount });
        }),
      );
      expect(posted.every((r) => r.status === 201)).toBe(true);
    }
    let page = await billing.get(`/api/v1/customers/${customer}/ledger?limit=10`);
    for (let n = 1; n < 11; n++) {
      page = await billing.get(
        `/api/v1/customers/${customer}/ledger?limit=10&cursor=${page.body.next_cursor}`,
      );
    }
    expect(page.body.items).toHaveLength(10); // the 101st to 110th newest of 120
    expect(Number(/d1;desc="(\d+) quer/.exec(page.headers.get("server-timing") ?? "")?.[1])).toBe(1);
    for (const e of page.body.items) {
      const sum = await env.DB.prepare(
        `SELECT sum(CASE direction WHEN 'debit' THEN amount_minor ELSE -amount_minor END) AS s FROM ledger_entries
          WHERE customer_id = ?1 AND currency = ?2 AND seq <= (SELECT seq FROM ledger_entries WHERE id = ?3)`,
      )
        .bind(customer, e.amount.currency, e.id)
        .first("s");
      expect(e.balance_after).toMatchObject({ amount: sum, currency: e.amount.currency });
    }
    // The newest entry of each currency carries the summary's balance.
    const all = (await billing.get(`/api/v1/customers/${customer}/ledger?limit=200`)).body.items;
    const summary = (await billing.get(`/api/v1/customers/${customer}/ledger/summary`)).body.currencies;
    expect(summary).toHaveLength(2);
    for (const { currency, balance } of summary) {
      expect(all.find((e: any) => e.amount.currency === currency).balance_after.amount).toBe(balance.amount);
    }
  });

  it("a reversal's note goes through its schema: wrong type, too long, unknown fields, no content type", async () => {
    const customer = await seedCustomer("Ledger Reversal Body");
    const debit = await entry(customer, "debit", 4_200);
    const reverse = `/api/v1/customers/${customer}/ledger/${debit.body.id}/reverse`;

    const wrongType = await billing.post(reverse, { note: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors).toEqual([expect.objectContaining({ in: "body", path: "note" })]);
    const tooLong = await billing.post(reverse, { note: "x".repeat(1001) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ in: "body", path: "note" })]);
    expect((await billing.post(reverse, { note: "ok", amount: 1 })).status).toBe(400);
    // A body must say it is JSON (415); leaving the body out altogether is fine (the first test).
    const untyped = await call(reverse, {
      method: "POST",
      headers: bearer(billingToken),
      body: JSON.stringify({ note: "no type" }),
    });
    expect(untyped.status).toBe(415);
    expect(untyped.headers.get("content-type")).toMatch(/problem\+json/);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM ledger_entries WHERE customer_id = ?")
      .bind(customer)
      .first("n");
    expect(rows).toBe(1);
  });

  it("a replayed reversal answers the first answer; the same key with another note is refused", async () => {
    const customer = await seedCustomer("Ledger Reversal Replay");
    const debit = await entry(customer, "debit", 900);
    const reverse = `/api/v1/customers/${customer}/ledger/${debit.body.id}/reverse`;
    const key = { "idempotency-key": `rev-${crypto.randomUUID()}` };
    // The validator reads the body first; the key's request hash still reads the same text after it.
    const first = await billing.post(reverse, { note: "Returned goods" }, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ note: "Returned goods", balance_after: { amount: 0 } });
    const again = await billing.post(reverse, { note: "Returned goods" }, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect((await billing.post(reverse, { note: "Something else" }, key)).status).toBe(422);
  });
});
