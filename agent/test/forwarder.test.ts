import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Forwarder } from "../src/forwarder.ts";
import { readState } from "../src/state.ts";
import { fakeApi } from "./fake-api.ts";
import { filledOutbox, until } from "./harness.ts";

const quiet = () => {};

describe("the forwarder", () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("logs what the API says for the person at the device, and alerts them about an enrollment", async () => {
    const api = await fakeApi();
    await api.start();
    const outbox = await filledOutbox(3);
    const [enrolled, unknown, taken] = (await outbox.pending()).map((e) => e.id);
    const ana = { id: "emp_7", code: "E-7", name: "Ana Lima" };
    api.annotate.set(enrolled!, {
      notice: "Card 04A1B2C3 enrolled for Ana Lima (E-7)",
      enrollment: { status: "bound", employee: ana, card_uid: "04A1B2C3" },
    });
    api.annotate.set(unknown!, { notice: "Unknown card 04FFFFFF: recorded for staff to enroll" });
    api.annotate.set(taken!, {
      enrollment: { status: "refused", employee: ana, card_uid: "04B0B0B0", reason: "card belongs to E-3" },
    });
    const lines: Record<string, any>[] = [];
    const alerts: string[] = [];
    const forwarder = new Forwarder(outbox, {
      apiUrl: api.url,
      deviceToken: "t",
      log: (line) => lines.push(line),
      alert: (text) => alerts.push(text),
    });
    forwarder.start();
    cleanups.push(
      () => forwarder.stop(),
      () => api.stop(),
    );

    await until(async () => (await outbox.pending()).length === 0);
    assert.deepEqual(
      lines.filter((l) => l.msg === "notice").map((l) => [l.level, l.id, l.notice]),
      [
        ["info", enrolled, "Card 04A1B2C3 enrolled for Ana Lima (E-7)"],
        ["info", unknown, "Unknown card 04FFFFFF: recorded for staff to enroll"],
      ],
    );
    assert.deepEqual(
      lines
        .filter((l) => l.msg === "card enrolled" || l.msg === "enrollment refused")
        .map((l) => [l.level, l.msg, l.id, l.employee, l.card_uid, l.reason]),
      [
        ["info", "card enrolled", enrolled, ana, "04A1B2C3", undefined],
        ["warn", "enrollment refused", taken, ana, "04B0B0B0", "card belongs to E-3"],
      ],
    );
    // Only enrollments call for the person's attention; the API's own sentence is used when there is one.
    assert.deepEqual(alerts, [
      "Card 04A1B2C3 enrolled for Ana Lima (E-7)",
      "Card 04B0B0B0 not enrolled for Ana Lima (E-7): card belongs to E-3",
    ]);
  });

  it("saves state.json after a delivered batch and after a failure, keeping the last delivery", async () => {
    const api = await fakeApi();
    await api.start();
    const outbox = await filledOutbox(2);
    const [first, second] = (await outbox.pending()).map((e) => e.id);
    api.refuse.set(second!, "unknown card");
    const options = { apiUrl: api.url, deviceToken: "t", minBackoffMs: 50, maxBackoffMs: 100, log: quiet };
    const forwarder = new Forwarder(outbox, options);
    forwarder.start();
    cleanups.push(
      () => forwarder.stop(),
      () => api.stop(),
    );
    await until(async () => (await readState(outbox.dir)).last_delivery_at !== null);
    assert.deepEqual(await outbox.pending(), []);
    const delivered = await readState(outbox.dir);
    assert.ok(!Number.isNaN(Date.parse(delivered.last_delivery_at!)));
    assert.equal(forwarder.lastDeliveryAt, delivered.last_delivery_at);
    assert.deepEqual(delivered.last_batch, {
      at: delivered.last_delivery_at,
      events: 2,
      accepted: 1,
      duplicates: 0,
      refused: 1,
      first_id: first,
      last_id: second,
    });
    assert.equal(delivered.last_error, null);
    forwarder.stop();

    // A new forwarder (a restart) keeps the last delivery and records the failure beside it.
    api.status = 503;
    await outbox.put({
      id: "000000000009999-000000-x",
      kind: "card",
      value: "AA",
      source: "door",
      at: "2026-11-22T10:00:00Z",
    });
    const again = new Forwarder(outbox, options);
    again.start();
    cleanups.push(() => again.stop());
    await until(async () => (await readState(outbox.dir)).last_error !== null);
    const failed = await readState(outbox.dir);
    assert.equal(failed.last_delivery_at, delivered.last_delivery_at);
    assert.equal(failed.last_error?.status, 503);
    assert.equal(failed.last_error?.msg, "API error");
    assert.equal(again.lastDeliveryAt, delivered.last_delivery_at);
  });
});
