// No response or log line carries a password, a token, or a stored hash.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bearer, call, postJson, seedUser, signIn, someIp } from "./helpers";

describe("secrets stay secret", () => {
  const logged: string[] = [];
  beforeAll(() => {
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
    }
  });
  afterAll(() => vi.restoreAllMocks());

  it("across sign-in, refresh, failures, user, key and device creation", async () => {
    const bodies: string[] = [];
    const keep = async (res: Response) => {
      bodies.push(await res.clone().text());
      return res;
    };
    const adminUser = await seedUser("admin");
    const wrong = await keep(
      await postJson(
        "/api/v1/auth/login",
        { email: adminUser.email, password: "Wrong-Password-123" },
        { "cf-connecting-ip": someIp() },
      ),
    );
    expect(wrong.status).toBe(401);
    const pair = await signIn(adminUser);
    const refreshed = (await (
      await keep(await postJson("/api/v1/auth/refresh", { refresh_token: pair.refresh_token }))
    ).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const created = (await (
      await keep(
        await postJson(
          "/api/v1/users",
          { email: "quiet@secret.test", name: "Q", role: "staff" },
          bearer(refreshed.access_token),
        ),
      )
    ).json()) as { id: string; password: string };
    const key = (await (
      await keep(
        await postJson(
          "/api/v1/api-keys",
          { name: "k", scopes: ["orders:read"] },
          bearer(refreshed.access_token),
        ),
      )
    ).json()) as { key: string };
    const device = (await (
      await keep(await postJson("/api/v1/devices", { name: "d" }, bearer(refreshed.access_token)))
    ).json()) as { token: string };
    await keep(await call("/api/v1/customers", { headers: bearer(key.key) }));
    await keep(await call("/api/v1/devices/me", { headers: bearer(device.token) }));
    await keep(await call("/api/v1/users?limit=200", { headers: bearer(refreshed.access_token) }));
    await keep(await call("/api/v1/api-keys", { headers: bearer(refreshed.access_token) }));
    await keep(await call("/api/v1/devices", { headers: bearer(refreshed.access_token) }));

    const hashes = [
      ...(await env.DB.prepare("SELECT password_hash AS h FROM users").all<{ h: string }>()).results.map(
        (r) => r.h,
      ),
      ...(
        await env.DB.prepare("SELECT token_hash AS h FROM refresh_tokens").all<{ h: string }>()
      ).results.map((r) => r.h),
      ...(await env.DB.prepare("SELECT key_hash AS h FROM api_keys").all<{ h: string }>()).results.map(
        (r) => r.h,
      ),
      ...(await env.DB.prepare("SELECT token_hash AS h FROM devices").all<{ h: string }>()).results.map(
        (r) => r.h,
      ),
    ];
    expect(hashes.length).toBeGreaterThan(5);

    const secrets = [
      adminUser.password,
      "Wrong-Password-123",
      pair.access_token,
      pair.refresh_token,
      refreshed.access_token,
      refreshed.refresh_token,
      key.key,
      device.token,
    ];
    const logText = logged.join("\n");
    expect(logged.length).toBeGreaterThan(5);
    for (const secret of [...secrets, created.password, ...hashes]) expect(logText).not.toContain(secret);
    // Responses carry only the secrets that were just created for the caller, and never a stored hash.
    const bodyText = bodies.join("\n");
    for (const hash of hashes) expect(bodyText).not.toContain(hash);
    expect(bodyText).not.toContain(adminUser.password);
    expect(bodyText).not.toMatch(/pbkdf2-sha256|password_hash|token_hash|key_hash/);
  });
});
