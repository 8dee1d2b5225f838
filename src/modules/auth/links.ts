// Short-lived signed links: a URL that downloads one file without a token (a printer's browser, a mail to a
// colleague) until it expires. Signed with the same keys as access tokens (JWT_SECRETS: the first signs,
// all verify), over what the link is for, the id and the expiry.
import { base64url } from "jose";
import type { Env } from "../../env";
import { forbidden, gone, serviceUnavailable } from "../../lib/problem";
import { signingKeys } from "./tokens";

const encoder = new TextEncoder();
const message = (purpose: string, id: string, expires: number) =>
  encoder.encode(`${purpose}:${id}:${expires}`);

/** `path?expires=…&signature=…`, valid for `seconds`. */
export async function signLink(env: Env, purpose: string, id: string, path: string, seconds: number) {
  const [key] = await signingKeys(env);
  if (!key) throw serviceUnavailable("No signing key is configured (JWT_SECRETS).");
  const expires = Math.floor(Date.now() / 1000) + seconds;
  const signature = base64url.encode(
    new Uint8Array(await crypto.subtle.sign("HMAC", key.key, message(purpose, id, expires))),
  );
  return {
    url: `${path}?expires=${expires}&signature=${signature}`,
    expires_at: new Date(expires * 1000).toISOString(),
  };
}

/** Throws 403 unless the signature is one of ours for this purpose and id, and 410 once it has expired. */
export async function verifyLink(
  env: Env,
  purpose: string,
  id: string,
  expires: number,
  signature: string,
): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(signature);
  } catch {
    throw forbidden("This link's signature is not valid.");
  }
  const data = message(purpose, id, expires);
  const keys = await signingKeys(env);
  const results = await Promise.all(keys.map((k) => crypto.subtle.verify("HMAC", k.key, bytes, data)));
  if (!results.some(Boolean)) throw forbidden("This link's signature is not valid.");
  if (expires * 1000 < Date.now()) throw gone("This link has expired; ask for a new one.");
}
