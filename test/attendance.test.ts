// Attendance through its doors: card reads at a device become punches and reports; enrolment binds the next
// card; unknown cards wait for staff; managers' corrections are audited; who is in, live.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { AttendanceChangeFrame, AttendanceWelcomeFrame } from "../src/rooms/frames";
import { type ApiClient, actingAs, bearer, call, makeProduct, seedUser, tokenFor } from "./helpers";
import { join } from "./ws";

let admin: ApiClient;
let manager: ApiClient;
let managerToken: string;
let staff: ApiClient;
let device: { id: string; api: ApiClient };

/** Ana's week: Monday to Friday, 09:00 to 17:00, five minutes' grace. */
const WEEKDAYS = { start: "09:00", end: "17:00" };
const SCHEDULE = {
  monday: WEEKDAYS,
  tuesday: WEEKDAYS,
  wednesday: WEEKDAYS,
  thursday: WEEKDAYS,
  friday: WEEKDAYS,
  grace_minutes: 5,
};

let seq = 0;
const code = (prefix: string) => `${prefix}-${++seq}-${crypto.randomUUID().slice(0, 4)}`;
const uid = () => `04${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;

async function employee(name: string, schedule: unknown = null) {
  const res = await manager.post("/api/v1/employees", { code: code("E"), name, schedule });
  expect(res.status).toBe(201);
  return res.body as { id: string; code: string; name: string };
}

/** Card reads at the device, answered read by read. */
async function tap(...reads: { uid: string; at: string }[]) {
  const res = await device.api.post("/api/v1/devices/events", {
    events: reads.map((r) => ({
      id: crypto.randomUUID(),
      kind: "card",
      value: r.uid,
      source: "door",
      at: r.at,
    })),
  });
  expect(res.status).toBe(200);
  return res.body.results as Record<string, any>[];
}

async function employeeWithCard(name: string, schedule: unknown = null) {
  const person = await employee(name, schedule);
  const card = uid();
  expect((await manager.post(`/api/v1/employees/${person.id}/cards`, { uid: card })).status).toBe(201);
  return { ...person, card };
}

beforeAll(async () => {
  admin = actingAs(await tokenFor(await seedUser("admin")));
  managerToken = await tokenFor(await seedUser("manager"));
  manager = actingAs(managerToken);
  staff = actingAs(await tokenFor(await seedUser("staff")));
  const made = await admin.post("/api/v1/devices", { name: "Front door", heartbeat_seconds: 60 });
  device = { id: made.body.id, api: actingAs(made.body.token) };
});

describe("enrolment", () => {
  it("binds the next card read on the armed device, tells the device, ends the mode; that read is no punch", async () => {
    const ana = await employee("Ana Lima");
    const armed = await manager.post(`/api/v1/devices/${device.id}/enrollment`, { employee_id: ana.id });
    expect(armed.status).toBe(201);
    expect(armed.body).toMatchObject({ state: "armed", employee: { id: ana.id, code: ana.code } });

    // The agent's heartbeat hears of it.
    const beat = await device.api.post("/api/v1/devices/heartbeat", { queue_depth: 0, dead: 0, ports: [] });
    expect(beat.body).toMatchObject({
      interval_seconds: 60,
      enrollment: { id: armed.body.id, employee: { id: ana.id } },
    });

    const card = uid();
    const [first] = await tap({ uid: card.toLowerCase(), at: "2026-11-20T07:58:00Z" });
    expect(first).toMatchObject({
      verdict: "accepted",
      enrollment: {
        status: "bound",
        employee: { id: ana.id, name: "Ana Lima" },
        card_uid: card.toUpperCase(),
      },
      notice: `Card ${card.toUpperCase()} enrolled for Ana Lima (${ana.code})`,
    });
    expect((await manager.get(`/api/v1/devices/${device.id}/enrollment`)).body).toMatchObject({
      state: "bound",
      card_uid: card.toUpperCase(),
    });
    expect((await manager.get(`/api/v1/employees/${ana.id}`)).body.cards).toMatchObject([
      { uid: card.toUpperCase(), device_id: device.id },
    ]);
    expect((await manager.get(`/api/v1/attendance/punches?employee_id=${ana.id}`)).body.items).toEqual([]);
    expect(
      (await device.api.post("/api/v1/devices/heartbeat", { queue_depth: 0, dead: 0 })).body.enrollment,
    ).toBe(null);

    // The mode has ended: the next read of the card is Ana's punch.
    const [next] = await tap({ uid: card, at: "2026-11-20T08:01:00Z" });
    expect(next).toMatchObject({ verdict: "accepted", notice: `Punch recorded for Ana Lima (${ana.code})` });
    expect((await manager.get(`/api/v1/attendance/punches?employee_id=${ana.id}`)).body.items).toMatchObject([
      {
        employee_id: ana.id,
        card_uid: card.toUpperCase(),
        device_id: device.id,
        at: "2026-11-20T08:01:00.000Z",
      },
    ]);
  });

  it("refuses a card that is someone else's, says whose, and ends the mode", async () => {
    const ana = await employeeWithCard("Ana Costa");
    const bo = await employee("Bo Berg");
    await manager.post(`/api/v1/devices/${device.id}/enrollment`, { employee_id: bo.id });
    const [read] = await tap({ uid: ana.card, at: "2026-11-20T09:00:00Z" });
    expect(read?.enrollment).toMatchObject({
      status: "refused",
      employee: { id: bo.id },
      reason: expect.stringContaining(`already bound to Ana Costa (${ana.code})`),
    });
    expect((await manager.get(`/api/v1/devices/${device.id}/enrollment`)).body).toMatchObject({
      state: "refused",
    });
    expect((await manager.get(`/api/v1/employees/${bo.id}`)).body.cards).toEqual([]);
    expect((await manager.get(`/api/v1/employees/${ana.id}`)).body.cards).toHaveLength(1);
    // Over the API too: 409 naming the holder, nothing bound.
    const taken = await manager.post(`/api/v1/employees/${bo.id}/cards`, { uid: ana.card });
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toContain(`Ana Costa (${ana.code})`);
  });

  it("lets the device arm itself by employee code, and disarming ends it", async () => {
    const cy = await employee("Cy Duarte");
    const armed = await device.api.post("/api/v1/devices/enrollment", { employee_code: cy.code });
    expect(armed.status).toBe(201);
    expect(armed.body).toMatchObject({ state: "armed", armed_by: device.id });
    expect((await device.api.get("/api/v1/devices/enrollment")).body.state).toBe("armed");
    expect((await manager.del(`/api/v1/devices/${device.id}/enrollment`)).body.state).toBe("cancelled");
    const unknown = await device.api.post("/api/v1/devices/enrollment", { employee_code: "NOBODY-1" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain("NOBODY-1");
  });
});

describe("unknown cards", () => {
  it("are recorded and listed for staff, and enrolled from the list; later reads are punches", async () => {
    const stranger = uid();
    const reads = await tap(
      { uid: stranger, at: "2026-11-19T08:00:00Z" },
      { uid: stranger, at: "2026-11-19T08:05:00Z" },
    );
    expect(reads.map((r) => r.notice)).toEqual([
      `Unknown card ${stranger.toUpperCase()}: recorded for staff to enroll`,
      `Unknown card ${stranger.toUpperCase()}: recorded for staff to enroll`,
    ]);
    const listed = (await staff.get("/api/v1/cards/unknown")).body.items.find(
      (u: { uid: string }) => u.uid === stranger.toUpperCase(),
    );
    expect(listed).toMatchObject({
      first_seen_at: "2026-11-19T08:00:00.000Z",
      last_seen_at: "2026-11-19T08:05:00.000Z",
      last_device_id: device.id,
      reads: 2,
    });
    const dee = await employee("Dee Ferraz");
    expect((await staff.post(`/api/v1/employees/${dee.id}/cards`, { uid: stranger })).status).toBe(403);
    expect((await manager.post(`/api/v1/employees/${dee.id}/cards`, { uid: stranger })).status).toBe(201);
    expect((await manager.post(`/api/v1/employees/${dee.id}/cards`, { uid: stranger })).status).toBe(200);
    const after = (await staff.get("/api/v1/cards/unknown")).body.items as { uid: string }[];
    expect(after.some((u) => u.uid === stranger.toUpperCase())).toBe(false);
    const [punch] = await tap({ uid: stranger, at: "2026-11-19T09:00:00Z" });
    expect(punch?.notice).toBe(`Punch recorded for Dee Ferraz (${dee.code})`);
  });

  it("a revoked card's reads, and a deactivated employee's, are unknown again", async () => {
    const eve = await employeeWithCard("Eve Gomes");
    const [card] = (await manager.get(`/api/v1/employees/${eve.id}/cards`)).body.items;
    const revoked = await manager.post(`/api/v1/cards/${card.id}/revoke`, { reason: "lost" });
    expect(revoked.body).toMatchObject({ revoked_at: expect.any(String), revoke_reason: "lost" });
    expect((await tap({ uid: eve.card, at: "2026-11-19T10:00:00Z" }))[0]?.notice).toContain("Unknown card");

    const fay = await employeeWithCard("Fay Hale");
    const off = await manager.patch(`/api/v1/employees/${fay.id}`, { active: false });
    expect(off.body).toMatchObject({ active: false, cards: [] });
    expect((await tap({ uid: fay.card, at: "2026-11-19T10:00:00Z" }))[0]?.notice).toContain("Unknown card");
  });
});

describe("punches and reports", () => {
  it("derive days from card reads: toggles, a double tap, a night shift, a forgotten clock-out, absences", async () => {
    const ana = await employeeWithCard("Ana Reis", SCHEDULE);
    await tap(
      { uid: ana.card, at: "2026-11-16T08:58:00Z" }, // Monday in
      { uid: ana.card, at: "2026-11-16T08:58:30Z" }, // double tap: ignored
      { uid: ana.card, at: "2026-11-16T17:05:00Z" }, // out
      { uid: ana.card, at: "2026-11-17T22:00:00Z" }, // Tuesday night shift in
      { uid: ana.card, at: "2026-11-18T06:00:00Z" }, // out on Wednesday morning
      { uid: ana.card, at: "2026-11-19T09:20:00Z" }, // Thursday in, late, never out
    );
    // The raw punches are all kept, the double tap too.
    expect((await staff.get(`/api/v1/attendance/punches?employee_id=${ana.id}`)).body.items).toHaveLength(6);

    const days = await staff.get(
      `/api/v1/attendance/days?from=2026-11-16&to=2026-11-20&tz=UTC&employee_id=${ana.id}`,
    );
    expect(days.status).toBe(200);
    const row = (date: string) => days.body.items.find((d: { date: string }) => d.date === date);
    expect(row("2026-11-16")).toMatchObject({
      employee: { id: ana.id, code: ana.code, name: "Ana Reis" },
      minutes: 487,
      first_in: "2026-11-16T08:58:00+00:00",
      last_out: "2026-11-16T17:05:00+00:00",
      late: false,
      left_early: false,
      flags: [],
    });
    // The night shift counts, whole, toward the evening it began.
    expect(row("2026-11-17")).toMatchObject({
      minutes: 480,
      late: true,
      last_out: "2026-11-18T06:00:00+00:00",
    });
    expect(row("2026-11-18")).toMatchObject({ minutes: 0, flags: ["absent"] });
    // Closed by the rule 14 hours after clocking in, and flagged.
    expect(row("2026-11-19")).toMatchObject({
      minutes: 840,
      late: true,
      last_out: "2026-11-19T23:20:00+00:00",
      flags: ["forgotten_clock_out"],
    });
    expect(row("2026-11-20")).toMatchObject({ flags: ["absent"] });

    const weeks = await staff.get(
      `/api/v1/attendance/weeks?from=2026-11-16&to=2026-11-22&employee_id=${ana.id}&tz=UTC`,
    );
    expect(weeks.body.items).toEqual([
      { employee: expect.objectContaining({ id: ana.id }), week: "2026-W47", minutes: 1807 },
    ]);

    const month = await staff.get(`/api/v1/attendance/months?month=2026-11&tz=UTC&employee_id=${ana.id}`);
    expect(month.body.items).toEqual([
      {
        employee: expect.objectContaining({ id: ana.id }),
        month: "2026-11",
        minutes: 1807,
        days_worked: 3,
        late: 2,
        left_early: 0,
        // Every scheduled weekday of November without a session: 21 weekdays less the 3 worked.
        absent: 18,
        forgotten_clock_outs: 1,
      },
    ]);

    const present = async (at: string) =>
      (
        await staff.get(`/api/v1/attendance/present?tz=Europe/Lisbon&at=${encodeURIComponent(at)}`)
      ).body.items.filter((p: { employee: { id: string } }) => p.employee.id === ana.id);
    expect(await present("2026-11-19T12:00:00Z")).toEqual([
      { employee: expect.objectContaining({ id: ana.id }), since: "2026-11-19T09:20:00+00:00" },
    ]);
    expect(await present("2026-11-20T00:00:00Z")).toEqual([]);
  });

  it("exports CSV a spreadsheet reads: codes and names, quotes doubled, formulas as text", async () => {
    const bo = await employeeWithCard('=Bo, "the" Boss');
    await tap({ uid: bo.card, at: "2026-11-16T09:00:00Z" }, { uid: bo.card, at: "2026-11-16T12:30:00Z" });
    const res = await call(
      `/api/v1/attendance/days.csv?from=2026-11-16&to=2026-11-16&tz=UTC&employee_id=${bo.id}`,
      { headers: bearer(managerToken) },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="attendance-2026-11-16-2026-11-16.csv"',
    );
    expect(await res.text()).toBe(
      "employee_code,name,date,minutes,first_in,last_out,late,left_early,flags\r\n" +
        `${bo.code},"'=Bo, ""the"" Boss",2026-11-16,210,2026-11-16T09:00:00+00:00,2026-11-16T12:30:00+00:00,false,false,\r\n`,
    );
  });

  it("reports in the asked time zone across a daylight-saving change", async () => {
    const cy = await employeeWithCard("Cy Night");
    // 22:00 CEST on Saturday 24 October to 06:00 CET on Sunday: the clocks went back at 03:00.
    await tap({ uid: cy.card, at: "2026-10-24T20:00:00Z" }, { uid: cy.card, at: "2026-10-25T05:00:00Z" });
    const days = await staff.get(
      `/api/v1/attendance/days?from=2026-10-24&to=2026-10-25&tz=Europe/Berlin&employee_id=${cy.id}`,
    );
    expect(days.body).toMatchObject({
      time_zone: "Europe/Berlin",
      items: [
        {
          date: "2026-10-24",
          minutes: 540,
          first_in: "2026-10-24T22:00:00+02:00",
          last_out: "2026-10-25T06:00:00+01:00",
        },
      ],
    });
  });

  it("refuses reports it cannot make, saying why", async () => {
    const bad = [
      ["/api/v1/attendance/days?from=2026-11-20&to=2026-11-16", "to"],
      ["/api/v1/attendance/days?from=2026-01-01&to=2026-11-16", "to"],
      ["/api/v1/attendance/days?from=2026-11-16&to=2026-11-20&tz=Mars/Olympus", "tz"],
      ["/api/v1/attendance/months?month=2026-13", "month"],
    ] as const;
    for (const [path, field] of bad) {
      const res = await staff.get(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
  });
});

describe("corrections", () => {
  it("are made by managers with a reason, audited, withdrawn, and never change a punch", async () => {
    const di = await employeeWithCard("Di Moura");
    await tap({ uid: di.card, at: "2026-11-18T09:00:00Z" });
    const days = async () =>
      (await staff.get(`/api/v1/attendance/days?from=2026-11-18&to=2026-11-18&tz=UTC&employee_id=${di.id}`))
        .body.items[0];
    expect(await days()).toMatchObject({ minutes: 840, flags: ["forgotten_clock_out"] });

    const refused = await staff.post("/api/v1/attendance/corrections", {
      kind: "add_out",
      employee_id: di.id,
      at: "2026-11-18T17:00:00Z",
      reason: "forgot to tap out",
    });
    expect(refused.status).toBe(403);
    const noReason = await manager.post("/api/v1/attendance/corrections", {
      kind: "add_out",
      employee_id: di.id,
      at: "2026-11-18T17:00:00Z",
      reason: "",
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe("reason");

    const made = await manager.post("/api/v1/attendance/corrections", {
      kind: "add_out",
      employee_id: di.id,
      at: "2026-11-18T17:00:00Z",
      reason: "forgot to tap out; confirmed with her",
    });
    expect(made.status).toBe(201);
    expect(await days()).toMatchObject({
      minutes: 480,
      flags: ["corrected"],
      last_out: "2026-11-18T17:00:00+00:00",
    });

    const punches = (await staff.get(`/api/v1/attendance/punches?employee_id=${di.id}`)).body.items;
    const ignore = await manager.post("/api/v1/attendance/corrections", {
      kind: "ignore_punch",
      punch_id: punches[0].id,
      reason: "tapped by a colleague",
    });
    expect(ignore.status).toBe(201);
    expect((await days())?.minutes ?? 0).toBe(0);
    expect(
      (
        await manager.post("/api/v1/attendance/corrections", {
          kind: "ignore_punch",
          punch_id: punches[0].id,
          reason: "again",
        })
      ).status,
    ).toBe(409);

    const withdrawn = await manager.post(`/api/v1/attendance/corrections/${ignore.body.id}/withdraw`, {
      reason: "it was her after all",
    });
    expect(withdrawn.body).toMatchObject({
      withdrawn_at: expect.any(String),
      withdraw_reason: "it was her after all",
    });
    expect(await days()).toMatchObject({ minutes: 480 });

    const trail = (await staff.get(`/api/v1/attendance/corrections?employee_id=${di.id}`)).body.items;
    expect(trail).toHaveLength(2);
    expect(trail.every((c: { created_by: string; reason: string }) => c.created_by && c.reason)).toBe(true);
    // The punch is as it was read.
    expect((await staff.get(`/api/v1/attendance/punches?employee_id=${di.id}`)).body.items).toEqual(punches);
  });
});

describe("who is in, live", () => {
  it("the room welcomes with everyone in and tells each change as cards are read", async () => {
    const eli = await employeeWithCard("Eli Prado");
    const room = await join("/api/v1/attendance/live", managerToken);
    const welcome = await room.next("welcome");
    expect(AttendanceWelcomeFrame.safeParse(welcome).success).toBe(true);

    // Times relative to now: the room shows who is in now.
    const now = Date.now();
    await tap({ uid: eli.card, at: new Date(now - 180_000).toISOString() });
    let change = await room.next("attendance");
    while (change.employee.id !== eli.id) change = await room.next("attendance");
    expect(AttendanceChangeFrame.safeParse(change).success).toBe(true);
    expect(change).toMatchObject({ change: "in", employee: { id: eli.id, name: "Eli Prado" } });
    expect(change.seq).toBeGreaterThan(welcome.seq);
    const present = (await staff.get("/api/v1/attendance/present")).body.items;
    expect(present.some((p: { employee: { id: string } }) => p.employee.id === eli.id)).toBe(true);

    await tap({ uid: eli.card, at: new Date(now - 60_000).toISOString() });
    let out = await room.next("attendance");
    while (out.employee.id !== eli.id) out = await room.next("attendance");
    expect(out).toMatchObject({ change: "out", seq: change.seq + 1 });

    // A newcomer's welcome holds the state.
    const later = await join("/api/v1/attendance/live", managerToken);
    const state = await later.next("welcome");
    expect(state.clocked_in.some((c: { employee: { id: string } }) => c.employee.id === eli.id)).toBe(false);
    room.close();
    later.close();
  });
});

describe("devices", () => {
  it("show online after a heartbeat and offline once silent longer than their interval", async () => {
    const made = await admin.post("/api/v1/devices", { name: "Back door", heartbeat_seconds: 30 });
    const api = actingAs(made.body.token);
    expect((await admin.get(`/api/v1/devices/${made.body.id}`)).body.status).toBe("never_seen");
    const beat = await api.post(
      "/api/v1/devices/heartbeat",
      {
        queue_depth: 3,
        dead: 1,
        last_delivery_at: "2026-11-20T08:00:00Z",
        ports: [{ name: "door", kind: "card", path: "/dev/ttyUSB0", open: true }],
        future_field: 1,
      },
      { "x-agent-version": "0.2.0" },
    );
    expect(beat.body).toMatchObject({ device_id: made.body.id, interval_seconds: 30, enrollment: null });
    expect((await admin.get(`/api/v1/devices/${made.body.id}`)).body).toMatchObject({
      status: "online",
      agent_version: "0.2.0",
      last_heartbeat: { queue_depth: 3, dead: 1, ports: [{ name: "door", open: true }] },
    });
    // Its last word 31 seconds ago: offline. (The data is moved, not the clock.)
    await env.DB.prepare("UPDATE devices SET last_seen_at = ? WHERE id = ?")
      .bind(new Date(Date.now() - 31_000).toISOString(), made.body.id)
      .run();
    expect((await admin.get(`/api/v1/devices/${made.body.id}`)).body.status).toBe("offline");
    const bad = await api.post("/api/v1/devices/heartbeat", { queue_depth: -1, dead: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe("queue_depth");
  });

  it("barcode reads reach scan resolution: a product by its barcode or SKU, or nothing", async () => {
    const product = await makeProduct(manager, { barcodes: [{ barcode: "4006381333931", kind: "ean13" }] });
    const res = await device.api.post("/api/v1/devices/events", {
      events: [
        {
          id: crypto.randomUUID(),
          kind: "barcode",
          value: "4006381333931",
          source: "stockroom",
          at: "2026-11-20T10:00:00Z",
        },
        {
          id: crypto.randomUUID(),
          kind: "barcode",
          value: product.sku,
          source: "stockroom",
          at: "2026-11-20T10:00:01Z",
        },
        {
          id: crypto.randomUUID(),
          kind: "barcode",
          value: "NO-SUCH-CODE",
          source: "stockroom",
          at: "2026-11-20T10:00:02Z",
        },
      ],
    });
    expect(res.body.results.map((r: { verdict: string }) => r.verdict)).toEqual([
      "accepted",
      "accepted",
      "accepted",
    ]);
    const scans = (await staff.get(`/api/v1/scans?device_id=${device.id}&limit=3`)).body.items;
    expect(
      scans.map((s: Record<string, any>) => [
        s.code,
        s.target?.id ?? null,
        s.target?.via ?? null,
        s.outcome,
        s.reader,
      ]),
    ).toEqual([
      ["NO-SUCH-CODE", null, null, "unknown", "stockroom"],
      [product.sku, product.id, "sku", "resolved", "stockroom"],
      ["4006381333931", product.id, "barcode", "resolved", "stockroom"],
    ]);
  });
});
