import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { startAgent } from "../src/agent.ts";
import { fakeApi } from "./fake-api.ts";
import { portPair, tempDir, until } from "./harness.ts";

describe("heartbeats", () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("reach the API with the queue depth and the ports' state, and log an armed enrollment", async () => {
    const api = await fakeApi();
    await api.start();
    api.status = 503;
    const card = await portPair();
    const lines: Record<string, any>[] = [];
    const agent = await startAgent({
      apiUrl: api.url,
      deviceToken: "device-token-1",
      outboxDir: await tempDir("outbox"),
      ports: [{ name: "door", kind: "card", path: card.device, baudRate: 9600, framing: "crlf" }],
      heartbeatSeconds: 0.1,
      minBackoffMs: 50,
      maxBackoffMs: 100,
      log: (line) => lines.push(line),
    });
    cleanups.push(
      () => agent.stop(),
      () => api.stop(),
      card.close,
    );
    const logged = (msg: string) => lines.filter((l) => l.msg === msg);

    await until(() => api.heartbeats.length > 0);
    assert.deepEqual(api.heartbeats[0], {
      status: 200,
      authorization: "Bearer device-token-1",
      body: {
        queue_depth: 0,
        dead: 0,
        last_delivery_at: null,
        ports: [{ name: "door", kind: "card", path: card.device, open: true }],
      },
    });
    await until(() => logged("heartbeat answered").length > 0);
    assert.deepEqual(
      [logged("heartbeat answered")[0]?.device_id, logged("heartbeat answered")[0]?.interval_seconds],
      ["dev_shop_1", 60],
    );

    // The API is failing event batches: the read waits in the outbox, and the heartbeat says so.
    await card.write("04A1B2C3\r\n");
    await until(() => api.heartbeats.some((h) => h.body.queue_depth === 1));
    api.status = 200;
    await until(() => api.received.length === 1);
    await until(() => {
      const last = api.heartbeats.at(-1)?.body;
      return last?.queue_depth === 0 && typeof last.last_delivery_at === "string";
    });

    const employee = { id: "emp_7", code: "E-7", name: "Ana Lima" };
    api.enrollment = {
      id: "enr_1",
      device_id: "dev_shop_1",
      employee,
      state: "armed",
      armed_by: "usr_maren",
      armed_at: "2026-11-22T09:00:00.000Z",
      expires_at: "2026-11-22T09:02:00.000Z",
      card_uid: null,
      reason: null,
      settled_at: null,
    };
    await until(() => logged("enrollment armed").length === 1);
    const armed = logged("enrollment armed")[0];
    assert.deepEqual(
      [armed?.level, armed?.enrollment_id, armed?.employee, armed?.expires_at],
      ["info", "enr_1", employee, "2026-11-22T09:02:00.000Z"],
    );
    assert.equal(agent.heartbeat.enrollment?.id, "enr_1");
    api.enrollment = { ...api.enrollment, state: "bound", card_uid: "04D5E6F7" };
    await until(() => logged("enrollment no longer armed").length === 1);
    assert.equal(agent.heartbeat.enrollment, null);
    assert.equal(logged("enrollment armed").length, 1, "logged once, not at every beat");
  });

  it("that fail are logged and tried again, and never hold up the reads", async () => {
    const api = await fakeApi();
    await api.start();
    api.heartbeatStatus = 401;
    const scanner = await portPair();
    const lines: Record<string, any>[] = [];
    const agent = await startAgent({
      apiUrl: api.url,
      deviceToken: "t",
      outboxDir: await tempDir("outbox"),
      ports: [{ name: "stockroom", kind: "barcode", path: scanner.device, baudRate: 9600, framing: "cr" }],
      heartbeatSeconds: 0.1,
      log: (line) => lines.push(line),
    });
    cleanups.push(
      () => agent.stop(),
      () => api.stop(),
      scanner.close,
    );
    const failures = () => lines.filter((l) => l.msg.startsWith("heartbeat failed"));

    await until(() => failures().length >= 2);
    assert.deepEqual([failures()[0]?.level, failures()[0]?.status], ["warn", 401]);
    await until(() => agent.readers[0]!.isOpen);
    await scanner.write("4006381333931\r");
    await until(() => api.received.length === 1);
    api.heartbeatStatus = 200;
    await until(() => lines.some((l) => l.msg === "heartbeat answered"));
  });

  it("come a third of the API's interval apart when no period is configured", async () => {
    const api = await fakeApi();
    await api.start();
    // 0.3 s from the API: beats every 0.1 s. Were the answer ignored, the next beat would be 20 s away.
    api.intervalSeconds = 0.3;
    const agent = await startAgent({
      apiUrl: api.url,
      deviceToken: "t",
      outboxDir: await tempDir("outbox"),
      ports: [],
      log: () => {},
    });
    cleanups.push(
      () => agent.stop(),
      () => api.stop(),
    );
    await until(() => api.heartbeats.length >= 3);
  });
});
