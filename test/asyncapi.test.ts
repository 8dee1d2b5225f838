// The rooms' protocol document: /asyncapi.json is valid AsyncAPI 3.0 covering both rooms and every frame, and
// every frame real room sockets receive is one the document (and the shared zod schemas) describe.
import asyncApi300 from "@asyncapi/specs/schemas/3.0.0-without-$id.json";
import { Validator } from "@cfworker/json-schema";
import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import {
  ErrorFrame,
  frameDocs,
  InventoryEventFrame,
  MessageFrame,
  OrderEventFrame,
  PongFrame,
  PresenceFrame,
  WelcomeFrame,
} from "../src/rooms/frames";
import { StockMovementFrame, StockWelcomeFrame, WorkingFrame } from "../src/rooms/stock-frames";
import { call, customerUser, makeProduct, seedUser, stockroom, tokenFor } from "./helpers";

type Doc = Record<string, any>;
const document = async (): Promise<Doc> => (await call("/asyncapi.json")).json() as Promise<Doc>;

/** The payload schemas of what the Worker sends on a channel, each checked against the whole document. */
function sentPayloads(doc: Doc, channel: string): { name: string; validator: Validator }[] {
  return Object.values(doc.operations as Record<string, any>)
    .filter((op) => op.action === "send" && op.channel.$ref === `#/channels/${channel}`)
    .map((op) => {
      const name = String(op.messages[0].$ref).split("/").pop()!;
      const payload = doc.components.messages[name].payload;
      return { name, validator: new Validator({ ...payload, components: doc.components }, "7", false) };
    });
}

/** A socket that keeps every frame it receives, in order. */
async function listen(path: string, token: string) {
  const res = await call(`${path}?access_token=${encodeURIComponent(token)}`, {
    headers: { upgrade: "websocket" },
  });
  if (res.status !== 101 || !res.webSocket) throw new Error(`join failed: ${res.status} ${await res.text()}`);
  const ws = res.webSocket;
  const frames: Record<string, any>[] = [];
  ws.addEventListener("message", (event) => frames.push(JSON.parse(event.data as string)));
  ws.accept();
  const until = async (seen: (f: Record<string, any>) => boolean, what: string) => {
    for (let waited = 0; !frames.some(seen); waited += 10) {
      if (waited > 5000) throw new Error(`no ${what} frame; got ${JSON.stringify(frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { ws, frames, until, send: (text: string) => ws.send(text) };
}

/** A frame's kind, down to the event it carries: "event:status", "error:rate-limited", "welcome". */
const kindOf = (f: Record<string, any>) =>
  [f.type, f.event?.type ?? f.code ?? (typeof f.event === "string" ? f.event : undefined)]
    .filter(Boolean)
    .join(":");

describe("the rooms' protocol document", () => {
  it("/asyncapi.json is a valid AsyncAPI 3.0 document with both rooms and every frame", async () => {
    const res = await call("/asyncapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const doc = (await res.json()) as Doc;

    const verdict = new Validator(asyncApi300 as never, "7", false).validate(doc);
    expect(verdict.errors.slice(0, 3)).toEqual([]);

    expect(doc.asyncapi).toBe("3.0.0");
    expect(doc.servers.roms).toMatchObject({ host: "roms.test", protocol: "ws" });
    expect(doc.channels.orderRoom.address).toBe("/api/v1/orders/{id}/room");
    expect(doc.channels.inventoryRoom.address).toBe("/api/v1/inventory/locations/{id}/room");
    const framesOf = (channel: string, action: string) =>
      Object.values(doc.operations as Record<string, any>)
        .filter((op) => op.channel.$ref === `#/channels/${channel}` && op.action === action)
        .map((op) => doc.components.messages[String(op.messages[0].$ref).split("/").pop()!].name)
        .sort();
    expect(framesOf("orderRoom", "receive")).toEqual(["message", "ping"]);
    expect(framesOf("orderRoom", "send")).toEqual([
      "error",
      "event",
      "message",
      "pong",
      "presence",
      "welcome",
    ]);
    expect(framesOf("inventoryRoom", "receive")).toEqual(["focus", "message", "ping"]);
    expect(framesOf("inventoryRoom", "send")).toEqual([
      "error",
      "event",
      "message",
      "movement",
      "pong",
      "presence",
      "welcome",
      "working",
    ]);
    expect(framesOf("countRoom", "receive")).toEqual([
      "claim",
      "count",
      "focus",
      "message",
      "ping",
      "release",
      "scan",
    ]);
    // Every shared schema that has a name is published under it.
    const named = [...(frameDocs as unknown as { _idmap: Map<string, unknown> })._idmap.keys()];
    expect(Object.keys(doc.components.schemas).sort()).toEqual(named.sort());
    expect(doc.info.description).toMatch(/not\*\* replayed/);
    expect(doc.info.description).toMatch(/Resuming a stock location's room/);
  });

  it("every frame real room sockets receive is described by the document and the shared schemas", async () => {
    const doc = await document();
    const { manager, shop, stock } = await stockroom();
    const staffToken = await tokenFor(await seedUser("manager"));
    const { api: customer } = await customerUser(`Frames Co ${crypto.randomUUID().slice(0, 4)}`);

    // An order that cannot be filled: under risk until staff put another product on its line.
    const scarce = await makeProduct(manager, { category_id: null });
    await stock(scarce.id, 1);
    await customer.post("/api/v1/cart/lines", { product_id: scarce.id, quantity: 3 });
    const order = (await customer.post("/api/v1/orders/from-cart")).body;
    expect(order.status).toBe("under_risk");

    const clerk = await listen(`/api/v1/orders/${order.id}/room`, staffToken);
    const counter = await listen(`/api/v1/inventory/locations/${shop}/room`, staffToken);
    const other = await listen(`/api/v1/orders/${order.id}/room`, await tokenFor(await seedUser("staff")));
    await clerk.until((f) => f.type === "presence", "presence");

    // Chat, keep-alive, and each kind of refusal.
    other.send(JSON.stringify({ type: "message", body: "Looking for a replacement" }));
    other.send('{"type":"ping"}');
    other.send('{ "type": "ping" }');
    other.send("not json");
    other.send(JSON.stringify({ type: "shout" }));
    other.send(JSON.stringify({ type: "message", body: " " }));
    for (let i = 0; i < 10; i++) other.send(JSON.stringify({ type: "message", body: `m${i}` }));
    await other.until((f) => f.code === "rate-limited", "rate-limited error");
    expect(other.frames.filter((f) => f.type === "pong")).toHaveLength(2);

    // Business events: stock moves, a substitute, an edit, a status change.
    const replacement = await makeProduct(manager);
    await stock(replacement.id, 3);
    const line = order.lines[0].id;
    const fixed = await manager.post(`/api/v1/orders/${order.id}/lines/${line}/substitute`, {
      product_id: replacement.id,
    });
    expect(fixed.status).toBe(200);
    await manager.patch(`/api/v1/orders/${order.id}`, { notes: "Replacement agreed on the phone" });
    await manager.post(`/api/v1/orders/${order.id}/transitions`, { to: "shipped" });
    await clerk.until((f) => f.event?.to === "shipped", "shipped event");
    await counter.until((f) => f.movement?.kind === "sale", "sale movement");
    other.ws.close(1000, "done");
    await clerk.until((f) => f.type === "presence" && f.left?.length > 0, "presence left");

    const orderFrames = [...clerk.frames, ...other.frames];
    const roomKinds = new Set(orderFrames.map(kindOf));
    for (const kind of ["welcome", "presence", "message", "pong", "event:status"]) {
      expect(roomKinds, kind).toContain(kind);
    }
    for (const kind of ["event:substitute", "event:updated"]) expect(roomKinds, kind).toContain(kind);
    for (const code of ["bad-frame", "unknown-type", "bad-message", "rate-limited"]) {
      expect(roomKinds, code).toContain(`error:${code}`);
    }
    expect(new Set(counter.frames.map(kindOf))).toEqual(new Set(["welcome", "movement"]));

    const shared = {
      orderRoom: z.union([WelcomeFrame, PresenceFrame, MessageFrame, OrderEventFrame, ErrorFrame, PongFrame]),
      inventoryRoom: z.union([
        StockWelcomeFrame,
        PresenceFrame,
        MessageFrame,
        StockMovementFrame,
        InventoryEventFrame,
        WorkingFrame,
        ErrorFrame,
        PongFrame,
      ]),
    };
    for (const [channel, frames] of [
      ["orderRoom", orderFrames],
      ["inventoryRoom", counter.frames],
    ] as const) {
      const payloads = sentPayloads(doc, channel);
      for (const frame of frames) {
        const matches = payloads.filter((p) => p.validator.validate(frame).valid).map((p) => p.name);
        expect(matches, `${channel}: ${JSON.stringify(frame)}`).toHaveLength(1);
        expect(shared[channel].safeParse(frame).success, JSON.stringify(frame)).toBe(true);
      }
    }
    clerk.ws.close(1000, "done");
    counter.ws.close(1000, "done");
  });

  it("the same checks refuse a broken document and frames the document does not describe", async () => {
    const broken = { asyncapi: "3.0.0", info: { title: "x" }, channels: { room: { adress: "/room" } } };
    expect(new Validator(asyncApi300 as never, "7", false).validate(broken).valid).toBe(false);
    const doc = await document();
    const payloads = sentPayloads(doc, "orderRoom");
    const drifted = [
      { type: "event", event: { type: "status", order_id: "o1", to: "shipped" } },
      { type: "welcome", you: { id: "u", name: "U", role: "staff" }, history: [], present: [], seq: 1 },
      { type: "error", code: "too-loud", detail: "?" },
    ];
    for (const frame of drifted) {
      expect(
        payloads.filter((p) => p.validator.validate(frame).valid),
        JSON.stringify(frame),
      ).toEqual([]);
    }
  });
});
