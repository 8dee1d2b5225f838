// Access tokens: short-lived HS256 JWTs. JWT_SECRETS holds "kid:secret" pairs; the first signs, all verify,
// so a new secret can be put first and the old one dropped once its tokens have expired.
import { errors, jwtVerify, SignJWT } from "jose";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { serviceUnavailable, unauthorized } from "../../lib/problem";

export const ISSUER = "roms";
export const AUDIENCE = "roms-api";
/** Access tokens live 5 minutes: a disabled user's token stops working within that at most. */
export const ACCESS_TOKEN_SECONDS = 5 * 60;
const MIN_SECRET_LENGTH = 32;

interface SigningKey {
  kid: string;
  key: Uint8Array;
}

export function signingKeys(env: Env): SigningKey[] {
  const keys = (env.JWT_SECRETS ?? "")
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf(":");
      return { kid: pair.slice(0, at), secret: pair.slice(at + 1) };
    })
    .filter(({ kid, secret }) => kid.length > 0 && secret.length >= MIN_SECRET_LENGTH)
    .map(({ kid, secret }) => ({ kid, key: new TextEncoder().encode(secret) }));
  return keys;
}

export interface AccessClaims {
  sub: string;
  role: string;
  cid: string | null;
  name: string;
}

export async function issueAccessToken(
  env: Env,
  claims: AccessClaims,
): Promise<{ token: string; expiresIn: number }> {
  const [current] = signingKeys(env);
  if (!current) {
    // Never fall back to a built-in secret: anyone could forge tokens for a deployment that forgot its own.
    throw serviceUnavailable("Sign-in is not configured: set JWT_SECRETS (see .dev.vars.example).");
  }
  const token = await new SignJWT({ role: claims.role, cid: claims.cid, name: claims.name })
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

export interface VerifiedAccess extends AccessClaims {
  jti: string;
  exp: number;
}

export async function verifyAccessToken(env: Env, token: string): Promise<VerifiedAccess> {
  const keys = signingKeys(env);
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
    return {
      sub: String(payload.sub),
      role: String(payload.role),
      cid: typeof payload.cid === "string" ? payload.cid : null,
      name: String(payload.name ?? ""),
      jti: String(payload.jti),
      exp: Number(payload.exp),
    };
  } catch {
    // One answer for every way a token can be wrong: no oracle for attackers.
    throw unauthorized("The access token is invalid or expired.");
  }
}
