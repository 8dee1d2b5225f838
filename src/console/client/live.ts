// A live room over WebSocket: joins with a fresh access token, hands every frame to the screen, and
// reconnects after a drop (backing off up to 10 s) until the screen leaves. Frames are the rooms' own
// (/asyncapi.json); the room's welcome after a reconnect is the whole state again.
import { urlOf } from "./api";
import { accessToken } from "./session";

export interface Room {
  send(frame: Record<string, unknown>): boolean;
  close(): void;
}

export type RoomState = "connecting" | "open" | "closed";

export function joinLive(
  path: string,
  onFrame: (frame: { type: string } & Record<string, unknown>) => void,
  onState: (state: RoomState) => void = () => {},
  query: () => Record<string, string | number | undefined> = () => ({}),
): Room {
  let socket: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  let ping: ReturnType<typeof setInterval> | undefined;

  const connect = async () => {
    onState("connecting");
    const token = await accessToken().catch(() => null);
    if (closed) return;
    if (!token) {
      onState("closed");
      return;
    }
    const url = new URL(urlOf(path, { ...query(), access_token: token }), location.origin);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      onState("open");
      ping = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('{"type":"ping"}'), 25_000);
    };
    ws.onmessage = (message) => {
      try {
        onFrame(JSON.parse(String(message.data)));
      } catch {
        // not a frame of ours
      }
    };
    ws.onclose = () => {
      clearInterval(ping);
      if (socket !== ws) return;
      socket = null;
      if (closed) return onState("closed");
      onState("connecting");
      const delay = Math.min(10_000, 500 * 2 ** attempt++);
      setTimeout(() => void connect(), delay);
    };
  };
  void connect();

  return {
    send(frame) {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(frame));
      return true;
    },
    close() {
      closed = true;
      clearInterval(ping);
      socket?.close(1000, "left");
      socket = null;
    },
  };
}
