// One room per stock location (named by its id) and one per count session (named "count:<id>"). A location's
// room pushes every movement written there, numbered by its seq, reading them back from D1 in the order
// written, so a movement is never missed or reordered however the notices arrive, and keeps the newest
// STOCK_KEPT for clients resuming with `?after=`. A count's room holds the count itself (count-floor.ts).
// Both say who is working on what.
import type { Env } from "../env";
import { countLineFor, countSnapshot, levelNow } from "../modules/counts/snapshot";
import { movementsAfter } from "../modules/inventory/queries";
import type { MovementView } from "../modules/inventory/schemas";
import { resolveCode } from "../modules/scans/resolve";
import { type Applied, CountFloor, type CountSessionRef, type Refused } from "./count-floor";
import type { Member } from "./frames";
import { STOCK_KEPT } from "./limits";
import { resumePoint } from "./resume";
import { Room, sendFrame } from "./room";
import type { CountLine, Focus } from "./stock-frames";

/** What the Worker tells the room on a join: the location it is for, or the count session. */
export const LOCATION_HEADER = "x-roms-location";
export const COUNT_HEADER = "x-roms-count";

const stockFrames = () => import("./stock-frames");

type Counted = Applied | Refused;

export class InventoryRoom extends Room {
  #pulling: Promise<void> | undefined;
  #again = false;
  #floor: CountFloor | undefined;
  /** Whether a lapse alarm is known to be set (read from storage once after waking). */
  #alarmSet: boolean | undefined;
  /** Codes a count of the whole location is looking up in D1, so that scans of a new code wait for one read. */
  #learning = new Map<string, Promise<string | null>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS stock_stream (seq INTEGER PRIMARY KEY, data TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS room_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS focus (member_id TEXT PRIMARY KEY, shelf TEXT, product_id TEXT)");
  }

  #meta(key: string): string | null {
    return (
      this.ctx.storage.sql
        .exec<{ value: string }>("SELECT value FROM room_meta WHERE key = ?", key)
        .toArray()[0]?.value ?? null
    );
  }

  #remember(key: string, value: string): void {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO room_meta (key, value) VALUES (?, ?)", key, value);
  }

  /** The count this room holds, if it is a count's room. */
  #count(): CountFloor | null {
    if (!this.#floor && this.#meta("count") === null) return null;
    this.#floor ??= new CountFloor(this.ctx.storage.sql, (line, by, op) =>
      this.broadcast({ type: "line", line, by, op }),
    );
    return this.#floor;
  }

  override async fetch(request: Request): Promise<Response> {
    const count = request.headers.get(COUNT_HEADER);
    const location = request.headers.get(LOCATION_HEADER);
    if (count) await this.openCount(count);
    else if (location) {
      this.#remember("location", location);
      // Joining waits for the stream to reach D1, so `head` is at least what REST shows now.
      await this.#catchUp();
    }
    return super.fetch(request);
  }

  protected override greet(ws: WebSocket, member: Member, url: URL): void {
    const history = this.history();
    const present = this.present();
    const working = this.#working();
    const floor = this.#count();
    const session = floor?.session();
    if (floor && session) {
      sendFrame(ws, {
        type: "welcome",
        you: member,
        present,
        working,
        history,
        session,
        lines: floor.lines(),
      });
      return;
    }
    const sql = this.ctx.storage.sql;
    const bounds = sql
      .exec<{ head: number | null; oldest: number | null }>(
        "SELECT MAX(seq) AS head, MIN(seq) AS oldest FROM stock_stream",
      )
      .one();
    const head = bounds.head ?? 0;
    const { after, gap } = resumePoint(url, head, bounds.oldest);
    sendFrame(ws, {
      type: "welcome",
      you: member,
      present,
      working,
      history,
      head,
      oldest: bounds.oldest,
      gap,
    });
    if (after === null) return;
    // No await from reading the backlog to the last send: a movement pulled after this is broadcast to this
    // socket too, behind the backlog.
    for (const row of sql.exec<{ data: string }>(
      "SELECT data FROM stock_stream WHERE seq > ? ORDER BY seq",
      after,
    )) {
      ws.send(row.data);
    }
  }

  /** Told by whoever wrote movements here (after their batch applied); the room reads them back in order. */
  async movementsWritten(movements: MovementView[]): Promise<void> {
    const location = movements[0]?.location_id;
    if (!location || this.#meta("count") !== null) return;
    if (this.#meta("location") === null) this.#remember("location", location);
    await this.#catchUp();
  }

  /** One read of D1 at a time; notices that arrive meanwhile are served by one more read after it. */
  #catchUp(): Promise<void> {
    if (this.#pulling) {
      this.#again = true;
      return this.#pulling;
    }
    this.#pulling = (async () => {
      try {
        do {
          this.#again = false;
          await this.#pull();
        } while (this.#again);
      } finally {
        this.#pulling = undefined;
      }
    })();
    return this.#pulling;
  }

  async #pull(): Promise<void> {
    const location = this.#meta("location");
    if (!location) return;
    const sql = this.ctx.storage.sql;
    const head = () =>
      sql.exec<{ head: number | null }>("SELECT MAX(seq) AS head FROM stock_stream").one().head ?? 0;
    const rows = await movementsAfter(this.env, location, head(), STOCK_KEPT);
    // From here to the last send, nothing else runs in the room: the stream and the sockets agree.
    let last = head();
    for (const row of rows) {
      if (row.movement.seq <= last) continue;
      const frame = JSON.stringify({ type: "movement", seq: row.movement.seq, ...row });
      sql.exec("INSERT INTO stock_stream (seq, data) VALUES (?, ?)", row.movement.seq, frame);
      this.broadcastText(frame);
      last = row.movement.seq;
    }
    if (rows.length > 0) sql.exec("DELETE FROM stock_stream WHERE seq <= ?", last - STOCK_KEPT);
  }

  // What people are working on

  #working(): { member_id: string; focus: Focus }[] {
    const present = new Set(this.present().map((m) => m.id));
    return this.ctx.storage.sql
      .exec<{ member_id: string; shelf: string | null; product_id: string | null }>("SELECT * FROM focus")
      .toArray()
      .filter((r) => present.has(r.member_id))
      .map((r) => ({ member_id: r.member_id, focus: { shelf: r.shelf, product_id: r.product_id } }));
  }

  protected override left(member: Member): void {
    this.ctx.storage.sql.exec("DELETE FROM focus WHERE member_id = ?", member.id);
  }

  protected override async onFrame(
    ws: WebSocket,
    member: Member,
    data: string | ArrayBuffer,
  ): Promise<boolean> {
    const f = await stockFrames();
    const frame = f.readStockFrame(data);
    if (!frame) return false;
    if ("refused" in frame) {
      sendFrame(ws, { type: "error", code: "bad-frame", detail: frame.refused });
      return true;
    }
    if (frame.type === "focus") {
      const focus = { shelf: frame.shelf, product_id: frame.product_id };
      this.ctx.storage.sql.exec(
        "INSERT OR REPLACE INTO focus (member_id, shelf, product_id) VALUES (?, ?, ?)",
        member.id,
        focus.shelf,
        focus.product_id,
      );
      this.broadcast({ type: "working", member_id: member.id, focus });
      return true;
    }
    const op = "op" in frame ? (frame.op ?? null) : null;
    const result =
      frame.type === "claim"
        ? await this.#apply(member, frame.product_id, null, null)
        : frame.type === "release"
          ? (this.#count()?.release(member, frame.product_id) ?? notCounting)
          : frame.type === "scan"
            ? await this.countScan(member, frame.code, op)
            : await this.countSet(member, frame.product_id, frame.counted, op);
    if ("refused" in result) sendFrame(ws, { type: "error", code: "refused", detail: result.refused, op });
    // Nothing changed (an op sent again): only its sender hears, with the line as it is.
    else if (!result.changed) sendFrame(ws, { type: "line", line: result.line, by: member, op });
    return true;
  }

  // Counting (also reached by RPC: REST scans, the count's routes)

  /** Opens the room for a count session, from D1 (once; later calls find it open). */
  async openCount(sessionId: string): Promise<CountSessionRef | null> {
    const floor = this.#count();
    if (floor?.session()) return floor.session();
    const snapshot = await countSnapshot(this.env, sessionId);
    if (!snapshot) return null;
    this.#remember("count", sessionId);
    this.#remember("location", snapshot.session.location_id);
    const opened = this.#count() as CountFloor;
    opened.open(snapshot);
    return opened.session();
  }

  /** One item scanned: +1 on the product its code names. */
  async countScan(who: Member, code: string, op: string | null): Promise<Counted> {
    const floor = this.#count();
    if (!floor) return notCounting;
    const productId = floor.productFor(code) ?? (await this.#learn(floor, code));
    if (typeof productId !== "string") return productId;
    return this.#apply(who, productId, op, (counted) => (counted ?? 0) + 1);
  }

  /** A typed count of a product, in all. */
  countSet(who: Member, productId: string, counted: number, op: string | null): Promise<Counted> {
    return this.#apply(who, productId, op, () => counted);
  }

  countState(): { session: CountSessionRef; lines: CountLine[] } | null {
    const floor = this.#count();
    const session = floor?.session();
    return floor && session ? { session, lines: floor.lines() } : null;
  }

  /** What posting (or cancelling) did, told to everyone counting. */
  countSettled(
    posted: string[],
    stale: { product_id: string; on_hand: number; version: number }[],
    status: CountSessionRef["status"],
  ): void {
    const floor = this.#count();
    if (!floor) return;
    floor.settle(posted, stale, status);
    const session = floor.session();
    if (session) this.broadcast({ type: "count", session });
  }

  async #apply(
    who: Member,
    productId: string,
    op: string | null,
    count: ((counted: number | null) => number) | null,
  ): Promise<Counted> {
    const floor = this.#count();
    if (!floor) return notCounting;
    const result = floor.apply(who, productId, op, count);
    if ("refused" in result) return result;
    if (result.fresh) {
      const location = this.#meta("location") as string;
      this.ctx.waitUntil(
        levelNow(this.env, productId, location)
          .then((level) => floor.rebase(productId, level))
          .catch(() => {}),
      );
    }
    if (result.changed && this.#alarmSet !== true) {
      const next = floor.nextLapse();
      if (next !== null && (await this.ctx.storage.getAlarm()) === null)
        await this.ctx.storage.setAlarm(next);
      this.#alarmSet = true;
    }
    return { line: result.line, changed: result.changed };
  }

  /** A count of the whole location takes a product it did not list; a shelf's or category's refuses it. */
  async #learn(floor: CountFloor, code: string): Promise<string | Refused> {
    const session = floor.session() as CountSessionRef;
    if (session.shelf !== null || session.category_id !== null) {
      return { refused: `No product of this count has the code ${code}.` };
    }
    let learning = this.#learning.get(code);
    if (!learning) {
      learning = resolveCode(this.env, code)
        .then((target) =>
          target?.kind === "product" ? countLineFor(this.env, session.location_id, target.id) : null,
        )
        .then((line) => {
          if (line) floor.add(line);
          return line?.product_id ?? null;
        });
      this.#learning.set(code, learning);
      learning.finally(() => this.#learning.delete(code)).catch(() => {});
    }
    return (await learning) ?? { refused: `No product has the code ${code}.` };
  }

  override async alarm(): Promise<void> {
    const next = this.#count()?.lapse() ?? null;
    if (next !== null) await this.ctx.storage.setAlarm(next);
    this.#alarmSet = next !== null;
  }
}

const notCounting: Refused = { refused: "This room holds no count." };
