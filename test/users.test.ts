// Administering users, and each user's own profile.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import {
  BASE,
  bearer,
  call,
  postJson,
  problemOf,
  seedCustomer,
  seedUser,
  signIn,
  someIp,
  tokenFor,
} from "./helpers";

const send = (method: string, path: string, token: string, body?: unknown) =>
  call(path, {
    method,
    headers: { ...bearer(token), ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

describe("user administration", () => {
  let admin: string;
  let adminId: string;
  beforeAll(async () => {
    const user = await seedUser("admin");
    adminId = user.id;
    admin = await tokenFor(user);
  });

  it("creates a user with a generated password shown once, who can then sign in", async () => {
    const res = await send("POST", "/api/v1/users", admin, {
      email: "New.Hire@Shop.test",
      name: "New Hire",
      role: "staff",
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, any>;
    expect(created).toMatchObject({
      email: "new.hire@shop.test",
      role: "staff",
      status: "active",
      allowed_modules: null,
    });
    expect(created.password).toHaveLength(20);
    expect(res.headers.get("location")).toBe(`/api/v1/users/${created.id}`);
    expect(JSON.stringify(created)).not.toMatch(/pbkdf2|password_hash/);

    const fetched = (await (await send("GET", `/api/v1/users/${created.id}`, admin)).json()) as Record<
      string,
      any
    >;
    expect(fetched.password).toBeUndefined();
    expect(
      (await signIn({ email: "new.hire@shop.test", password: created.password })).access_token,
    ).toBeTruthy();
  });

  it("refuses a duplicate email, a short password, and a customer user without a customer", async () => {
    await send("POST", "/api/v1/users", admin, { email: "dup@shop.test", name: "A", role: "staff" });
    const dup = await send("POST", "/api/v1/users", admin, {
      email: "DUP@shop.test",
      name: "B",
      role: "staff",
    });
    expect(dup.status).toBe(409);
    const short = await send("POST", "/api/v1/users", admin, {
      email: "s@shop.test",
      name: "S",
      role: "staff",
      password: "short",
    });
    expect(short.status).toBe(400);
    expect((await problemOf(short)).errors).toEqual([expect.objectContaining({ path: "password" })]);
    const orphan = await send("POST", "/api/v1/users", admin, {
      email: "c@shop.test",
      name: "C",
      role: "customer",
    });
    expect(orphan.status).toBe(400);
    expect((await problemOf(orphan)).errors).toEqual([expect.objectContaining({ path: "customer_id" })]);
    const unknownCustomer = await send("POST", "/api/v1/users", admin, {
      email: "c2@shop.test",
      name: "C",
      role: "customer",
      customer_id: "no-such-customer",
    });
    expect(unknownCustomer.status).toBe(400);
    const count = await env.DB.prepare(
      "SELECT count(*) AS n FROM users WHERE email IN ('s@shop.test','c@shop.test','c2@shop.test')",
    ).first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it("creates a customer user linked to a customer", async () => {
    const customerId = await seedCustomer("Gamma GmbH");
    const res = await send("POST", "/api/v1/users", admin, {
      email: "buyer@gamma.test",
      name: "Buyer",
      role: "customer",
      customer_id: customerId,
      password: "a long enough password",
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, any>;
    expect(created.customer_id).toBe(customerId);
    expect(created.password).toBeUndefined();
  });

  it("lists users newest first, searches, filters and pages without repeats", async () => {
    for (let i = 0; i < 5; i++) {
      await send("POST", "/api/v1/users", admin, {
        email: `pager-${i}@list.test`,
        name: `Pager ${i}`,
        role: "vendor",
      });
    }
    const search = (await (await send("GET", "/api/v1/users?q=PAGER-3", admin)).json()) as {
      items: { email: string }[];
    };
    expect(search.items.map((u) => u.email)).toEqual(["pager-3@list.test"]);
    const wildcard = (await (await send("GET", "/api/v1/users?q=%25", admin)).json()) as { items: unknown[] };
    expect(wildcard.items).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await send("GET", `/api/v1/users?role=vendor&limit=2${cursor ? `&cursor=${cursor}` : ""}`, admin)
      ).json()) as { items: { email: string; role: string }[]; next_cursor: string | null };
      expect(page.items.every((u) => u.role === "vendor")).toBe(true);
      seen.push(...page.items.map((u) => u.email));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([4, 3, 2, 1, 0].map((i) => `pager-${i}@list.test`));
  });

  it("changes role and allowed modules; refuses to change your own role or disable yourself", async () => {
    const user = await seedUser("staff");
    const res = await send("PATCH", `/api/v1/users/${user.id}`, admin, {
      role: "manager",
      allowed_modules: ["orders", "analytics"],
    });
    expect(res.status).toBe(200);
    const patched = (await res.json()) as { role: string; permissions: string[] };
    expect(patched.role).toBe("manager");
    expect(patched.permissions.sort()).toEqual([
      "analytics:read",
      "analytics:write",
      "orders:read",
      "orders:write",
    ]);

    expect((await send("PATCH", `/api/v1/users/${adminId}`, admin, { role: "staff" })).status).toBe(409);
    expect((await send("POST", `/api/v1/users/${adminId}/disable`, admin)).status).toBe(409);
    expect((await send("PATCH", `/api/v1/users/${user.id}`, admin, { role: "boss" })).status).toBe(400);
    expect((await send("PATCH", "/api/v1/users/nobody", admin, { name: "x" })).status).toBe(404);
  });

  it("resets a password: the old one and the old sessions stop working", async () => {
    const user = await seedUser("staff");
    const before = await signIn(user);
    const res = await send("POST", `/api/v1/users/${user.id}/password`, admin);
    expect(res.status).toBe(200);
    const chosen = await send("POST", `/api/v1/users/${user.id}/password`, admin, { password: "tiny" });
    expect(chosen.status).toBe(400);
    const { password } = (await res.json()) as { password: string };
    expect(password).toHaveLength(20);
    await expect(signIn(user)).rejects.toThrow(/401/);
    expect((await call("/api/v1/auth/me", { headers: bearer(before.access_token) })).status).toBe(401);
    expect((await signIn({ email: user.email, password })).access_token).toBeTruthy();
  });

  it("managers read users but cannot change them", async () => {
    const manager = await tokenFor(await seedUser("manager"));
    expect((await send("GET", "/api/v1/users", manager)).status).toBe(200);
    expect(
      (await send("POST", "/api/v1/users", manager, { email: "x@y.test", name: "X", role: "admin" })).status,
    ).toBe(403);
  });
});

describe("your own profile", () => {
  it("shows and renames you", async () => {
    const user = await seedUser("vendor");
    const token = await tokenFor(user);
    const me = (await (await send("GET", "/api/v1/users/me", token)).json()) as Record<string, unknown>;
    expect(me).toMatchObject({ id: user.id, email: user.email, role: "vendor" });
    const renamed = await send("PUT", "/api/v1/users/me", token, { name: "Renamed Vendor" });
    expect(((await renamed.json()) as { name: string }).name).toBe("Renamed Vendor");
  });

  it("changes your password only with the current one, ending your other sessions but not this one", async () => {
    const user = await seedUser("staff");
    const here = await signIn(user);
    const elsewhere = await signIn(user);
    const missing = await send("PUT", "/api/v1/users/me", here.access_token, {
      new_password: "another long password",
    });
    expect(missing.status).toBe(400);
    const wrong = await send("PUT", "/api/v1/users/me", here.access_token, {
      current_password: "not my password",
      new_password: "another long password",
    });
    expect(wrong.status).toBe(401);
    const ok = await send("PUT", "/api/v1/users/me", here.access_token, {
      current_password: user.password,
      new_password: "another long password",
    });
    expect(ok.status).toBe(200);
    expect((await call("/api/v1/auth/me", { headers: bearer(here.access_token) })).status).toBe(200);
    expect((await call("/api/v1/auth/me", { headers: bearer(elsewhere.access_token) })).status).toBe(401);
    expect(
      (await signIn({ email: user.email, password: "another long password" })).access_token,
    ).toBeTruthy();
  });
});

describe("customer self sign-up", () => {
  const body = { email: "self@signup.test", name: "Self Signup", password: "a long enough password" };

  it("is off by default", async () => {
    const res = await postJson("/api/v1/auth/signup", body, { "cf-connecting-ip": someIp() });
    expect(res.status).toBe(404);
  });

  it("when switched on, creates a customer user who sees no customer until staff link one", async () => {
    const on = { ...env, ALLOW_CUSTOMER_SIGNUP: "true" };
    const req = new Request(`${BASE}/api/v1/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": someIp() },
      body: JSON.stringify(body),
    });
    const res = await worker.fetch(req, on, createExecutionContext());
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ role: "customer", customer_id: null });
    await seedCustomer("Someone Else Ltd");
    const token = await tokenFor(body);
    const list = (await (await call("/api/v1/customers", { headers: bearer(token) })).json()) as {
      items: unknown[];
    };
    expect(list.items).toEqual([]);
  });
});
