// Password hashing with PBKDF2-SHA256 through WebCrypto. No imports, so `npm start` (Node) uses it too.
// Format: "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>"; the iteration count travels with the
// hash so the cost can rise later while old hashes still verify (and get rehashed on next login).

/** Workers cap PBKDF2 at 100,000 iterations; this is that cap. */
export const PBKDF2_ITERATIONS = 100_000;
export const MIN_PASSWORD_LENGTH = 12;
const SALT_BYTES = 16;
const HASH_BITS = 256;

const toB64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromB64 = (text: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

async function derive(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return `pbkdf2-sha256$${iterations}$${toB64(salt)}$${toB64(hash)}`;
}

/** Constant-time comparison of two byte strings of any length. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterText, saltText, hashText] = stored.split("$");
  const iterations = Number(iterText);
  if (scheme !== "pbkdf2-sha256" || !Number.isInteger(iterations) || !saltText || !hashText) return false;
  const actual = await derive(password, fromB64(saltText), iterations);
  return equalBytes(actual, fromB64(hashText));
}

/** True when a stored hash was made with less work than today's standard. */
export const needsRehash = (stored: string): boolean =>
  !stored.startsWith(`pbkdf2-sha256$${PBKDF2_ITERATIONS}$`);

/** A readable random password for bootstrap: 20 characters from a 56-letter alphabet (~116 bits). */
export function generatePassword(length = 20): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
  const out: string[] = [];
  // Rejection sampling keeps every letter equally likely.
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 224 && out.length < length) out.push(alphabet[byte % 56] as string);
    }
  }
  return out.join("");
}
