// Invoices, credit notes, payments and refunds: gapless numbers, money that moves once, a ledger that agrees.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  actingAs,
  bearer,
  call,
  customerUser,
  makeOrder,
  problemOf,
  seedUser,
  tokenFor,
} from "./helpers";

let manager: ApiClient;
let managerToken: string;
beforeAll(async () => {
  managerToken = await tokenFor(await seedUser("manager"));
  manager = actingAs(managerToken);
});

/** A sale to the customer (untracked lines: no stock involved), at the status given. */
const sale = (customerId: string, overrides: Record<string, unknown> = {}) =>
  makeOrder(manager, {
    kind: "sale",
    customer_id: customerId,
    merchant: undefined,
    lines: [
      { sku: "MUG", name: "Blue mug", quantity: 3, unit_price: 1000, tax_rate_bp: 1900 },
      { sku: "BOOK", name: "Book", quantity: 1, unit_price: 2500, tax_rate_bp: 700 },
    ],
    shipping: 490,
    ...overrides,
  });

const pay = (orderId: string, amount: number, extra: Record<string, unknown> = {}, kind = "payments") =>
  manager.post(`/api/v1/orders/${orderId}/${kind}`, {
    amount: { amount, currency: "EUR" },
    method: "bank_transfer",
    reference: `REF-${amount}`,
    ...extra,
  });

const ledgerBalance = async (customerId: string) =>
  (await manager.get(`/api/v1/customers/${customerId}/ledger/summary`)).body.currencies.find(
    (c: any) => c.currency === "EUR",
  )?.balance.amount ?? 0;

describe("invoices", () => {
  it("a delivered sale is invoiced once, with lines, tax per rate, totals, parties and a due date from the terms", async () => {
    const { customerId } = await customerUser("Terms GmbH");
    expect(
      (await manager.patch(`/api/v1/customers/${customerId}`, { payment_terms_days: 14, tax_id: "DE123" }))
        .status,
    ).toBe(200);
    const order = await sale(customerId, { status: "delivered" });
    const billing = await manager.get(`/api/v1/orders/${order.id}/billing`);
    expect(billing.status).toBe(200);
    const invoice = billing.body.invoice;
    expect(invoice.number).toMatch(/^INV-\d{4}-\d{6}$/);
    expect(invoice.number.slice(4, 8)).toBe(invoice.issued_on.slice(0, 4));
    // 3 x 10.00 at 19% = 30.00 + 5.70; 25.00 at 7% = 1.75; shipping 4.90 untaxed.
    expect(invoice.taxes).toEqual([
      {
        rate_bp: 1900,
        rate: "19%",
        base: { amount: 3000, currency: "EUR", display: "30.00" },
        tax: { amount: 570, currency: "EUR", display: "5.70" },
      },
      {
        rate_bp: 700,
        rate: "7%",
        base: { amount: 2500, currency: "EUR", display: "25.00" },
        tax: { amount: 175, currency: "EUR", display: "1.75" },
      },
      {
        rate_bp: 0,
        rate: "0%",
        base: { amount: 490, currency: "EUR", display: "4.90" },
        tax: { amount: 0, currency: "EUR", display: "0.00" },
      },
    ]);
    expect(invoice.total.amount).toBe(order.totals.total.amount);
    expect(invoice.total.amount).toBe(3000 + 570 + 2500 + 175 + 490);
    expect(invoice.buyer).toMatchObject({ name: "Terms GmbH", tax_id: "DE123" });
    expect(invoice.seller.name).toBe("ROMS shop");
    const due = new Date(`${invoice.issued_on}T00:00:00Z`);
    due.setUTCDate(due.getUTCDate() + 14);
    expect(invoice.due_on).toBe(due.toISOString().slice(0, 10));
    // Its ledger debit.
    expect(await ledgerBalance(customerId)).toBe(invoice.total.amount);
    // Asking again answers the same invoice and takes no number.
    const again = await manager.post(`/api/v1/orders/${order.id}/invoice`);
    expect(again.status).toBe(200);
    expect(again.body.number).toBe(invoice.number);
  });

  it("50 invoices issued at once get 50 consecutive numbers, and a race for one order takes one number", async () => {
    const { customerId } = await customerUser("Many Invoices");
    const orders = await Promise.all(
      Array.from({ length: 50 }, () => sale(customerId, { status: "picking" })),
    );
    const racing = orders.slice(0, 5);
    const answers = await Promise.all(
      [...orders, ...racing].map((o) => manager.post(`/api/v1/orders/${o.id}/invoice`)),
    );
    expect(answers.every((a) => a.status === 201 || a.status === 200)).toBe(true);
    const byOrder = new Map<string, string>();
    for (const a of answers) {
      const seen = byOrder.get(a.body.order_id);
      if (seen) expect(a.body.number).toBe(seen);
      byOrder.set(a.body.order_id, a.body.number);
    }
    expect(byOrder.size).toBe(50);
    const numbers = [...byOrder.values()].sort();
    const year = numbers[0]?.slice(4, 8);
    expect(numbers.every((n) => n.slice(4, 8) === year)).toBe(true);
    const seqs = numbers.map((n) => Number(n.slice(-6)));
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => (seqs[0] as number) + i));
    const { results } = await env.DB.prepare(
      "SELECT count(*) AS n FROM invoices WHERE order_id IN (SELECT id FROM orders WHERE customer_id = ?)",
    )
      .bind(customerId)
      .all<{ n: number }>();
    expect(results[0]?.n).toBe(50);
  });

  it("the PDF is the renderer's, kept in R2, and reads back with its number and total", async () => {
    const { customerId } = await customerUser("PDF Buyer");
    const order = await sale(customerId, { status: "delivered" });
    const invoice = (await manager.get(`/api/v1/orders/${order.id}/billing`)).body.invoice;
    const res = await call(`/api/v1/invoices/${invoice.id}/pdf`, { headers: bearer(managerToken) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const bytes = await res.arrayBuffer();
    const read = await fetch(`${env.TEST_SERVER_URL}/pdf/inspect`, {
      method: "POST",
      headers: { "content-type": "application/pdf" },
      body: bytes,
    });
    const doc = (await read.json()) as { qpdf: { ok: boolean }; text: string };
    expect(doc.qpdf.ok).toBe(true);
    expect(doc.text).toContain(invoice.number);
    expect(doc.text).toContain("PDF Buyer");
    expect(doc.text).toContain(invoice.total.display);
    const kept = await env.FILES.get(`invoices/${invoice.issued_on.slice(0, 4)}/${invoice.number}.pdf`);
    expect(kept).not.toBeNull();
  });

  it("a customer sees their own invoices and never another customer's (404)", async () => {
    const mine = await customerUser("Mine Ltd");
    const theirs = await customerUser("Theirs Ltd");
    const a = await sale(mine.customerId, { status: "delivered" });
    const b = await sale(theirs.customerId, { status: "delivered" });
    const invoiceB = (await manager.get(`/api/v1/orders/${b.id}/billing`)).body.invoice;
    const list = await mine.api.get("/api/v1/invoices");
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => i.order_id)).toEqual([a.id]);
    expect(
      (await mine.api.get(`/api/v1/invoices?customer_id=${theirs.customerId}`)).body.items.map(
        (i: any) => i.order_id,
      ),
    ).toEqual([a.id]);
    expect((await mine.api.get(`/api/v1/invoices/${invoiceB.id}`)).status).toBe(404);
    expect((await mine.api.get(`/api/v1/invoices/${invoiceB.id}/pdf`)).status).toBe(404);
    expect((await mine.api.get(`/api/v1/orders/${b.id}/billing`)).status).toBe(404);
    expect((await mine.api.get(`/api/v1/customers/${theirs.customerId}/account`)).status).toBe(404);
  });
});

describe("payments, refunds and credit notes", () => {
  it("a payment in two parts ends paid and the ledger balance is zero", async () => {
    const { customerId, api } = await customerUser("Two Parts");
    const order = await sale(customerId, { status: "delivered" });
    const total = order.totals.total.amount;
    const first = await pay(order.id, 4000, {}, "payments");
    expect(first.status).toBe(201);
    expect((await manager.get(`/api/v1/orders/${order.id}`)).body.payment_status).toBe("partial");
    expect((await pay(order.id, total - 4000)).status).toBe(201);
    const billing = (await manager.get(`/api/v1/orders/${order.id}/billing`)).body;
    expect(billing.payment_status).toBe("paid");
    expect(billing.outstanding.amount).toBe(0);
    expect(await ledgerBalance(customerId)).toBe(0);
    // The customer's account lists the invoice and both payments, and its balance is the ledger's.
    const account = await api.get(`/api/v1/customers/${customerId}/account`);
    expect(account.status).toBe(200);
    expect(account.body.items.map((i: any) => i.reference_type)).toEqual(["payment", "payment", "invoice"]);
    expect(account.body.items[2].document.number).toBe(billing.invoice.number);
    expect(account.body.items[0].balance_after.amount).toBe(0);
    expect(account.body.balances).toEqual([
      { currency: "EUR", balance: { amount: 0, currency: "EUR", display: "0.00" } },
    ]);
  });

  it("refuses more than is due, and racing payments never take more than the total", async () => {
    const { customerId } = await customerUser("Overpay");
    const order = await sale(customerId, { status: "delivered" });
    const total = order.totals.total.amount;
    const over = await call(`/api/v1/orders/${order.id}/payments`, {
      method: "POST",
      headers: { ...bearer(managerToken), "content-type": "application/json" },
      body: JSON.stringify({ amount: { amount: total + 1, currency: "EUR" }, method: "cash" }),
    });
    expect(over.status).toBe(422);
    expect(String((await problemOf(over)).detail)).toContain("still due");
    const racing = await Promise.all(Array.from({ length: 5 }, () => pay(order.id, Math.ceil(total / 2))));
    expect(racing.filter((r) => r.status === 201)).toHaveLength(1);
    expect(racing.filter((r) => r.status === 422)).toHaveLength(4);
    const wrongCurrency = await manager.post(`/api/v1/orders/${order.id}/payments`, {
      amount: { amount: 100, currency: "USD" },
      method: "cash",
    });
    expect(wrongCurrency.status).toBe(422);
  });

  it("a repeated payment with its Idempotency-Key is recorded once", async () => {
    const { customerId } = await customerUser("Idem Pay");
    const order = await sale(customerId, { status: "delivered" });
    const key = { "idempotency-key": `pay-${order.id}` };
    const a = await pay(order.id, 1000, {}, "payments");
    const b = await manager.post(
      `/api/v1/orders/${order.id}/payments`,
      { amount: { amount: 500, currency: "EUR" }, method: "card" },
      key,
    );
    const c = await manager.post(
      `/api/v1/orders/${order.id}/payments`,
      { amount: { amount: 500, currency: "EUR" }, method: "card" },
      key,
    );
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(c.body.id).toBe(b.body.id);
    expect((await manager.get(`/api/v1/orders/${order.id}/billing`)).body.paid.amount).toBe(1500);
  });

  it("a credit note lowers what is due; a refund hands back what was paid; the ledger follows", async () => {
    const { customerId } = await customerUser("Credit Co");
    const order = await sale(customerId, { status: "delivered" });
    const total = order.totals.total.amount;
    await pay(order.id, total);
    const mug = order.lines.find((l: any) => l.sku === "MUG");
    const credit = await manager.post(`/api/v1/orders/${order.id}/credit-notes`, {
      lines: [{ order_line_id: mug.id, quantity: 1 }],
      note: "One mug broken",
    });
    expect(credit.status).toBe(201);
    expect(credit.body).toMatchObject({ kind: "credit_note", total: { amount: 1190 } });
    expect(credit.body.number).toMatch(/^CN-\d{4}-\d{6}$/);
    const invoice = (await manager.get(`/api/v1/orders/${order.id}/billing`)).body.invoice;
    expect(credit.body.refers_to_id).toBe(invoice.id);
    // Paid in full, then credited: the shop owes the customer 11.90 until it is refunded.
    expect(await ledgerBalance(customerId)).toBe(-1190);
    const tooMuch = await manager.post(`/api/v1/orders/${order.id}/credit-notes`, {
      lines: [{ order_line_id: mug.id, quantity: 3 }],
    });
    expect(tooMuch.status).toBe(422);
    expect((await pay(order.id, 1190, { method: "bank_transfer" }, "refunds")).status).toBe(201);
    expect(await ledgerBalance(customerId)).toBe(0);
    const billing = (await manager.get(`/api/v1/orders/${order.id}/billing`)).body;
    expect(billing).toMatchObject({
      payment_status: "paid",
      outstanding: { amount: 0 },
      due: { amount: total - 1190 },
    });
    expect((await pay(order.id, total, {}, "refunds")).status).toBe(422);
    expect((await pay(order.id, total - 1190, {}, "refunds")).status).toBe(201);
    expect((await manager.get(`/api/v1/orders/${order.id}`)).body.payment_status).toBe("refunded");
  });

  it("staff with billing read cannot move money; purchases are not paid here", async () => {
    const staff = actingAs(await tokenFor(await seedUser("staff")));
    const { customerId } = await customerUser("Staff Read");
    const order = await sale(customerId, { status: "delivered" });
    expect(
      (
        await staff.post(`/api/v1/orders/${order.id}/payments`, {
          amount: { amount: 1, currency: "EUR" },
          method: "cash",
        })
      ).status,
    ).toBe(403);
    expect((await staff.get(`/api/v1/orders/${order.id}/billing`)).status).toBe(200);
    const purchase = await makeOrder(manager);
    expect((await pay(purchase.id, 100)).status).toBe(422);
  });
});
