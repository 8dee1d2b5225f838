// Permissions: roles, allowed modules, customer isolation, API key scopes, device tokens.
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, postJson, problemOf, seedCustomer, seedUser, tokenFor } from "./helpers";

const get = (path: string, token: string) => call(path, { headers: bearer(token) });

describe("roles and allowed modules", () => {
  it("a staff user reaches their modules and gets 403 outside them", async () => {
    const token = await tokenFor(await seedUser("staff"));
    expect((await get("/api/v1/ingest", token)).status).toBe(200);
    expect((await get("/api/v1/customers", token)).status).toBe(200);
    const users = await get("/api/v1/users", token);
    expect(users.status).toBe(403);
    expect((await problemOf(users)).detail).toMatch(/users:read/);
    expect((await postJson("/api/v1/customers", { company: "X" }, bearer(token))).status).toBe(403);
  });

  it("an allowed-modules list narrows the role: a module left out answers 403", async () => {
    const narrowed = await tokenFor(await seedUser("staff", { allowedModules: ["orders", "inventory"] }));
    expect((await get("/api/v1/ingest", narrowed)).status).toBe(403);
    expect((await get("/api/v1/customers", narrowed)).status).toBe(403);
    const me = (await (await get("/api/v1/auth/me", narrowed)).json()) as { permissions: string[] };
    expect(me.permissions.sort()).toEqual([
      "inventory:read",
      "inventory:write",
      "orders:read",
      "orders:write",
    ]);
  });

  it("narrowing takes effect on live tokens when an admin changes the list", async () => {
    const admin = await tokenFor(await seedUser("admin"));
    const staff = await seedUser("staff");
    const token = await tokenFor(staff);
    expect((await get("/api/v1/customers", token)).status).toBe(200);
    const patched = await call(`/api/v1/users/${staff.id}`, {
      method: "PATCH",
      headers: { ...bearer(admin), "content-type": "application/json" },
      body: JSON.stringify({ allowed_modules: ["orders"] }),
    });
    expect(patched.status).toBe(200);
    expect((await get("/api/v1/customers", token)).status).toBe(403);
  });

  it("lists the roles and what each grants", async () => {
    const res = await get("/api/v1/roles", await tokenFor(await seedUser("staff")));
    const { items } = (await res.json()) as { items: { role: string; permissions: string[] }[] };
    expect(items.map((r) => r.role)).toEqual(["admin", "manager", "staff", "vendor", "customer"]);
    expect(items.find((r) => r.role === "admin")?.permissions).toContain("users:write");
    expect(items.find((r) => r.role === "customer")?.permissions).not.toContain("users:read");
  });
});

describe("customer isolation", () => {
  let mine: string;
  let theirs: string;
  let customerToken: string;
  beforeAll(async () => {
    mine = await seedCustomer("Alpha Traders");
    theirs = await seedCustomer("Beta Wholesale");
    customerToken = await tokenFor(await seedUser("customer", { customerId: mine }));
  });

  it("a customer user reads their own customer record", async () => {
    const res = await get(`/api/v1/customers/${mine}`, customerToken);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { company: string }).company).toBe("Alpha Traders");
  });

  it("another customer's record answers 404, exactly like one that does not exist", async () => {
    const foreign = await get(`/api/v1/customers/${theirs}`, customerToken);
    const missing = await get("/api/v1/customers/01900000-0000-7000-8000-000000000000", customerToken);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    const [a, b] = [await problemOf(foreign), await problemOf(missing)];
    expect(a.detail).toBe(b.detail);
  });

  it("never shows another customer in a list or a search", async () => {
    const all = (await (await get("/api/v1/customers", customerToken)).json()) as { items: { id: string }[] };
    expect(all.items.map((c) => c.id)).toEqual([mine]);
    const search = (await (await get("/api/v1/customers?q=beta", customerToken)).json()) as {
      items: unknown[];
    };
    expect(search.items).toEqual([]);
  });

  it("staff see every customer", async () => {
    const staff = await tokenFor(await seedUser("staff"));
    const all = (await (await get("/api/v1/customers?limit=200", staff)).json()) as {
      items: { id: string }[];
    };
    expect(all.items.map((c) => c.id)).toEqual(expect.arrayContaining([mine, theirs]));
  });

  it("a customer user is kept out of staff-only doors and rooms", async () => {
    expect((await get("/api/v1/ingest", customerToken)).status).toBe(403);
    // A stock location's room is for those who may read stock; the location exists, yet a customer learns
    // nothing of it: 404, as for an order that is not theirs.
    const manager = await tokenFor(await seedUser("manager"));
    const location = await postJson(
      "/api/v1/inventory/locations",
      { name: "Back room", kind: "shop" },
      bearer(manager),
    );
    const { id } = (await location.json()) as { id: string };
    const join = (token: string) =>
      call(`/api/v1/inventory/locations/${id}/room?access_token=${encodeURIComponent(token)}`, {
        headers: { upgrade: "websocket" },
      });
    const room = await join(customerToken);
    expect(room.status).toBe(404);
    expect((await problemOf(room)).detail).toBe("No such location.");
    const staffRoom = await join(manager);
    expect(staffRoom.status).toBe(101);
    staffRoom.webSocket?.accept();
    staffRoom.webSocket?.close(1000, "done");
  });
});

describe("API keys", () => {
  it("do only what their scopes allow, and stop working once revoked", async () => {
    const admin = await tokenFor(await seedUser("admin"));
    const created = await postJson(
      "/api/v1/api-keys",
      { name: "Shop sync", scopes: ["customers:read"] },
      bearer(admin),
    );
    expect(created.status).toBe(201);
    const { id, key, prefix } = (await created.json()) as { id: string; key: string; prefix: string };
    expect(key.startsWith(prefix)).toBe(true);

    expect((await get("/api/v1/customers", key)).status).toBe(200);
    expect((await postJson("/api/v1/customers", { company: "Nope" }, bearer(key))).status).toBe(403);
    expect((await get("/api/v1/ingest", key)).status).toBe(403);
    expect((await get("/api/v1/users", key)).status).toBe(403);
    expect((await get("/api/v1/users/me", key)).status).toBe(403);

    const list = (await (await get("/api/v1/api-keys", admin)).json()) as {
      items: Record<string, unknown>[];
    };
    const listed = list.items.find((k) => k.id === id);
    expect(listed).toMatchObject({ name: "Shop sync", scopes: ["customers:read"], revoked_at: null });
    expect(JSON.stringify(list)).not.toContain(key);

    expect((await call(`/api/v1/api-keys/${id}`, { method: "DELETE", headers: bearer(admin) })).status).toBe(
      204,
    );
    expect((await get("/api/v1/customers", key)).status).toBe(401);
    expect((await call(`/api/v1/api-keys/${id}`, { method: "DELETE", headers: bearer(admin) })).status).toBe(
      204,
    );
  });

  it("refuses unknown scopes and non-admin creators", async () => {
    const admin = await tokenFor(await seedUser("admin"));
    const bad = await postJson(
      "/api/v1/api-keys",
      { name: "x", scopes: ["everything:write"] },
      bearer(admin),
    );
    expect(bad.status).toBe(400);
    expect((await problemOf(bad)).errors).toEqual([expect.objectContaining({ path: "scopes.0" })]);
    const manager = await tokenFor(await seedUser("manager"));
    expect(
      (await postJson("/api/v1/api-keys", { name: "x", scopes: ["orders:read"] }, bearer(manager))).status,
    ).toBe(403);
  });

  it("a made-up key is refused", async () => {
    const fake = `roms_key_${"A".repeat(43)}`;
    expect((await get("/api/v1/customers", fake)).status).toBe(401);
  });
});

describe("device tokens", () => {
  it("reach the device endpoints and nothing else; revoked, they reach nothing", async () => {
    const admin = await tokenFor(await seedUser("admin"));
    const res = await postJson(
      "/api/v1/devices",
      { name: "Front door reader", location: "Shop" },
      bearer(admin),
    );
    expect(res.status).toBe(201);
    const { id, token } = (await res.json()) as { id: string; token: string };

    const me = await get("/api/v1/devices/me", token);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ id, name: "Front door reader" });

    for (const path of [
      "/api/v1/customers",
      "/api/v1/ingest",
      "/api/v1/users/me",
      "/api/v1/devices",
      "/api/v1/roles",
    ]) {
      expect((await get(path, token)).status, path).toBe(403);
    }
    const room = await call(`/api/v1/orders/x/room?access_token=${token}`, {
      headers: { upgrade: "websocket" },
    });
    expect(room.status).toBe(403);

    // A person's token is not a device token.
    expect((await get("/api/v1/devices/me", admin)).status).toBe(403);

    expect((await call(`/api/v1/devices/${id}`, { method: "DELETE", headers: bearer(admin) })).status).toBe(
      204,
    );
    expect((await get("/api/v1/devices/me", token)).status).toBe(401);
    const listed = (await (await get(`/api/v1/devices/${id}`, admin)).json()) as {
      revoked_at: string | null;
    };
    expect(listed.revoked_at).not.toBeNull();
  });
});
