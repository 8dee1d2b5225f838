// Whether a webhook delivery was signed with one of its source's secrets, and which delivery it is. Pure:
// headers and raw body in, a verdict out; a refusal says which header and what was wrong, never a secret.
import type { WebhookKind } from "../../db/schema/ingest";
import { sha256Hex } from "../../lib/hash";
import { fromBase64, secretKey } from "../../lib/standard-webhooks";

export type Verification =
  | { ok: true; deliveryId: string; topic: string | null }
  | { ok: false; reason: string };

/** Standard Webhooks: a timestamp further than this from our clock, either way, is refused. */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

const HMAC_SHA256_BYTES = 32;
const encoder = new TextEncoder();

/**
 * Verifies a delivery against every secret of its source (several are live while one is rotated).
 *
 * @example
 * const verdict = await verifyWebhook("shopify", secrets, c.req.raw.headers, await c.req.arrayBuffer(), Date.now());
 * if (!verdict.ok) console.log(verdict.reason); // "X-Shopify-Hmac-Sha256 does not match ..."
 */
export async function verifyWebhook(
  kind: WebhookKind,
  secrets: string[],
  headers: Headers,
  body: ArrayBuffer,
  nowMs: number,
): Promise<Verification> {
  try {
    switch (kind) {
      case "standard":
        return await verifyStandard(secrets, headers, body, nowMs);
      case "shopify":
        return await verifyBodyHmac(secrets, headers, body, {
          signature: "X-Shopify-Hmac-Sha256",
          deliveryIds: ["X-Shopify-Webhook-Id", "X-Shopify-Event-Id"],
          topic: "X-Shopify-Topic",
        });
      case "woocommerce":
        return await verifyBodyHmac(secrets, headers, body, {
          signature: "X-WC-Webhook-Signature",
          deliveryIds: ["X-WC-Webhook-Delivery-ID"],
          topic: "X-WC-Webhook-Topic",
          pingOnSave: true,
        });
      default:
        return { ok: false, reason: `unknown webhook kind ${JSON.stringify(kind)}` };
    }
  } catch (error) {
    // Nothing above should throw on any input; a refusal is still the safe answer if something does.
    return {
      ok: false,
      reason: `could not verify: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** https://www.standardwebhooks.com: HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${body}`. */
async function verifyStandard(
  secrets: string[],
  headers: Headers,
  body: ArrayBuffer,
  nowMs: number,
): Promise<Verification> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signature = header(headers, "webhook-signature");
  if (id === null) return refuse("missing webhook-id header");
  if (timestamp === null) return refuse("missing webhook-timestamp header");
  if (signature === null) return refuse("missing webhook-signature header");
  if (!/^\d{1,12}$/.test(timestamp)) return refuse("webhook-timestamp is not a unix time in seconds");
  const skewMs = Number(timestamp) * 1000 - nowMs;
  if (Math.abs(skewMs) > TIMESTAMP_TOLERANCE_MS) {
    const seconds = Math.round(Math.abs(skewMs) / 1000);
    return refuse(
      `webhook-timestamp is ${seconds} s in the ${skewMs < 0 ? "past" : "future"} (at most ${TIMESTAMP_TOLERANCE_MS / 1000} s either way): a replay, or the sender's clock is off`,
    );
  }

  // Entries are "<version>,<base64>" separated by spaces; versions other than v1 (v1a is asymmetric) are not ours.
  const entries = signature.split(" ").filter((entry) => entry !== "");
  const candidates: Uint8Array[] = [];
  const garbled: number[] = [];
  entries.forEach((entry, i) => {
    const comma = entry.indexOf(",");
    if (comma < 0 || entry.slice(0, comma) !== "v1") return;
    const mac = fromBase64(entry.slice(comma + 1));
    if (mac?.length === HMAC_SHA256_BYTES) candidates.push(mac);
    else garbled.push(i + 1);
  });
  if (candidates.length === 0) {
    return refuse(
      garbled.length > 0
        ? `webhook-signature entry ${garbled.join(", ")} is not v1,<base64 of a 32-byte HMAC-SHA256>`
        : "webhook-signature has no v1 entry",
    );
  }

  const keys = secrets.flatMap((secret) => {
    const key = secretKey(secret);
    return key && key.length > 0 ? [key] : [];
  });
  if (keys.length === 0) return refuse(noKeys(secrets, "a whsec_<base64> key"));

  // The signed content is the raw body bytes behind the prefix: the same as its UTF-8 text when it is valid
  // UTF-8, and a body that is not is still checked as the sender sent it, not as a decoder repaired it.
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(prefix.length + body.byteLength);
  content.set(prefix);
  content.set(new Uint8Array(body), prefix.length);
  if (!(await signedByAny(keys, content, candidates))) {
    const also = garbled.length > 0 ? `; entry ${garbled.join(", ")} is not a v1 HMAC` : "";
    return refuse(`no webhook-signature v1 entry matches under ${secretsCount(keys.length)}${also}`);
  }
  return { ok: true, deliveryId: id, topic: null };
}

interface BodyHmacHeaders {
  signature: string;
  /** In order of preference. */
  deliveryIds: string[];
  topic: string;
  /** WooCommerce posts an unsigned `webhook_id=<n>` when a webhook is saved. */
  pingOnSave?: boolean;
}

/** Shopify and WooCommerce: base64 HMAC-SHA256 of the raw body, keyed by the secret's UTF-8 bytes. */
async function verifyBodyHmac(
  secrets: string[],
  headers: Headers,
  body: ArrayBuffer,
  names: BodyHmacHeaders,
): Promise<Verification> {
  const signature = header(headers, names.signature);
  if (signature === null) {
    const ping = names.pingOnSave ? /^webhook_id=(\d+)$/.exec(new TextDecoder().decode(body).trim()) : null;
    if (ping) {
      return refuse(
        `missing ${names.signature} header: WooCommerce's unsigned ping on saving webhook ${ping[1]}, nothing to take`,
      );
    }
    return refuse(`missing ${names.signature} header`);
  }
  const mac = fromBase64(signature);
  if (mac?.length !== HMAC_SHA256_BYTES) {
    return refuse(`${names.signature} is not base64 of a 32-byte HMAC-SHA256`);
  }
  const keys = secrets.filter((secret) => secret !== "").map((secret) => encoder.encode(secret));
  if (keys.length === 0) return refuse(noKeys(secrets, "a non-empty secret"));
  if (!(await signedByAny(keys, new Uint8Array(body), [mac]))) {
    return refuse(`${names.signature} does not match the body under ${secretsCount(keys.length)}`);
  }

  const deliveryId = names.deliveryIds.map((name) => header(headers, name)).find((id) => id !== null);
  return {
    ok: true,
    // Without the sender's delivery id, the body's hash stands in: a redelivery of the same bytes still
    // dedupes, and a changed order (its modified time moves) is a new delivery.
    deliveryId: deliveryId ?? `sha256:${await sha256Hex(body)}`,
    topic: header(headers, names.topic),
  };
}

/** Whether any key's HMAC-SHA256 of `content` equals any candidate, each compared in constant time. */
async function signedByAny(keys: Uint8Array[], content: Uint8Array, candidates: Uint8Array[]) {
  let signed = false;
  for (const raw of keys) {
    const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const expected = new Uint8Array(await crypto.subtle.sign("HMAC", key, content));
    for (const candidate of candidates) {
      if (candidate.length === expected.length && crypto.subtle.timingSafeEqual(candidate, expected)) {
        signed = true;
      }
    }
  }
  return signed;
}

const refuse = (reason: string): Verification => ({ ok: false, reason });

const header = (headers: Headers, name: string) => {
  const value = headers.get(name)?.trim();
  return value ? value : null;
};

const secretsCount = (n: number) => (n === 1 ? "the source's secret" : `any of the source's ${n} secrets`);

const noKeys = (secrets: string[], wanted: string) =>
  secrets.length === 0
    ? "the source has no secret to verify with"
    : secrets.length === 1
      ? `the source's secret is not ${wanted}`
      : `none of the source's ${secrets.length} secrets is ${wanted}`;
