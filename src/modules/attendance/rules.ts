// Attendance derived from raw clock punches, pure (no D1, no clock): punches and managers' corrections go
// in, sessions come out, and the punches themselves are never changed. Reports on sessions: ./report.ts.
//
// Choices the rules make:
// - Per employee, punches in time order toggle in/out. A punch at most `duplicateWindowSeconds` after the
//   previous *kept* punch is a double tap and ignored (so a burst of taps keeps only its first).
// - Corrections are forced states, applied in time order among the punches: `add_in` opens a session (an
//   open one is first closed at that instant), `add_out` closes the open one (with nothing open it has no
//   effect), `ignore_punch` drops a punch before duplicates are looked for. A session a correction opened,
//   closed or took a punch from is flagged `corrected`.
// - A session still open more than `maxShiftHours` after its `in` — when the next step comes or as of
//   `now` — is a forgotten clock-out: closed by the rule at `in + maxShiftHours`, flagged, and the next
//   punch starts a fresh session.
// - Every instant the sessions carry is normalised to `Date.prototype.toISOString` (UTC, milliseconds).

export interface Punch {
  id: string;
  employeeId: string;
  /** RFC 3339, UTC */
  at: string;
  deviceId: string | null;
}

export interface Correction {
  id: string;
  employeeId: string;
  kind: "add_in" | "add_out" | "ignore_punch";
  /** For add_in and add_out. */
  at?: string;
  /** For ignore_punch. */
  punchId?: string;
  reason: string;
  by: string;
}

export interface Rules {
  /** e.g. 60 */
  duplicateWindowSeconds: number;
  /** e.g. 14: a session open longer than this is a forgotten clock-out. */
  maxShiftHours: number;
}

export type SessionFlag = "forgotten_clock_out" | "corrected";

export interface Session {
  employeeId: string;
  in: string;
  out: string | null;
  closedBy: "punch" | "rule" | "correction" | null;
  flags: SessionFlag[];
  /** The raw punches that opened or closed it (not corrections). */
  punchIds: string[];
}

export interface IgnoredPunch {
  punchId: string;
  reason: "duplicate" | "corrected";
}

/** An RFC 3339 instant as epoch milliseconds; anything else is a caller's bug. */
export function instant(at: string): number {
  const t = Date.parse(at);
  if (Number.isNaN(t)) throw new RangeError(`not an RFC 3339 instant: ${at}`);
  return t;
}

const iso = (t: number) => new Date(t).toISOString();

type Step = { t: number } & (
  | { kind: "toggle"; punchId: string }
  | { kind: "in" | "out"; correctionId: string }
);

/**
 * Sessions per employee from raw punches and corrections, as of `now`.
 * @example deriveSessions(punches, [], { duplicateWindowSeconds: 60, maxShiftHours: 14 }, "2026-11-27T18:00:00Z")
 */
export function deriveSessions(
  punches: Punch[],
  corrections: Correction[],
  rules: Rules,
  now: string,
): { sessions: Session[]; ignored: IgnoredPunch[] } {
  const ignored: IgnoredPunch[] = [];
  const ignoredByCorrection = new Set(
    corrections.filter((c) => c.kind === "ignore_punch" && c.punchId).map((c) => c.punchId),
  );
  const dropped: { employeeId: string; t: number }[] = [];
  const steps = new Map<string, Step[]>();
  const stepsOf = (employeeId: string) => {
    const list = steps.get(employeeId) ?? [];
    steps.set(employeeId, list);
    return list;
  };

  const ordered = punches
    .map((p) => ({ p, t: instant(p.at) }))
    .sort((a, b) => a.t - b.t || (a.p.id < b.p.id ? -1 : a.p.id > b.p.id ? 1 : 0));
  const lastKept = new Map<string, number>();
  for (const { p, t } of ordered) {
    if (ignoredByCorrection.has(p.id)) {
      ignored.push({ punchId: p.id, reason: "corrected" });
      dropped.push({ employeeId: p.employeeId, t });
      continue;
    }
    const previous = lastKept.get(p.employeeId);
    if (previous !== undefined && t - previous <= rules.duplicateWindowSeconds * 1000) {
      ignored.push({ punchId: p.id, reason: "duplicate" });
      continue;
    }
    lastKept.set(p.employeeId, t);
    stepsOf(p.employeeId).push({ kind: "toggle", t, punchId: p.id });
  }
  for (const c of corrections) {
    if (c.kind === "ignore_punch") continue;
    if (!c.at) throw new RangeError(`correction ${c.id} (${c.kind}) has no time`);
    stepsOf(c.employeeId).push({
      kind: c.kind === "add_in" ? "in" : "out",
      t: instant(c.at),
      correctionId: c.id,
    });
  }

  const sessions: Session[] = [];
  const maxMs = rules.maxShiftHours * 3_600_000;
  const nowMs = instant(now);
  for (const [employeeId, list] of [...steps].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // Stable sort: at the same instant a punch goes before a correction.
    list.sort((a, b) => a.t - b.t);
    // A cast, not an annotation: closures reassign it, which narrowing by the initial null would miss.
    let open = null as { session: Session; t: number } | null;
    const close = (t: number, by: "punch" | "rule" | "correction") => {
      if (!open) return;
      open.session.out = iso(t);
      open.session.closedBy = by;
      if (by === "rule") open.session.flags.push("forgotten_clock_out");
      if (by === "correction") flag(open.session, "corrected");
      open = null;
    };
    const start = (t: number, punchId: string | null) => {
      const session: Session = {
        employeeId,
        in: iso(t),
        out: null,
        closedBy: null,
        flags: punchId ? [] : ["corrected"],
        punchIds: punchId ? [punchId] : [],
      };
      sessions.push(session);
      open = { session, t };
    };
    for (const step of list) {
      if (open && step.t - open.t > maxMs) close(open.t + maxMs, "rule");
      if (step.kind === "toggle") {
        if (open) {
          open.session.punchIds.push(step.punchId);
          close(step.t, "punch");
        } else start(step.t, step.punchId);
      } else if (step.kind === "in") {
        close(step.t, "correction");
        start(step.t, null);
      } else close(step.t, "correction");
    }
    if (open && nowMs - open.t > maxMs) close(open.t + maxMs, "rule");
  }

  for (const { employeeId, t } of dropped) {
    const holder = sessions.find(
      (s) => s.employeeId === employeeId && instant(s.in) <= t && (s.out === null || t <= instant(s.out)),
    );
    if (holder) flag(holder, "corrected");
  }
  return { sessions, ignored };
}

function flag(session: Session, name: SessionFlag) {
  if (!session.flags.includes(name)) session.flags.push(name);
}
