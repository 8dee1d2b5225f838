// A count in progress, kept in its room's storage: the room is the one place every claim, scan and typed
// count passes through, one at a time, so concurrent +1s on a product are applied in one order and none is
// lost; an op id sent again (a reconnecting phone, a retried REST scan) is answered, not applied twice.
import type { CountSnapshot, CountSnapshotLine } from "../modules/counts/snapshot";
import type { Member } from "./frames";
import { CLAIM_MS } from "./limits";
import type { CountLine } from "./stock-frames";

interface LineRow extends Record<string, SqlStorageValue> {
  product_id: string;
  position: number;
  sku: string;
  name: string;
  bin: string | null;
  price_minor: number;
  currency: string;
  expected: number;
  version_seen: number;
  counted: number | null;
  counted_by: string | null;
  claimed_by: string | null;
  claimed_until: number | null;
  state: "open" | "posted" | "recount";
  note: string | null;
}

export type CountSessionRef = CountSnapshot["session"];
export type Refused = { refused: string };
export type Applied = { line: CountLine; changed: boolean };

const member = (json: string | null) => (json ? (JSON.parse(json) as Member) : null);

export class CountFloor {
  constructor(
    private readonly sql: SqlStorage,
    private readonly tell: (line: CountLine, by: Member | null, op: string | null) => void,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS count_lines (
      product_id TEXT PRIMARY KEY, position INTEGER NOT NULL, sku TEXT NOT NULL, name TEXT NOT NULL, bin TEXT,
      price_minor INTEGER NOT NULL, currency TEXT NOT NULL, expected INTEGER NOT NULL, version_seen INTEGER NOT NULL,
      counted INTEGER, counted_by TEXT, claimed_by TEXT, claimed_until INTEGER,
      state TEXT NOT NULL DEFAULT 'open', note TEXT)`);
    sql.exec("CREATE TABLE IF NOT EXISTS count_codes (code TEXT PRIMARY KEY, product_id TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS count_ops (key TEXT PRIMARY KEY, product_id TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS count_session (id TEXT PRIMARY KEY, data TEXT NOT NULL)");
  }

  /** Read once per wake-up and kept: this class is the only writer of count_session (open, settle). */
  #session: CountSessionRef | null | undefined;

  session(): CountSessionRef | null {
    if (this.#session === undefined) {
      const row = this.sql.exec<{ data: string }>("SELECT data FROM count_session").toArray()[0];
      this.#session = row ? (JSON.parse(row.data) as CountSessionRef) : null;
    }
    return this.#session;
  }

  /** Takes the count as opened (once: a second call keeps what was counted). */
  open(snapshot: CountSnapshot): void {
    if (this.session()) return;
    this.sql.exec(
      "INSERT INTO count_session (id, data) VALUES (?, ?)",
      snapshot.session.id,
      JSON.stringify(snapshot.session),
    );
    this.#session = snapshot.session;
    for (const [i, l] of snapshot.lines.entries()) this.add(l, i + 1);
  }

  /** A product found during the count that it did not list (a count of the whole location takes it). */
  add(l: CountSnapshotLine, position?: number): void {
    const at =
      position ??
      this.sql.exec<{ n: number }>("SELECT COALESCE(MAX(position), 0) + 1 AS n FROM count_lines").one().n;
    this.sql.exec(
      `INSERT OR IGNORE INTO count_lines (product_id, position, sku, name, bin, price_minor, currency, expected, version_seen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      l.product_id,
      at,
      l.sku,
      l.name,
      l.bin,
      l.price_minor,
      l.currency,
      l.on_hand,
      l.version,
    );
    for (const code of l.codes) {
      this.sql.exec("INSERT OR IGNORE INTO count_codes (code, product_id) VALUES (?, ?)", code, l.product_id);
    }
  }

  productFor(code: string): string | null {
    const row = this.sql
      .exec<{ product_id: string }>("SELECT product_id FROM count_codes WHERE code = ?", code)
      .toArray()[0];
    return row?.product_id ?? null;
  }

  lines(): CountLine[] {
    return this.sql
      .exec<LineRow>("SELECT * FROM count_lines ORDER BY position")
      .toArray()
      .map((r) => this.view(r));
  }

  line(productId: string): CountLine | null {
    const row = this.#row(productId);
    return row ? this.view(row) : null;
  }

  #row(productId: string): LineRow | undefined {
    return this.sql.exec<LineRow>("SELECT * FROM count_lines WHERE product_id = ?", productId).toArray()[0];
  }

  view(r: LineRow, now = Date.now()): CountLine {
    const claimed = r.claimed_by !== null && (r.claimed_until ?? 0) > now;
    const difference = r.counted === null ? null : r.counted - r.expected;
    return {
      product_id: r.product_id,
      sku: r.sku,
      name: r.name,
      bin: r.bin,
      expected: r.expected,
      version_seen: r.version_seen,
      counted: r.counted,
      difference,
      value_minor: difference === null ? null : difference * r.price_minor,
      currency: r.currency,
      status:
        r.state === "posted"
          ? "posted"
          : claimed
            ? "claimed"
            : r.counted !== null
              ? "counted"
              : r.state === "recount"
                ? "recount"
                : "to_count",
      claimed_by: claimed ? member(r.claimed_by) : null,
      claimed_until: claimed ? new Date(r.claimed_until as number).toISOString() : null,
      counted_by: member(r.counted_by),
      note: r.note,
    };
  }

  /**
   * Applies one change to a product for `who`: claims it if free (refused while someone else holds it),
   * then sets its count to `count(counted so far)` unless `count` is null (a bare claim). Answers whether the
   * product needs its level read afresh (its counting begins now).
   */
  apply(
    who: Member,
    productId: string,
    op: string | null,
    count: ((counted: number | null) => number) | null,
  ): (Applied & { fresh: boolean }) | Refused {
    const session = this.session();
    if (!session) return { refused: "This count has not been opened." };
    if (session.status !== "open")
      return { refused: `This count is ${session.status}; nothing more can be counted.` };
    const row = this.#row(productId);
    if (!row) return { refused: "That product is not part of this count." };
    const key = op ? `${who.id}\u0000${op}` : null;
    if (key && this.sql.exec("SELECT 1 FROM count_ops WHERE key = ?", key).toArray().length > 0) {
      return { line: this.view(row), changed: false, fresh: false };
    }
    if (row.state === "posted") return { refused: `${row.sku} is already posted in this count.` };
    const now = Date.now();
    const holder = member(row.claimed_by);
    if (holder && holder.id !== who.id && (row.claimed_until ?? 0) > now) {
      return {
        refused: `${row.sku} (${row.name}) is being counted by ${holder.name}; take another product.`,
      };
    }
    // Counting begins (again) now: the level it is measured against is read afresh.
    const fresh = row.counted === null && (holder?.id !== who.id || (row.claimed_until ?? 0) <= now);
    const counted = count ? count(row.counted) : row.counted;
    this.sql.exec(
      `UPDATE count_lines SET claimed_by = ?, claimed_until = ?, counted = ?, counted_by = ?,
              state = CASE WHEN ? IS NOT NULL AND state = 'recount' THEN 'open' ELSE state END,
              note = CASE WHEN ? IS NOT NULL THEN NULL ELSE note END
        WHERE product_id = ?`,
      JSON.stringify(who),
      now + CLAIM_MS,
      counted,
      count ? JSON.stringify(who) : row.counted_by,
      count ? 1 : null,
      count ? 1 : null,
      productId,
    );
    if (key) this.sql.exec("INSERT INTO count_ops (key, product_id) VALUES (?, ?)", key, productId);
    const line = this.view(this.#row(productId) as LineRow, now);
    this.tell(line, who, op);
    return { line, changed: true, fresh };
  }

  /** Gives a product back (only its holder can). */
  release(who: Member, productId: string): Applied | Refused {
    const row = this.#row(productId);
    if (!row) return { refused: "That product is not part of this count." };
    if (member(row.claimed_by)?.id !== who.id) return { line: this.view(row), changed: false };
    this.sql.exec(
      "UPDATE count_lines SET claimed_by = NULL, claimed_until = NULL WHERE product_id = ?",
      productId,
    );
    const line = this.view(this.#row(productId) as LineRow);
    this.tell(line, who, null);
    return { line, changed: true };
  }

  /** The level a product's counting began against, read afresh (unless it was counted meanwhile and moved on). */
  rebase(productId: string, level: { on_hand: number; version: number }): void {
    this.sql.exec(
      "UPDATE count_lines SET expected = ?, version_seen = ? WHERE product_id = ? AND state != 'posted'",
      level.on_hand,
      level.version,
      productId,
    );
    const row = this.#row(productId);
    if (row) this.tell(this.view(row), null, null);
  }

  /** Lets lapsed claims go; answers when the next one lapses (or null). */
  lapse(now = Date.now()): number | null {
    const lapsed = this.sql
      .exec<LineRow>("SELECT * FROM count_lines WHERE claimed_by IS NOT NULL AND claimed_until <= ?", now)
      .toArray();
    for (const r of lapsed) {
      this.sql.exec(
        "UPDATE count_lines SET claimed_by = NULL, claimed_until = NULL WHERE product_id = ?",
        r.product_id,
      );
      this.tell(this.view({ ...r, claimed_by: null, claimed_until: null }, now), null, null);
    }
    return this.nextLapse();
  }

  nextLapse(): number | null {
    return this.sql
      .exec<{ at: number | null }>(
        "SELECT MIN(claimed_until) AS at FROM count_lines WHERE claimed_by IS NOT NULL",
      )
      .one().at;
  }

  /**
   * What posting did: products whose count movement was written are posted; the others' levels moved after
   * they were counted, so they go back to be counted again.
   */
  settle(
    posted: string[],
    stale: { product_id: string; on_hand: number; version: number }[],
    status: CountSessionRef["status"],
  ): void {
    for (const id of posted) {
      this.sql.exec(
        "UPDATE count_lines SET state = 'posted', claimed_by = NULL, claimed_until = NULL WHERE product_id = ?",
        id,
      );
    }
    for (const s of stale) {
      this.sql.exec(
        `UPDATE count_lines SET state = 'recount', counted = NULL, counted_by = NULL, claimed_by = NULL, claimed_until = NULL,
                note = 'The level moved after it was counted (version ' || version_seen || ', now ' || ?1 || '); count it again.',
                expected = ?2, version_seen = ?1
          WHERE product_id = ?3`,
        s.version,
        s.on_hand,
        s.product_id,
      );
    }
    const session = this.session();
    if (session && session.status !== status) {
      this.#session = { ...session, status };
      this.sql.exec(
        "UPDATE count_session SET data = ? WHERE id = ?",
        JSON.stringify(this.#session),
        session.id,
      );
    }
    for (const id of [...posted, ...stale.map((s) => s.product_id)]) {
      const row = this.#row(id);
      if (row) this.tell(this.view(row), null, null);
    }
  }
}
