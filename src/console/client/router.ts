// Client-side navigation: the address bar is the console's state (which screen, which filters), links
// move without reloading the page (the session, live rooms and cached code stay), back and forward work.
import { useState } from "hono/jsx/dom";
import { useSafeEffect } from "./ui/hooks";

const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (href === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  notify();
}

/** Sets (or clears) query parameters of the current address, for filters: replaced, not pushed. */
export function setQuery(changes: Record<string, string | null | undefined>): void {
  const url = new URL(location.href);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === "") url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  navigate(url.pathname + url.search, { replace: true });
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

export function useLocation(): Location {
  const [, setTick] = useState(0);
  useSafeEffect(() => {
    const listener = () => setTick((t) => t + 1);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** Paths the console does not own: a click on them leaves the console (the API reference, files). */
const ELSEWHERE = /^\/(api|docs|openapi\.json|asyncapi\.json|health|console)(\/|$)/;

/** Same-origin links move inside the console; others (and modified clicks) behave as links do. */
export function interceptLinks(): void {
  addEventListener("popstate", notify);
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.("a");
    if (!anchor || anchor.target || anchor.hasAttribute("download")) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || ELSEWHERE.test(url.pathname)) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}

/** Matches `/orders/:id` against a path: the parameters, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.replace(/\/+$/, "").split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(":")) {
      if (!g) return null;
      params[w.slice(1)] = decodeURIComponent(g);
    } else if (w !== g) return null;
  }
  return params;
}
