import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { Role } from "../src/db/schema/auth";
import { newId } from "../src/lib/ids";
import { hashPassword } from "../src/modules/auth/password";

export const BASE = "http://roms.test";

/** A request through the Worker's real `fetch` door. */
export const call = (path: string, init?: RequestInit): Promise<Response> =>
  exports.default.fetch(new Request(`${BASE}${path}`, init));

export const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

export interface SeededUser {
  id: string;
  email: string;
  password: string;
  role: Role;
}

let seq = 0;
/** Inserts a user directly (the admin API comes with the identity module). */
export async function seedUser(
  role: Role,
  overrides: { customerId?: string; status?: string; allowedModules?: string[] } = {},
): Promise<SeededUser> {
  const user = {
    id: newId(),
    email: `${role}-${++seq}-${crypto.randomUUID().slice(0, 8)}@roms.test`,
    password: `correct horse ${crypto.randomUUID()}`,
    role,
  };
  await env.DB.prepare(
    "INSERT INTO users (id, email, name, role, customer_id, password_hash, status, allowed_modules) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(
      user.id,
      user.email,
      `Test ${role} ${seq}`,
      role,
      overrides.customerId ?? null,
      await hashPassword(user.password),
      overrides.status ?? "active",
      overrides.allowedModules ? JSON.stringify(overrides.allowedModules) : null,
    )
    .run();
  return user;
}

/** A client address of its own per sign-in, so the per-client login throttle does not couple tests. */
export const someIp = () =>
  `198.51.100.${Math.floor(Math.random() * 250) + 1}:${crypto.randomUUID().slice(0, 4)}`;

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

/** Signs in through the API and returns the token pair. */
export async function signIn(user: { email: string; password: string }): Promise<Tokens> {
  const res = await postJson(
    "/api/v1/auth/login",
    { email: user.email, password: user.password },
    { "cf-connecting-ip": someIp() },
  );
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Tokens;
}

/** Signs in through the API and returns the access token. */
export const tokenFor = async (user: { email: string; password: string }): Promise<string> =>
  (await signIn(user)).access_token;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function problemOf(res: Response): Promise<Record<string, unknown>> {
  if (res.headers.get("content-type") !== "application/problem+json") {
    throw new Error(`expected problem+json, got ${res.headers.get("content-type")}: ${await res.text()}`);
  }
  return (await res.json()) as Record<string, unknown>;
}

/** Inserts a customer directly and returns its id. */
export async function seedCustomer(company: string): Promise<string> {
  const id = newId();
  await env.DB.prepare("INSERT INTO customers (id, company, email) VALUES (?, ?, ?)")
    .bind(id, company, `${company.toLowerCase().replace(/\W+/g, "")}@customer.test`)
    .run();
  return id;
}

export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small JSON client acting as one caller (its token, or anonymous when none). */
export function actingAs(token?: string) {
  const send = async <T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await call(path, {
      method,
      headers: {
        ...(token && bearer(token)),
        ...(body !== undefined && { "content-type": "application/json" }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : null) as T,
      headers: res.headers,
    } as ApiResult<T>;
  };
  return {
    get: <T = any>(path: string) => send<T>("GET", path),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      send<T>("POST", path, body, headers),
    patch: <T = any>(path: string, body: unknown) => send<T>("PATCH", path, body),
    put: <T = any>(path: string, body: unknown) => send<T>("PUT", path, body),
    del: <T = any>(path: string) => send<T>("DELETE", path),
  };
}

export type ApiClient = ReturnType<typeof actingAs>;

let skuSeq = 0;
/** Creates a product through the API as the given catalog writer; published unless asked otherwise. */
export async function makeProduct(
  writer: ApiClient,
  overrides: Record<string, unknown> = {},
  publish = true,
): Promise<Record<string, any>> {
  const res = await writer.post("/api/v1/products", {
    sku: `SKU-${++skuSeq}-${crypto.randomUUID().slice(0, 6)}`,
    name: `Product ${skuSeq}`,
    price: { amount: 1000, currency: "EUR" },
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  if (!publish) return res.body;
  return (await writer.post(`/api/v1/products/${res.body.id}/publish`)).body;
}

/** Creates an order through the intake door (a purchase by default: no stock involved). */
export async function makeOrder(
  api: ApiClient,
  overrides: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const res = await api.post("/api/v1/orders/intake", {
    source: "test",
    external_ref: crypto.randomUUID(),
    kind: "purchase",
    merchant: "Test Retailer",
    currency: "EUR",
    lines: [{ sku: "X-1", name: "Thing", quantity: 1, unit_price: 1000 }],
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`order: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.order;
}

/** A customer and one of its users, acting through the API. */
export async function customerUser(company: string) {
  const customerId = await seedCustomer(company);
  return { customerId, api: actingAs(await tokenFor(await seedUser("customer", { customerId }))) };
}

/** A manager and a shop location, with helpers to put stock there and read its levels. */
export async function stockroom() {
  const manager = actingAs(await tokenFor(await seedUser("manager")));
  const shop: string = (await manager.post("/api/v1/inventory/locations", { name: "Shop", kind: "shop" }))
    .body.id;
  return {
    manager,
    shop,
    stock: (productId: string, delta: number) =>
      manager.post("/api/v1/inventory/adjustments", {
        product_id: productId,
        location_id: shop,
        delta,
        kind: delta > 0 ? "receive" : "adjust",
      }),
    level: async (productId: string, locationId = shop) =>
      (await manager.get(`/api/v1/inventory/levels/${productId}/${locationId}`)).body,
  };
}

/** The stock invariant: every level of the product equals the sums of its movements, never below zero. */
export async function expectLedgerAgrees(productId: string) {
  const { results } = await env.DB.prepare(
    `SELECT l.location_id, l.on_hand, l.reserved,
            (SELECT coalesce(SUM(quantity), 0) FROM stock_movements m WHERE m.product_id = l.product_id AND m.location_id = l.location_id) AS moved,
            (SELECT coalesce(SUM(reserved_delta), 0) FROM stock_movements m WHERE m.product_id = l.product_id AND m.location_id = l.location_id) AS held
       FROM stock_levels l WHERE l.product_id = ?`,
  )
    .bind(productId)
    .all<{ on_hand: number; reserved: number; moved: number; held: number }>();
  expect(results.length).toBeGreaterThan(0);
  for (const r of results) {
    expect(r.on_hand).toBe(r.moved);
    expect(r.reserved).toBe(r.held);
    expect(r.on_hand - r.reserved).toBeGreaterThanOrEqual(0);
  }
}
