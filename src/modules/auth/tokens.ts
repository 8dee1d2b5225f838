// Access tokens are short-lived HS256 JWTs; refresh tokens, API keys and device tokens are opaque random
// strings stored only as SHA-256 hashes (they carry 256 bits of entropy, so a slow hash buys nothing).
// JWT_SECRETS holds "kid:secret" pairs; the first signs, all verify, so a new secret can be put first and
// the old one dropped once its tokens have expired.
import { errors, jwtVerify, SignJWT } from "jose";
import type { Env } from "../../env";
import { sha256Hex } from "../../lib/hash";
import { newId } from "../../lib/ids";
import { serviceUnavailable, unauthorized } from "../../lib/problem";

export const ISSUER = "roms";
export const AUDIENCE = "roms-api";
/** Access tokens live 5 minutes. */
export const ACCESS_TOKEN_SECONDS = 5 * 60;
/** A refresh token is good for one use within 14 days; a session ends 30 days after sign-in regardless. */
export const REFRESH_TOKEN_SECONDS = 14 * 24 * 3600;
export const SESSION_SECONDS = 30 * 24 * 3600;
const MIN_SECRET_LENGTH = 32;

interface SigningKey {
  kid: string;
  key: CryptoKey;
}

/**
 * Secrets that are known to the world, or too plain to be random: a placeholder copied from
 * .dev.vars.example, a documentation example, or a run of few distinct characters. Anyone could sign tokens
 * with them, so they are refused like a missing secret.
 */
const PLACEHOLDER =
  /replace[-_ ]?with|change[-_ ]?me|your[-_ ]?secret|placeholder|example|^(secret|password)/i;
const MIN_DISTINCT_CHARACTERS = 10;

export const isUsableSecret = (secret: string) =>
  secret.length >= MIN_SECRET_LENGTH &&
  !PLACEHOLDER.test(secret) &&
  new Set(secret).size >= MIN_DISTINCT_CHARACTERS;

const configuredPairs = (env: Env) =>
  (env.JWT_SECRETS ?? "")
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf(":");
      return { kid: pair.slice(0, at), secret: pair.slice(at + 1) };
    });

/** The usable keys of a JWT_SECRETS value, imported once per isolate (not on every request). */
const imported = new Map<string, Promise<SigningKey[]>>();

export function signingKeys(env: Env): Promise<SigningKey[]> {
  const value = env.JWT_SECRETS ?? "";
  let keys = imported.get(value);
  if (!keys) {
    keys = Promise.all(
      configuredPairs(env)
        .filter(({ kid, secret }) => kid.length > 0 && isUsableSecret(secret))
        .map(async ({ kid, secret }) => ({
          kid,
          key: await crypto.subtle.importKey(
            "raw",
            new TextEncoder().encode(secret),
            { name: "HMAC", hash: "SHA-256" },
            false,
            ["sign", "verify"],
          ),
        })),
    );
    imported.set(value, keys);
  }
  return keys;
}

export interface AccessClaims {
  sub: string;
  sid: string;
}

export async function issueAccessToken(
  env: Env,
  claims: AccessClaims,
): Promise<{ token: string; expiresIn: number }> {
  const [current] = await signingKeys(env);
  if (!current) {
    // Never fall back to a built-in secret: anyone could forge tokens for a deployment that forgot its own.
    const pairs = configuredPairs(env);
    throw serviceUnavailable(
      pairs.length === 0
        ? "Sign-in is not configured: set JWT_SECRETS (see .dev.vars.example)."
        : "JWT_SECRETS holds no usable secret: each must be 32 or more random characters, not a placeholder such as the one in .dev.vars.example. Generate one, e.g. `openssl rand -base64 48`.",
    );
  }
  const token = await new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: current.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.sub)
    .setJti(newId())
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
    .sign(current.key);
  return { token, expiresIn: ACCESS_TOKEN_SECONDS };
}

/**
 * Access tokens this isolate has verified, until they expire: a signed token cannot change, so checking
 * its signature once is enough (HMAC and claim checks on every request were a tenth of a list's CPU). Keyed
 * by the secrets that verified it, so a changed JWT_SECRETS verifies again; bounded, oldest dropped first.
 */
const verified = new Map<string, { claims: AccessClaims; expires: number }>();
const VERIFIED_KEPT = 1000;

export async function verifyAccessToken(env: Env, token: string): Promise<AccessClaims> {
  const cacheKey = `${env.JWT_SECRETS ?? ""}\u0000${token}`;
  const known = verified.get(cacheKey);
  if (known) {
    if (Date.now() < known.expires) return known.claims;
    verified.delete(cacheKey);
  }
  const claims = await verifySigned(env, token);
  if (verified.size >= VERIFIED_KEPT) verified.delete(verified.keys().next().value as string);
  verified.set(cacheKey, claims);
  return claims.claims;
}

async function verifySigned(env: Env, token: string): Promise<{ claims: AccessClaims; expires: number }> {
  const keys = await signingKeys(env);
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const match = keys.find((k) => k.kid === header.kid);
        if (!match) throw new errors.JWKSNoMatchingKey();
        return match.key;
      },
      {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ["HS256"],
        requiredClaims: ["sub", "exp", "iat", "jti"],
      },
    );
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string") throw new Error("claims");
    // jose refuses a token at its exp second, so it is taken until then.
    return { claims: { sub: payload.sub, sid: payload.sid }, expires: (payload.exp as number) * 1000 };
  } catch {
    // One answer for every way a token can be wrong: no oracle for attackers.
    throw unauthorized("The access token is invalid or expired.");
  }
}

export type OpaqueKind = "rt" | "key" | "dev";

/** "roms_<kind>_<43 base64url characters>": recognisable in logs and secret scanners, 256 random bits. */
export function newOpaqueToken(kind: OpaqueKind): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const text = btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
  return `roms_${kind}_${text}`;
}

export const opaqueKind = (token: string): OpaqueKind | undefined => {
  const match = /^roms_(rt|key|dev)_[A-Za-z0-9_-]{43}$/.exec(token);
  return match?.[1] as OpaqueKind | undefined;
};

export { sha256Hex };

/** What a list shows of a secret: enough to tell keys apart, useless to an attacker. */
export const displayPrefix = (token: string) => token.slice(0, 14);
