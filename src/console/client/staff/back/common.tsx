// What the back-office screens share: polling while work runs, a job's panel, tiles and facts, and links that
// keep filters. (Fields, text areas and check boxes: ui/parts.tsx; files fetched with the token: ui/files.tsx.)
import type { Child } from "hono/jsx";
import { useRef } from "hono/jsx/dom";
import { setQuery } from "../../router";
import { type Loaded, useSafeEffect } from "../../ui/hooks";
import { Section, Show } from "../../ui/parts";

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

/** A selected job's panel: its title, a button that closes it (drops `?job` from the address), and the job. */
export function JobPanel<T>(props: {
  title: string;
  close: string;
  loaded: Loaded<T | null>;
  children: (job: T) => Child;
}) {
  return (
    <Section
      title={props.title}
      actions={
        <button type="button" class="secondary" onClick={() => setQuery({ job: null })}>
          {props.close}
        </button>
      }
    >
      <Show loaded={props.loaded}>{(job) => job && props.children(job)}</Show>
    </Section>
  );
}
