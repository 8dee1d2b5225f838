// Sign-in, refresh-token rotation with reuse detection, sign-out.
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { tooManyRequests, unauthorized } from "../../lib/problem";
import { hashPassword, needsRehash, verifyPassword } from "./password";
import { forgetPrincipals } from "./resolve-principal";
import {
  issueAccessToken,
  newOpaqueToken,
  REFRESH_TOKEN_SECONDS,
  SESSION_SECONDS,
  sha256Hex,
} from "./tokens";

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

export interface TokenPair {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

export interface SignedIn extends TokenPair {
  userId: string;
}

/** Verifying against this when the email is unknown keeps both failures equally slow. */
let decoyHash: Promise<string> | undefined;
const WRONG_CREDENTIALS = "The email or password is not correct.";

/** Throttles per client address and per account; both draw on the LOGIN_LIMITER budget. */
export async function throttleSignIn(env: Env, clientIp: string, email: string): Promise<void> {
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
  input: { email: string; password: string; clientIp: string; userAgent: string | null },
): Promise<SignedIn> {
  const email = normalizeEmail(input.email);
  await throttleSignIn(env, input.clientIp, email);
  const user = await env.DB.prepare("SELECT id, password_hash, status FROM users WHERE email = ?")
    .bind(email)
    .first<{ id: string; password_hash: string; status: string }>();
  if (!user) {
    decoyHash ??= hashPassword("decoy password that never matches");
    await verifyPassword(input.password, await decoyHash);
    throw unauthorized(WRONG_CREDENTIALS);
  }
  if (!(await verifyPassword(input.password, user.password_hash)) || user.status !== "active") {
    throw unauthorized(WRONG_CREDENTIALS);
  }
  if (needsRehash(user.password_hash)) {
    await env.DB.prepare("UPDATE users SET password_hash = ? WHERE id = ?")
      .bind(await hashPassword(input.password), user.id)
      .run();
  }
  return { userId: user.id, ...(await startSession(env, user.id, input.userAgent)) };
}

/** A new session with its first refresh token, in one batch. */
export async function startSession(env: Env, userId: string, userAgent: string | null): Promise<TokenPair> {
  const sessionId = newId();
  const refreshToken = newOpaqueToken("rt");
  await env.DB.batch([
    env.DB.prepare("INSERT INTO sessions (id, user_id, expires_at, user_agent) VALUES (?, ?, ?, ?)").bind(
      sessionId,
      userId,
      inSeconds(SESSION_SECONDS),
      userAgent?.slice(0, 300) ?? null,
    ),
    env.DB.prepare(
      "INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at) VALUES (?, ?, ?, ?)",
    ).bind(newId(), sessionId, await sha256Hex(refreshToken), inSeconds(REFRESH_TOKEN_SECONDS)),
  ]);
  const access = await issueAccessToken(env, { sub: userId, sid: sessionId });
  return {
    accessToken: access.token,
    expiresIn: access.expiresIn,
    refreshToken,
    refreshExpiresIn: REFRESH_TOKEN_SECONDS,
  };
}

export async function revokeSession(env: Env, sessionId: string, reason: string): Promise<void> {
  await env.DB.prepare(
    "UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL",
  )
    .bind(new Date().toISOString(), reason, sessionId)
    .run();
  forgetPrincipals();
}

/** Revokes every session of a user, optionally sparing one (the caller's own, after a password change). */
export async function revokeUserSessions(
  env: Env,
  userId: string,
  reason: string,
  except?: string,
): Promise<void> {
  await env.DB.prepare(
    "UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL AND id IS NOT ?",
  )
    .bind(new Date().toISOString(), reason, userId, except ?? null)
    .run();
  forgetPrincipals();
}

const REFRESH_REFUSED = "The refresh token is invalid, expired or revoked.";

/**
 * Trades a refresh token for a new pair. Each refresh token works once: presenting one that was already
 * used means it was copied, so the whole session (every token descended from the same sign-in) ends.
 */
export async function refresh(env: Env, presented: string): Promise<TokenPair> {
  const row = await env.DB.prepare(
    `SELECT rt.id, rt.session_id, rt.expires_at, rt.used_at, s.user_id, s.revoked_at, s.expires_at AS session_expires_at,
            u.status
       FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id JOIN users u ON u.id = s.user_id
      WHERE rt.token_hash = ?`,
  )
    .bind(await sha256Hex(presented))
    .first<{
      id: string;
      session_id: string;
      expires_at: string;
      used_at: string | null;
      user_id: string;
      revoked_at: string | null;
      session_expires_at: string;
      status: string;
    }>();
  if (!row) throw unauthorized(REFRESH_REFUSED);
  const now = new Date().toISOString();
  if (row.used_at !== null) {
    await revokeSession(env, row.session_id, "reuse-detected");
    throw unauthorized("This refresh token was already used; the session has been ended. Sign in again.");
  }
  if (
    row.revoked_at !== null ||
    row.status !== "active" ||
    row.expires_at <= now ||
    row.session_expires_at <= now
  ) {
    throw unauthorized(REFRESH_REFUSED);
  }

  const nextId = newId();
  const nextToken = newOpaqueToken("rt");
  // Marking the old token used and inserting its successor happen in one batch; the insert applies only if
  // this request is the one that marked it, so two racing refreshes cannot both get a new token.
  const [, inserted] = await env.DB.batch([
    env.DB.prepare(
      "UPDATE refresh_tokens SET used_at = ?, replaced_by = ? WHERE id = ? AND used_at IS NULL",
    ).bind(now, nextId, row.id),
    env.DB.prepare(
      `INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at)
       SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM refresh_tokens WHERE id = ? AND replaced_by = ?)`,
    ).bind(
      nextId,
      row.session_id,
      await sha256Hex(nextToken),
      inSeconds(REFRESH_TOKEN_SECONDS),
      row.id,
      nextId,
    ),
  ]);
  if (!inserted || inserted.meta.changes === 0) {
    await revokeSession(env, row.session_id, "reuse-detected");
    throw unauthorized("This refresh token was already used; the session has been ended. Sign in again.");
  }
  const access = await issueAccessToken(env, { sub: row.user_id, sid: row.session_id });
  return {
    accessToken: access.token,
    expiresIn: access.expiresIn,
    refreshToken: nextToken,
    refreshExpiresIn: REFRESH_TOKEN_SECONDS,
  };
}

/** Ends the session a refresh token belongs to; unknown tokens are ignored (logout is idempotent). */
export async function logoutByRefreshToken(env: Env, presented: string): Promise<void> {
  const row = await env.DB.prepare("SELECT session_id FROM refresh_tokens WHERE token_hash = ?")
    .bind(await sha256Hex(presented))
    .first<{ session_id: string }>();
  if (row) await revokeSession(env, row.session_id, "logout");
}
