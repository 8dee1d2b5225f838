// The rooms' WebSocket protocol as an AsyncAPI 3.0 document (/asyncapi.json), made from the frame schemas the
// rooms themselves parse and send (src/rooms/frames.ts). Built on the first request, not at startup.
import { z } from "@hono/zod-openapi";
import pkg from "../../package.json";
import {
  FEED_KEPT,
  FEED_RECENT,
  frameDocs,
  HISTORY_ON_JOIN,
  MAX_MESSAGE_CHARS,
  MESSAGES_PER_WINDOW,
  WINDOW_MS,
} from "../rooms/frames";
import { STOCK_KEPT } from "../rooms/limits";
// Registers the stock rooms' frames in frameDocs.
import "../rooms/stock-frames";

const DESCRIPTION = `Live rooms over WebSocket, beside the REST contract (/openapi.json). This document is written from
the Worker's side: \`receive\` operations are frames clients send, \`send\` operations are frames the room sends.

**Joining.** Open a WebSocket to a room's address with an access token from \`POST /api/v1/auth/login\`, as
\`Authorization: Bearer <token>\` or, from a browser (which cannot set headers on a WebSocket), as
\`?access_token=<token>\`. The Worker checks the token and the thing before the upgrade and answers plain
HTTP problems instead: 401 without a valid token; 403 without the room's read permission, for API keys and
devices (rooms are for signed-in people), for vendors in an order room and for customers and vendors at the
feed; 404 for an order that does not exist or is not yours (the same answer for both), and at a stock
location's room for a location that does not exist or a caller who may not read stock; 400 when the request
is not a WebSocket upgrade (or, at the feed, \`after\` is not a whole number).

**Frames** are JSON text, one object per WebSocket message, each with a string \`type\`. The first frame on
every connection is \`welcome\`. A refused frame is answered with an \`error\` frame to its sender only, and
the connection stays open. Unknown fields in client frames are ignored.

**Limits.** A chat message holds at most ${MAX_MESSAGE_CHARS} characters; each person may post
${MESSAGES_PER_WINDOW} messages per ${WINDOW_MS / 1000} seconds in a room (sockets and REST together; more are
refused with \`rate-limited\`). The welcome frame carries the last ${HISTORY_ON_JOIN} messages.

**Reconnecting to an order room.** Its frames carry no sequence number, so a client cannot resume
where it left off. On reconnecting it gets a fresh \`welcome\`, whose history holds the last ${HISTORY_ON_JOIN} chat
messages; business events (order status, edits, substitutes) sent while it was away are
**not** replayed: read the current state again over REST (\`GET /api/v1/orders/{id}\` and its \`/events\`
timeline).

**Resuming a stock location's room.** Every \`movement\` frame carries the movement's \`seq\` at its location (one
more than the one before, in the order written, whoever wrote it) and the level right after it. Reconnect with
\`?after=<the last seq you saw>\`: the movements you missed follow the \`welcome\`, in order, then live ones. The
room keeps the newest ${STOCK_KEPT}; older, the welcome says \`gap: true\`: reload levels over REST. A count's room
needs no resuming: its \`welcome\` is the whole count, and a change sent with an \`op\` is applied once however often
it is sent.

**Resuming the feed.** Every feed event carries its \`seq\`, one more than the one before. Reconnect with
\`?after=<the last seq you saw>\`: after the \`welcome\` come exactly the events you missed, in order, then live
ones, none twice and none skipped. The feed keeps its newest ${FEED_KEPT} events; when yours are older than
that, the \`welcome\` says \`gap: true\` (with the oldest seq kept) and carries the newest ${FEED_RECENT} instead:
reload your lists over REST and carry on from its \`head\`. Without \`after\` the \`welcome\` carries the newest
${FEED_RECENT} events for a first paint. The feed is read-only: a \`message\` frame is refused with
\`unknown-type\`.

**Keep-alive.** Send exactly \`{"type":"ping"}\`; the runtime answers \`{"type":"pong"}\` without waking the
room (a ping spelled otherwise, with spaces say, is answered by the room itself). Idle rooms hibernate;
connections stay open.`;

const CHAT_ROOM = ["sendMessage", "ping", "welcome", "presence", "message", "error", "pong"] as const;

/** The rooms: where they are, who may join, and the frames each way. */
const ROOMS: Record<
  string,
  {
    address: string;
    title: string;
    description: string;
    /** The address's `{id}`, if it has one. */
    id?: string;
    /** Query parameters besides access_token. */
    query?: Record<string, { type: string; description: string }>;
    messages: readonly MessageName[];
  }
> = {
  orderRoom: {
    address: "/api/v1/orders/{id}/room",
    title: "An order's room",
    id: "The order's id.",
    description:
      "Chat between the order's customer and the shop, presence, and the order's changes as they happen (status, edits, substitutes, and its picking and packing). Staff (orders:read) and the users of the order's customer may join; whoever may join may post on the socket (posting over REST needs orders:write).",
    messages: [...CHAT_ROOM, "orderEvent"],
  },
  claimRoom: {
    address: "/api/v1/claims/{id}/room",
    title: "A claim's room",
    id: "The claim's id.",
    description:
      "Chat between the claim's customer and the shop, presence, and the claim's status as it moves (submitted, reviewed, approved or rejected, resolved). Staff (claims:read) and the users of the claim's customer may join; anyone else gets 404.",
    messages: [...CHAT_ROOM, "claimEvent"],
  },
  inventoryRoom: {
    address: "/api/v1/inventory/locations/{id}/room",
    title: "A stock location's room",
    id: "The location's id.",
    description:
      "Every movement at the location as it is written — REST, orders placed, cancelled and shipped, intake, counts, scans — numbered to resume by, with the level after it; counts opened and posted, picking and packing; who is there and what they work on; chat. Anyone with inventory:read may join; anyone else, and a location that does not exist, gets 404.",
    query: {
      after: {
        type: "integer",
        description: "Resume after this movement seq: the movements after it follow the welcome, in order.",
      },
    },
    messages: [
      "sendMessage",
      "ping",
      "focus",
      "stockWelcome",
      "presence",
      "working",
      "stockMovement",
      "inventoryEvent",
      "message",
      "error",
      "pong",
    ],
  },
  countRoom: {
    address: "/api/v1/inventory/count-sessions/{id}/room",
    title: "A count's room",
    id: "The count session's id.",
    description:
      "Counters claim products, count them by scanning (+1 each) or typing, and see each other's progress; the room applies every change one at a time, so concurrent scans are never lost. Anyone with inventory:read may join; a manager posts the count over REST (POST /api/v1/inventory/count-sessions/{id}/post).",
    messages: [
      "sendMessage",
      "ping",
      "focus",
      "claim",
      "release",
      "scan",
      "typedCount",
      "countWelcome",
      "presence",
      "working",
      "line",
      "countStatus",
      "message",
      "error",
      "pong",
    ],
  },
  feed: {
    address: "/api/v1/feed",
    title: "The shop's live feed",
    description: `Every shop event (new orders, status changes, edits, low stock) from every door (web shop, email, webhooks, staff, customers) as it is committed, each numbered with a \`seq\` to resume from: the real-time dashboard. The shop's staff (admin, manager, staff with orders:read) may join; customers and vendors may not, since it shows every customer's orders. Presence shows who is watching. Read-only: nobody posts here, and a \`message\` frame is answered with an \`unknown-type\` error. It keeps the newest ${FEED_KEPT} events.`,
    query: {
      after: {
        type: "integer",
        description:
          "Resume after this seq: the events after it follow the welcome, in order, before any live one. Older than the feed keeps: the welcome says `gap: true`.",
      },
    },
    messages: ["ping", "feedWelcome", "presence", "feedEvent", "error", "pong"],
  },
  attendance: {
    address: "/api/v1/attendance/live",
    title: "Who is in",
    description:
      "The employees clocked in now, then each change as card reads and managers' corrections make it (the same rules as GET /api/v1/attendance/present), and a session the rules close as a forgotten clock-out at the moment they close it. Anyone with attendance:read may join. Read-only. The welcome is the whole state: a client that sees a `seq` skipped reconnects.",
    messages: ["ping", "attendanceWelcome", "presence", "attendanceChange", "error", "pong"],
  },
};

/** Each message: its frame's type and schema, a title, and which way it goes (from the Worker's side). */
const MESSAGES = {
  sendMessage: {
    type: "message",
    schema: "SendMessageFrame",
    title: "Post a chat message",
    action: "receive",
  },
  ping: { type: "ping", schema: "PingFrame", title: "Ping", action: "receive" },
  welcome: { type: "welcome", schema: "WelcomeFrame", title: "Welcome", action: "send" },
  feedWelcome: { type: "welcome", schema: "FeedWelcomeFrame", title: "Welcome to the feed", action: "send" },
  presence: { type: "presence", schema: "PresenceFrame", title: "Someone joined or left", action: "send" },
  message: { type: "message", schema: "MessageFrame", title: "A chat message", action: "send" },
  orderEvent: { type: "event", schema: "OrderEventFrame", title: "An order event", action: "send" },
  claimEvent: { type: "event", schema: "ClaimEventFrame", title: "A claim event", action: "send" },
  inventoryEvent: {
    type: "event",
    schema: "InventoryEventFrame",
    title: "Work on the floor",
    action: "send",
  },
  focus: { type: "focus", schema: "FocusFrame", title: "Say what you work on", action: "receive" },
  stockWelcome: {
    type: "welcome",
    schema: "StockWelcomeFrame",
    title: "Welcome to the location",
    action: "send",
  },
  working: { type: "working", schema: "WorkingFrame", title: "Someone's focus", action: "send" },
  stockMovement: {
    type: "movement",
    schema: "StockMovementFrame",
    title: "A stock movement, numbered",
    action: "send",
  },
  claim: { type: "claim", schema: "ClaimFrame", title: "Claim a product", action: "receive" },
  release: { type: "release", schema: "ReleaseFrame", title: "Give a product back", action: "receive" },
  scan: { type: "scan", schema: "ScanFrame", title: "Scan one item (+1)", action: "receive" },
  typedCount: { type: "count", schema: "TypedCountFrame", title: "Type a count", action: "receive" },
  countWelcome: {
    type: "welcome",
    schema: "CountWelcomeFrame",
    title: "Welcome: the whole count",
    action: "send",
  },
  line: { type: "line", schema: "LineFrame", title: "A product of the count changed", action: "send" },
  countStatus: {
    type: "count",
    schema: "CountStatusFrame",
    title: "The count was posted or cancelled",
    action: "send",
  },
  feedEvent: { type: "event", schema: "FeedEventFrame", title: "A shop event, numbered", action: "send" },
  attendanceWelcome: {
    type: "welcome",
    schema: "AttendanceWelcomeFrame",
    title: "Welcome: everyone clocked in",
    action: "send",
  },
  attendanceChange: {
    type: "attendance",
    schema: "AttendanceChangeFrame",
    title: "Someone came in or went out",
    action: "send",
  },
  error: { type: "error", schema: "ErrorFrame", title: "Your frame was refused", action: "send" },
  pong: { type: "pong", schema: "PongFrame", title: "Pong", action: "send" },
} as const;
type MessageName = keyof typeof MESSAGES;

/** The frame schemas as JSON Schema (draft-07, AsyncAPI's default schema format), keyed by component name. */
function componentSchemas(): Record<string, Record<string, unknown>> {
  const { schemas } = z.toJSONSchema(frameDocs, {
    target: "draft-07",
    io: "input", // what a reader may send: client frames ignore unknown fields, server frames have none
    metadata: frameDocs,
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === "date-time") delete jsonSchema.pattern;
    },
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([name, { $schema: _, $id: __, ...schema }]) => [name, schema]),
  );
}

function build() {
  const schemas = componentSchemas();
  const messages = Object.fromEntries(
    Object.entries(MESSAGES).map(([name, m]) => [
      name,
      {
        name: m.type,
        title: m.title,
        summary: schemas[m.schema]?.description,
        contentType: "application/json",
        payload: { $ref: `#/components/schemas/${m.schema}` },
      },
    ]),
  );
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const [channel, room] of Object.entries(ROOMS)) {
    const names = room.messages;
    channels[channel] = {
      address: room.address,
      title: room.title,
      description: room.description,
      ...(room.id && { parameters: { id: { description: room.id } } }),
      messages: Object.fromEntries(names.map((n) => [n, { $ref: `#/components/messages/${n}` }])),
      bindings: {
        ws: {
          method: "GET",
          headers: {
            type: "object",
            properties: { Authorization: { type: "string", description: "Bearer <access token>" } },
          },
          query: {
            type: "object",
            properties: {
              access_token: { type: "string", description: "The access token, when no header can be set." },
              ...room.query,
            },
          },
          bindingVersion: "0.1.0",
        },
      },
    };
    for (const name of names) {
      const { action, title } = MESSAGES[name];
      operations[`${channel}.${action}.${name}`] = {
        action,
        title,
        channel: { $ref: `#/channels/${channel}` },
        messages: [{ $ref: `#/channels/${channel}/messages/${name}` }],
        ...(name === "ping" && {
          reply: {
            channel: { $ref: `#/channels/${channel}` },
            messages: [{ $ref: `#/channels/${channel}/messages/pong` }],
          },
        }),
      };
    }
  }
  return {
    asyncapi: "3.0.0",
    info: { title: "ROMS rooms", version: pkg.version, description: DESCRIPTION },
    defaultContentType: "application/json",
    channels,
    operations,
    components: {
      schemas,
      messages,
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "An access token from /api/v1/auth/login, in the Authorization header.",
        },
        accessToken: {
          type: "httpApiKey",
          in: "query",
          name: "access_token",
          description: "The same access token as a query parameter (browsers cannot set WebSocket headers).",
        },
      },
    },
  };
}

let built: ReturnType<typeof build> | undefined;

/** The document, with this deployment as its server. */
export function asyncApiDocument(origin: string) {
  built ??= build();
  const url = new URL(origin);
  return {
    ...built,
    servers: {
      roms: {
        host: url.host,
        protocol: url.protocol === "https:" ? "wss" : "ws",
        description: "This deployment",
        security: [
          { $ref: "#/components/securitySchemes/bearer" },
          { $ref: "#/components/securitySchemes/accessToken" },
        ],
      },
    },
  };
}
