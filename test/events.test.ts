// Signed events out: subscriptions, fan-out and delivery through the real EVENTS queue, verified on the other
// side by the standardwebhooks library (test/servers/receiver.ts), retries, 410 Gone, pings and the log.
// The tests run with EVENT_RETRY_BASE_SECONDS = 1 (vitest.config.ts): retries wait 1, 2, 4 ... seconds.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { EventType } from "../src/db/schema/events";
import worker from "../src/index";
import { announce, domainEvent, type EventMessage } from "../src/modules/events/announce";
import { backoffSeconds } from "../src/modules/events/deliver";
import { requeueStalled } from "../src/modules/events/fanout";
import { type ApiClient, actingAs, makeOrder, seedUser, tokenFor } from "./helpers";
import type { ReceivedRequest } from "./servers/receiver";

const BASE = "/api/v1/event-subscriptions";
/** Long enough for three retries of 1, 2 and 4 s and the queue's batching around them. */
const QUEUE_DEADLINE = { timeout: 25_000, interval: 150 };

let staff: ApiClient;
let customer: ApiClient;
beforeAll(async () => {
  staff = actingAs(await tokenFor(await seedUser("staff")));
  customer = actingAs(await tokenFor(await seedUser("customer")));
});

// Every subscription a test makes is deleted after it, so later events reach only the later tests' receivers.
const made: string[] = [];
afterEach(async () => {
  for (const id of made.splice(0)) await staff.del(`${BASE}/${id}`);
});

interface Receiver {
  url: string;
  log: () => Promise<ReceivedRequest[]>;
}

function receiver(options = ""): Receiver & { name: string } {
  const name = `r-${crypto.randomUUID()}`;
  const base = `${env.TEST_SERVER_URL}/receiver/${name}`;
  return {
    name,
    url: `${base}${options}`,
    log: async () =>
      ((await (await fetch(`${base}/log`)).json()) as { requests: ReceivedRequest[] }).requests,
  };
}

/** Subscribes a fresh receiver and tells it the secret, as a subscriber would keep it. */
async function subscribe(types: EventType[], options = "") {
  const target = receiver(options);
  const res = await staff.post(BASE, { url: target.url, event_types: types });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  made.push(res.body.id);
  const told = await fetch(`${env.TEST_SERVER_URL}/receiver/${target.name}/secret`, {
    method: "POST",
    body: JSON.stringify({ secret: res.body.secret }),
  });
  expect(told.status).toBe(204);
  return { ...target, subscription: res.body as Record<string, any>, secret: res.body.secret as string };
}

/** Tells the world, the way services do (announce: feed and EVENTS queue, in waitUntil). */
function publish(type: EventType, data: Record<string, unknown> = { order: { id: crypto.randomUUID() } }) {
  const event = domainEvent(type, data);
  announce(env, [event]);
  return event;
}

const deliveriesOf = async (subscriptionId: string) => {
  const res = await staff.get(`${BASE}/${subscriptionId}/deliveries`);
  expect(res.status).toBe(200);
  return res.body.items as Record<string, any>[];
};

/** The Worker's own queue door, handed one message as the queue would (re)deliver it. */
async function deliverByHand(queue: string, body: EventMessage) {
  const batch = createMessageBatch<EventMessage>(queue, [
    { id: crypto.randomUUID(), timestamp: new Date(), attempts: 2, body },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

describe("delivering events", () => {
  it("an event reaches a receiver that verifies it with the standardwebhooks library", async () => {
    const target = await subscribe(["order.created"]);
    const event = publish("order.created", { order: { id: "ord-1", number: "R-1001", status: "placed" } });

    await vi.waitFor(async () => expect(await target.log()).toHaveLength(1), QUEUE_DEADLINE);
    const [got] = await target.log();
    expect(got?.error).toBeNull();
    expect(got).toMatchObject({ verified: true, answered: 200 });
    expect(got?.payload).toEqual({
      type: "order.created",
      timestamp: event.occurred_at,
      data: { order: { id: "ord-1", number: "R-1001", status: "placed" } },
    });
    expect(got?.headers).toMatchObject({
      "webhook-id": event.id,
      "content-type": "application/json",
      "user-agent": "ROMS",
    });
    expect(got?.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    await vi.waitFor(async () => {
      const [delivery] = await deliveriesOf(target.subscription.id);
      expect(delivery).toMatchObject({
        event_id: event.id,
        event_type: "order.created",
        status: "delivered",
        attempt_count: 1,
        last_status_code: 200,
        payload: { type: "order.created" },
      });
      expect(delivery?.attempts).toEqual([
        expect.objectContaining({
          attempt: 1,
          status_code: 200,
          error: null,
          response_excerpt: expect.stringContaining("received"),
        }),
      ]);
    }, QUEUE_DEADLINE);
  });

  it("an order taken in through the intake reaches subscribers as order.created", async () => {
    const target = await subscribe(["order.created"]);
    const order = await makeOrder(staff);
    await vi.waitFor(async () => {
      const got = (await target.log()).filter((r) => (r.payload as any)?.data?.order?.id === order.id);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ verified: true, payload: { type: "order.created" } });
    }, QUEUE_DEADLINE);
  });

  it("a receiver that fails three times then succeeds gets the event once as a success, after backing off", async () => {
    const target = await subscribe(["order.status_changed"], "?fail=3");
    const event = publish("order.status_changed", { order: { id: "ord-2" }, from: "placed", to: "picking" });

    await vi.waitFor(async () => {
      const [delivery] = await deliveriesOf(target.subscription.id);
      expect(delivery?.status).toBe("delivered");
    }, QUEUE_DEADLINE);
    const [delivery] = await deliveriesOf(target.subscription.id);
    expect(delivery?.attempt_count).toBe(4);
    expect(delivery?.attempts.map((a: any) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
      [4, 200],
    ]);
    expect(delivery?.attempts[0].response_excerpt).toBe("failing on purpose (1 of 3)");

    const log = await target.log();
    expect(log.map((r) => r.answered)).toEqual([500, 500, 500, 200]);
    expect(log.every((r) => r.verified)).toBe(true);
    expect(new Set(log.map((r) => r.headers["webhook-id"]))).toEqual(new Set([event.id]));
    // Each attempt is signed afresh (new timestamp), the body is byte for byte the same.
    expect(new Set(log.map((r) => r.body)).size).toBe(1);
    // The queue held each retry for its delaySeconds (1, 2 and 4 s with base 1): miniflare honours it.
    const gaps = log.slice(1).map((r, i) => Date.parse(r.at) - Date.parse(log[i]?.at ?? ""));
    expect(gaps[0]).toBeGreaterThanOrEqual(900);
    expect(gaps[1]).toBeGreaterThanOrEqual(1900);
    expect(gaps[2]).toBeGreaterThanOrEqual(3900);
  }, 40_000);

  it("a 410 Gone switches the subscription off, records why, and nothing more is sent to it", async () => {
    const gone = await subscribe(["order.updated"], "?gone=1");
    const control = await subscribe(["order.updated"]);
    publish("order.updated");

    await vi.waitFor(async () => {
      const subscription = (await staff.get(`${BASE}/${gone.subscription.id}`)).body;
      expect(subscription.enabled).toBe(false);
      expect(subscription.disabled_reason).toMatch(/^receiver answered 410 Gone at \d{4}-\d\d-\d\dT/);
    }, QUEUE_DEADLINE);
    const [delivery] = await deliveriesOf(gone.subscription.id);
    expect(delivery).toMatchObject({ status: "cancelled", attempt_count: 1, last_status_code: 410 });
    expect(delivery?.attempts).toEqual([expect.objectContaining({ attempt: 1, status_code: 410 })]);

    // A later event reaches the control (so its fan-out has run) and makes no delivery for the gone one.
    const later = publish("order.updated");
    await vi.waitFor(async () => {
      expect((await deliveriesOf(control.subscription.id)).map((d) => d.event_id)).toContain(later.id);
    }, QUEUE_DEADLINE);
    expect(await deliveriesOf(gone.subscription.id)).toHaveLength(1);
    expect(await gone.log()).toHaveLength(1);

    // Switching it back on clears the reason.
    const back = await staff.patch(`${BASE}/${gone.subscription.id}`, { enabled: true });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it("a ping reaches the one subscription it names, signed like any event", async () => {
    const target = await subscribe(["stock.low"]);
    const bystander = await subscribe(["stock.low"]);
    const res = await staff.post(`${BASE}/${target.subscription.id}/ping`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "pending", delivery_id: expect.any(String) });

    await vi.waitFor(async () => {
      const [delivery] = await deliveriesOf(target.subscription.id);
      expect(delivery).toMatchObject({ id: res.body.delivery_id, event_type: "ping", status: "delivered" });
    }, QUEUE_DEADLINE);
    const [got] = await target.log();
    expect(got).toMatchObject({
      verified: true,
      headers: { "webhook-id": res.body.event_id },
      payload: { type: "ping", data: { subscription_id: target.subscription.id } },
    });
    expect(await deliveriesOf(bystander.subscription.id)).toEqual([]);
  });

  it("a ping to a switched-off subscription is refused with what to do", async () => {
    const target = await subscribe(["stock.low"]);
    await staff.patch(`${BASE}/${target.subscription.id}`, { enabled: false });
    const res = await staff.post(`${BASE}/${target.subscription.id}/ping`);
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/switched off.*"enabled": true/);
  });

  it("a fan-out message delivered twice makes one delivery", async () => {
    const target = await subscribe(["order.created"]);
    const event = publish("order.created");
    await vi.waitFor(
      async () => expect(await deliveriesOf(target.subscription.id)).toHaveLength(1),
      QUEUE_DEADLINE,
    );

    // The queue delivers at least once: the same message again, through the Worker's queue door.
    const again = await deliverByHand("roms-events", { kind: "fanout", event });
    expect(again.explicitAcks).toHaveLength(1);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM event_deliveries WHERE event_id = ?")
      .bind(event.id)
      .first("n");
    expect(rows).toBe(1);
    await vi.waitFor(async () => expect(await target.log()).toHaveLength(1), QUEUE_DEADLINE);
  });

  it("only the event types a subscription names are delivered to it", async () => {
    const picky = await subscribe(["order.status_changed"]);
    const everything = await subscribe(["order.created", "order.status_changed"]);
    const created = publish("order.created");
    const moved = publish("order.status_changed");

    await vi.waitFor(async () => {
      const ids = (await deliveriesOf(everything.subscription.id)).map((d) => d.event_id);
      expect(ids).toEqual(expect.arrayContaining([created.id, moved.id]));
    }, QUEUE_DEADLINE);
    // Both fan-outs have run (the other subscription has both): the picky one has the one it asked for.
    expect((await deliveriesOf(picky.subscription.id)).map((d) => d.event_id)).toEqual([moved.id]);
    await vi.waitFor(async () => {
      expect((await picky.log()).map((r) => (r.payload as any)?.type)).toEqual(["order.status_changed"]);
    }, QUEUE_DEADLINE);
  });

  // workerd prints the refused connection to stderr ("Network connection lost") although the code catches it.
  it("a receiver that cannot be reached is recorded as a network error and retried", async () => {
    const res = await staff.post(BASE, {
      url: "http://127.0.0.1:1/nothing-listens",
      event_types: ["stock.low"],
    });
    made.push(res.body.id);
    publish("stock.low", { sku: "X-1" });
    await vi.waitFor(async () => {
      const [delivery] = await deliveriesOf(res.body.id);
      expect(delivery).toMatchObject({ status: "retrying", next_attempt_at: expect.any(String) });
      expect(delivery?.attempts[0]).toMatchObject({
        attempt: 1,
        status_code: null,
        error: expect.any(String),
      });
    }, QUEUE_DEADLINE);
  });

  it("deleting a subscription cancels its waiting deliveries, and a late message sends nothing", async () => {
    const target = await subscribe(["stock.low"], "?fail=1000");
    publish("stock.low", { sku: "X-2" });
    await vi.waitFor(async () => {
      expect((await deliveriesOf(target.subscription.id))[0]?.status).toBe("retrying");
    }, QUEUE_DEADLINE);
    const [delivery] = await deliveriesOf(target.subscription.id);

    expect((await staff.del(`${BASE}/${target.subscription.id}`)).status).toBe(204);
    made.splice(made.indexOf(target.subscription.id), 1);
    expect((await staff.get(`${BASE}/${target.subscription.id}/deliveries`)).status).toBe(404);
    const row = await env.DB.prepare("SELECT status, attempts FROM event_deliveries WHERE id = ?")
      .bind(delivery?.id)
      .first<{ status: string; attempts: number }>();
    expect(row?.status).toBe("cancelled");

    const late = await deliverByHand("roms-events", { kind: "deliver", delivery_id: delivery?.id });
    expect(late.explicitAcks).toHaveLength(1);
    const after = await env.DB.prepare("SELECT status, attempts FROM event_deliveries WHERE id = ?")
      .bind(delivery?.id)
      .first<{ status: string; attempts: number }>();
    expect(after).toEqual(row);
  });

  it("a delivery whose retries ran out is marked dead by the dead-letter consumer", async () => {
    const target = await subscribe(["stock.low"], "?fail=1000");
    publish("stock.low", { sku: "X-3" });
    await vi.waitFor(async () => {
      expect((await deliveriesOf(target.subscription.id))[0]?.status).toBe("retrying");
    }, QUEUE_DEADLINE);
    const [delivery] = await deliveriesOf(target.subscription.id);

    const result = await deliverByHand("roms-events-dead", { kind: "deliver", delivery_id: delivery?.id });
    expect(result.explicitAcks).toHaveLength(1);
    const [dead] = await deliveriesOf(target.subscription.id);
    expect(dead).toMatchObject({ id: delivery?.id, status: "dead", next_attempt_at: null });
  });

  it("the clock sends again a delivery whose queue message was lost, and only one that long overdue", async () => {
    const target = await subscribe(["order.updated"]);
    const [lost, recent] = [crypto.randomUUID(), crypto.randomUUID()];
    const payload = JSON.stringify({
      type: "order.updated",
      timestamp: "2026-11-20T10:00:00.000Z",
      data: {},
    });
    // Written as a fan-out writes them, with no message on the queue: one waiting 8 hours, one 10 minutes.
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
    for (const [id, at] of [
      [lost, ago(8 * 3600_000)],
      [recent, ago(10 * 60_000)],
    ] as const) {
      await env.DB.prepare(
        `INSERT INTO event_deliveries (id, subscription_id, event_id, event_type, payload, status, created_at, updated_at)
         VALUES (?, ?, ?, 'order.updated', ?, 'pending', ?, ?)`,
      )
        .bind(id, target.subscription.id, `evt-${id}`, payload, at, at)
        .run();
    }
    expect(await requeueStalled(env, now)).toEqual({ requeued: 1 });
    await vi.waitFor(async () => {
      const byId = Object.fromEntries((await deliveriesOf(target.subscription.id)).map((d) => [d.id, d]));
      expect(byId[lost]).toMatchObject({ status: "delivered", attempt_count: 1 });
      expect(byId[recent]).toMatchObject({ status: "pending", attempt_count: 0 });
    }, QUEUE_DEADLINE);
    expect((await target.log()).map((r) => r.headers["webhook-id"])).toEqual([`evt-${lost}`]);
  });

  it("retries back off from the base to at most six hours, spanning more than a day over 20 retries", () => {
    const deployed = { ...env, EVENT_RETRY_BASE_SECONDS: "30" };
    const waits = Array.from({ length: 20 }, (_, i) => backoffSeconds(deployed, i + 1));
    expect(waits.slice(0, 11)).toEqual([30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600]);
    expect(Math.max(...waits)).toBe(6 * 3600);
    const total = waits.reduce((a, b) => a + b, 0);
    expect(total).toBe(246_690);
    expect(total).toBeGreaterThan(86_400);
  });
});

describe("managing subscriptions", () => {
  it("shows the secret once, in the answer that creates the subscription", async () => {
    const target = receiver();
    const created = await staff.post(BASE, { url: target.url, event_types: ["order.created"] });
    expect(created.status).toBe(201);
    made.push(created.body.id);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(secret.slice("whsec_".length))).toHaveLength(32);
    expect(created.headers.get("cache-control")).toBe("no-store");

    const id = created.body.id;
    const answers = [
      await staff.get(`${BASE}/${id}`),
      await staff.get(BASE),
      await staff.patch(`${BASE}/${id}`, { event_types: ["order.created", "order.updated"] }),
      await staff.get(`${BASE}/${id}/deliveries`),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).not.toContain(secret.slice("whsec_".length));
      expect(JSON.stringify(answer.body)).not.toContain('"secret"');
    }
    expect(answers[1]?.body.items.map((s: any) => s.id)).toContain(id);
  });

  it("repeating a create with its Idempotency-Key makes no second subscription", async () => {
    const body = { url: receiver().url, event_types: ["order.created"] };
    const key = { "idempotency-key": crypto.randomUUID() };
    const first = await staff.post(BASE, body, key);
    const again = await staff.post(BASE, body, key);
    made.push(first.body.id);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    const other = await staff.post(BASE, { ...body, event_types: ["order.updated"] }, key);
    expect(other.status).toBe(422);
  });

  it("lists newest first, a page at a time", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await staff.post(BASE, { url: receiver().url, event_types: ["stock.low"] });
      ids.push(res.body.id);
      made.push(res.body.id);
    }
    const first = await staff.get(`${BASE}?limit=2`);
    expect(first.body.items.map((s: any) => s.id)).toEqual([ids[2], ids[1]]);
    const second = await staff.get(`${BASE}?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.items[0].id).toBe(ids[0]);
  });

  it("refuses bad input with a problem that says what to send instead", async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ url: "http://example.com/hook", event_types: ["order.created"] }, "url", /https/],
      [{ url: "ftp://example.com/hook", event_types: ["order.created"] }, "url", /https:\/\//],
      [{ url: "example.com/hook", event_types: ["order.created"] }, "url", /absolute URL/],
      [{ url: "https://user:pw@example.com/hook", event_types: ["order.created"] }, "url", /credentials/],
      [{ url: "https://example.com/hook", event_types: ["ping"] }, "event_types.0", /invalid fields/],
      [{ url: "https://example.com/hook", event_types: [] }, "event_types", /invalid fields/],
      [
        { url: "https://example.com/hook", event_types: ["order.created"], secret: "x" },
        "",
        /invalid fields/,
      ],
    ];
    for (const [body, path, detail] of cases) {
      const res = await staff.post(BASE, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.body.detail).toMatch(detail);
      expect(res.body.errors.map((e: any) => e.path)).toContain(path);
    }
    const types = await staff.post(BASE, { url: "https://example.com/hook", event_types: ["order.shipped"] });
    expect(types.body.errors[0].message).toMatch(/^One of order\.created, .*stock\.low/);
    const ping = await staff.post(BASE, { url: "https://example.com/hook", event_types: ["ping"] });
    expect(ping.body.errors[0].message).toMatch(/ping is sent on request/);

    const sub = await staff.post(BASE, { url: "https://example.com/hook", event_types: ["order.created"] });
    made.push(sub.body.id);
    const empty = await staff.patch(`${BASE}/${sub.body.id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].message).toMatch(/at least one of url, event_types, enabled/);
    expect((await staff.get(`${BASE}/nope`)).status).toBe(404);
    expect((await staff.post(`${BASE}/nope/ping`)).status).toBe(404);
  });

  it("accepts https anywhere and plain http only to this machine in tests", async () => {
    for (const url of ["https://hooks.example.com/roms", "http://localhost:8080/hook", "http://[::1]:9/x"]) {
      const res = await staff.post(BASE, { url, event_types: ["order.created"] });
      expect(res.status, url).toBe(201);
      made.push(res.body.id);
    }
  });

  it("switching off cancels waiting deliveries; switching on clears the reason", async () => {
    const target = await subscribe(["stock.low"], "?fail=1000");
    publish("stock.low", { sku: "X-4" });
    await vi.waitFor(async () => {
      expect((await deliveriesOf(target.subscription.id))[0]?.status).toBe("retrying");
    }, QUEUE_DEADLINE);
    const off = await staff.patch(`${BASE}/${target.subscription.id}`, { enabled: false });
    expect(off.body).toMatchObject({
      enabled: false,
      disabled_reason: expect.stringMatching(/^switched off by /),
    });
    expect((await deliveriesOf(target.subscription.id))[0]?.status).toBe("cancelled");
    const on = await staff.patch(`${BASE}/${target.subscription.id}`, { enabled: true });
    expect(on.body).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it("needs intake:read to look and intake:write to change", async () => {
    expect((await customer.get(BASE)).status).toBe(403);
    const refused = await customer.post(BASE, {
      url: "https://example.com/hook",
      event_types: ["order.created"],
    });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/intake:write/);
    expect((await actingAs().get(BASE)).status).toBe(401);
  });
});
