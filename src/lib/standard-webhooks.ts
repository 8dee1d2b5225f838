// Standard Webhooks (https://www.standardwebhooks.com), the one place ROMS knows its secret's shape and how
// a signature is made: the webhook door verifies deliveries with it, the events module signs them with it.

const PREFIX = "whsec_";

export const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

/** Base64 to bytes; null when it is not base64. */
export function fromBase64(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A new secret: `whsec_` and 32 random bytes in base64, as the spec's libraries expect. */
export const newSecret = (): string => PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)));

/**
 * The HMAC key of a secret: its decoded bytes, not its text. The reference libraries read a secret without
 * the `whsec_` prefix as base64 all the same. Null when it is not base64.
 */
export const secretKey = (secret: string): Uint8Array | null =>
  fromBase64(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret);

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`: what a receiver's `Webhook.verify` recomputes. */
export async function signature(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const bytes = secretKey(secret);
  if (!bytes) throw new Error("the signing secret is not whsec_<base64>");
  const key = await crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}
