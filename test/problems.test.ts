import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import { BASE, bearer, call, postJson, problemOf, seedUser, tokenFor } from "./helpers";

describe("errors are application/problem+json", () => {
  let token: string;
  beforeAll(async () => {
    token = await tokenFor(await seedUser("staff"));
  });

  it("404 for an unknown route", async () => {
    const res = await call("/api/v1/no-such-thing");
    expect(res.status).toBe(404);
    const problem = await problemOf(res);
    expect(problem).toMatchObject({ type: "/problems/not-found", status: 404, title: "Not found" });
    expect(problem.request_id).toBe(res.headers.get("x-request-id"));
  });

  it("400 names every bad field of a query", async () => {
    const res = await call("/api/v1/ingest?limit=abc", { headers: bearer(token) });
    expect(res.status).toBe(400);
    const problem = await problemOf(res);
    expect(problem.type).toBe("/problems/validation");
    expect(problem.errors).toEqual([expect.objectContaining({ in: "query", path: "limit" })]);
  });

  it("400 names every bad field of a body, and unknown fields are refused", async () => {
    const res = await postJson("/api/v1/auth/login", { email: "not-an-email", extra: 1 });
    expect(res.status).toBe(400);
    const paths = ((await problemOf(res)).errors as { in: string; path: string }[]).map(
      (e) => `${e.in}:${e.path}`,
    );
    expect(paths).toEqual(expect.arrayContaining(["body:email", "body:password", "body:"]));
  });

  it("400 for a body that is not JSON", async () => {
    const res = await call("/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    await problemOf(res);
  });

  it("400 for a cursor that was not issued by the list", async () => {
    const res = await call("/api/v1/ingest?cursor=garbage", { headers: bearer(token) });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors).toEqual([expect.objectContaining({ path: "cursor" })]);
  });

  it("413 for a body over the limit, before anything is read", async () => {
    const big = "x".repeat(Number(env.MAX_BODY_BYTES) + 1);
    const res = await call("/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "a@b.test", password: big }),
    });
    expect(res.status).toBe(413);
    expect((await problemOf(res)).type).toBe("/problems/payload-too-large");
  });

  it("500 carries a request id and no internals", async () => {
    const ctx = createExecutionContext();
    const broken = { ...env, DB: undefined as unknown as D1Database };
    const req = new Request(`${BASE}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "trace-500" },
      body: JSON.stringify({ email: "someone@roms.test", password: "whatever-password" }),
    });
    const res = await worker.fetch(req, broken, ctx);
    expect(res.status).toBe(500);
    const text = await res.clone().text();
    const problem = await problemOf(res);
    expect(problem).toMatchObject({ status: 500, type: "/problems/internal", request_id: "trace-500" });
    expect(text).not.toMatch(/TypeError|undefined|at \w+ \(|\.ts:\d+/);
  });

  it("echoes a client's X-Request-Id and makes one when absent or unsafe", async () => {
    const echoed = await call("/health", { headers: { "x-request-id": "client-abc.123" } });
    expect(echoed.headers.get("x-request-id")).toBe("client-abc.123");
    const unsafe = await call("/health", { headers: { "x-request-id": "bad id with spaces" } });
    expect(unsafe.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sets secure headers and answers CORS only for configured origins", async () => {
    // Any route of the app (liveness is answered before the app, for balancers, not browsers).
    const allowed = await call("/api/v1/auth/signup", { headers: { origin: "http://localhost:5173" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(allowed.headers.get("x-content-type-options")).toBe("nosniff");
    const denied = await call("/api/v1/auth/signup", { headers: { origin: "https://evil.test" } });
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
  });
});
