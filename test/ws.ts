// A WebSocket client for tests: joins through the Worker's fetch door and reads frames in order.
import { call } from "./helpers";

export interface Client {
  ws: WebSocket;
  /** Resolves with the next frame of this type (frames of other types are kept for later). */
  next(type: string, timeoutMs?: number): Promise<Record<string, any>>;
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
  const frames: Record<string, any>[] = [];
  const waiters: { type: string; resolve: (f: Record<string, any>) => void }[] = [];
  ws.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data as string) as Record<string, any>;
    const waiter = waiters.findIndex((w) => w.type === frame.type);
    if (waiter >= 0) waiters.splice(waiter, 1)[0]?.resolve(frame);
    else frames.push(frame);
  });
  ws.accept();
  return {
    ws,
    next(type, timeoutMs = 5000) {
      const queued = frames.findIndex((f) => f.type === type);
      if (queued >= 0) return Promise.resolve(frames.splice(queued, 1)[0] as Record<string, any>);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "${type}" frame within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          type,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f);
          },
        });
      });
    },
    send: (frame) => ws.send(JSON.stringify(frame)),
    close: () => ws.close(1000, "done"),
  };
}
