// Claims: filed on delivered sales by their customer, photos kept without location, the automatic review's
// documented verdicts, decisions that move money exactly once, and the claim's live room.
/// <reference types="vite/client" />
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY, type ReviewInput, reviewClaim } from "../src/modules/claims/review";
import jpegUrl from "./fixtures/photos/gps.jpg?url&inline";
import {
  type ApiClient,
  actingAs,
  bearer,
  call,
  customerUser,
  expectLedgerAgrees,
  makeOrder,
  makeProduct,
  problemOf,
  seedUser,
  stockroom,
  tokenFor,
} from "./helpers";
import { join } from "./ws";

const photo = Uint8Array.from(atob(jpegUrl.slice(jpegUrl.indexOf(",") + 1)), (c) => c.charCodeAt(0));

let manager: ApiClient;
let managerToken: string;
beforeAll(async () => {
  managerToken = await tokenFor(await seedUser("manager"));
  manager = actingAs(managerToken);
});

const delivered = (customerId: string, lines?: unknown[]) =>
  makeOrder(manager, {
    kind: "sale",
    customer_id: customerId,
    merchant: undefined,
    status: "delivered",
    lines: lines ?? [
      { sku: "MUG", name: "Blue mug", quantity: 4, unit_price: 1000, tax_rate_bp: 1900 },
      { sku: "VASE", name: "Vase", quantity: 1, unit_price: 8000, tax_rate_bp: 1900 },
    ],
  });

const upload = (api: { token: string }, claimId: string, bytes: Uint8Array, filename = "photo.jpg") =>
  call(`/api/v1/claims/${claimId}/photos?filename=${encodeURIComponent(filename)}`, {
    method: "POST",
    headers: { ...bearer(api.token), "content-type": "image/jpeg" },
    body: bytes,
  });

async function customer(company: string) {
  const { customerId } = await customerUser(company);
  const token = await tokenFor(await seedUser("customer", { customerId }));
  return { customerId, api: actingAs(token), token };
}

const setPolicy = (policy: Partial<typeof DEFAULT_POLICY>) =>
  manager.put("/api/v1/claims/policy", { ...DEFAULT_POLICY, ...policy });

describe("the automatic review (pure rules)", () => {
  const base: ReviewInput = {
    currency: "EUR",
    claimed_minor: 1190,
    reasons: ["missing"],
    photos: 0,
    delivered_at: "2026-03-01T10:00:00.000Z",
    submitted_at: "2026-03-05T10:00:00.000Z",
    earlier_claims: 0,
  };
  const on = { ...DEFAULT_POLICY, auto_approve: true };
  const failed = (input: Partial<ReviewInput>, policy = on) =>
    reviewClaim({ ...base, ...input }, policy)
      .reasons.filter((r) => !r.passed)
      .map((r) => r.rule);

  it("approves a small, recent, first claim that needs no photo, when automatic approval is on", () => {
    const review = reviewClaim(base, on);
    expect(review.verdict).toBe("approve");
    expect(review.reasons.map((r) => r.rule)).toEqual([
      "window",
      "value",
      "history",
      "photos",
      "auto_approve",
    ]);
    expect(review.reasons.find((r) => r.rule === "window")?.detail).toBe(
      "Filed 4 days after delivery; the window is 30 days.",
    );
  });
  it("sends every claim to a person while automatic approval is off", () => {
    expect(reviewClaim(base, DEFAULT_POLICY).verdict).toBe("manual_review");
    expect(failed({}, DEFAULT_POLICY)).toEqual(["auto_approve"]);
  });
  it("window: a claim filed after the window (or on an order without a delivery date) goes to a person", () => {
    expect(failed({ submitted_at: "2026-03-31T10:00:00.000Z" })).toEqual([]); // day 30: inside
    expect(failed({ submitted_at: "2026-04-01T10:00:00.000Z" })).toEqual(["window"]); // day 31
    expect(failed({ delivered_at: null })).toEqual(["window"]);
  });
  it("value: above the automatic limit goes to a person", () => {
    expect(failed({ claimed_minor: 5_000 })).toEqual([]);
    expect(failed({ claimed_minor: 5_001 })).toEqual(["value"]);
    expect(reviewClaim({ ...base, claimed_minor: 5_001 }, on).reasons[1]?.detail).toBe(
      "Claimed 50.01 EUR; automatic approval goes up to 50.00 EUR.",
    );
  });
  it("history: a customer with as many recent claims as the limit goes to a person", () => {
    expect(failed({ earlier_claims: 1 })).toEqual([]);
    expect(failed({ earlier_claims: 2 })).toEqual(["history"]);
  });
  it("photos: damage, a wrong item and quality need a photo; missing and late do not", () => {
    expect(failed({ reasons: ["damaged"] })).toEqual(["photos"]);
    expect(failed({ reasons: ["wrong_item"] })).toEqual(["photos"]);
    expect(failed({ reasons: ["quality", "missing"] })).toEqual(["photos"]);
    expect(failed({ reasons: ["damaged"], photos: 1 })).toEqual([]);
    expect(failed({ reasons: ["late", "missing", "other"] })).toEqual([]);
    expect(reviewClaim({ ...base, reasons: ["damaged"], photos: 2 }, on).reasons[3]?.detail).toBe(
      "2 photos for damaged (not inspected: no vision model is configured).",
    );
  });
});

describe("filing claims", () => {
  it("a customer cannot file on, nor see, another customer's order, claim or photos: 404 as if missing", async () => {
    const alice = await customer("Alice Shop");
    const bob = await customer("Bob Shop");
    const order = await delivered(bob.customerId);
    const line = order.lines[0].id;
    const body = { order_id: order.id, lines: [{ order_line_id: line, quantity: 1, reason: "missing" }] };
    const refused = await alice.api.post("/api/v1/claims", body);
    expect(refused.status).toBe(404);
    const claim = await bob.api.post("/api/v1/claims", body);
    expect(claim.status).toBe(201);
    const id = claim.body.id;
    expect((await upload(bob, id, photo)).status).toBe(201);
    const photoId = (await bob.api.get(`/api/v1/claims/${id}`)).body.photos[0].id;
    for (const path of [
      `/api/v1/claims/${id}`,
      `/api/v1/claims/${id}/events`,
      `/api/v1/claims/${id}/messages`,
      `/api/v1/claims/${id}/photos/${photoId}`,
    ]) {
      expect((await alice.api.get(path)).status, path).toBe(404);
    }
    expect((await upload(alice, id, photo)).status).toBe(404);
    expect((await alice.api.post(`/api/v1/claims/${id}/submit`)).status).toBe(404);
    expect((await alice.api.post(`/api/v1/claims/${id}/messages`, { body: "hello" })).status).toBe(404);
    expect((await alice.api.get("/api/v1/claims")).body.items).toEqual([]);
    await expect(join(`/api/v1/claims/${id}/room`, alice.token)).rejects.toThrow(/404/);
    // Bob and staff see it, photo included.
    const served = await call(`/api/v1/claims/${id}/photos/${photoId}`, { headers: bearer(managerToken) });
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/jpeg");
  });

  it("a file that says .jpg but holds HTML is refused, and nothing is kept", async () => {
    const { customerId, api, token } = await customer("Html Photo");
    const order = await delivered(customerId);
    const claim = await api.post("/api/v1/claims", {
      order_id: order.id,
      lines: [{ order_line_id: order.lines[0].id, quantity: 1, reason: "damaged" }],
    });
    const html = new TextEncoder().encode(
      "<!doctype html><html><body><script>alert(1)</script></body></html>",
    );
    const res = await upload({ token }, claim.body.id, html, "broken-mug.jpg");
    expect(res.status).toBe(422);
    expect(String((await problemOf(res)).detail)).toContain(
      '"broken-mug.jpg" is not a JPEG, PNG, WebP or HEIC image',
    );
    expect((await api.get(`/api/v1/claims/${claim.body.id}`)).body.photos).toEqual([]);
    const kept = await env.FILES.list({ prefix: `claims/${claim.body.id}/` });
    expect(kept.objects).toHaveLength(0);
  });

  it("a photo is served without its GPS location, to staff and the customer alike", async () => {
    const { customerId, api, token } = await customer("Gps Photo");
    const order = await delivered(customerId);
    const claim = await api.post("/api/v1/claims", {
      order_id: order.id,
      lines: [{ order_line_id: order.lines[0].id, quantity: 1, reason: "damaged" }],
    });
    const before = await (
      await fetch(`${env.TEST_SERVER_URL}/exif/inspect`, { method: "POST", body: photo })
    ).json();
    expect(Object.keys(before as object).some((k) => /gps/i.test(k))).toBe(true);
    expect((await upload({ token }, claim.body.id, photo)).status).toBe(201);
    expect((await upload({ token }, claim.body.id, photo)).status).toBe(200); // the same photo, kept once
    const photoId = (await api.get(`/api/v1/claims/${claim.body.id}`)).body.photos[0].id;
    const served = await call(`/api/v1/claims/${claim.body.id}/photos/${photoId}`, {
      headers: bearer(token),
    });
    const bytes = new Uint8Array(await served.arrayBuffer());
    const after = (await (
      await fetch(`${env.TEST_SERVER_URL}/exif/inspect`, { method: "POST", body: bytes })
    ).json()) as Record<string, unknown>;
    expect(Object.keys(after).filter((k) => /gps/i.test(k))).toEqual([]);
    expect(after["File:MIMEType"]).toBe("image/jpeg");
  });

  it("refuses more than was delivered less what other claims took, and claims before delivery", async () => {
    const { customerId, api } = await customer("Too Many");
    const order = await delivered(customerId);
    const mug = order.lines[0].id;
    expect(
      (
        await api.post("/api/v1/claims", {
          order_id: order.id,
          lines: [{ order_line_id: mug, quantity: 3, reason: "missing" }],
        })
      ).status,
    ).toBe(201);
    const more = await api.post("/api/v1/claims", {
      order_id: order.id,
      lines: [{ order_line_id: mug, quantity: 2, reason: "missing" }],
    });
    expect(more.status).toBe(422);
    expect(more.body.detail).toContain("has 1 left to claim of 4 delivered; 2 asked");
    const open = await makeOrder(manager, { kind: "sale", customer_id: customerId, status: "picking" });
    const early = await api.post("/api/v1/claims", {
      order_id: open.id,
      lines: [{ order_line_id: open.lines[0].id, quantity: 1, reason: "late" }],
    });
    expect(early.status).toBe(409);
  });
});

describe("review and decisions", () => {
  it("with automatic approval on, a small clear claim is approved on its own: credit note and ledger credit", async () => {
    await setPolicy({ auto_approve: true });
    try {
      const { customerId, api } = await customer("Auto Approve");
      const order = await delivered(customerId);
      const claim = await api.post("/api/v1/claims", {
        order_id: order.id,
        lines: [{ order_line_id: order.lines[0].id, quantity: 2, reason: "missing" }],
      });
      const done = await api.post(`/api/v1/claims/${claim.body.id}/submit`);
      expect(done.status).toBe(200);
      expect(done.body.status).toBe("approved");
      expect(done.body.review.verdict).toBe("approve");
      expect(done.body.refund).toMatchObject({ amount: 2380 }); // 2 x 10.00 + 19%
      const billing = (await manager.get(`/api/v1/orders/${order.id}/billing`)).body;
      expect(billing.credit_notes).toHaveLength(1);
      expect(billing.credit_notes[0]).toMatchObject({ claim_id: claim.body.id, total: { amount: 2380 } });
      const events = (await api.get(`/api/v1/claims/${claim.body.id}/events`)).body.items;
      expect(events.map((e: any) => [e.type, e.from, e.to])).toEqual([
        ["filed", null, "open"],
        ["status", "open", "ai_processing"],
        ["reviewed", "ai_processing", null],
        ["status", "ai_processing", "approved"],
      ]);
    } finally {
      await setPolicy({ auto_approve: false });
    }
  });

  it("goes to the manual-review queue, oldest first, with the review's reasons", async () => {
    const { customerId, api } = await customer("Queue Co");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const order = await delivered(customerId);
      const claim = await api.post("/api/v1/claims", {
        order_id: order.id,
        lines: [{ order_line_id: order.lines[1].id, quantity: 1, reason: "damaged" }],
      });
      const reviewed = await api.post(`/api/v1/claims/${claim.body.id}/submit`);
      expect(reviewed.body.status).toBe("manual_review");
      expect(reviewed.body.review.reasons.filter((r: any) => !r.passed).map((r: any) => r.rule)).toEqual(
        i < 2 ? ["value", "photos", "auto_approve"] : ["value", "history", "photos", "auto_approve"],
      );
      ids.push(claim.body.id);
    }
    const queue = await manager.get("/api/v1/claims?status=manual_review&limit=200");
    const mine = queue.body.items.map((c: any) => c.id).filter((id: string) => ids.includes(id));
    expect(mine).toEqual(ids);
    expect((await api.post(`/api/v1/claims/${ids[0]}/approve`, {})).status).toBe(403);
  });

  it("approving a claim twice at once moves money exactly once", async () => {
    const { customerId, api } = await customer("Twice Co");
    const order = await delivered(customerId);
    const claim = await api.post("/api/v1/claims", {
      order_id: order.id,
      lines: [
        { order_line_id: order.lines[1].id, quantity: 1, reason: "quality", description: "Cracked glaze" },
      ],
    });
    await api.post(`/api/v1/claims/${claim.body.id}/submit`);
    const ledgerBefore = (await manager.get(`/api/v1/customers/${customerId}/ledger`)).body.items.length;
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        manager.post(`/api/v1/claims/${claim.body.id}/approve`, { outcome: "refund" }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const billing = (await manager.get(`/api/v1/orders/${order.id}/billing`)).body;
    expect(billing.credit_notes).toHaveLength(1);
    expect(billing.credit_notes[0].total.amount).toBe(9520);
    const ledger = (await manager.get(`/api/v1/customers/${customerId}/ledger`)).body.items;
    expect(ledger.length).toBe(ledgerBefore + 1);
    expect(ledger[0]).toMatchObject({
      direction: "credit",
      reference_type: "credit_note",
      amount: { amount: 9520 },
    });
    // Approving again answers the claim as it is; nothing moves.
    const again = await manager.post(`/api/v1/claims/${claim.body.id}/approve`, { outcome: "refund" });
    expect(again.status).toBe(200);
    expect((await manager.get(`/api/v1/orders/${order.id}/billing`)).body.credit_notes).toHaveLength(1);
    expect((await manager.post(`/api/v1/claims/${claim.body.id}/resolve`)).body.status).toBe("resolved");
  });

  it("a replacement is a zero-priced order placed like any other, its stock reserved; or both, line by line", async () => {
    const room = await stockroom();
    const product = await makeProduct(room.manager, { price: { amount: 1500, currency: "EUR" } });
    await room.stock(product.id, 10);
    const { customerId, api } = await customer("Replace Co");
    const order = await delivered(customerId, [
      {
        product_id: product.id,
        sku: product.sku,
        name: product.name,
        quantity: 3,
        unit_price: 1500,
        tax_rate_bp: 0,
      },
    ]);
    expect((await room.level(product.id)).on_hand).toBe(7);
    const claim = await api.post("/api/v1/claims", {
      order_id: order.id,
      lines: [{ order_line_id: order.lines[0].id, quantity: 3, reason: "wrong_item" }],
    });
    await api.post(`/api/v1/claims/${claim.body.id}/submit`);
    const approved = await manager.post(`/api/v1/claims/${claim.body.id}/approve`, {
      lines: [{ claim_line_id: claim.body.lines[0].id, refund_quantity: 1, replace_quantity: 2 }],
      note: "One refunded, two sent again",
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: "approved", refund: { amount: 1500 } });
    const replacement = (await manager.get(`/api/v1/orders/${approved.body.replacement_order_id}`)).body;
    expect(replacement).toMatchObject({
      source: "claim",
      external_ref: claim.body.id,
      status: "picking",
      customer_id: customerId,
    });
    expect(replacement.totals.total.amount).toBe(0);
    expect(replacement.lines[0]).toMatchObject({
      product_id: product.id,
      quantity: 2,
      fill: "ok",
      reserved: 2,
    });
    expect(await room.level(product.id)).toMatchObject({ on_hand: 7, reserved: 2, available: 5 });
    await expectLedgerAgrees(product.id);
  });

  it("claims filed at the same moment never take more than was delivered", async () => {
    const { customerId, api } = await customer("Racing Claims");
    const order = await delivered(customerId);
    const body = {
      order_id: order.id,
      lines: [{ order_line_id: order.lines[0].id, quantity: 2, reason: "missing" }],
    };
    const answers = await Promise.all(Array.from({ length: 4 }, () => api.post("/api/v1/claims", body)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
    expect(answers.every((a) => [201, 409, 422].includes(a.status))).toBe(true);
    const { results } = await env.DB.prepare(
      "SELECT sum(cl.quantity) AS n FROM claim_lines cl JOIN claims c ON c.id = cl.claim_id WHERE c.order_id = ?",
    )
      .bind(order.id)
      .all<{ n: number }>();
    expect(results[0]?.n).toBe(4);
  });

  it("a rejection says why; the claim's room tells everyone in it the status as it moves, and carries the chat", async () => {
    const { customerId, api, token } = await customer("Room Co");
    const order = await delivered(customerId);
    const claim = await api.post("/api/v1/claims", {
      order_id: order.id,
      lines: [
        { order_line_id: order.lines[0].id, quantity: 1, reason: "other", description: "Not as pictured" },
      ],
    });
    const id = claim.body.id;
    const theirs = await join(`/api/v1/claims/${id}/room`, token);
    const staff = await join(`/api/v1/claims/${id}/room`, managerToken);
    await theirs.next("welcome");
    await staff.next("welcome");
    theirs.send({ type: "message", body: "The colour is wrong" });
    expect((await staff.next("message")).message.body).toBe("The colour is wrong");
    await api.post(`/api/v1/claims/${id}/submit`);
    const moves = [await theirs.next("event"), await theirs.next("event")].map((f) => [
      f.event.from,
      f.event.to,
    ]);
    expect(moves).toEqual([
      ["open", "ai_processing"],
      ["ai_processing", "manual_review"],
    ]);
    const rejected = await manager.post(`/api/v1/claims/${id}/reject`, {
      note: "The colour matches the listing.",
    });
    expect(rejected.body).toMatchObject({
      status: "rejected",
      decision_note: "The colour matches the listing.",
    });
    expect((await theirs.next("event")).event).toMatchObject({
      type: "claim_status",
      from: "manual_review",
      to: "rejected",
      source: "staff",
    });
    expect((await manager.post(`/api/v1/claims/${id}/reject`, { note: "again" })).status).toBe(409);
    const history = await api.get(`/api/v1/claims/${id}/messages`);
    expect(history.body.items.map((m: any) => m.body)).toEqual(["The colour is wrong"]);
    theirs.close();
    staff.close();
  });
});
