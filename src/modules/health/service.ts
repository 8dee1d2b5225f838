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

/** D1 must answer and carry our schema; R2 must answer. */
export async function checkHealth(env: Env): Promise<HealthReport> {
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
