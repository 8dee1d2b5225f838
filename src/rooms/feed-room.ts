// The shop's live feed (one room, "shop"): every domain event from every door, numbered, kept for resuming.
// Staff dashboards watch it; members see each other, but nobody posts here.
import type { Env } from "../env";
import type { DomainEvent } from "../modules/events/announce";
import type { FeedEntry, FeedEventFrame, Member } from "./frames";
import { FEED_KEPT, FEED_RECENT } from "./limits";
import { resumePoint } from "./resume";
import { Room, sendFrame } from "./room";

interface Row extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  type: string;
  occurred_at: string;
  data: string;
}

const entryOf = (r: Row): FeedEntry => ({
  seq: r.seq,
  event: {
    id: r.id,
    type: r.type as FeedEntry["event"]["type"],
    occurred_at: r.occurred_at,
    data: JSON.parse(r.data) as Record<string, unknown>,
  },
});

export class FeedRoom extends Room {
  protected override readonly takesChat = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // AUTOINCREMENT: a seq is never handed out twice, even after the oldest rows are trimmed.
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS feed_events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      type TEXT NOT NULL,
      occurred_at TEXT NOT NULL,
      data TEXT NOT NULL
    )`);
  }

  /**
   * Keeps each new event (an id already kept is skipped), numbers it, sends it to everyone watching, and
   * trims the feed to its newest FEED_KEPT events. Reached by RPC from announce(); answers how many were new.
   */
  announce(events: DomainEvent[]): number {
    const sql = this.ctx.storage.sql;
    let kept = 0;
    let last = 0;
    for (const event of events) {
      // Looked up first: an insert that conflicts would still use up a seq and leave a hole in the feed.
      if (sql.exec("SELECT 1 FROM feed_events WHERE id = ?", event.id).toArray().length > 0) continue;
      const row = sql
        .exec<Row>(
          `INSERT INTO feed_events (id, type, occurred_at, data) VALUES (?, ?, ?, ?)
           RETURNING seq, id, type, occurred_at, data`,
          event.id,
          event.type,
          event.occurred_at,
          JSON.stringify(event.data ?? {}),
        )
        .one();
      kept++;
      last = row.seq;
      this.broadcast({ type: "event", ...entryOf(row) } satisfies FeedEventFrame);
    }
    // Seqs have no holes (a repeat is skipped before it could take one), so the newest FEED_KEPT events
    // are those above last - FEED_KEPT: a range on the key, not a walk over the kept events.
    if (kept > 0) sql.exec("DELETE FROM feed_events WHERE seq <= ?", last - FEED_KEPT);
    return kept;
  }

  /**
   * The welcome, then (resuming) every kept event after the client's seq. No await from reading the feed to
   * the last send: the socket is already accepted, so an event announced before this runs is in what we
   * read, and one announced after it is broadcast to this socket too, queued behind the backlog.
   */
  protected override greet(ws: WebSocket, member: Member, url: URL): void {
    const sql = this.ctx.storage.sql;
    const bounds = sql
      .exec<{ head: number | null; oldest: number | null }>(
        "SELECT MAX(seq) AS head, MIN(seq) AS oldest FROM feed_events",
      )
      .one();
    const head = bounds.head ?? 0;
    const oldest = bounds.oldest;
    const { after, gap } = resumePoint(url, head, oldest);
    const resuming = after !== null;
    const recent = resuming
      ? []
      : sql
          .exec<Row>(
            "SELECT * FROM (SELECT seq, id, type, occurred_at, data FROM feed_events ORDER BY seq DESC LIMIT ?) ORDER BY seq",
            FEED_RECENT,
          )
          .toArray()
          .map(entryOf);
    sendFrame(ws, { type: "welcome", you: member, present: this.present(), head, oldest, gap, recent });
    if (!resuming) return;
    const missed = sql.exec<Row>(
      "SELECT seq, id, type, occurred_at, data FROM feed_events WHERE seq > ? ORDER BY seq",
      after,
    );
    for (const row of missed) sendFrame(ws, { type: "event", ...entryOf(row) });
  }
}
