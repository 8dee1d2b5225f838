// The rooms' WebSocket frames, each way, as zod schemas: one description that the room parses and types its
// frames with, and that /asyncapi.json publishes (src/docs/asyncapi.ts turns it into JSON Schema).
import { z } from "@hono/zod-openapi";
import { CLAIM_STATUSES } from "../db/schema/claims";
import { EVENT_TYPES } from "../db/schema/events";
import { ORDER_STATUSES } from "../db/schema/orders";
import { MovementSchema } from "../modules/inventory/schemas";
import { FloorEvent, PickingEvent } from "./floor-frames";
import { doc } from "./frame-docs";
import { FEED_KEPT, FEED_RECENT, HISTORY_ON_JOIN, MAX_MESSAGE_CHARS, PRESENCE_WINDOW_MS } from "./limits";

export { doc, frameDocs } from "./frame-docs";

export {
  FEED_KEPT,
  FEED_RECENT,
  HISTORY_ON_JOIN,
  MAX_MESSAGE_CHARS,
  MESSAGES_PER_WINDOW,
  PRESENCE_WINDOW_MS,
  WINDOW_MS,
} from "./limits";

// The pieces frames carry

export const Member = doc(
  z.strictObject({
    id: z.string(),
    name: z.string(),
    role: doc(z.string(), "admin, manager, staff, vendor or customer"),
  }),
  "A person in the room, as the Worker vouches for them after checking their token; clients never choose it.",
  "Member",
);
export type Member = z.infer<typeof Member>;

const NON_EMPTY = "A message needs a non-empty body.";
export const MessageBody = doc(
  z
    .string({ error: NON_EMPTY })
    .regex(/\S/, NON_EMPTY)
    .max(MAX_MESSAGE_CHARS, `A message holds at most ${MAX_MESSAGE_CHARS} characters.`),
  `Chat text: not blank, at most ${MAX_MESSAGE_CHARS} characters (UTF-16 code units).`,
);

export const RoomMessage = doc(
  z.strictObject({ id: z.string(), author: Member, body: MessageBody, at: z.iso.datetime() }),
  "A chat message as the room stored it.",
  "RoomMessage",
);
export type RoomMessage = z.infer<typeof RoomMessage>;

// Business events, pushed by the services that make the change (the same ones REST calls)

const OrderStatus = z.enum(ORDER_STATUSES);
export const OrderStatusChanged = doc(
  z.strictObject({
    type: z.literal("status"),
    order_id: z.string(),
    from: OrderStatus,
    to: OrderStatus,
    source: doc(z.string(), "Who moved it: staff, customer, or the intake source (a shop, email, scrape)."),
  }),
  "The order moved from one state to another (POST /orders/{id}/transitions, intake, cancelling).",
  "OrderStatusEvent",
);
export const OrderSubstituted = doc(
  z.strictObject({
    type: z.literal("substitute"),
    order_id: z.string(),
    line_no: z.int(),
    product_id: doc(z.string(), "The product now on the line."),
  }),
  "A substitute was put on a short line.",
  "OrderSubstituteEvent",
);
export const OrderUpdated = doc(
  z.strictObject({
    type: z.literal("updated"),
    order_id: z.string(),
    changes: doc(z.array(z.string()), "What changed, in words or field names (staff notes are never named)."),
  }),
  "The order was edited (PATCH /orders/{id}) or an intake updated it.",
  "OrderUpdatedEvent",
);
export const OrderRoomEvent = z.union([
  OrderStatusChanged,
  OrderSubstituted,
  OrderUpdated,
  ...PickingEvent.options,
]);
export type OrderRoomEvent = z.infer<typeof OrderRoomEvent>;

const ClaimStatus = z.enum(CLAIM_STATUSES);
export const ClaimStatusChanged = doc(
  z.strictObject({
    type: z.literal("claim_status"),
    claim_id: z.string(),
    from: ClaimStatus.nullable(),
    to: ClaimStatus,
    source: doc(z.string(), "Who moved it: customer, staff, or review (the automatic review)."),
  }),
  "The claim moved: submitted for review, reviewed, approved, rejected, resolved.",
  "ClaimStatusEvent",
);
export type ClaimRoomEvent = z.infer<typeof ClaimStatusChanged>;

// Stock's own description of a movement, shown here as a named component.
doc(
  MovementSchema,
  "One row of the append-only stock ledger, as GET /api/v1/inventory/movements lists it.",
  "StockMovement",
);
export type InventoryRoomEvent = z.infer<typeof FloorEvent>;
export { FloorEvent };
export type RoomEvent = OrderRoomEvent | InventoryRoomEvent | ClaimRoomEvent;

// The shop's feed carries the domain events themselves (src/modules/events/announce.ts), each with its place.

export const FeedEvent = doc(
  z.strictObject({
    id: doc(
      z.string(),
      "The event's id, the same as the `webhook-id` of its deliveries to subscribers. The feed keeps an id once: an event announced twice (while the first is still kept) is sent once.",
    ),
    type: z.enum(EVENT_TYPES),
    occurred_at: z.iso.datetime({ offset: true }),
    data: doc(
      z.record(z.string(), z.unknown()),
      "As the event's webhook delivery carries it: `order.created` and `order.updated` hold `order` (the order as GET /api/v1/orders/{id} shows it); `order.status_changed` adds `from`, `to` and `source`.",
    ),
  }),
  "Something that happened in the shop, told by the service that made the change, whichever door it came through.",
  "FeedEvent",
);
export type FeedEvent = z.infer<typeof FeedEvent>;

const Seq = doc(
  z.int().positive(),
  "The event's place in the feed: one more than the event before it, never reused. Resume after the last one you saw with `?after=<seq>`.",
);
export const FeedEntry = doc(
  z.strictObject({ seq: Seq, event: FeedEvent }),
  "A kept event with its place in the feed.",
  "FeedEntry",
);
export type FeedEntry = z.infer<typeof FeedEntry>;

// Client -> room

export const SendMessageFrame = doc(
  z.object({ type: z.literal("message"), body: MessageBody }),
  "Post a chat message. Everyone present, the sender included, receives it as a `message` frame; a refused one is answered with an `error` frame to the sender alone.",
  "SendMessageFrame",
);
export const PingFrame = doc(
  z.object({ type: z.literal("ping") }),
  'Keep-alive. Sent as exactly `{"type":"ping"}` it is answered by the runtime without waking the room.',
  "PingFrame",
);
export const ClientFrame = z.discriminatedUnion("type", [SendMessageFrame, PingFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// Room -> client

export const WelcomeFrame = doc(
  z.strictObject({
    type: z.literal("welcome"),
    you: Member,
    history: doc(
      z.array(RoomMessage).max(HISTORY_ON_JOIN),
      `The last ${HISTORY_ON_JOIN} chat messages, oldest first.`,
    ),
    present: doc(z.array(Member), "Everyone connected now, you included."),
  }),
  "The first frame on every connection.",
  "WelcomeFrame",
);
export const PresenceFrame = doc(
  z.strictObject({
    type: z.literal("presence"),
    joined: doc(z.array(Member), "People who came: add them to the welcome's `present` (if not there yet)."),
    left: doc(z.array(Member), "People who went: take them out of it (if there)."),
  }),
  `Who came and went since the last presence frame, gathered over a short window (${PRESENCE_WINDOW_MS} ms, longer in a crowded room), so a join costs the same at any room size. Apply it to the welcome's \`present\` as changes to a set. A person counts once however many tabs they have: they come with their first connection and go when their last one closes.`,
  "PresenceFrame",
);
export const MessageFrame = doc(
  z.strictObject({ type: z.literal("message"), message: RoomMessage }),
  "A chat message, posted on a socket or through POST /api/v1/orders/{id}/messages.",
  "MessageFrame",
);
export const OrderEventFrame = doc(
  z.strictObject({ type: z.literal("event"), event: OrderRoomEvent }),
  "Something happened to the order.",
  "OrderEventFrame",
);
export const ClaimEventFrame = doc(
  z.strictObject({ type: z.literal("event"), event: ClaimStatusChanged }),
  "Something happened to the claim.",
  "ClaimEventFrame",
);
export const InventoryEventFrame = doc(
  z.strictObject({ type: z.literal("event"), event: FloorEvent }),
  "Work on the floor of the location: counts opened and posted, picking and packing. (Stock movements come as `movement` frames.)",
  "InventoryEventFrame",
);
export const FeedWelcomeFrame = doc(
  z.strictObject({
    type: z.literal("welcome"),
    you: Member,
    present: doc(z.array(Member), "Everyone watching now, you included."),
    head: doc(
      z.int().nonnegative(),
      "The seq of the newest event when you joined (0 before the first). Every later event reaches you as an `event` frame.",
    ),
    oldest: doc(
      z.int().positive().nullable(),
      `The seq of the oldest event the feed still keeps (it keeps the newest ${FEED_KEPT}); null while it holds none.`,
    ),
    gap: doc(
      z.boolean(),
      "true when you asked to resume `after` a seq the feed no longer keeps (or has never reached): events you missed are gone. Reload what you show over REST (GET /api/v1/orders) and carry on from `head`.",
    ),
    recent: doc(
      z.array(FeedEntry).max(FEED_RECENT),
      `Joining without \`after\`, or with a gap: the newest ${FEED_RECENT} events, oldest first, for a first paint. Resuming: empty, and the events after your seq (through \`head\`) follow as \`event\` frames, in order, before any live one.`,
    ),
  }),
  "The first frame on every connection to the feed.",
  "FeedWelcomeFrame",
);
export const FeedEventFrame = doc(
  z.strictObject({ type: z.literal("event"), seq: Seq, event: FeedEvent }),
  "An event, in seq order: first those you missed (when resuming), then each as it is announced.",
  "FeedEventFrame",
);
export type FeedEventFrame = z.infer<typeof FeedEventFrame>;

// The "who is in" room: the employees clocked in now, and each change as punches and corrections make it.
const EmployeeRef = doc(
  z.strictObject({ id: z.string(), code: z.string(), name: z.string() }),
  "An employee as attendance names them.",
  "EmployeeRef",
);
export const ClockedIn = doc(
  z.strictObject({
    employee: EmployeeRef,
    since: doc(z.iso.datetime(), "When they came in (UTC)."),
  }),
  "An employee clocked in now.",
  "ClockedIn",
);
const AttendanceSeq = doc(
  z.int().nonnegative(),
  "The room's count of changes: each change frame carries one more than the one before. A client that sees a number skipped reconnects (the welcome is the whole state).",
);
export const AttendanceWelcomeFrame = doc(
  z.strictObject({
    type: z.literal("welcome"),
    you: Member,
    present: doc(z.array(Member), "Everyone watching now, you included."),
    seq: AttendanceSeq,
    clocked_in: doc(z.array(ClockedIn), "Everyone clocked in when you joined, earliest arrival first."),
  }),
  "The first frame on every connection to the who-is-in room: the whole state.",
  "AttendanceWelcomeFrame",
);
export const AttendanceChangeFrame = doc(
  z.strictObject({
    type: z.literal("attendance"),
    seq: AttendanceSeq,
    change: doc(
      z.enum(["in", "out", "closed_by_rule"]),
      "in: clocked in (or their arrival time was corrected); out: clocked out (or a correction took them out); closed_by_rule: still in after the longest shift, so the rules closed it as a forgotten clock-out.",
    ),
    employee: EmployeeRef,
    since: doc(z.iso.datetime().nullable(), "For `in`: when they came in (UTC)."),
  }),
  "Someone came in or went out.",
  "AttendanceChangeFrame",
);
export type AttendanceChangeFrame = z.infer<typeof AttendanceChangeFrame>;
export type ClockedIn = z.infer<typeof ClockedIn>;

export const ERROR_CODES = ["bad-frame", "unknown-type", "bad-message", "rate-limited", "refused"] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export const ErrorFrame = doc(
  z.strictObject({
    type: z.literal("error"),
    code: doc(
      z.enum(ERROR_CODES),
      "bad-frame: not a JSON object with a string `type` (or a stock room's frame with a bad field); unknown-type: a type the room does not take (the feed takes no `message`: it is read-only); bad-message: an empty or too long body; rate-limited: too many messages, wait a moment; refused: a count change the count does not take (someone else holds the product, it is not in the count, the count is posted).",
    ),
    detail: doc(z.string(), "The reason in words."),
    op: doc(z.string().nullable().optional(), "The refused change's op, when it had one."),
  }),
  "A frame of yours was refused; only you receive it, and the connection stays open.",
  "ErrorFrame",
);
export type ErrorFrame = z.infer<typeof ErrorFrame>;
export const PongFrame = doc(
  z.strictObject({ type: z.literal("pong") }),
  "The answer to a ping.",
  "PongFrame",
);

/** Every frame a room sends (an event frame carries an order, a stock or a feed event, after the room's kind). */
export type ServerFrame =
  | z.infer<typeof WelcomeFrame>
  | z.infer<typeof FeedWelcomeFrame>
  | FeedEventFrame
  | z.infer<typeof AttendanceWelcomeFrame>
  | AttendanceChangeFrame
  | z.infer<typeof PresenceFrame>
  | z.infer<typeof MessageFrame>
  | { type: "event"; event: RoomEvent }
  | ErrorFrame
  | z.infer<typeof PongFrame>
  | import("./stock-frames").StockServerFrame;

/** Any frame: a JSON object with a string type. Anything else is a bad-frame. */
const Envelope = z.looseObject({ type: z.string() });
const errorFrame = (code: ErrorCode, detail: string): ErrorFrame => ({ type: "error", code, detail });

/** A chat body as the room takes it, or why it is refused, in words. */
export function readBody(body: unknown): { body: string } | { refused: string } {
  const result = MessageBody.safeParse(body);
  return result.success ? { body: result.data } : { refused: result.error.issues[0]?.message ?? NON_EMPTY };
}

/**
 * Reads a frame from a client: the frame, or the error frame that answers it. In a room that takes no chat
 * (the feed), `message` is a type the room does not take.
 */
export function readClientFrame(data: string | ArrayBuffer, takesChat = true): ClientFrame | ErrorFrame {
  let json: unknown;
  try {
    json = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
  } catch {
    json = undefined;
  }
  if (!Envelope.safeParse(json).success) {
    return errorFrame("bad-frame", "Frames are JSON objects with a type.");
  }
  if (!takesChat && (json as { type: string }).type === "message") {
    return errorFrame("unknown-type", "This room is read-only: members cannot post.");
  }
  const parsed = ClientFrame.safeParse(json);
  if (parsed.success) return parsed.data;
  if ((json as { type: string }).type !== "message") return errorFrame("unknown-type", "Unknown frame type.");
  const body = readBody((json as { body?: unknown }).body);
  return errorFrame("bad-message", "refused" in body ? body.refused : NON_EMPTY);
}
