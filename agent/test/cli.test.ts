import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Forwarder } from "../src/forwarder.ts";
import { Outbox } from "../src/outbox.ts";
import { readState } from "../src/state.ts";
import { fakeApi } from "./fake-api.ts";
import { cli, tempDir, until, writeConfig } from "./harness.ts";

const read = (n: number, value: string) => ({
  id: `${String(1_000 + n).padStart(15, "0")}-000000-e${n}`,
  kind: "card" as const,
  value,
  source: "door",
  at: new Date(Date.UTC(2026, 10, 22, 9, 0, n)).toISOString(),
});

describe("roms-agent", () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("--help prints the usage; a bad command is a usage error", async () => {
    const help = cli(["--help"]);
    assert.equal(await help.exited, 0);
    assert.match(help.stdout, /^Usage: roms-agent <command>/);
    for (const args of [
      [],
      ["launch"],
      ["enroll"],
      ["status", "--wait", "5"],
      ["enroll", "E-7", "--wait", "soon"],
    ]) {
      const run = cli(args);
      assert.equal(await run.exited, 2, args.join(" "));
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /^roms-agent: .+\n\nUsage:/);
    }
  });

  it("status reports a real outbox from the disk, without the token, whether or not the agent runs", async () => {
    const api = await fakeApi();
    await api.start();
    cleanups.push(() => api.stop());
    // The outbox is given relative to the config file: it is found from there, not from the cwd.
    const site = await tempDir("site");
    const dir = path.join(site, "spool");
    const outbox = await new Outbox(dir).init();
    // One delivered and one refused, then two more that meet a failing API.
    await outbox.put(read(1, "04A1"));
    await outbox.put(read(2, "04B2"));
    api.refuse.set(read(2, "").id, "unknown card");
    const first = new Forwarder(outbox, { apiUrl: api.url, deviceToken: "t", log: () => {} });
    first.start();
    await until(async () => (await readState(dir)).last_delivery_at !== null);
    first.stop();
    const delivered = await readState(dir);
    api.status = 503;
    await outbox.put(read(3, "04C3"));
    await outbox.put(read(4, "04D4"));
    const second = new Forwarder(outbox, {
      apiUrl: api.url,
      deviceToken: "t",
      minBackoffMs: 50,
      log: () => {},
    });
    second.start();
    // It keeps retrying (and rewriting state.json) while status reads: status never sees half a file.
    cleanups.push(() => second.stop());
    await until(async () => (await readState(dir)).last_error !== null);

    // The operator's shell has no ROMS_DEVICE_TOKEN and the file no token: status does not need one.
    const config = await writeConfig(
      {
        api_url: api.url,
        outbox: "spool",
        ports: [{ name: "door", path: "/dev/ttyUSB0", profile: "card-reader" }],
      },
      site,
    );
    const run = cli(["status", "--config", config]);
    assert.equal(await run.exited, 0, run.stderr);
    const [status, ...more] = run.lines();
    assert.equal(more.length, 0);
    assert.deepEqual(Object.keys(status!), [
      "queue_depth",
      "dead",
      "oldest_pending_at",
      "last_delivery_at",
      "last_error",
    ]);
    assert.deepEqual(
      [status!.queue_depth, status!.dead, status!.oldest_pending_at, status!.last_delivery_at],
      [2, 1, read(3, "").at, delivered.last_delivery_at],
    );
    assert.deepEqual([status!.last_error.status, status!.last_error.msg], [503, "API error"]);
    assert.ok(Date.parse(status!.last_error.at) >= Date.parse(delivered.last_delivery_at!));

    // An outbox the agent has not made yet: nothing waiting, nothing known; and nothing is created.
    const fresh = await writeConfig({
      api_url: api.url,
      outbox: path.join(site, "not-yet"),
      ports: [{ name: "door", path: "/dev/ttyUSB0", profile: "card-reader" }],
    });
    const empty = cli(["status", "--config", fresh]);
    assert.equal(await empty.exited, 0, empty.stderr);
    assert.deepEqual(empty.lines(), [
      { queue_depth: 0, dead: 0, oldest_pending_at: null, last_delivery_at: null, last_error: null },
    ]);
    assert.equal(existsSync(path.join(site, "not-yet")), false);
  });

  describe("enroll", () => {
    const ana = { id: "emp_7", code: "E-7", name: "Ana Lima" };

    /** Runs `enroll` against a fresh fake API; the token comes from the environment, as in a service. */
    async function enroll(args: string[]) {
      const api = await fakeApi();
      await api.start();
      cleanups.push(() => api.stop());
      const config = await writeConfig({
        api_url: api.url,
        ports: [{ name: "door", path: "/dev/ttyUSB0", profile: "card-reader" }],
      });
      const run = cli(["enroll", ...args, "--config", config], { ROMS_DEVICE_TOKEN: "device-token-1" });
      return { api, run };
    }

    it("arms, prints what was armed, and exits 0 once the card is bound", async () => {
      const { api, run } = await enroll(["E-7", "--wait", "60"]);
      await until(() => run.stdout.includes("\n"));
      assert.deepEqual(run.lines(), [api.enrollment]);
      assert.deepEqual([api.enrollment?.state, api.enrollment?.employee], ["armed", ana]);
      api.enrollment = {
        ...api.enrollment!,
        state: "bound",
        card_uid: "04A1B2C3",
        settled_at: new Date().toISOString(),
      };
      assert.equal(await run.exited, 0, run.stderr);
      const [armed, final] = run.lines();
      assert.equal(armed?.state, "armed");
      assert.deepEqual(final, api.enrollment);
      assert.match(run.stderr, /Armed for Ana Lima \(E-7\) until .+: present the card at a reader/);
      assert.match(run.stderr, /Enrolled: card 04A1B2C3 is now Ana Lima \(E-7\)'s/);
      // Armed once, then followed; as the device, with the token from ROMS_DEVICE_TOKEN.
      assert.equal(api.enrollmentRequests[0]?.method, "POST");
      assert.ok(api.enrollmentRequests.slice(1).every((r) => r.method === "GET"));
      assert.ok(api.enrollmentRequests.every((r) => r.authorization === "Bearer device-token-1"));
    });

    it("exits 1 with the reason when the card is refused", async () => {
      const { api, run } = await enroll(["E-7"]);
      await until(() => api.enrollment !== undefined);
      const reason = "Card 04A1B2C3 already belongs to Bo Berg (E-3)";
      api.enrollment = { ...api.enrollment!, state: "refused", card_uid: "04A1B2C3", reason };
      assert.equal(await run.exited, 1);
      assert.deepEqual(
        run.lines().map((e) => e.state),
        ["armed", "refused"],
      );
      assert.match(
        run.stderr,
        new RegExp(`roms-agent: enrollment refused: ${reason.replace(/[()]/g, "\\$&")}`),
      );
    });

    it("exits 1 saying which when it expires, or when no card comes within --wait", async () => {
      const expiring = await enroll(["E-7"]);
      await until(() => expiring.api.enrollment !== undefined);
      expiring.api.enrollment = { ...expiring.api.enrollment!, state: "expired" };
      assert.equal(await expiring.run.exited, 1);
      assert.match(expiring.run.stderr, /roms-agent: enrollment expired at .+ before a card was read/);

      const waiting = await enroll(["E-7", "--wait", "0"]);
      assert.equal(await waiting.run.exited, 1);
      assert.deepEqual(
        waiting.run.lines().map((e) => e.state),
        ["armed", "armed"],
      );
      assert.match(
        waiting.run.stderr,
        /timed out: no card read within 0 s; the enrollment stays armed until /,
      );
    });

    it("shows the API's problem detail when it will not arm", async () => {
      const { run } = await enroll(["E-99"]);
      assert.equal(await run.exited, 1);
      assert.equal(run.stdout, "");
      assert.match(
        run.stderr,
        /roms-agent: enrollment for E-99 not armed: No employee with code E-99 \(HTTP 404\)/,
      );
    });
  });
});
