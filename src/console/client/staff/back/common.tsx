// What the back-office screens share: polling while work runs, a file picker, text areas and check boxes,
// tiles and facts, and links that keep filters. (Files fetched with the token: ui/files.tsx.)
import type { Child } from "hono/jsx";
import { useId, useRef } from "hono/jsx/dom";
import { ApiError } from "../../api";
import { useSafeEffect } from "../../ui/hooks";

/** A list's rows with the selected job as polled (fresher than the list), first when the list lacks it. */
export function withPolled<T extends { id: string }>(
  items: T[],
  polled: T | null | undefined,
  selected: string | null,
): T[] {
  if (!polled || polled.id !== selected) return items;
  return items.some((j) => j.id === polled.id)
    ? items.map((j) => (j.id === polled.id ? polled : j))
    : [polled, ...items];
}

/** Calls `tick` every `ms` while `active` (a job that runs). */
export function usePoll(active: boolean, tick: () => void, ms = 1000) {
  const latest = useRef(tick);
  latest.current = tick;
  useSafeEffect(() => {
    if (!active) return;
    const timer = setInterval(() => latest.current(), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
}

/** A labelled multi-line text box. */
export function TextArea(props: {
  label: string;
  name: string;
  value: string;
  required?: boolean;
  error?: unknown;
  hint?: string;
  onInput: (value: string) => void;
}) {
  const id = useId();
  const message = props.error instanceof ApiError ? props.error.field(props.name) : undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        required={props.required}
        value={props.value}
        aria-invalid={message ? "true" : undefined}
        aria-describedby={message ? `${id}-error` : props.hint ? `${id}-hint` : undefined}
        onInput={(e: Event) => props.onInput((e.target as HTMLTextAreaElement).value)}
      />
      {props.hint && (
        <small id={`${id}-hint`} class="muted">
          {props.hint}
        </small>
      )}
      {message && (
        <small id={`${id}-error`} class="field-error">
          {message}
        </small>
      )}
    </div>
  );
}

/** A labelled checkbox. */
export function Check(props: {
  label: string;
  name: string;
  checked: boolean;
  onChange: (on: boolean) => void;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>
        <input
          id={id}
          type="checkbox"
          name={props.name}
          checked={props.checked}
          onChange={(e: Event) => props.onChange((e.target as HTMLInputElement).checked)}
        />{" "}
        {props.label}
      </label>
    </div>
  );
}

/** The current address with some query parameters changed, for links that select without losing filters. */
export function hrefWith(changes: Record<string, string | null | undefined>): string {
  const url = new URL(location.href);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === "") url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  return url.pathname + url.search;
}

/** A few figures side by side. */
export function Tiles(props: { items: [string, Child][] }) {
  return (
    <div class="tiles">
      {props.items.map(([label, value]) => (
        <div class="tile">
          <span class="muted">{label}</span>
          <strong>{value}</strong>
        </div>
      ))}
    </div>
  );
}

/** A short label: value list. */
export function Facts(props: { items: [string, Child][] }) {
  return (
    <dl class="facts">
      {props.items.map(([label, value]) => (
        <>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}
