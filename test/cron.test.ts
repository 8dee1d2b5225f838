import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { bearer, call, seedUser, tokenFor } from "./helpers";

async function tick(cron: string, scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron, scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("the scheduled door", () => {
  it("records each run and its outcome", async () => {
    const at = Date.UTC(2026, 10, 22, 3, 0, 0);
    await tick("0 3 * * *", at);
    const token = await tokenFor(await seedUser("manager"));
    const res = await call("/api/v1/cron-runs", { headers: bearer(token) });
    const { items } = (await res.json()) as { items: Record<string, any>[] };
    expect(items[0]).toMatchObject({
      cron: "0 3 * * *",
      scheduled_at: "2026-11-22T03:00:00.000Z",
      status: "ok",
      detail: { jobs: { "purge-idempotency-keys": { ok: true, result: 0 } } },
    });
    expect(items[0]?.finished_at).toBeTruthy();
  });

  it("runs a repeated firing of the same tick only once", async () => {
    const at = Date.UTC(2026, 10, 22, 3, 15, 0);
    await tick("*/15 * * * *", at);
    await tick("*/15 * * * *", at);
    const { results } = await env.DB.prepare("SELECT id FROM cron_runs WHERE scheduled_at = ?")
      .bind(new Date(at).toISOString())
      .all();
    expect(results).toHaveLength(1);
  });

  it("pages through runs with a cursor", async () => {
    for (let i = 0; i < 5; i++) await tick("*/15 * * * *", Date.UTC(2026, 0, 1, 0, i * 15));
    const token = await tokenFor(await seedUser("admin"));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(`/api/v1/cron-runs?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        headers: bearer(token),
      });
      const page = (await res.json()) as { items: { id: string }[]; next_cursor: string | null };
      seen.push(...page.items.map((r) => r.id));
      cursor = page.next_cursor;
    } while (cursor);
    const total = await env.DB.prepare("SELECT count(*) AS n FROM cron_runs").first<{ n: number }>();
    expect(new Set(seen).size).toBe(total?.n);
    expect(seen.length).toBe(total?.n);
  });
});
