import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { startAgent } from "../src/agent.ts";
import { Framer, type Framing, MAX_READ_BYTES } from "../src/framing.ts";
import { openReader } from "../src/reader.ts";
import { fakeApi } from "./fake-api.ts";
import { cli, portPair, tempDir, until, writeConfig } from "./harness.ts";

const quiet = () => {};

describe("framing", () => {
  it("splits the byte stream into reads however it is chunked", () => {
    const framer = new Framer("crlf");
    assert.deepEqual(framer.push(Buffer.from("04A1\r")).reads, []);
    assert.deepEqual(framer.push(Buffer.from("\n04B2\r\n04C")).reads, ["04A1", "04B2"]);
    assert.deepEqual(framer.push(Buffer.from("3\r\n")).reads, ["04C3"]);

    const stx = new Framer("stx-etx");
    // Bytes outside STX...ETX are no read; a frame cut off by a new STX is no read either.
    assert.deepEqual(stx.push(Buffer.from("noise\x0204A1\x03\r\n\x0204")).reads, ["04A1"]);
    assert.deepEqual(stx.push(Buffer.from("B2\x02")).reads, []);
    assert.deepEqual(stx.push(Buffer.from("04C3\x03")).reads, ["04C3"]);
  });

  it("throws away a run of bytes with no end in sight, and says so", () => {
    for (const framing of ["cr", "stx-etx"] as Framing[]) {
      const framer = new Framer(framing);
      const start = framing === "stx-etx" ? "\x02" : "";
      assert.deepEqual(framer.push(Buffer.from(start + "x".repeat(MAX_READ_BYTES + 1))), {
        reads: [],
        overflow: true,
      });
      const end = framing === "stx-etx" ? "\x0204A1\x03" : "04A1\r";
      assert.deepEqual(framer.push(Buffer.from(end)), { reads: ["04A1"], overflow: false });
    }
  });

  it("reads cr, crlf and stx-etx framed devices on real serial ports", async () => {
    const cases: [Framing, string[], string[]][] = [
      ["cr", ["4006381333931\r5901234123457\r"], ["4006381333931", "5901234123457"]],
      ["crlf", ["04A1B2C3\r\n04D5", "E6F7\r\n"], ["04A1B2C3", "04D5E6F7"]],
      ["stx-etx", ["\x0204A1B2C3\x03\r\n\x0204D5", "E6F7\x03"], ["04A1B2C3", "04D5E6F7"]],
      ["lf", ["ABC-1\nABC-2\n"], ["ABC-1", "ABC-2"]],
    ];
    for (const [framing, writes, expected] of cases) {
      const pair = await portPair();
      const values: string[] = [];
      const reader = openReader(
        { name: framing, kind: "card", path: pair.device, baudRate: 9600, framing },
        async (event) => {
          values.push(event.value);
        },
        quiet,
      );
      try {
        await until(() => reader.isOpen);
        for (const text of writes) await pair.write(text);
        await until(() => values.length === expected.length);
        assert.deepEqual(values, expected, framing);
      } finally {
        await reader.close();
        await pair.close();
      }
    }
  });
});

describe("a port that goes away", () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("is reopened after an unplug, and reads continue; the agent keeps running", async () => {
    const api = await fakeApi();
    await api.start();
    const pair = await portPair();
    const file = await writeConfig({
      api_url: api.url,
      device_token: "device-token-1",
      outbox: await tempDir("outbox"),
      heartbeat_seconds: 0.2,
      ports: [{ name: "door", path: pair.device, profile: "card-reader" }],
    });
    const agent = cli(["start", "--config", file]);
    let exitCode: number | null | undefined;
    void agent.exited.then((code) => (exitCode = code));
    cleanups.push(
      () => agent.kill(),
      () => api.stop(),
      pair.close,
    );
    const logged = (msg: string) => agent.lines().filter((l) => l.msg === msg);

    await until(() => logged("port open").length === 1);
    await pair.write("04A1B2C3\r\n");
    await until(() => api.received.length === 1);

    await pair.unplug();
    await until(() => logged("port closed; reopening").length === 1);
    assert.deepEqual(
      [logged("port closed; reopening")[0]?.level, logged("port closed; reopening")[0]?.port],
      ["warn", "door"],
    );
    assert.equal(logged("port closed; reopening")[0]?.path, pair.device);
    await until(() => api.heartbeats.some((h) => h.body.ports[0]?.open === false));

    await pair.plugIn();
    await until(() => logged("port open").length === 2);
    await pair.write("04D5E6F7\r\n");
    await until(() => api.received.length === 2);
    assert.deepEqual(
      api.received.map((r) => [r.event.source, r.event.value]),
      [
        ["door", "04A1B2C3"],
        ["door", "04D5E6F7"],
      ],
    );
    assert.equal(exitCode, undefined, "the agent exited");
    await until(() => logged("batch sent").length === 2);

    // A graceful stop; stdout held JSON lines only throughout (lines() parses every one).
    agent.kill("SIGTERM");
    assert.equal(await agent.exited, 0);
    assert.deepEqual(
      agent
        .lines()
        .slice(-2)
        .map((l) => l.msg),
      ["stopping", "stopped"],
    );
    assert.ok(agent.lines().every((l) => typeof l.time === "string" && typeof l.level === "string"));
  });

  it("does not stop the agent from starting when it is missing, and is opened once it is there", async () => {
    const api = await fakeApi();
    await api.start();
    const pair = await portPair({ plugged: false });
    const lines: Record<string, any>[] = [];
    const agent = await startAgent({
      apiUrl: api.url,
      deviceToken: "t",
      outboxDir: await tempDir("outbox"),
      ports: [{ name: "stockroom", kind: "barcode", path: pair.device, baudRate: 9600, framing: "cr" }],
      heartbeatSeconds: 0.1,
      log: (line) => lines.push(line),
    });
    cleanups.push(
      () => agent.stop(),
      () => api.stop(),
      pair.close,
    );

    await until(() => lines.some((l) => l.msg === "port closed; reopening"));
    await until(() => api.heartbeats.some((h) => h.body.ports[0]?.open === false));
    await pair.plugIn();
    await until(() => agent.readers[0]!.isOpen);
    await pair.write("4006381333931\r");
    await until(() => api.received.length === 1);
    assert.equal(api.received[0]?.event.value, "4006381333931");
    await until(() => api.heartbeats.at(-1)?.body.ports[0]?.open === true);
    assert.equal(lines.filter((l) => l.msg === "port closed; reopening").length, 1, "one line per outage");
  });
});
