// A live room: members join by WebSocket (Hibernation API), see who is present, chat, and receive events.
// Messages persist in the object's SQLite storage, so history survives hibernation and eviction.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { newId } from "../lib/ids";
import type { ClientFrame, ErrorCode, Member, RoomEvent, RoomMessage, ServerFrame } from "./frames";
import {
  HISTORY_ON_JOIN,
  MESSAGES_PER_WINDOW,
  PRESENCE_WINDOW_MAX_MS,
  PRESENCE_WINDOW_MS,
  WINDOW_MS,
} from "./limits";

/** The frame schemas are built the first time a room reads a frame, not when the Worker starts. */
const frames = () => import("./frames");

export type { Member, RoomMessage } from "./frames";

export const MEMBER_HEADER = "x-roms-member";

const PING: ClientFrame = { type: "ping" };
const PONG: ServerFrame = { type: "pong" };
/** Sends one frame on one socket. */
export const sendFrame = (ws: WebSocket, frame: ServerFrame) => ws.send(JSON.stringify(frame));

export type PostResult =
  | RoomMessage
  | { error: string; code: Extract<ErrorCode, "bad-message" | "rate-limited"> };

export class Room extends DurableObject<Env> {
  /** Recent post times per member; kept in memory, so a restart forgives (harmless for a rate limit). */
  #recent = new Map<string, number[]>();
  /** Whether members may post on their sockets; a read-only room answers `message` as an unknown type. */
  protected readonly takesChat: boolean = true;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS messages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      author TEXT NOT NULL,
      body TEXT NOT NULL,
      at TEXT NOT NULL
    )`);
    // Answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(
      new WebSocketRequestResponsePair(JSON.stringify(PING), JSON.stringify(PONG)),
    );
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const member = JSON.parse(request.headers.get(MEMBER_HEADER) ?? "null") as Member | null;
    if (!member?.id) return new Response("missing member", { status: 400 });

    const { 0: client, 1: server } = new WebSocketPair();
    // Whether this person was here already (another tab): then nobody else hears of it.
    const returning = this.#connections(member.id) > 0;
    this.ctx.acceptWebSocket(server, [member.id]);
    server.serializeAttachment(member);
    this.#present?.set(member.id, member);
    this.greet(server, member, new URL(request.url));
    if (!returning) this.#tellPresence("joined", member);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const member = ws.deserializeAttachment() as Member;
    if (await this.onFrame(ws, member, data)) return;
    const frame = (await frames()).readClientFrame(data, this.takesChat);
    if (frame.type === "error") {
      sendFrame(ws, frame);
    } else if (frame.type === "ping") {
      // Only a ping spelled exactly as PING is answered by the runtime; any other spelling lands here.
      sendFrame(ws, PONG);
    } else {
      const result = await this.post(member, frame.body);
      if ("error" in result) sendFrame(ws, { type: "error", code: result.code, detail: result.error });
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    const member = ws.deserializeAttachment() as Member;
    ws.close(code === 1005 ? 1000 : code, "bye");
    // The last of their sockets gone: they left (a second tab still open means they are still here).
    if (this.#connections(member.id, ws) === 0) {
      this.#present?.delete(member.id);
      this.left(member);
      this.#tellPresence("left", member);
    }
  }

  /** A room's own frames: handled (true), or left to the frames every room takes (false). */
  protected async onFrame(_ws: WebSocket, _member: Member, _data: string | ArrayBuffer): Promise<boolean> {
    return false;
  }

  /** The last connection of a member closed. */
  protected left(_member: Member): void {}

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011);
  }

  /**
   * Sends the first frames to a socket just accepted, before anyone else hears of it. Synchronous on
   * purpose: no other call into the room runs before it returns (see FeedRoom).
   */
  protected greet(ws: WebSocket, member: Member, _url: URL): void {
    sendFrame(ws, { type: "welcome", you: member, history: this.history(), present: this.present() });
  }

  /** Persists a chat message and sends it to everyone in the room. Also reached by RPC from REST. */
  async post(author: Member, body: unknown): Promise<PostResult> {
    const checked = (await frames()).readBody(body);
    if ("refused" in checked) return { error: checked.refused, code: "bad-message" };
    const now = Date.now();
    const recent = (this.#recent.get(author.id) ?? []).filter((t) => now - t < WINDOW_MS);
    if (recent.length >= MESSAGES_PER_WINDOW) {
      return {
        error: `At most ${MESSAGES_PER_WINDOW} messages per ${WINDOW_MS / 1000} seconds; wait a moment.`,
        code: "rate-limited",
      };
    }
    this.#recent.set(author.id, [...recent, now]);
    const message: RoomMessage = { id: newId(), author, body: checked.body, at: new Date().toISOString() };
    this.ctx.storage.sql.exec(
      "INSERT INTO messages (id, author, body, at) VALUES (?, ?, ?, ?)",
      message.id,
      JSON.stringify(author),
      message.body,
      message.at,
    );
    this.broadcast({ type: "message", message });
    return message;
  }

  /** Pushes a business event (status change, stock movement) to everyone present. Reached by RPC. */
  publish(event: Record<string, unknown>): number {
    // Callers still build events as plain objects; test/asyncapi.test.ts checks what they send against RoomEvent.
    return this.broadcast({ type: "event", event: event as RoomEvent });
  }

  history(limit = HISTORY_ON_JOIN): RoomMessage[] {
    const rows = this.ctx.storage.sql
      .exec<{ id: string; author: string; body: string; at: string }>(
        "SELECT id, author, body, at FROM (SELECT * FROM messages ORDER BY seq DESC LIMIT ?) ORDER BY seq",
        limit,
      )
      .toArray();
    return rows.map((r) => ({ id: r.id, author: JSON.parse(r.author) as Member, body: r.body, at: r.at }));
  }

  /**
   * Everyone connected, once each. Read from the sockets when the object wakes (hibernation forgets
   * memory), then kept up to date by joins and leaves, so a join costs the same at any room size.
   */
  present(): Member[] {
    if (!this.#present) {
      this.#present = new Map();
      for (const ws of this.ctx.getWebSockets()) {
        const member = ws.deserializeAttachment() as Member | null;
        if (member && ws.readyState === WebSocket.OPEN) this.#present.set(member.id, member);
      }
    }
    return [...this.#present.values()];
  }

  #present: Map<string, Member> | undefined;

  /** Presence changes not yet told: each person's latest, sent together (see #tellPresence). */
  #changes = new Map<string, { event: "joined" | "left"; member: Member }>();
  #flush: ReturnType<typeof setTimeout> | undefined;

  /**
   * Tells everyone who came and went, gathered over a short window that grows with the room (50 ms, up to
   * a second at 4,000 people), so that a crowd arriving costs one frame per socket per window instead of
   * one per arrival. A person's latest change wins: joined then left within a window is told as left, which
   * a client that saw them in its welcome needs to hear.
   */
  #tellPresence(event: "joined" | "left", member: Member): void {
    this.#changes.set(member.id, { event, member });
    if (this.#flush !== undefined) return;
    const window = Math.min(PRESENCE_WINDOW_MAX_MS, Math.max(PRESENCE_WINDOW_MS, this.present().length / 4));
    this.#flush = setTimeout(() => {
      this.#flush = undefined;
      const changes = [...this.#changes.values()];
      this.#changes.clear();
      const frame = (but?: string): ServerFrame => ({
        type: "presence",
        joined: changes.filter((c) => c.event === "joined" && c.member.id !== but).map((c) => c.member),
        left: changes.filter((c) => c.event === "left" && c.member.id !== but).map((c) => c.member),
      });
      // Nobody is told of themselves (their welcome said it): their sockets get the frame without them.
      const own = new Set<WebSocket>();
      for (const { member } of changes) {
        const mine = frame(member.id) as { joined: Member[]; left: Member[] };
        for (const ws of this.ctx.getWebSockets(member.id)) {
          own.add(ws);
          if (ws.readyState === WebSocket.OPEN && mine.joined.length + mine.left.length > 0)
            sendFrame(ws, mine as ServerFrame);
        }
      }
      this.broadcastText(JSON.stringify(frame()), own);
    }, window);
  }

  /** The member's open sockets, but `except`. */
  #connections(memberId: string, except?: WebSocket): number {
    return this.ctx.getWebSockets(memberId).filter((ws) => ws !== except && ws.readyState === WebSocket.OPEN)
      .length;
  }

  protected broadcast(frame: ServerFrame, except?: WebSocket): number {
    return this.broadcastText(JSON.stringify(frame), except);
  }

  /** Sends a frame already written as text (kept that way for resuming) to every open socket. */
  protected broadcastText(text: string, except?: WebSocket | Set<WebSocket>): number {
    let sent = 0;
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except || (except instanceof Set && except.has(ws)) || ws.readyState !== WebSocket.OPEN)
        continue;
      try {
        ws.send(text);
        sent++;
      } catch {
        // A socket closing under us: its close handler tells the others.
      }
    }
    return sent;
  }
}
