// Users: who may sign in, with which role, narrowed to which modules, linked to which customer.
import { eq, or, type SQL, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { ROLES, type Role, users } from "../../db/schema/auth";
import type { Env } from "../../env";
import { isUniqueViolation } from "../../lib/db-errors";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { badRequest, conflict, notFound, unauthorized } from "../../lib/problem";
import { containsPattern } from "../../lib/search";
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "../auth/password";
import { effectivePermissions, MODULES, type Module } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { forgetPrincipals } from "../auth/resolve-principal";
import { normalizeEmail, revokeUserSessions } from "../auth/sessions";
import { customerExists } from "../customers/service";

type UserRow = typeof users.$inferSelect;

export const toUserView = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  customer_id: u.customerId,
  allowed_modules: u.allowedModules ?? null,
  status: u.status,
  permissions: effectivePermissions(u.role, u.allowedModules ?? null),
  created_at: u.createdAt,
  updated_at: u.updatedAt,
});
export type UserView = ReturnType<typeof toUserView>;

async function checkCustomerLink(env: Env, role: Role, customerId: string | null): Promise<void> {
  if (role === "customer") {
    if (customerId === null) {
      throw badRequest("A customer user needs a customer.", [
        { in: "body", path: "customer_id", message: "Required for the customer role" },
      ]);
    }
    if (!(await customerExists(env, customerId))) {
      throw badRequest("No such customer.", [
        { in: "body", path: "customer_id", message: "No such customer" },
      ]);
    }
  } else if (customerId !== null) {
    throw badRequest("Only customer users are linked to a customer.", [
      { in: "body", path: "customer_id", message: "Only for the customer role" },
    ]);
  }
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password?: string | undefined;
  customer_id?: string | null | undefined;
  allowed_modules?: Module[] | null | undefined;
}

/** Creates a user; when no password is given, one is generated and returned (shown once). */
export async function createUser(env: Env, input: NewUser): Promise<{ user: UserView; password?: string }> {
  const customerId = input.customer_id ?? null;
  await checkCustomerLink(env, input.role, customerId);
  const password = input.password ?? generatePassword();
  const row = {
    id: newId(),
    email: normalizeEmail(input.email),
    name: input.name.trim(),
    role: input.role,
    customerId,
    allowedModules: input.allowed_modules ?? null,
    passwordHash: await hashPassword(password),
  };
  try {
    const [created] = await getDb(env.DB).insert(users).values(row).returning();
    return { user: toUserView(created as UserRow), ...(input.password === undefined && { password }) };
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("A user with this email already exists.");
    throw error;
  }
}

export interface UserFilter {
  q?: string | undefined;
  role?: Role | undefined;
  status?: "active" | "disabled" | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function listUsers(env: Env, filter: UserFilter) {
  const where: SQL[] = [];
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    where.push(
      or(
        sql`${users.email} LIKE ${pattern} ESCAPE '\\'`,
        sql`lower(${users.name}) LIKE ${pattern} ESCAPE '\\'`,
      ) as SQL,
    );
  }
  if (filter.role) where.push(eq(users.role, filter.role));
  if (filter.status) where.push(eq(users.status, filter.status));
  const page = await newestFirst(
    getDb(env.DB).select().from(users).$dynamic(),
    { time: users.createdAt, id: users.id },
    where,
    filter,
    (u) => [u.createdAt, u.id],
  );
  return { items: page.items.map(toUserView), next_cursor: page.next_cursor };
}

async function findUser(env: Env, id: string): Promise<UserRow> {
  const row = await getDb(env.DB).query.users.findFirst({ where: eq(users.id, id) });
  if (!row) throw notFound("No such user.");
  return row;
}

export const getUser = async (env: Env, id: string) => toUserView(await findUser(env, id));

export interface UserPatch {
  name?: string | undefined;
  role?: Role | undefined;
  customer_id?: string | null | undefined;
  allowed_modules?: Module[] | null | undefined;
}

export async function updateUser(
  env: Env,
  actor: Principal,
  id: string,
  patch: UserPatch,
): Promise<UserView> {
  const current = await findUser(env, id);
  const role = patch.role ?? current.role;
  const customerId = patch.customer_id !== undefined ? patch.customer_id : current.customerId;
  if (id === actor.id && role !== current.role) throw conflict("You cannot change your own role.");
  await checkCustomerLink(env, role, customerId);
  const [updated] = await getDb(env.DB)
    .update(users)
    .set({
      ...(patch.name !== undefined && { name: patch.name.trim() }),
      role,
      customerId,
      ...(patch.allowed_modules !== undefined && { allowedModules: patch.allowed_modules }),
      updatedAt: new Date().toISOString(),
    })
    .where(eq(users.id, id))
    .returning();
  forgetPrincipals();
  return toUserView(updated as UserRow);
}

/** Disabling ends every session of the user at once; their access tokens stop working with it. */
export async function setUserStatus(env: Env, actor: Principal, id: string, status: "active" | "disabled") {
  if (id === actor.id && status === "disabled") throw conflict("You cannot disable yourself.");
  await findUser(env, id);
  const [updated] = await getDb(env.DB)
    .update(users)
    .set({ status, updatedAt: new Date().toISOString() })
    .where(eq(users.id, id))
    .returning();
  if (status === "disabled") await revokeUserSessions(env, id, "disabled");
  forgetPrincipals();
  return toUserView(updated as UserRow);
}

/** An admin sets a new password (or has one generated, returned once); every session of the user ends. */
export async function resetPassword(env: Env, id: string, password?: string) {
  await findUser(env, id);
  const next = password ?? generatePassword();
  await getDb(env.DB)
    .update(users)
    .set({ passwordHash: await hashPassword(next), updatedAt: new Date().toISOString() })
    .where(eq(users.id, id));
  await revokeUserSessions(env, id, "password-reset");
  return password === undefined ? { password: next } : {};
}

/** A user's own profile change; a new password needs the current one and ends their other sessions. */
export async function updateOwnProfile(
  env: Env,
  principal: Principal,
  input: {
    name?: string | undefined;
    current_password?: string | undefined;
    new_password?: string | undefined;
  },
): Promise<UserView> {
  const current = await findUser(env, principal.id);
  const set: Partial<UserRow> = { updatedAt: new Date().toISOString() };
  if (input.name !== undefined) set.name = input.name.trim();
  if (input.new_password !== undefined) {
    if (
      input.current_password === undefined ||
      !(await verifyPassword(input.current_password, current.passwordHash))
    ) {
      throw unauthorized("The current password is not correct.");
    }
    set.passwordHash = await hashPassword(input.new_password);
  }
  const [updated] = await getDb(env.DB).update(users).set(set).where(eq(users.id, principal.id)).returning();
  if (input.new_password !== undefined) {
    await revokeUserSessions(env, principal.id, "password-changed", principal.sessionId ?? undefined);
  }
  return toUserView(updated as UserRow);
}

/** Self sign-up (only when ALLOW_CUSTOMER_SIGNUP is "true"): a customer user with no customer yet. */
export async function signUpCustomer(env: Env, input: { email: string; name: string; password: string }) {
  const row = {
    id: newId(),
    email: normalizeEmail(input.email),
    name: input.name.trim(),
    role: "customer" as const,
    customerId: null,
    allowedModules: null,
    passwordHash: await hashPassword(input.password),
  };
  try {
    const [created] = await getDb(env.DB).insert(users).values(row).returning();
    return toUserView(created as UserRow);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("A user with this email already exists.");
    throw error;
  }
}

/**
 * Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when no user exists yet. One statement, so two
 * isolates racing at first start cannot both create one. Returns true when it created the admin.
 */
export async function ensureFirstAdmin(env: Env): Promise<boolean> {
  if (!env.ADMIN_EMAIL || !env.ADMIN_PASSWORD) return false;
  if (env.ADMIN_PASSWORD.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`ADMIN_PASSWORD must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const any = await env.DB.prepare("SELECT 1 AS one FROM users LIMIT 1").first();
  if (any) return false;
  const result = await env.DB.prepare(
    `INSERT INTO users (id, email, name, role, password_hash)
     SELECT ?, ?, 'Administrator', 'admin', ? WHERE NOT EXISTS (SELECT 1 FROM users)`,
  )
    .bind(newId(), normalizeEmail(env.ADMIN_EMAIL), await hashPassword(env.ADMIN_PASSWORD))
    .run();
  return result.meta.changes > 0;
}

export { MIN_PASSWORD_LENGTH, MODULES, ROLES };
