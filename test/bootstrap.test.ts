// The first admin comes from ADMIN_EMAIL / ADMIN_PASSWORD when the users table is empty, and only then.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { BASE, someIp } from "./helpers";

const login = (email: string, password: string, bindings: typeof env) =>
  worker.fetch(
    new Request(`${BASE}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": someIp() },
      body: JSON.stringify({ email, password }),
    }),
    bindings,
    createExecutionContext(),
  );

describe("first admin", () => {
  it("is created once from the configured credentials, and a later change of them creates no second admin", async () => {
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users").first("n")).toBe(0);
    const first = { ...env, ADMIN_EMAIL: "Owner@Shop.test", ADMIN_PASSWORD: "the owner's long password" };
    const res = await login("owner@shop.test", "the owner's long password", first);
    expect(res.status).toBe(200);
    const admins = await env.DB.prepare("SELECT email, role FROM users").all();
    expect(admins.results).toEqual([{ email: "owner@shop.test", role: "admin" }]);

    const second = { ...env, ADMIN_EMAIL: "intruder@shop.test", ADMIN_PASSWORD: "another long password" };
    expect((await login("intruder@shop.test", "another long password", second)).status).toBe(401);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users").first("n")).toBe(1);
  });
});
