// The stock rooms' own frames (a location's room and a count session's room), beside the frames every room
// shares (frames.ts): numbered movements to resume by, what each person is working on, and counting.
import { z } from "@hono/zod-openapi";
import { MovementSchema } from "../modules/inventory/schemas";
import { doc } from "./frame-docs";
import { Member, RoomMessage } from "./frames";
import { HISTORY_ON_JOIN, STOCK_KEPT } from "./limits";

const StockSeq = doc(
  z.int().positive(),
  "The movement's place in its location's stream (the `seq` of GET /api/v1/inventory/movements): one more than the movement before it at this location, in the order they were written. Resume after the last one you saw with `?after=<seq>`.",
);

export const LevelAfter = doc(
  z.strictObject({
    on_hand: z.int(),
    reserved: z.int(),
    available: z.int(),
    version: doc(
      z.int(),
      "The level's version once this movement applied: keep the frame's level when it is newer than yours.",
    ),
  }),
  "The product's level at this location right after the movement.",
  "LevelAfter",
);

export const StockMovementFrame = doc(
  z.strictObject({ type: z.literal("movement"), seq: StockSeq, movement: MovementSchema, level: LevelAfter }),
  "Stock moved at this location — by REST, an order placed, cancelled or shipped, intake, a count posted or a scan — in the order written: first those you missed (when resuming), then each as it is written.",
  "StockMovementFrame",
);
export type StockMovementFrame = z.infer<typeof StockMovementFrame>;

export const Focus = doc(
  z.strictObject({
    shelf: z.string().max(64).nullable(),
    product_id: z.string().max(64).nullable(),
  }),
  "What someone is working on: a shelf (bin prefix) and/or a product; nulls when nothing in particular.",
  "Focus",
);
export type Focus = z.infer<typeof Focus>;
export const Working = doc(
  z.strictObject({ member_id: z.string(), focus: Focus }),
  "Someone's focus, as they last said it.",
  "Working",
);

export const StockWelcomeFrame = doc(
  z.strictObject({
    type: z.literal("welcome"),
    you: Member,
    present: doc(z.array(Member), "Everyone connected now, you included."),
    working: doc(z.array(Working), "What those present said they are working on."),
    history: z.array(RoomMessage).max(HISTORY_ON_JOIN),
    head: doc(
      z.int().nonnegative(),
      "The seq of the newest movement at this location when you joined (0 before the first).",
    ),
    oldest: doc(
      z.int().positive().nullable(),
      `The oldest seq the room still keeps (it keeps the newest ${STOCK_KEPT}); null while it holds none.`,
    ),
    gap: doc(
      z.boolean(),
      "true when you asked to resume after a seq the room no longer keeps (or never reached): reload the levels over REST (GET /api/v1/inventory/levels?location_id=) and carry on from `head`.",
    ),
  }),
  "The first frame on a location's room. Resuming (`?after=`), the movements you missed follow it as `movement` frames, in order, before any live one.",
  "StockWelcomeFrame",
);

export const FocusFrame = doc(
  z.object({
    type: z.literal("focus"),
    shelf: z.string().max(64).nullable().default(null),
    product_id: z.string().max(64).nullable().default(null),
  }),
  "Tell the room what you are working on; everyone present receives it as a `working` frame.",
  "FocusFrame",
);
export const WorkingFrame = doc(
  z.strictObject({ type: z.literal("working"), member_id: z.string(), focus: Focus }),
  "Someone said what they are working on.",
  "WorkingFrame",
);

// Counting

export const CountLine = doc(
  z.strictObject({
    product_id: z.string(),
    sku: z.string(),
    name: z.string(),
    bin: z.string().nullable(),
    expected: doc(
      z.int(),
      "On hand as the level stood when the counter began this product (or when the count opened).",
    ),
    version_seen: doc(
      z.int(),
      "The level's version then: the count movement is posted only if the level is still at it.",
    ),
    counted: doc(z.int().nullable(), "What was counted so far; null before anyone counted it."),
    difference: doc(z.int().nullable(), "counted - expected."),
    value_minor: doc(
      z.int().nullable(),
      "The difference at the product's price, in minor units of `currency`.",
    ),
    currency: z.string(),
    status: doc(
      z.enum(["to_count", "claimed", "counted", "posted", "recount"]),
      "recount: the level moved after it was counted, so posting refused it; count it again.",
    ),
    claimed_by: Member.nullable(),
    claimed_until: doc(
      z.iso.datetime().nullable(),
      "The claim lapses then unless its holder keeps counting.",
    ),
    counted_by: Member.nullable(),
    note: z.string().nullable(),
  }),
  "One product of a count, as everyone in the count's room sees it.",
  "CountLine",
);
export type CountLine = z.infer<typeof CountLine>;

const Op = doc(
  z.string().min(1).max(128).optional(),
  "Your id for this change: sent again (after a reconnect, say) it is not applied twice, and the room answers with the line as it is.",
);
export const ClaimFrame = doc(
  z.object({ type: z.literal("claim"), product_id: z.string().max(64) }),
  "Take a product to count it: others see it as taken until you release it or fall silent on it for a few minutes.",
  "ClaimFrame",
);
export const ReleaseFrame = doc(
  z.object({ type: z.literal("release"), product_id: z.string().max(64) }),
  "Give a product back.",
  "ReleaseFrame",
);
export const ScanFrame = doc(
  z.object({ type: z.literal("scan"), code: z.string().trim().min(1).max(128), op: Op }),
  "One item scanned: +1 on the product its code names (barcode or SKU), which you then hold.",
  "ScanFrame",
);
export const TypedCountFrame = doc(
  z.object({
    type: z.literal("count"),
    product_id: z.string().max(64),
    counted: z.int().min(0).max(1_000_000_000),
    op: Op,
  }),
  "A typed count: what you counted of the product, in all.",
  "TypedCountFrame",
);
export const CountClientFrame = z.discriminatedUnion("type", [
  ClaimFrame,
  ReleaseFrame,
  ScanFrame,
  TypedCountFrame,
]);
export type CountClientFrame = z.infer<typeof CountClientFrame>;

export const CountSession = doc(
  z.strictObject({
    id: z.string(),
    location_id: z.string(),
    status: z.enum(["open", "posted", "cancelled"]),
    shelf: z.string().nullable(),
    category_id: z.string().nullable(),
  }),
  "The count this room is for.",
  "CountSessionRef",
);
export const CountWelcomeFrame = doc(
  z.strictObject({
    type: z.literal("welcome"),
    you: Member,
    present: z.array(Member),
    working: z.array(Working),
    history: z.array(RoomMessage).max(HISTORY_ON_JOIN),
    session: CountSession,
    lines: doc(z.array(CountLine), "Every product of the count, by bin then SKU: the whole state."),
  }),
  "The first frame on a count's room: the whole count as it stands, so a counter who dropped sees exactly where everyone is.",
  "CountWelcomeFrame",
);
export const LineFrame = doc(
  z.strictObject({
    type: z.literal("line"),
    line: CountLine,
    by: Member.nullable(),
    op: doc(z.string().nullable(), "The op of the change, when its sender gave one: your acknowledgement."),
  }),
  "A product of the count changed (claimed, counted, released, lapsed, posted).",
  "LineFrame",
);
export const CountStatusFrame = doc(
  z.strictObject({ type: z.literal("count"), session: CountSession }),
  "The count was posted or cancelled.",
  "CountStatusFrame",
);

export type StockServerFrame =
  | z.infer<typeof StockWelcomeFrame>
  | StockMovementFrame
  | z.infer<typeof WorkingFrame>
  | z.infer<typeof CountWelcomeFrame>
  | z.infer<typeof LineFrame>
  | z.infer<typeof CountStatusFrame>;

const STOCK_TYPES = new Set(["focus", "claim", "release", "scan", "count"]);
const StockClientFrame = z.discriminatedUnion("type", [
  FocusFrame,
  ClaimFrame,
  ReleaseFrame,
  ScanFrame,
  TypedCountFrame,
]);
export type StockClientFrame = z.infer<typeof StockClientFrame>;

/** A stock room's own frame from a client; null for frames every room takes (message, ping) and the rest. */
export function readStockFrame(data: string | ArrayBuffer): StockClientFrame | { refused: string } | null {
  let json: unknown;
  try {
    json = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
  } catch {
    return null;
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type !== "string" || !STOCK_TYPES.has(type)) return null;
  const parsed = StockClientFrame.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return { refused: `A ${type} frame: ${issue?.path.join(".") || "frame"}: ${issue?.message ?? "invalid"}.` };
}
