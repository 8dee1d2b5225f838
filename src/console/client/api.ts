// The console's one way to call the API: the session's bearer token, JSON in and out, every refusal as an
// ApiError holding the API's problem (title, detail, and the fields it names), and an Idempotency-Key on
// every POST so a retried click never does the work twice.
import { accessToken, renewAfterRefusal } from "./session";
import type { Problem } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `The server answered ${status}.`);
  }

  /** What the API said about one field (its path in the body or query), if anything. */
  field(path: string): string | undefined {
    return this.problem.errors?.find((e) => e.path === path)?.message;
  }
}

export interface CallOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** A JSON body, or FormData / a Blob sent as it is. */
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  /** One key per user action: a POST retried after a dropped connection replays instead of repeating. */
  idempotencyKey?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export function urlOf(path: string, query?: CallOptions["query"]): string {
  const url = new URL(path.startsWith("/api/") ? path : `/api/v1${path}`, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, String(value));
  }
  return url.pathname + url.search;
}

async function send(path: string, options: CallOptions, token: string | null, key: string | undefined) {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (key) headers["idempotency-key"] = key;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData || options.body instanceof Blob) body = options.body;
  else if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  return fetch(urlOf(path, options.query), {
    method: options.method ?? "GET",
    headers,
    body: body ?? null,
    signal: options.signal ?? null,
  });
}

async function problemOf(res: Response): Promise<Problem> {
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("json")) return ((await res.json().catch(() => ({}))) as Problem) ?? {};
  return { status: res.status, title: res.statusText, detail: `The server answered ${res.status}.` };
}

/** The raw answer of a call (for files and streams); refusals throw ApiError like `api`. */
export async function apiResponse(path: string, options: CallOptions = {}): Promise<Response> {
  const method = options.method ?? "GET";
  const key = method === "POST" ? (options.idempotencyKey ?? crypto.randomUUID()) : undefined;
  let token = await accessToken();
  let res: Response;
  try {
    res = await send(path, options, token, key);
  } catch {
    // The network dropped: once more with the same key (a POST that did land replays its first answer).
    res = await send(path, options, token, key);
  }
  if (res.status === 401 && token) {
    token = await renewAfterRefusal();
    if (token) res = await send(path, options, token, key);
  }
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  return res;
}

/** Calls the API and reads its JSON answer (undefined for 204). */
export async function api<T>(path: string, options: CallOptions = {}): Promise<T> {
  const res = await apiResponse(path, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** The words for any error a screen shows. */
export const errorText = (error: unknown): string =>
  error instanceof ApiError
    ? [
        error.problem.detail ?? error.problem.title,
        ...(error.problem.errors ?? []).map((e) => `${e.path}: ${e.message}`),
      ]
        .filter(Boolean)
        .join(" ")
    : error instanceof Error
      ? error.message
      : String(error);
