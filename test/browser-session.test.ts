// The console's session door: the refresh token only ever in an HttpOnly, Secure, SameSite=Strict cookie
// scoped to /api/v1/auth/session; rotation on each refresh; a replayed cookie ends the session; refusals and
// sign-out clear the cookie; another origin is refused.
import { describe, expect, it } from "vitest";
import { BASE, bearer, call, postJson, problemOf, seedUser, someIp } from "./helpers";

const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0]!;

async function start() {
  const user = await seedUser("staff");
  const res = await postJson(
    "/api/v1/auth/session",
    { email: user.email, password: user.password },
    { "cf-connecting-ip": someIp(), origin: BASE },
  );
  return { user, res };
}

const refresh = (cookie: string, origin = BASE) =>
  call("/api/v1/auth/session/refresh", { method: "POST", headers: { cookie, origin } });

describe("the browser session", () => {
  it("keeps the refresh token in a locked-down cookie and hands the page only an access token and who it is", async () => {
    const { user, res } = await start();
    expect(res.status).toBe(200);
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^roms_session=roms_rt_/);
    for (const attribute of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/auth/session"]) {
      expect(setCookie).toContain(attribute);
    }
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as Record<string, any>;
    expect(body).not.toHaveProperty("refresh_token");
    expect(body.me).toMatchObject({ id: user.id, role: "staff", kind: "user" });
    expect((await call("/api/v1/auth/me", { headers: bearer(body.access_token) })).status).toBe(200);
  });

  it("rotates the cookie on every refresh, and a replayed cookie ends the whole session", async () => {
    const { res } = await start();
    const first = cookieOf(res);
    const renewed = await refresh(first);
    expect(renewed.status).toBe(200);
    const second = cookieOf(renewed);
    expect(second).not.toBe(first);
    const { access_token } = (await renewed.json()) as { access_token: string };

    const replay = await refresh(first);
    expect(replay.status).toBe(401);
    expect(replay.headers.get("set-cookie")).toMatch(/^roms_session=; Max-Age=0/);
    expect((await problemOf(replay)).detail).toMatch(/already used/);
    // Every token of the session is dead now: the rotated cookie and the access token's session.
    expect((await refresh(second)).status).toBe(401);
    expect((await call("/api/v1/auth/me", { headers: bearer(access_token) })).status).toBe(401);
  });

  it("says there is no session when the cookie is missing, and signs out idempotently", async () => {
    const none = await call("/api/v1/auth/session/refresh", { method: "POST" });
    expect(none.status).toBe(401);
    expect((await problemOf(none)).detail).toMatch(/Sign in/);

    const { res } = await start();
    const cookie = cookieOf(res);
    for (let i = 0; i < 2; i++) {
      const out = await call("/api/v1/auth/session", { method: "DELETE", headers: { cookie } });
      expect(out.status).toBe(204);
      expect(out.headers.get("set-cookie")).toMatch(/^roms_session=; Max-Age=0/);
    }
    expect((await refresh(cookie)).status).toBe(401);
  });

  it("refuses every session door from another origin, changing nothing", async () => {
    const { res } = await start();
    const cookie = cookieOf(res);
    const foreign = await refresh(cookie, "https://evil.example");
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("set-cookie")).toBeNull();
    const out = await call("/api/v1/auth/session", {
      method: "DELETE",
      headers: { cookie, origin: "https://evil.example" },
    });
    expect(out.status).toBe(403);
    // The cookie still works from the console's own origin.
    expect((await refresh(cookie)).status).toBe(200);
  });
});
