// A WebSocket client for tests: joins through the Worker's fetch door and reads frames in order.
import { call } from "./helpers";

type Frame = Record<string, any>;

export interface Client {
  ws: WebSocket;
  /** Resolves with the next frame of this type (frames of other types are kept for later). */
  next(type: string, timeoutMs?: number): Promise<Frame>;
  /** Resolves with the first frame, kept or still to come, that `match` accepts (and takes it). */
  until(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  send(frame: unknown): void;
  close(): void;
}

export async function join(path: string, token: string): Promise<Client> {
  const res = await call(
    `${path}${path.includes("?") ? "&" : "?"}access_token=${encodeURIComponent(token)}`,
    {
      headers: { upgrade: "websocket" },
    },
  );
  if (res.status !== 101 || !res.webSocket) throw new Error(`join failed: ${res.status} ${await res.text()}`);
  const ws = res.webSocket;
  const frames: Frame[] = [];
  const waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  ws.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data as string) as Frame;
    const waiter = waiters.findIndex((w) => w.match(frame));
    if (waiter >= 0) waiters.splice(waiter, 1)[0]?.resolve(frame);
    else frames.push(frame);
  });
  ws.accept();
  const until = (match: (f: Frame) => boolean, timeoutMs = 5000, what = "matching") => {
    const queued = frames.findIndex(match);
    if (queued >= 0) return Promise.resolve(frames.splice(queued, 1)[0] as Frame);
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} frame within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  };
  return {
    ws,
    next: (type, timeoutMs) => until((f) => f.type === type, timeoutMs, `"${type}"`),
    until: (match, timeoutMs) => until(match, timeoutMs),
    send: (frame) => ws.send(JSON.stringify(frame)),
    close: () => ws.close(1000, "done"),
  };
}
