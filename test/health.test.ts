import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { BASE, call } from "./helpers";

/** What the Server-Timing header says of the request's D1 round trips. */
const d1Queries = (res: Response) =>
  Number(/d1;desc="(\d+) quer/.exec(res.headers.get("server-timing") ?? "")?.[1]);

describe("/health (alive)", () => {
  it("answers without touching D1 or R2", async () => {
    const res = await call("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ok",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(d1Queries(res)).toBe(0);
    const broken = { head: () => Promise.reject(new Error("R2 down")) } as unknown as R2Bucket;
    const ctx = createExecutionContext();
    const alive = await worker.fetch(
      new Request(`${BASE}/health`),
      { ...env, DB: env.UNMIGRATED_DB, FILES: broken },
      ctx,
    );
    expect(alive.status).toBe(200);
  });
});

describe("/health/ready", () => {
  it("reports ok with D1 migrated and R2 reachable", async () => {
    const res = await call("/health/ready");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.status).toBe("ok");
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.components.database).toMatchObject({
      status: "up",
      detail: expect.stringContaining("schema"),
    });
    expect(body.components.files.status).toBe("up");
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("is also served under /api/v1", async () => {
    expect((await call("/api/v1/health")).status).toBe(200);
    expect((await call("/api/v1/health/ready")).status).toBe(200);
  });

  it("checks at most once per window: a poll right after costs no round trip", async () => {
    await call("/health/ready");
    const again = await call("/health/ready");
    expect(again.status).toBe(200);
    expect(d1Queries(again)).toBe(0);
  });

  it("answers 503 degraded when the database has no schema, without leaking the cause", async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/health/ready`),
      { ...env, DB: env.UNMIGRATED_DB },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    const body = (await res.json()) as Record<string, any>;
    expect(body.status).toBe("degraded");
    expect(body.components.database.status).toBe("down");
    expect(body.components.database.detail).toBe("database unreachable or not migrated");
    expect(body.components.files.status).toBe("up");
    expect(JSON.stringify(body)).not.toMatch(/no such table|SQLITE/i);
  });

  it("answers 503 when file storage fails", async () => {
    const brokenFiles = {
      head: () => Promise.reject(new Error("R2 down")),
    } as unknown as R2Bucket;
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`${BASE}/health/ready`), { ...env, FILES: brokenFiles }, ctx);
    expect(res.status).toBe(503);
    const body = (await res.json()) as Record<string, any>;
    expect(body.components.files.status).toBe("down");
    expect(body.components.database.status).toBe("up");
  });
});
