import { eq, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { users } from "../../db/schema/auth";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { tooManyRequests, unauthorized } from "../../lib/problem";
import { hashPassword, verifyPassword } from "./password";
import { issueAccessToken } from "./tokens";

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Verifying against this when the email is unknown keeps both failures equally slow. */
let decoyHash: Promise<string> | undefined;

export interface LoginResult {
  accessToken: string;
  expiresIn: number;
  user: { id: string; email: string; name: string; role: string; customer_id: string | null };
}

/** Throttles per client address and per account; both keys share the LOGIN_LIMITER budget. */
async function throttleLogin(env: Env, clientIp: string, email: string): Promise<void> {
  const [byClient, byAccount] = await Promise.all([
    env.LOGIN_LIMITER.limit({ key: `ip:${clientIp}` }),
    env.LOGIN_LIMITER.limit({ key: `account:${email}` }),
  ]);
  if (!byClient.success || !byAccount.success) {
    throw tooManyRequests(60, "Too many sign-in attempts. Wait a minute and try again.");
  }
}

export async function login(
  env: Env,
  clientIp: string,
  emailInput: string,
  password: string,
): Promise<LoginResult> {
  const email = normalizeEmail(emailInput);
  await throttleLogin(env, clientIp, email);
  const user = await getDb(env.DB).query.users.findFirst({ where: eq(users.email, email) });
  if (!user) {
    decoyHash ??= hashPassword("decoy password never matches");
    await verifyPassword(password, await decoyHash);
    throw unauthorized("The email or password is not correct.");
  }
  const ok = await verifyPassword(password, user.passwordHash);
  if (!ok || user.status !== "active") throw unauthorized("The email or password is not correct.");
  const { token, expiresIn } = await issueAccessToken(env, {
    sub: user.id,
    role: user.role,
    cid: user.customerId,
    name: user.name,
  });
  return {
    accessToken: token,
    expiresIn,
    user: { id: user.id, email: user.email, name: user.name, role: user.role, customer_id: user.customerId },
  };
}

/**
 * Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when no user exists yet. One statement, so two
 * isolates racing at first start cannot both create one. Returns true when it created the admin.
 */
export async function ensureFirstAdmin(env: Env): Promise<boolean> {
  if (!env.ADMIN_EMAIL || !env.ADMIN_PASSWORD) return false;
  const db = getDb(env.DB);
  const existing = await db.select({ n: sql<number>`count(*)` }).from(users).limit(1);
  if ((existing[0]?.n ?? 0) > 0) return false;
  const result = await env.DB.prepare(
    `INSERT INTO users (id, email, name, role, password_hash)
     SELECT ?, ?, 'Administrator', 'admin', ? WHERE NOT EXISTS (SELECT 1 FROM users)`,
  )
    .bind(newId(), normalizeEmail(env.ADMIN_EMAIL), await hashPassword(env.ADMIN_PASSWORD))
    .run();
  return result.meta.changes > 0;
}
