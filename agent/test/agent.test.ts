import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, describe, it } from "node:test";
import { startAgent } from "../src/agent.ts";
import { Forwarder } from "../src/forwarder.ts";
import { Outbox } from "../src/outbox.ts";
import { cleanScan } from "../src/reader.ts";
import { fakeApi } from "./fake-api.ts";
import { filledOutbox, portPair, tempDir, until } from "./harness.ts";

const quiet = () => {};
const agentVersion = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")).version;

describe("the agent", () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("forwards card and barcode lines from real serial ports, in order, with the agent version", async () => {
    const api = await fakeApi();
    await api.start();
    const card = await portPair();
    const scanner = await portPair();
    const agent = await startAgent({
      apiUrl: api.url,
      deviceToken: "device-token-1",
      outboxDir: await tempDir("outbox"),
      ports: [
        { name: "door", kind: "card", path: card.device, baudRate: 9600, framing: "crlf" },
        { name: "stockroom", kind: "barcode", path: scanner.device, baudRate: 9600, framing: "cr" },
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
      api.received.map((r) => [r.event.kind, r.event.source, r.event.value]),
      [
        ["card", "door", "04A1B2C3D4"],
        ["barcode", "stockroom", "4006381333931"],
        ["barcode", "stockroom", "5901234123457"],
      ],
    );
    for (const r of api.requests) {
      assert.equal(r.status, 200);
      assert.equal(r.authorization, "Bearer device-token-1");
      assert.equal(r.agentVersion, agentVersion);
    }
    await until(async () => (await agent.outbox.pending()).length === 0);
  });

  it("loses nothing while the API is down, across an agent restart, and delivers once it is back", async () => {
    const api = await fakeApi();
    const scanner = await portPair();
    const dir = await tempDir("outbox");
    const config = {
      apiUrl: api.url,
      deviceToken: "t",
      outboxDir: dir,
      ports: [
        {
          name: "shop",
          kind: "barcode" as const,
          path: scanner.device,
          baudRate: 9600,
          framing: "lf" as const,
        },
      ],
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
      api.received.map((r) => r.event.value),
      ["111", "222", "333"],
    );
    await until(async () => (await second.outbox.pending()).length === 0);
  });

  it("keeps everything through 5xx, 401 and 400 answers, retrying with backoff, then delivers", async () => {
    const api = await fakeApi();
    await api.start();
    api.status = 503;
    const scanner = await portPair();
    const lines: Record<string, unknown>[] = [];
    const agent = await startAgent({
      apiUrl: api.url,
      deviceToken: "t",
      outboxDir: await tempDir("outbox"),
      ports: [{ name: "shop", kind: "barcode", path: scanner.device, baudRate: 9600, framing: "lf" }],
      minBackoffMs: 50,
      maxBackoffMs: 100,
      log: (line) => lines.push(line),
    });
    cleanups.push(
      () => agent.stop(),
      () => api.stop(),
      scanner.close,
    );
    const answered = (status: number) => api.requests.filter((r) => r.status === status).length;

    await scanner.write("777\n");
    await until(() => answered(503) >= 2);
    api.status = 401;
    await until(() => answered(401) >= 2);
    assert.equal((await agent.outbox.pending()).length, 1);
    assert.deepEqual(await readdir(agent.outbox.deadDir), []);

    api.status = 200;
    api.badRequestOnce();
    await until(() => api.received.length === 1);
    assert.equal(answered(400), 1);
    assert.equal(api.received[0]?.event.value, "777");
    assert.deepEqual(await readdir(agent.outbox.deadDir), []);
    assert.ok(lines.some((l) => l.level === "error" && l.status === 400));
    await until(async () => (await agent.outbox.pending()).length === 0);
  });

  it("acks accepted and duplicate events and moves only the refused one to dead/, with its reason", async () => {
    const api = await fakeApi();
    await api.start();
    const outbox = await filledOutbox(4);
    const [first, already, bad, last] = (await outbox.pending()).map((e) => e.id);
    api.seen.add(already!);
    api.refuse.set(bad!, "unknown card 04A1");
    const lines: Record<string, unknown>[] = [];
    const forwarder = new Forwarder(outbox, {
      apiUrl: api.url,
      deviceToken: "t",
      minBackoffMs: 50,
      log: (line) => lines.push(line),
    });
    forwarder.start();
    cleanups.push(
      () => forwarder.stop(),
      () => api.stop(),
    );

    await until(async () => (await outbox.pending()).length === 0);
    assert.deepEqual(
      api.requests.map((r) => [r.status, r.ids]),
      [[200, [first, already, bad, last]]],
    );
    assert.deepEqual(
      api.received.map((r) => r.event.id),
      [first, last],
    );
    assert.deepEqual(await readdir(outbox.deadDir), [`${bad}.json`]);
    const dead = JSON.parse(await readFile(path.join(outbox.deadDir, `${bad}.json`), "utf8"));
    assert.equal(dead.reason, "unknown card 04A1");
    assert.equal(dead.event.id, bad);
    const batch = lines.find((l) => l.msg?.toString().startsWith("batch sent"));
    assert.deepEqual(
      [batch?.delivered, batch?.accepted, batch?.duplicates, batch?.refused],
      [3, 2, 1, [{ id: bad, reason: "unknown card 04A1" }]],
    );
  });

  it("sends events in order in batches of 50", async () => {
    const api = await fakeApi();
    await api.start();
    const outbox = await filledOutbox(120);
    const ids = (await outbox.pending()).map((e) => e.id);
    const forwarder = new Forwarder(outbox, { apiUrl: api.url, deviceToken: "t", log: quiet });
    forwarder.start();
    cleanups.push(
      () => forwarder.stop(),
      () => api.stop(),
    );

    await until(async () => (await outbox.pending()).length === 0);
    assert.deepEqual(
      api.requests.map((r) => [r.status, r.ids.length]),
      [
        [200, 50],
        [200, 50],
        [200, 20],
      ],
    );
    assert.deepEqual(
      api.requests.flatMap((r) => r.ids),
      ids,
    );
    assert.deepEqual(
      api.received.map((r) => r.event.id),
      ids,
    );
  });

  it("honours 429 Retry-After: sends the same batch once after the wait, before the ones behind it", async () => {
    const api = await fakeApi();
    await api.start();
    api.rateLimitOnce(1);
    const outbox = await filledOutbox(60);
    const ids = (await outbox.pending()).map((e) => e.id);
    // A backoff of 50 ms: a retry that ignored Retry-After would come far sooner than 1 s.
    const forwarder = new Forwarder(outbox, {
      apiUrl: api.url,
      deviceToken: "t",
      minBackoffMs: 50,
      log: quiet,
    });
    forwarder.start();
    // New scans wake a backoff, but must not cut short the wait the API asked for.
    const nudge = setInterval(() => forwarder.notify(), 50);
    cleanups.push(
      () => clearInterval(nudge),
      () => forwarder.stop(),
      () => api.stop(),
    );

    await until(async () => (await outbox.pending()).length === 0);
    clearInterval(nudge);
    assert.deepEqual(
      api.requests.map((r) => [r.status, r.ids]),
      [
        [429, ids.slice(0, 50)],
        [200, ids.slice(0, 50)],
        [200, ids.slice(50)],
      ],
    );
    const [limited, retried] = api.requests;
    assert.ok(retried!.at - limited!.at >= 950, `retried after ${retried!.at - limited!.at} ms`);
    assert.deepEqual(
      api.received.map((r) => r.event.id),
      ids,
    );
  });

  it("ignores a half-written event left by a crash", async () => {
    const outbox = await new Outbox(await tempDir("outbox")).init();
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

  it("strips control characters and spaces from a read", () => {
    assert.equal(cleanScan("\x02 04A1 \x03\r"), "04A1");
    assert.equal(cleanScan("\n4006381333931"), "4006381333931");
  });
});

describe("event ids", () => {
  it("sort in the order events were read, even within one millisecond and when the clock steps back", async () => {
    const { newEventId } = await import("../src/outbox.ts");
    const ids = [newEventId(5_000), newEventId(5_000), newEventId(4_999), newEventId(5_001)];
    assert.deepEqual([...ids].sort(), ids);
  });
});
