import { env, exports } from "cloudflare:workers";
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
  overrides: { customerId?: string; status?: string } = {},
): Promise<SeededUser> {
  const user = {
    id: newId(),
    email: `${role}-${++seq}-${crypto.randomUUID().slice(0, 8)}@roms.test`,
    password: `correct horse ${crypto.randomUUID()}`,
    role,
  };
  await env.DB.prepare(
    "INSERT INTO users (id, email, name, role, customer_id, password_hash, status) VALUES (?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(
      user.id,
      user.email,
      `Test ${role} ${seq}`,
      role,
      overrides.customerId ?? null,
      await hashPassword(user.password),
      overrides.status ?? "active",
    )
    .run();
  return user;
}

/** Signs in through the API and returns the access token. */
export async function tokenFor(user: SeededUser): Promise<string> {
  const res = await postJson("/api/v1/auth/login", { email: user.email, password: user.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function problemOf(res: Response): Promise<Record<string, unknown>> {
  if (res.headers.get("content-type") !== "application/problem+json") {
    throw new Error(`expected problem+json, got ${res.headers.get("content-type")}: ${await res.text()}`);
  }
  return (await res.json()) as Record<string, unknown>;
}
