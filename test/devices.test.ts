// The device door: an agent's batch of reads, kept raw, taken once per read, answered read by read.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import { type ApiClient, actingAs, bearer, call, seedUser, tokenFor } from "./helpers";

const read = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  kind: "card",
  value: "04A2B3C4D5",
  source: "door",
  at: "2026-11-20T07:58:00.000Z",
  ...extra,
});

const send = (token: string, events: unknown[], headers: Record<string, string> = {}) =>
  call("/api/v1/devices/events", {
    method: "POST",
    headers: { ...bearer(token), "content-type": "application/json", ...headers },
    body: JSON.stringify({ events }),
  });

describe("POST /devices/events", () => {
  let admin: ApiClient;
  let device: { id: string; token: string };
  beforeAll(async () => {
    admin = actingAs(await tokenFor(await seedUser("admin")));
    const made = await admin.post("/api/v1/devices", { name: "Front door", location: "Shop" });
    device = { id: made.body.id, token: made.body.token };
  });

  it("takes each read once and answers read by read; a bad read is refused alone", async () => {
    const a = `evt-${crypto.randomUUID()}`;
    const b = `evt-${crypto.randomUUID()}`;
    const bad = `evt-${crypto.randomUUID()}`;
    const batch = [
      read(a),
      read(b, { kind: "barcode", value: "4006381333931", source: "stockroom" }),
      read(bad, { kind: "rfid" }),
    ];
    const first = await send(device.token, batch, { "x-agent-version": "0.3.1" });
    expect(first.status).toBe(200);
    const answer = (await first.json()) as { results: Record<string, unknown>[] };
    expect(answer.results).toEqual([
      // A card nobody holds: taken, and the person at the device is told.
      { id: a, verdict: "accepted", notice: "Unknown card 04A2B3C4D5: recorded for staff to enroll" },
      // A barcode becomes a scan; the person is told what it names.
      { id: b, verdict: "accepted", notice: "Unknown code 4006381333931" },
      { id: bad, verdict: "refused", reason: expect.stringMatching(/^kind: /) },
    ]);
    // Sent again (the agent never heard the answer): nothing is taken twice.
    const again = (await (await send(device.token, batch)).json()) as { results: Record<string, unknown>[] };
    expect(again.results.map((r) => r.verdict)).toEqual(["duplicate", "duplicate", "refused"]);
    const rows = (
      await env.DB.prepare(
        "SELECT event_id, kind, value, reader, read_at FROM device_events WHERE device_id = ? ORDER BY event_id",
      )
        .bind(device.id)
        .all<Record<string, unknown>>()
    ).results;
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.event_id === b)).toMatchObject({
      kind: "barcode",
      value: "4006381333931",
      reader: "stockroom",
    });
    // The device was seen, with its agent's version.
    const seen = (await admin.get(`/api/v1/devices/${device.id}`)).body;
    expect(seen).toMatchObject({ agent_version: "0.3.1", last_seen_at: expect.any(String) });
  });

  it("keeps every batch raw as an ingest record of the device door", async () => {
    const id = `evt-${crypto.randomUUID()}`;
    const body = JSON.stringify({ events: [read(id)] });
    const res = await call("/api/v1/devices/events", {
      method: "POST",
      headers: { ...bearer(device.token), "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(200);
    const records = (await admin.get(`/api/v1/ingest?door=device&source=${device.id}`)).body.items as Record<
      string,
      any
    >[];
    const record = records[0] as Record<string, any>;
    expect(record).toMatchObject({
      verdict: "accepted",
      outcome: "recorded",
      sender: "Front door",
      subject: "1 read",
    });
    expect(
      await (await call(record.raw_url, { headers: bearer(await tokenFor(await seedUser("staff"))) })).text(),
    ).toBe(body);
  });

  it("refuses a read from too far in the future, and a malformed batch whole", async () => {
    const future = (await (
      await send(device.token, [read("f-1", { at: "2099-01-01T00:00:00Z" })])
    ).json()) as any;
    expect(future.results[0]).toMatchObject({ verdict: "refused", reason: expect.stringMatching(/clock/) });
    const empty = await send(device.token, []);
    expect(empty.status).toBe(400);
    expect(empty.headers.get("content-type")).toBe("application/problem+json");
    const noId = await send(device.token, [{ kind: "card" }]);
    expect(noId.status).toBe(400);
  });

  it("is for devices only", async () => {
    expect((await send(await tokenFor(await seedUser("admin")), [read("x")])).status).toBe(403);
    const anonymous = await call("/api/v1/devices/events", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ events: [read("x")] }),
    });
    expect(anonymous.status).toBe(401);
  });

  it("answers 429 with Retry-After when the device's budget is spent, and takes nothing", async () => {
    const spent = { limit: async () => ({ success: false }) } as unknown as RateLimit;
    const id = `evt-${crypto.randomUUID()}`;
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request("http://roms.test/api/v1/devices/events", {
        method: "POST",
        headers: { ...bearer(device.token), "content-type": "application/json" },
        body: JSON.stringify({ events: [read(id)] }),
      }),
      { ...env, DEVICE_LIMITER: spent },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(
      await env.DB.prepare("SELECT count(*) AS n FROM device_events WHERE event_id = ?").bind(id).first("n"),
    ).toBe(0);
  });
});
