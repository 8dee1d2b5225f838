// Each delivery's Standard Webhooks headers (the secret's shape and the signature: src/lib/standard-webhooks.ts).
import { signature } from "../../lib/standard-webhooks";

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
