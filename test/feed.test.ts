// The shop's live feed: staff dashboards see every announced event once, numbered and in order, resume by
// seq without gap or repeat, are told when a resume is older than the feed keeps, and nobody else gets in.

import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import asyncApi300 from "@asyncapi/specs/schemas/3.0.0-without-$id.json";
import { Validator } from "@cfworker/json-schema";
import { z } from "@hono/zod-openapi";
import { beforeAll, describe, expect, it } from "vitest";
import { type DomainEvent, domainEvent } from "../src/modules/events/announce";
import {
  ErrorFrame,
  FEED_KEPT,
  FEED_RECENT,
  FeedEventFrame,
  FeedWelcomeFrame,
  PongFrame,
  PresenceFrame,
} from "../src/rooms/frames";
import { feedRoom } from "../src/rooms/stubs";
import { bearer, call, problemOf, type SeededUser, seedCustomer, seedUser, tokenFor } from "./helpers";

type Frame = Record<string, any>;

/** A dashboard socket on the feed that keeps every frame it receives, in order. */
async function watch(token: string, after?: number | string) {
  const query = new URLSearchParams({ access_token: token });
  if (after !== undefined) query.set("after", String(after));
  const res = await call(`/api/v1/feed?${query}`, { headers: { upgrade: "websocket" } });
  if (res.status !== 101 || !res.webSocket) throw new Error(`join failed: ${res.status} ${await res.text()}`);
  const ws = res.webSocket;
  const frames: Frame[] = [];
  // Checked on every frame, not on a timer: a test busy announcing can keep timers from firing for long.
  const waiting = new Set<() => void>();
  ws.addEventListener("message", (event) => {
    frames.push(JSON.parse(event.data as string));
    for (const check of waiting) check();
  });
  ws.accept();
  const events = () => frames.filter((f) => f.type === "event");
  /** Resolves once the frames received so far satisfy `seen`; fails after 5 s without. */
  const until = (seen: (frames: Frame[]) => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (seen(frames)) return resolve();
      const check = () => {
        if (!seen(frames)) return;
        clearTimeout(timer);
        waiting.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`no ${what}; got ${JSON.stringify(frames).slice(0, 2000)}`));
      }, 5000);
      waiting.add(check);
    });
  return {
    ws,
    frames,
    events,
    until,
    /** The first frame, which must be the welcome. */
    welcome: async () => {
      await until((f) => f.length > 0, "welcome");
      expect(frames[0]?.type).toBe("welcome");
      return frames[0] as Frame;
    },
    /** Waits for the event with this id. */
    sees: (id: string) => until(() => events().some((f) => f.event.id === id), `event ${id}`),
    close: () => ws.close(1000, "done"),
  };
}

const room = () => feedRoom(env);
let n = 0;
const orderEvent = (): DomainEvent =>
  domainEvent("order.created", { order: { id: `ord_${++n}_${crypto.randomUUID()}`, status: "placed" } });
const seqsOf = (frames: Frame[]) => frames.map((f) => f.seq as number);
const consecutive = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

let managerToken: string;
let staffToken: string;
let manager: SeededUser;
let staff: SeededUser;
beforeAll(async () => {
  manager = await seedUser("manager");
  staff = await seedUser("staff");
  managerToken = await tokenFor(manager);
  staffToken = await tokenFor(staff);
});

describe("the shop's live feed", () => {
  it("two dashboards see who is watching and every event, in the same order, with consecutive seqs", async () => {
    const a = await watch(managerToken);
    const aWelcome = await a.welcome();
    const b = await watch(staffToken);
    const bWelcome = await b.welcome();
    expect(bWelcome.present.map((m: Frame) => m.id).sort()).toEqual([manager.id, staff.id].sort());
    expect(bWelcome.you).toMatchObject({ id: staff.id, role: "staff" });
    await a.until(
      (f) => f.some((x) => x.type === "presence" && x.joined.some((m: Frame) => m.id === staff.id)),
      "b's presence",
    );
    const joined = a.frames.find((f) => f.type === "presence");
    expect(joined).toMatchObject({ joined: [{ id: staff.id }], left: [] });
    // A change, not the whole list again: a join costs the same at any room size.
    expect(joined).not.toHaveProperty("present");

    const batch = [orderEvent(), orderEvent(), orderEvent()];
    const single = orderEvent();
    expect(await room().announce(batch)).toBe(3);
    expect(await room().announce([single])).toBe(1);
    const ids = [...batch, single].map((e) => e.id);
    await a.sees(single.id);
    await b.sees(single.id);

    for (const dashboard of [a, b]) {
      expect(dashboard.events().map((f) => f.event.id)).toEqual(ids);
      expect(seqsOf(dashboard.events())).toEqual(consecutive(aWelcome.head + 1, 4));
    }
    expect(a.events()[0]?.event).toEqual(batch[0]);
    a.close();
    b.close();
  });

  it("a dashboard that rejoins after its last seq gets exactly what it missed, then live events, none twice", async () => {
    const a = await watch(managerToken);
    await a.welcome();
    const seen = orderEvent();
    await room().announce([seen]);
    await a.sees(seen.id);
    const last = a.events().at(-1)?.seq as number;
    a.close();

    const missed = [orderEvent(), orderEvent(), orderEvent()];
    await room().announce(missed.slice(0, 2));
    await room().announce(missed.slice(2));
    // Events keep coming, one announce after another, from before the dashboard joins until it has seen
    // several of them live: some land in its backlog, some while it is catching up, some after.
    const pumped: DomainEvent[] = [];
    let pumping = true;
    const pump = (async () => {
      // Bounded, so that a room that never sends what the test waits for fails the test instead of hanging.
      while (pumping && pumped.length < 2000) {
        const event = orderEvent();
        pumped.push(event);
        await room().announce([event]);
      }
    })();
    const again = await watch(managerToken, last);
    const welcome = await again.welcome();
    expect(welcome).toMatchObject({ gap: false, recent: [] });
    expect(welcome.head).toBeGreaterThanOrEqual(last + missed.length);
    await again.until(() => again.events().filter((f) => f.seq > welcome.head).length >= 5, "live events");
    pumping = false;
    await pump;
    const live = orderEvent();
    await room().announce([live]);
    await again.sees(live.id);

    // Exactly what was announced after `last`, in the order it was announced, each once, numbered without a hole.
    const got = again.events();
    const announced = [...missed, ...pumped, live].map((e) => e.id);
    expect(got.map((f) => f.event.id)).toEqual(announced);
    expect(seqsOf(got)).toEqual(consecutive(last + 1, announced.length));
    again.close();
  });

  it("stores and sends an event announced twice only once, and its seq is not used up", async () => {
    const a = await watch(managerToken);
    await a.welcome();
    const twice = orderEvent();
    const after = orderEvent();
    expect(await room().announce([twice, twice])).toBe(1);
    expect(await room().announce([{ ...twice }])).toBe(0);
    expect(await room().announce([after])).toBe(1);
    await a.sees(after.id);
    const got = a.events();
    expect(got.map((f) => f.event.id)).toEqual([twice.id, after.id]);
    expect(got[1]?.seq).toBe((got[0]?.seq as number) + 1);

    // And a resume from before it replays it once.
    const resumed = await watch(managerToken, (got[0]?.seq as number) - 1);
    await resumed.welcome();
    await resumed.sees(after.id);
    expect(resumed.events().map((f) => f.event.id)).toEqual([twice.id, after.id]);
    a.close();
    resumed.close();
  });

  it("survives eviction: seqs carry on and a resume still replays from storage", async () => {
    const first = orderEvent();
    await room().announce([first]);
    const a = await watch(staffToken);
    const before = (await a.welcome()).head as number;
    expect(a.frames[0]?.recent.at(-1)).toEqual({ seq: before, event: first });

    await evictDurableObject(env.FEED_ROOM.getByName("shop"));
    const next = orderEvent();
    await room().announce([next]);
    await a.sees(next.id);
    expect(a.events().map((f) => [f.seq, f.event.id])).toEqual([[before + 1, next.id]]);

    const resumed = await watch(managerToken, before - 1);
    expect((await resumed.welcome()).head).toBe(before + 1);
    await resumed.sees(next.id);
    expect(resumed.events().map((f) => f.event.id)).toEqual([first.id, next.id]);
    a.close();
    resumed.close();
  });

  it("is read-only: a posted message is refused to its sender and reaches nobody", async () => {
    const a = await watch(managerToken);
    const b = await watch(staffToken);
    await a.welcome();
    await b.welcome();
    b.ws.send(JSON.stringify({ type: "message", body: "Hello dashboard" }));
    b.ws.send(JSON.stringify({ type: "message", body: "" }));
    await b.until((f) => f.filter((x) => x.type === "error").length === 2, "two error frames");
    expect(b.frames.filter((f) => f.type === "error").map((f) => f.code)).toEqual([
      "unknown-type",
      "unknown-type",
    ]);
    // Frames arrive in order: once a later event is in, a broadcast message would have come before it.
    const marker = orderEvent();
    await room().announce([marker]);
    await a.sees(marker.id);
    await b.sees(marker.id);
    expect([...a.frames, ...b.frames].filter((f) => f.type === "message")).toEqual([]);
    a.close();
    b.close();
  });

  it("refuses customers and vendors with 403, and anyone without a token with 401", async () => {
    const customerId = await seedCustomer(`Feed Co ${crypto.randomUUID().slice(0, 4)}`);
    const refused = {
      customer: await tokenFor(await seedUser("customer", { customerId })),
      vendor: await tokenFor(await seedUser("vendor")),
      "staff without orders": await tokenFor(await seedUser("staff", { allowedModules: ["inventory"] })),
    };
    for (const [who, token] of Object.entries(refused)) {
      const res = await call(`/api/v1/feed?access_token=${token}`, { headers: { upgrade: "websocket" } });
      expect(res.status, who).toBe(403);
      expect((await problemOf(res)).status, who).toBe(403);
    }
    const anonymous = await call("/api/v1/feed", { headers: { upgrade: "websocket" } });
    expect(anonymous.status).toBe(401);
    await problemOf(anonymous);

    const plain = await call("/api/v1/feed", { headers: bearer(staffToken) });
    expect(plain.status).toBe(400);
    await problemOf(plain);
    const badCursor = await call(`/api/v1/feed?after=yesterday&access_token=${staffToken}`, {
      headers: { upgrade: "websocket" },
    });
    expect(badCursor.status).toBe(400);
    await problemOf(badCursor);
  });

  it(`keeps the newest ${FEED_KEPT} events and tells a resume older than that it has a gap`, async () => {
    const a = await watch(managerToken);
    await a.welcome();
    const seen = orderEvent();
    await room().announce([seen]);
    await a.sees(seen.id);
    const last = a.events().at(-1)?.seq as number;
    a.close();

    const flood = Array.from({ length: FEED_KEPT + 1 }, orderEvent);
    expect(await room().announce(flood)).toBe(flood.length);
    const head = last + flood.length;

    const late = await watch(managerToken, last);
    const welcome = await late.welcome();
    expect(welcome).toMatchObject({ gap: true, head, oldest: head - FEED_KEPT + 1 });
    expect(welcome.oldest).toBeGreaterThan(last + 1);
    // The first paint instead of a replay: the newest events, and nothing replayed after the welcome.
    expect(welcome.recent.map((r: Frame) => r.seq)).toEqual(consecutive(head - FEED_RECENT + 1, FEED_RECENT));
    expect(welcome.recent.at(-1).event.id).toBe(flood.at(-1)?.id);
    const live = orderEvent();
    await room().announce([live]);
    await late.sees(live.id);
    expect(late.events().map((f) => [f.seq, f.event.id])).toEqual([[head + 1, live.id]]);

    // Now the feed holds head + 1 back to oldest + 1. Resuming just before its oldest is no gap: all of it.
    const oldest = welcome.oldest + 1;
    const inside = await watch(managerToken, oldest - 1);
    expect(await inside.welcome()).toMatchObject({ gap: false, oldest, head: head + 1, recent: [] });
    await inside.sees(live.id);
    expect(seqsOf(inside.events())).toEqual(consecutive(oldest, FEED_KEPT));
    // One further back would miss the trimmed one.
    const outside = await watch(managerToken, oldest - 2);
    expect(await outside.welcome()).toMatchObject({ gap: true, oldest });
    // A cursor the feed has never reached is a gap too (its storage was reset, say).
    const ahead = await watch(managerToken, head + 1000);
    expect(await ahead.welcome()).toMatchObject({ gap: true, head: head + 1 });
    for (const s of [late, inside, outside, ahead]) s.close();
  });
});

describe("the feed's protocol", () => {
  type Doc = Record<string, any>;
  const document = async (): Promise<Doc> => (await call("/asyncapi.json")).json() as Promise<Doc>;
  const framesOf = (doc: Doc, action: string) =>
    Object.values(doc.operations as Record<string, any>)
      .filter((op) => op.channel.$ref === "#/channels/feed" && op.action === action)
      .map((op) => doc.components.messages[String(op.messages[0].$ref).split("/").pop()!].name)
      .sort();
  const sentPayloads = (doc: Doc) =>
    Object.values(doc.operations as Record<string, any>)
      .filter((op) => op.action === "send" && op.channel.$ref === "#/channels/feed")
      .map((op) => {
        const name = String(op.messages[0].$ref).split("/").pop()!;
        const payload = doc.components.messages[name].payload;
        return { name, validator: new Validator({ ...payload, components: doc.components }, "7", false) };
      });
  const shared = z.union([FeedWelcomeFrame, PresenceFrame, FeedEventFrame, ErrorFrame, PongFrame]);

  it("/asyncapi.json documents the feed: where, who, resuming, and the frames each way", async () => {
    const doc = await document();
    expect(new Validator(asyncApi300 as never, "7", false).validate(doc).errors.slice(0, 3)).toEqual([]);
    expect(doc.channels.feed).toMatchObject({ address: "/api/v1/feed" });
    expect(doc.channels.feed.bindings.ws.query.properties.after.type).toBe("integer");
    expect(framesOf(doc, "receive")).toEqual(["ping"]);
    expect(framesOf(doc, "send")).toEqual(["error", "event", "pong", "presence", "welcome"]);
    expect(doc.info.description).toMatch(/\?after=/);
    expect(doc.info.description).toMatch(/gap: true/);
  });

  it("every frame a feed socket receives is one the document and the shared schemas describe", async () => {
    const doc = await document();
    await room().announce([orderEvent()]);
    const a = await watch(managerToken);
    await a.welcome();
    await room().announce([
      orderEvent(),
      domainEvent("order.status_changed", { from: "placed", to: "paid" }),
    ]);
    await a.until((f) => f.filter((x) => x.type === "event").length === 2, "two events");
    const b = await watch(staffToken, (a.events()[0]?.seq as number) - 1);
    const gapped = await watch(staffToken, 10 ** 9);
    await b.until((f) => f.filter((x) => x.type === "event").length === 2, "replayed events");
    await gapped.welcome();
    b.ws.send('{ "type": "ping" }');
    b.ws.send(JSON.stringify({ type: "message", body: "hi" }));
    b.ws.send("not json");
    await b.until(
      (f) => f.filter((x) => x.type === "error").length === 2 && f.some((x) => x.type === "pong"),
      "answers",
    );
    b.close();
    gapped.close();
    await a.until((f) => f.some((x) => x.type === "presence" && x.left.length > 0), "left");

    const frames = [...a.frames, ...b.frames, ...gapped.frames];
    const kinds = new Set(
      frames.map((f) => [f.type, f.event?.type ?? f.code ?? f.event].filter(Boolean).join(":")),
    );
    for (const kind of [
      "welcome",
      "presence",
      "event:order.created",
      "event:order.status_changed",
      "pong",
      "error:unknown-type",
      "error:bad-frame",
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    expect(a.frames[0]?.recent.length).toBeGreaterThan(0);
    expect(gapped.frames[0]?.gap).toBe(true);
    const payloads = sentPayloads(doc);
    for (const frame of frames) {
      const matches = payloads.filter((p) => p.validator.validate(frame).valid).map((p) => p.name);
      expect(matches, JSON.stringify(frame).slice(0, 300)).toHaveLength(1);
      expect(shared.safeParse(frame).success, JSON.stringify(frame).slice(0, 300)).toBe(true);
    }
    // The same checks refuse a frame the document does not describe.
    const drifted = [
      { type: "event", event: frames.find((f) => f.type === "event")?.event },
      { ...a.frames[0], gap: "no" },
      { type: "welcome", you: a.frames[0]?.you, history: [], present: [] },
    ];
    for (const frame of drifted) {
      expect(
        payloads.filter((p) => p.validator.validate(frame).valid),
        JSON.stringify(frame),
      ).toEqual([]);
    }
    a.close();
  });
});
