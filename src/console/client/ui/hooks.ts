// Loading and acting: the two things every screen does with the API; and effects that run once per change.
//
// hono/jsx/dom (4.13) queues a component's effects for the next animation frame each time the component is
// applied, so a component rendered twice before that frame (mounted, then a state change) runs the same
// effect twice and keeps only the second cleanup, and an effect of a render already superseded still runs.
// A leaked subscription or fetch then sets state on a component that is gone, and hono draws it again where
// it was: a stale copy of a screen under the next one. The console runs every effect through
// `useSafeEffect` (never hono's useEffect directly); it skips the stale and repeated runs.
import { useCallback, useEffect, useRef, useState } from "hono/jsx/dom";
import { errorText } from "../api";

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
  /**
   * Replace what is shown (a live frame, an action's answer) without asking the API again; an updater given
   * nothing loaded yet may leave it so.
   */
  set: (next: T | ((current: T | undefined) => T | undefined)) => void;
}

const same = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

/** useEffect, run once per change of `deps`; `effect` may answer its cleanup. */
export function useSafeEffect(effect: () => unknown, deps: unknown[]): void {
  const newest = useRef<unknown[]>(deps);
  newest.current = deps;
  const ran = useRef<{ deps: unknown[]; cleanup: undefined | (() => void) } | null>(null);
  useEffect(() => {
    // A render since asked for other deps: its own run follows.
    if (!same(deps, newest.current)) return undefined;
    // This very run again: the same cleanup, kept.
    if (ran.current?.deps === deps) return ran.current.cleanup;
    const done = effect();
    const cleanup = () => {
      if (ran.current?.deps === deps) ran.current = null;
      if (typeof done === "function") done();
    };
    ran.current = { deps, cleanup };
    return cleanup;
  }, deps);
}

/** Loads `fetcher()` when the screen opens and whenever `deps` change; stale answers are dropped. */
export function useLoad<T>(fetcher: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  useSafeEffect(() => {
    let current = true;
    setLoading(true);
    fetcher()
      .then((value) => {
        if (!current) return;
        setData(value);
        setError(null);
      })
      .catch((reason) => current && setError(errorText(reason)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  const set = useCallback(
    (next: T | ((current: T | undefined) => T | undefined)) =>
      setData((current) =>
        typeof next === "function" ? (next as (c: T | undefined) => T | undefined)(current) : next,
      ),
    [],
  );
  return { data, error, loading, reload, set };
}

/**
 * The latest live frames a screen applied, to replay over every page it reads: a read that left before a
 * change was written can answer after the change's frame, and must not take the change back off the screen.
 * `apply` must leave a page alone when it holds the frame's change already (by version, seq or id).
 */
export function useReplay<F>(kept = REPLAYED) {
  const frames = useRef<F[]>([]);
  return {
    keep: (frame: F) => {
      frames.current = [...frames.current.slice(1 - kept), frame];
    },
    over: <P>(page: P, apply: (page: P, frame: F) => P, which: (frame: F) => boolean = () => true): P =>
      frames.current.filter(which).reduce(apply, page),
  };
}

/** How many of the latest frames a fresh read gets replayed over (more than a read's flight ever sees). */
const REPLAYED = 50;

export interface Action {
  busy: boolean;
  error: unknown;
  /** Runs the work once at a time; its error is kept for the form to show next to what caused it. */
  run: <T>(work: () => Promise<T>) => Promise<T | undefined>;
  clear: () => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T>(work: () => Promise<T>) => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (reason) {
      setError(reason);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}
