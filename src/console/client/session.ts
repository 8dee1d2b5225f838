// The console's session: the access token lives in this page's memory only; the refresh token is an
// HttpOnly cookie the page cannot read (POST /api/v1/auth/session). Refreshes are serialized across the
// browser's tabs with a Web Lock, so two tabs never present the same single-use refresh token (which would
// end the session as a stolen token's reuse).
import type { Me } from "./types";

const SESSION = "/api/v1/auth/session";
/** Refresh this long before the access token expires, so a request never goes out with a dying token. */
const EARLY_MS = 30_000;

let token: string | null = null;
let expiresAt = 0;
let me: Me | null = null;
const listeners = new Set<(me: Me | null) => void>();

interface SessionAnswer {
  access_token: string;
  expires_in: number;
  me: Me;
}

/** A refused sign-in or refresh: the API's problem, as words for the person. */
export class SessionError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

function keep(answer: SessionAnswer): Me {
  token = answer.access_token;
  expiresAt = Date.now() + answer.expires_in * 1000;
  me = answer.me;
  for (const listener of listeners) listener(me);
  return me;
}

function forget(): void {
  token = null;
  expiresAt = 0;
  me = null;
  for (const listener of listeners) listener(null);
}

async function call(path: string, init: RequestInit): Promise<SessionAnswer> {
  const res = await fetch(path, { ...init, credentials: "same-origin" });
  if (res.ok) return (await res.json()) as SessionAnswer;
  const problem = (await res.json().catch(() => ({}))) as { detail?: string; title?: string };
  throw new SessionError(res.status, problem.detail ?? problem.title ?? `The server answered ${res.status}.`);
}

/** One refresh at a time in the whole browser; a tab that waited finds the cookie its neighbour rotated. */
function exclusive<T>(work: () => Promise<T>): Promise<T> {
  if (!("locks" in navigator)) return work();
  return navigator.locks.request("roms-session", work) as Promise<T>;
}

let refreshing: Promise<Me | null> | null = null;

/** Resumes (or renews) the browser's session: who is signed in, or null when nobody is. */
export function resume(): Promise<Me | null> {
  refreshing ??= exclusive(async () => {
    try {
      return keep(await call(`${SESSION}/refresh`, { method: "POST" }));
    } catch (error) {
      if (error instanceof SessionError && error.status === 401) {
        forget();
        return null;
      }
      throw error;
    }
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export async function signIn(email: string, password: string): Promise<Me> {
  return keep(
    await exclusive(() =>
      call(SESSION, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      }),
    ),
  );
}

export async function signOut(): Promise<void> {
  await fetch(SESSION, { method: "DELETE", credentials: "same-origin" }).catch(() => undefined);
  forget();
}

/** A live access token, renewed first when it is about to expire; null when signed out. */
export async function accessToken(): Promise<string | null> {
  if (token && Date.now() < expiresAt - EARLY_MS) return token;
  if (!me) return null;
  await resume();
  return token;
}

/** The access token was refused (revoked, say): renew once, or end up signed out. */
export async function renewAfterRefusal(): Promise<string | null> {
  expiresAt = 0;
  return accessToken();
}

export const currentUser = (): Me | null => me;

export function onSessionChange(listener: (me: Me | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
