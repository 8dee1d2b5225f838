import assert from "node:assert/strict";
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { startAgent } from "../src/agent.ts";
import { Outbox } from "../src/outbox.ts";
import { cleanScan, parsePorts } from "../src/reader.ts";
import { fakeApi, portPair, until } from "./harness.ts";

const quiet = () => {};
const outboxDir = () => mkdtemp(path.join(tmpdir(), "roms-outbox-"));

describe("the agent", () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("forwards card and barcode lines from real serial ports, in order, with idempotency keys", async () => {
    const api = await fakeApi();
    await api.start();
    const card = await portPair();
    const scanner = await portPair();
    const agent = await startAgent({
      apiUrl: api.url,
      deviceToken: "device-token-1",
      outboxDir: await outboxDir(),
      ports: [
        { name: "door", kind: "card", path: card.device, baudRate: 9600 },
        { name: "stockroom", kind: "barcode", path: scanner.device, baudRate: 9600 },
      ],
      minBackoffMs: 50,
      log: quiet,
    });
    cleanups.push(
      () => agent.stop(),
      () => api.stop(),
      card.close,
      scanner.close,
    );

    await card.write("\x0204A1B2C3D4\x03\r\n");
    await until(() => api.received.length === 1);
    await scanner.write("4006381333931\r\n5901234123457\r\n");
    await until(() => api.received.length === 3);

    assert.deepEqual(
      api.received.map((r) => [r.body.kind, r.body.source, r.body.value]),
      [
        ["card", "door", "04A1B2C3D4"],
        ["barcode", "stockroom", "4006381333931"],
        ["barcode", "stockroom", "5901234123457"],
      ],
    );
    for (const r of api.received) {
      assert.equal(r.idempotencyKey, r.body.id);
      assert.equal(r.authorization, "Bearer device-token-1");
    }
    await until(async () => (await agent.outbox.pending()).length === 0);
  });

  it("loses nothing while the API is down, across an agent restart, and delivers once it is back", async () => {
    const api = await fakeApi();
    const scanner = await portPair();
    const dir = await outboxDir();
    const config = {
      apiUrl: api.url,
      deviceToken: "t",
      outboxDir: dir,
      ports: [{ name: "shop", kind: "barcode" as const, path: scanner.device, baudRate: 9600 }],
      minBackoffMs: 50,
      maxBackoffMs: 200,
      log: quiet,
    };
    const first = await startAgent(config);
    cleanups.push(() => api.stop(), scanner.close);

    await scanner.write("111\n222\n");
    await until(async () => (await first.outbox.pending()).length === 2);
    await first.stop();

    const second = await startAgent(config);
    cleanups.push(() => second.stop());
    await scanner.write("333\n");
    await until(async () => (await second.outbox.pending()).length === 3);
    assert.equal(api.received.length, 0);

    await api.start();
    await until(() => api.received.length === 3);
    assert.deepEqual(
      api.received.map((r) => r.body.value),
      ["111", "222", "333"],
    );
    await until(async () => (await second.outbox.pending()).length === 0);
  });

  it("keeps retrying through API errors and keeps a refused event aside instead of dropping it", async () => {
    const api = await fakeApi();
    await api.start();
    api.status = 503;
    const scanner = await portPair();
    const agent = await startAgent({
      apiUrl: api.url,
      deviceToken: "t",
      outboxDir: await outboxDir(),
      ports: [{ name: "shop", kind: "barcode", path: scanner.device, baudRate: 9600 }],
      minBackoffMs: 50,
      maxBackoffMs: 100,
      log: quiet,
    });
    cleanups.push(
      () => agent.stop(),
      () => api.stop(),
      scanner.close,
    );

    await scanner.write("777\n");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await agent.outbox.pending()).length, 1);

    api.status = 422;
    await until(async () => (await readdir(agent.outbox.deadDir)).length === 1);
    assert.equal((await agent.outbox.pending()).length, 0);
  });

  it("ignores a half-written event left by a crash", async () => {
    const outbox = await new Outbox(await outboxDir()).init();
    await writeFile(path.join(outbox.pendingDir, "000000000000001-x.json.tmp"), '{"id":"000');
    await outbox.put({
      id: "000000000000002-y",
      kind: "card",
      value: "AA",
      source: "door",
      at: "2026-11-22T00:00:00Z",
    });
    assert.deepEqual(
      (await outbox.pending()).map((e) => e.id),
      ["000000000000002-y"],
    );
  });

  it("parses port specs and strips reader framing", () => {
    assert.deepEqual(parsePorts("door:card:/dev/ttyUSB0:19200, shop:barcode:/dev/ttyACM0"), [
      { name: "door", kind: "card", path: "/dev/ttyUSB0", baudRate: 19200 },
      { name: "shop", kind: "barcode", path: "/dev/ttyACM0", baudRate: 9600 },
    ]);
    assert.throws(() => parsePorts("door:printer:/dev/x"), /Bad port entry/);
    assert.equal(cleanScan("\x02 04A1 \x03\r"), "04A1");
  });
});

describe("event ids", () => {
  it("sort in the order events were read, even within one millisecond and when the clock steps back", async () => {
    const { newEventId } = await import("../src/outbox.ts");
    const ids = [newEventId(5_000), newEventId(5_000), newEventId(4_999), newEventId(5_001)];
    assert.deepEqual([...ids].sort(), ids);
  });
});
