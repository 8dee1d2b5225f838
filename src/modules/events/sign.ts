// Standard Webhooks signing (https://www.standardwebhooks.com): the secret's shape and each delivery's headers.

const PREFIX = "whsec_";

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A new signing secret: `whsec_` and 32 random bytes in base64, as the spec's libraries expect. */
export function newSecret(): string {
  return PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed by the secret's decoded bytes (not its text):
 * what `new Webhook(secret).verify(body, headers)` recomputes on the receiver's side.
 */
export async function signature(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    fromBase64(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** The headers of one attempt: the same webhook-id on every attempt, a fresh timestamp and signature. */
export async function signedHeaders(
  secret: string,
  eventId: string,
  body: string,
): Promise<Record<string, string>> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    "content-type": "application/json",
    "user-agent": "ROMS",
    "webhook-id": eventId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signature(secret, eventId, timestamp, body),
  };
}
