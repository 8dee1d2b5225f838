// A live room: members join by WebSocket (Hibernation API), see who is present, chat, and receive events.
// Messages persist in the object's SQLite storage, so history survives hibernation and eviction.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { newId } from "../lib/ids";

/** Who a socket belongs to. The Worker sets it after checking the token; clients never choose it. */
export interface Member {
  id: string;
  name: string;
  role: string;
}

export interface RoomMessage {
  id: string;
  author: Member;
  body: string;
  at: string;
}

export const MEMBER_HEADER = "x-roms-member";
export const MAX_MESSAGE_CHARS = 4000;
export const HISTORY_ON_JOIN = 100;
/** Each member may post this many messages per window; more get a rate-limited error. */
export const MESSAGES_PER_WINDOW = 10;
export const WINDOW_MS = 10_000;

type ClientFrame = { type: "message"; body: string } | { type: "ping" };

function parseFrame(data: string | ArrayBuffer): ClientFrame | undefined {
  try {
    const frame: unknown = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
    const isFrame =
      typeof frame === "object" && frame !== null && typeof (frame as { type?: unknown }).type === "string";
    return isFrame ? (frame as ClientFrame) : undefined;
  } catch {
    return undefined;
  }
}

export type PostResult = RoomMessage | { error: string; code: "bad-message" | "rate-limited" };

export class Room extends DurableObject<Env> {
  /** Recent post times per member; kept in memory, so a restart forgives (harmless for a rate limit). */
  #recent = new Map<string, number[]>();

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
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const member = JSON.parse(request.headers.get(MEMBER_HEADER) ?? "null") as Member | null;
    if (!member?.id) return new Response("missing member", { status: 400 });

    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [member.id]);
    server.serializeAttachment(member);
    server.send(
      JSON.stringify({ type: "welcome", you: member, history: this.history(), present: this.present() }),
    );
    this.broadcast({ type: "presence", event: "joined", member, present: this.present() }, server);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const member = ws.deserializeAttachment() as Member;
    const frame = parseFrame(data);
    if (!frame) {
      ws.send(
        JSON.stringify({ type: "error", code: "bad-frame", detail: "Frames are JSON objects with a type." }),
      );
      return;
    }
    if (frame.type === "message") {
      const result = this.post(member, frame.body);
      if ("error" in result)
        ws.send(JSON.stringify({ type: "error", code: result.code, detail: result.error }));
      return;
    }
    ws.send(JSON.stringify({ type: "error", code: "unknown-type", detail: "Unknown frame type." }));
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    const member = ws.deserializeAttachment() as Member;
    ws.close(code === 1005 ? 1000 : code, "bye");
    this.broadcast({ type: "presence", event: "left", member, present: this.present() }, ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011);
  }

  /** Persists a chat message and sends it to everyone in the room. Also reached by RPC from REST. */
  post(author: Member, body: unknown): PostResult {
    if (typeof body !== "string" || body.trim() === "") {
      return { error: "A message needs a non-empty body.", code: "bad-message" };
    }
    if (body.length > MAX_MESSAGE_CHARS) {
      return { error: `A message holds at most ${MAX_MESSAGE_CHARS} characters.`, code: "bad-message" };
    }
    const now = Date.now();
    const recent = (this.#recent.get(author.id) ?? []).filter((t) => now - t < WINDOW_MS);
    if (recent.length >= MESSAGES_PER_WINDOW) {
      return {
        error: `At most ${MESSAGES_PER_WINDOW} messages per ${WINDOW_MS / 1000} seconds; wait a moment.`,
        code: "rate-limited",
      };
    }
    this.#recent.set(author.id, [...recent, now]);
    const message: RoomMessage = { id: newId(), author, body, at: new Date().toISOString() };
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
    return this.broadcast({ type: "event", event });
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

  present(): Member[] {
    const seen = new Map<string, Member>();
    for (const ws of this.ctx.getWebSockets()) {
      const member = ws.deserializeAttachment() as Member | null;
      if (member && ws.readyState === WebSocket.OPEN) seen.set(member.id, member);
    }
    return [...seen.values()];
  }

  protected broadcast(frame: Record<string, unknown>, except?: WebSocket): number {
    const text = JSON.stringify(frame);
    let sent = 0;
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except || ws.readyState !== WebSocket.OPEN) continue;
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
