// D1 round trips per request, counted and timed, for the Server-Timing header and the request's log line.
// Local D1 answers one query at a time and the edge charges a round trip per query, so the count is what
// decides a route's throughput here and its latency there.
import { AsyncLocalStorage } from "node:async_hooks";

export interface D1Stats {
  /** Round trips: each statement run (first, all, run, raw), each batch, each exec. */
  queries: number;
  /** Time spent waiting for them, in milliseconds. */
  ms: number;
}

const current = new AsyncLocalStorage<D1Stats>();
const REAL = Symbol("the D1 statement behind a counted one");
const counted = new WeakMap<D1Database, D1Database>();
const counters = new WeakSet<object>();

async function timed<T>(work: () => Promise<T>): Promise<T> {
  const stats = current.getStore();
  if (!stats) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    stats.queries++;
    stats.ms += performance.now() - started;
  }
}

const RUNS = new Set(["first", "all", "run", "raw"]);

function countedStatement(statement: D1PreparedStatement): D1PreparedStatement {
  return new Proxy(statement, {
    get(target, prop) {
      if (prop === REAL) return target;
      if (prop === "bind") return (...values: unknown[]) => countedStatement(target.bind(...values));
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      if (typeof prop === "string" && RUNS.has(prop)) {
        return (...args: unknown[]) =>
          timed(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      }
      return value.bind(target);
    },
  });
}

const real = (statement: D1PreparedStatement) =>
  ((statement as unknown as Record<symbol, D1PreparedStatement>)[REAL] ?? statement) as D1PreparedStatement;

/**
 * The same D1 database, counting each round trip into the stats of the request it runs in. One wrapper per
 * binding, so whatever is memoized per database (drizzle) stays memoized.
 */
export function countingD1(db: D1Database | undefined): D1Database | undefined {
  if (!db || counters.has(db)) return db;
  let wrapper = counted.get(db);
  if (!wrapper) {
    wrapper = new Proxy(db, {
      get(target, prop) {
        if (prop === "prepare") return (query: string) => countedStatement(target.prepare(query));
        if (prop === "batch") {
          return (statements: D1PreparedStatement[]) => timed(() => target.batch(statements.map(real)));
        }
        if (prop === "exec") return (query: string) => timed(() => target.exec(query));
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    counters.add(wrapper);
    counted.set(db, wrapper);
  }
  return wrapper;
}

/** Runs `work` with fresh stats for its D1 round trips, and gives them back with its result. */
export async function withD1Stats<T>(work: () => Promise<T>): Promise<{ result: T; stats: D1Stats }> {
  const stats: D1Stats = { queries: 0, ms: 0 };
  const result = await current.run(stats, work);
  return { result, stats };
}

/** The header value: `d1;desc="3 queries";dur=4.2, total;dur=9.8`. */
export const serverTiming = (stats: D1Stats, totalMs: number) =>
  `d1;desc="${stats.queries} ${stats.queries === 1 ? "query" : "queries"}";dur=${stats.ms.toFixed(1)}, total;dur=${totalMs.toFixed(1)}`;
