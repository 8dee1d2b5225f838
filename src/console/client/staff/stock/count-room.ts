// A count's room, as the count screen uses it: the whole count from the welcome, each line as it changes,
// who is here and what they work on, and the room's refusals in words. Scans and typed counts carry an op
// id; those not yet answered are sent again after a reconnect (the room applies each op once).
import { useRef, useState } from "hono/jsx/dom";
import { joinLive, type Room, type RoomState } from "../../live";
import { useSafeEffect } from "../../ui/hooks";
import type { CountLine, CountLineFrame, CountStatus, CountWelcome, Member, WorkingOn } from "./types";

interface Sent {
  frame: Record<string, unknown>;
  /** What it was, in words, to say what became of it. */
  what: string;
}

export function useCountRoom(id: string) {
  const [state, setState] = useState<RoomState>("connecting");
  const [session, setSession] = useState<CountStatus | null>(null);
  const [lines, setLines] = useState<CountLine[] | null>(null);
  const [you, setYou] = useState<Member | null>(null);
  const [present, setPresent] = useState<Member[]>([]);
  const [working, setWorking] = useState<WorkingOn[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [heard, setHeard] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(0);
  const [settled, setSettled] = useState(0);
  const room = useRef<Room | null>(null);
  const pending = useRef(new Map<string, Sent>());

  useSafeEffect(() => {
    const sent = new Map<string, Sent>();
    pending.current = sent;
    setLines(null);
    setSession(null);
    setProblem(null);
    setHeard(null);
    setWaiting(0);
    const answered = (op: unknown): Sent | undefined => {
      if (typeof op !== "string") return undefined;
      const was = sent.get(op);
      sent.delete(op);
      setWaiting(sent.size);
      return was;
    };
    const live: Room = joinLive(
      `/inventory/count-sessions/${id}/room`,
      (frame) => {
        if (frame.type === "welcome") {
          const f = frame as unknown as CountWelcome;
          setYou(f.you);
          setPresent(f.present);
          setWorking(f.working);
          setSession(f.session);
          setLines(f.lines);
          // What was sent but not answered before a drop: again (an op already applied is not applied twice).
          for (const s of sent.values()) live.send(s.frame);
        } else if (frame.type === "line") {
          const f = frame as unknown as CountLineFrame;
          setLines((ls) => {
            const all = ls ?? [];
            return all.some((l) => l.product_id === f.line.product_id)
              ? all.map((l) => (l.product_id === f.line.product_id ? f.line : l))
              : [...all, f.line];
          });
          const was = answered(f.op);
          if (was) {
            setProblem(null);
            setHeard(
              `${was.what}: ${f.line.sku} ${f.line.name}, ${f.line.counted ?? 0} counted (expected ${f.line.expected}).`,
            );
          }
        } else if (frame.type === "count") {
          setSession((frame as unknown as { session: CountStatus }).session);
          setSettled((n) => n + 1);
        } else if (frame.type === "presence") {
          const joined = frame.joined as Member[];
          const left = new Set((frame.left as Member[]).map((m) => m.id));
          setPresent((p) => [
            ...p.filter((m) => !left.has(m.id)),
            ...joined.filter((m) => !p.some((x) => x.id === m.id)),
          ]);
          setWorking((w) => w.filter((x) => !left.has(x.member_id)));
        } else if (frame.type === "working") {
          const w = frame as unknown as WorkingOn;
          setWorking((all) => [...all.filter((x) => x.member_id !== w.member_id), w]);
        } else if (frame.type === "error") {
          const was = answered(frame.op);
          setHeard(null);
          setProblem(was ? `${was.what}: ${String(frame.detail)}` : String(frame.detail));
        }
      },
      setState,
    );
    room.current = live;
    return () => {
      live.close();
      room.current = null;
    };
  }, [id]);

  /** A change with an op id: kept until the room answers it, sent again after a reconnect. */
  const change = (frame: Record<string, unknown>, what: string) => {
    const op = crypto.randomUUID();
    const full = { ...frame, op };
    pending.current.set(op, { frame: full, what });
    setWaiting(pending.current.size);
    room.current?.send(full);
  };
  const once = (frame: Record<string, unknown>) => {
    if (!room.current?.send(frame)) setProblem("Not connected to the count; try again when it says Live.");
  };

  return {
    state,
    session,
    lines,
    you,
    present,
    working,
    problem,
    heard,
    waiting,
    /** How many times the count was posted or cancelled while here (to read its details again). */
    settled,
    settle: (s: CountStatus) => setSession(s),
    scan: (code: string) => change({ type: "scan", code }, `Scan of ${code}`),
    count: (line: CountLine, counted: number) =>
      change({ type: "count", product_id: line.product_id, counted }, `Count of ${line.sku}`),
    claim: (line: CountLine) => once({ type: "claim", product_id: line.product_id }),
    release: (line: CountLine) => once({ type: "release", product_id: line.product_id }),
  };
}
