// A room's chat and presence (an order's, a claim's): the history from the welcome, each message as it
// comes, who is here now, and a box to write in. The room's other frames (status, events) go to `onEvent`.
import { useRef, useState } from "hono/jsx/dom";
import { clock } from "../format";
import { joinLive, type Room, type RoomState } from "../live";
import type { OrderMessage } from "../types";
import { useSafeEffect } from "./hooks";

interface Member {
  id: string;
  name: string;
  role: string;
}

export function RoomChat(props: {
  /** The room's join path under /api/v1, e.g. `/orders/{id}/room`. */
  path: string;
  label: string;
  onEvent?: (event: Record<string, unknown>) => void;
}) {
  const [messages, setMessages] = useState<OrderMessage[]>([]);
  const [present, setPresent] = useState<Member[]>([]);
  const [state, setState] = useState<RoomState>("connecting");
  const [draft, setDraft] = useState("");
  const [refused, setRefused] = useState<string | null>(null);
  const room = useRef<Room | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const onEvent = useRef(props.onEvent);
  onEvent.current = props.onEvent;

  useSafeEffect(() => {
    const live = joinLive(
      props.path,
      (frame) => {
        if (frame.type === "welcome") {
          setMessages((frame.history as OrderMessage[]) ?? []);
          setPresent((frame.present as Member[]) ?? []);
        } else if (frame.type === "message") {
          const message = frame.message as OrderMessage;
          setMessages((m) => (m.some((x) => x.id === message.id) ? m : [...m, message]));
        } else if (frame.type === "presence") {
          const left = new Set((frame.left as Member[]).map((m) => m.id));
          setPresent((p) => [
            ...p.filter((m) => !left.has(m.id)),
            ...(frame.joined as Member[]).filter((m) => !p.some((x) => x.id === m.id)),
          ]);
        } else if (frame.type === "error") {
          setRefused(String(frame.detail));
        } else if (frame.type === "event") {
          onEvent.current?.(frame.event as Record<string, unknown>);
        }
      },
      setState,
    );
    room.current = live;
    return () => live.close();
  }, [props.path]);

  useSafeEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [messages.length]);

  const send = (event: Event) => {
    event.preventDefault();
    const body = draft.trim();
    if (!body) return setRefused("Write a message first.");
    setRefused(null);
    if (room.current?.send({ type: "message", body })) setDraft("");
    else setRefused("Not connected to the room yet; try again in a moment.");
  };

  return (
    <div class="room">
      <p class="live muted" aria-live="polite">
        {state === "open" ? "Live" : state === "connecting" ? "Connecting…" : "Offline"} · Here now:{" "}
      </p>
      <ul class="presence" aria-label="Here now">
        {present.map((m) => (
          <li>
            {m.name} ({m.role})
          </li>
        ))}
      </ul>
      <div class="chat" ref={list} role="log" aria-label={props.label} aria-live="polite" tabindex={0}>
        {messages.length === 0 && <p class="muted">No messages yet.</p>}
        {messages.map((m) => (
          <p class="message">
            <span class="by">{m.author.name}</span>
            <span>{m.body}</span> <small class="muted">{clock(m.at)}</small>
          </p>
        ))}
      </div>
      <form class="row" onSubmit={send}>
        <div class="field">
          <label for="chat-draft">Message</label>
          <input
            id="chat-draft"
            name="body"
            value={draft}
            maxlength={4000}
            aria-invalid={refused ? "true" : undefined}
            aria-describedby={refused ? "chat-refused" : undefined}
            onInput={(e: Event) => setDraft((e.target as HTMLInputElement).value)}
          />
          {refused && (
            <small id="chat-refused" class="field-error">
              {refused}
            </small>
          )}
        </div>
        <button type="submit">Send</button>
      </form>
    </div>
  );
}
