// Loading and acting: the two things every screen does with the API.
import { useCallback, useEffect, useState } from "hono/jsx/dom";
import { errorText } from "../api";

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
  /** Replace what is shown (a live frame, an action's answer) without asking the API again. */
  set: (next: T | ((current: T | undefined) => T)) => void;
}

/** Loads `fetcher()` when the screen opens and whenever `deps` change; stale answers are dropped. */
export function useLoad<T>(fetcher: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the fetch depends on
  useEffect(() => {
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
    (next: T | ((current: T | undefined) => T)) =>
      setData((current) => (typeof next === "function" ? (next as (c: T | undefined) => T)(current) : next)),
    [],
  );
  return { data, error, loading, reload, set };
}

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
