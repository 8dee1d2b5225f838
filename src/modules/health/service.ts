import pkg from "../../../package.json";
import type { Env } from "../../env";

export interface ComponentHealth {
  status: "up" | "down";
  latency_ms: number;
  detail?: string;
}

export interface HealthReport {
  status: "ok" | "degraded";
  version: string;
  environment: string;
  time: string;
  components: { database: ComponentHealth; files: ComponentHealth };
}

async function probe(run: () => Promise<string | undefined>, failure: string): Promise<ComponentHealth> {
  const started = Date.now();
  try {
    const detail = await run();
    return { status: "up", latency_ms: Date.now() - started, ...(detail !== undefined && { detail }) };
  } catch (error) {
    // The cause goes to the log, never to the public body.
    console.error(
      JSON.stringify({ level: "error", msg: "health probe failed", failure, error: String(error) }),
    );
    return { status: "down", latency_ms: Date.now() - started, detail: failure };
  }
}

/** How long a readiness answer is reused by this isolate: polling costs one check per window. */
export const READINESS_CACHE_MS = 5_000;
const recent = new WeakMap<object, WeakMap<object, { until: number; report: HealthReport }>>();

/** Ready: D1 answers and carries our schema, R2 answers; checked at most once per window per binding. */
export async function readiness(env: Env): Promise<HealthReport> {
  const byFiles = recent.get(env.DB) ?? new WeakMap();
  recent.set(env.DB, byFiles);
  const hit = byFiles.get(env.FILES);
  if (hit && hit.until > Date.now()) return { ...hit.report, time: new Date().toISOString() };
  const report = await checkComponents(env);
  byFiles.set(env.FILES, { until: Date.now() + READINESS_CACHE_MS, report });
  return report;
}

/** D1 must answer and carry our schema; R2 must answer. */
async function checkComponents(env: Env): Promise<HealthReport> {
  const [database, files] = await Promise.all([
    probe(async () => {
      const row = await env.DB.prepare("SELECT name FROM d1_migrations ORDER BY id DESC LIMIT 1").first<{
        name: string;
      }>();
      if (!row) throw new Error("no migrations applied");
      return `schema ${row.name}`;
    }, "database unreachable or not migrated"),
    probe(async () => {
      await env.FILES.head("health/probe");
      return undefined;
    }, "file storage unreachable"),
  ]);
  const healthy = database.status === "up" && files.status === "up";
  return {
    status: healthy ? "ok" : "degraded",
    version: pkg.version,
    environment: env.ENVIRONMENT,
    time: new Date().toISOString(),
    components: { database, files },
  };
}
