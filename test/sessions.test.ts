// Sign-in, refresh rotation with reuse detection, sign-out, disabling, throttling, and missing secrets.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { BASE, bearer, call, postJson, problemOf, seedUser, signIn, someIp, tokenFor } from "./helpers";

const refresh = (refresh_token: string) => postJson("/api/v1/auth/refresh", { refresh_token });
const me = (token: string) => call("/api/v1/auth/me", { headers: bearer(token) });

/**
 * The sign-in limiter (miniflare's rate limiter, outside this isolate and its clock) counts in windows that
 * start on each minute of the wall clock. A test that must fill one window and stay inside it waits for a
 * fresh window when less than `needMs` of the current one is left, so it holds at any second of the minute.
 */
async function freshLimiterWindow(needMs = 5_000, periodMs = 60_000) {
  const left = periodMs - (Date.now() % periodMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 250));
}

describe("sessions", () => {
  it("answers an unknown email and a wrong password the same way", async () => {
    const user = await seedUser("staff");
    const unknown = await postJson(
      "/api/v1/auth/login",
      { email: "nobody@roms.test", password: "whatever-password" },
      { "cf-connecting-ip": someIp() },
    );
    const wrong = await postJson(
      "/api/v1/auth/login",
      { email: user.email, password: "wrong-password!!" },
      { "cf-connecting-ip": someIp() },
    );
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const [a, b] = [await problemOf(unknown), await problemOf(wrong)];
    expect(a.detail).toBe(b.detail);
    expect(a.title).toBe(b.title);
  });

  it("rotates refresh tokens: each works once and yields a working pair", async () => {
    const first = await signIn(await seedUser("staff"));
    const res = await refresh(first.refresh_token);
    expect(res.status).toBe(200);
    const second = (await res.json()) as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await me(second.access_token)).status).toBe(200);
    const third = await refresh(second.refresh_token);
    expect(third.status).toBe(200);
  });

  it("ends the whole session when a used refresh token is presented again", async () => {
    const first = await signIn(await seedUser("staff"));
    const rotated = (await (await refresh(first.refresh_token)).json()) as {
      access_token: string;
      refresh_token: string;
    };

    const replay = await refresh(first.refresh_token);
    expect(replay.status).toBe(401);
    expect((await problemOf(replay)).detail).toMatch(/already used/);

    // The family is dead: the legitimate newest token and the session's access tokens stop working too.
    expect((await refresh(rotated.refresh_token)).status).toBe(401);
    expect((await me(rotated.access_token)).status).toBe(401);
    expect((await me(first.access_token)).status).toBe(401);
  });

  it("lets only one of two racing refreshes with the same token win", async () => {
    const { refresh_token } = await signIn(await seedUser("staff"));
    const results = await Promise.all([refresh(refresh_token), refresh(refresh_token)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
  });

  it("signs out: the session's access and refresh tokens stop working; signing out twice is fine", async () => {
    const pair = await signIn(await seedUser("manager"));
    const out = await call("/api/v1/auth/logout", { method: "POST", headers: bearer(pair.access_token) });
    expect(out.status).toBe(204);
    expect((await me(pair.access_token)).status).toBe(401);
    expect((await refresh(pair.refresh_token)).status).toBe(401);
    const again = await postJson("/api/v1/auth/logout", { refresh_token: pair.refresh_token });
    expect(again.status).toBe(204);
  });

  it("signs out by refresh token alone", async () => {
    const pair = await signIn(await seedUser("staff"));
    expect((await postJson("/api/v1/auth/logout", { refresh_token: pair.refresh_token })).status).toBe(204);
    expect((await refresh(pair.refresh_token)).status).toBe(401);
    expect((await me(pair.access_token)).status).toBe(401);
  });

  it("locks a disabled user out at once: live access token, refresh and sign-in", async () => {
    const admin = await tokenFor(await seedUser("admin"));
    const victim = await seedUser("staff");
    const pair = await signIn(victim);
    expect((await me(pair.access_token)).status).toBe(200);

    const disabled = await call(`/api/v1/users/${victim.id}/disable`, {
      method: "POST",
      headers: bearer(admin),
    });
    expect(disabled.status).toBe(200);
    expect(((await disabled.json()) as { status: string }).status).toBe("disabled");

    expect((await me(pair.access_token)).status).toBe(401);
    expect((await refresh(pair.refresh_token)).status).toBe(401);
    await expect(signIn(victim)).rejects.toThrow(/401/);

    await call(`/api/v1/users/${victim.id}/enable`, { method: "POST", headers: bearer(admin) });
    expect((await me(await tokenFor(victim))).status).toBe(200);
    // Enabling does not resurrect the sessions that disabling ended.
    expect((await refresh(pair.refresh_token)).status).toBe(401);
  });

  it("throttles sign-in per account with 429 and Retry-After", async () => {
    const user = await seedUser("staff");
    await freshLimiterWindow();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 15 && !limited; i++) {
      const res = await postJson(
        "/api/v1/auth/login",
        { email: user.email, password: "wrong-password!!" },
        { "cf-connecting-ip": someIp() },
      );
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(limited, `statuses: ${statuses.join(",")}`).toBeDefined();
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await problemOf(limited as Response)).type).toBe("/problems/rate-limited");
    // Even the right password is refused while throttled.
    const right = await postJson(
      "/api/v1/auth/login",
      { email: user.email, password: user.password },
      { "cf-connecting-ip": someIp() },
    );
    expect(right.status).toBe(429);
  });

  it("throttles sign-in per client address across accounts", async () => {
    const ip = someIp();
    await freshLimiterWindow();
    let status = 0;
    for (let i = 0; i < 15 && status !== 429; i++) {
      const res = await postJson(
        "/api/v1/auth/login",
        { email: `spray-${i}@roms.test`, password: "guess-password" },
        { "cf-connecting-ip": ip },
      );
      status = res.status;
    }
    expect(status).toBe(429);
  });

  it("refuses to issue tokens when no signing secret is configured", async () => {
    const user = await seedUser("admin");
    const req = () =>
      new Request(`${BASE}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": someIp() },
        body: JSON.stringify({ email: user.email, password: user.password }),
      });
    const res = await worker.fetch(
      req(),
      { ...env, JWT_SECRETS: "", ENVIRONMENT: "production" },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    expect((await problemOf(res)).detail).toMatch(/JWT_SECRETS/);
    // A too-short secret counts as none.
    const weak = await worker.fetch(req(), { ...env, JWT_SECRETS: "k1:short" }, createExecutionContext());
    expect(weak.status).toBe(503);
  });
});
