// Idempotency-Key for POSTs that create money or stock: a repeat gets the first answer and changes nothing.
// The key is claimed before the work runs, so two racing requests with one key cannot both do it.
import { z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import type { AppEnv } from "../env";
import { sha256Hex } from "./hash";
import { badRequest, conflict, Problem } from "./problem";

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The request header every idempotent route declares in its contract. */
export const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .max(255)
    .optional()
    .openapi({ description: "A repeat with the same key replays the first answer and changes nothing" }),
});
const KEEP_DAYS = 7;

export interface Outcome<T, S extends 200 | 201> {
  status: S;
  body: T;
}

/** What `c.json(body, status)` answers: the route's contract checks it against its declared responses. */
export type IdempotentResponse<T, S extends 200 | 201> = Response & TypedResponse<JSONParsed<T>, S, "json">;

/**
 * Runs `work` once per (caller, Idempotency-Key). Without the header it simply runs. With it, a repeat of
 * the same request replays the stored answer (header `idempotent-replayed: true`); the same key on a
 * different request is a 422; a repeat while the first is still running is a 409. The answer is typed like
 * `c.json(body, status)`, so a route's handler is checked against its contract.
 */
export async function idempotent<T extends object, S extends 200 | 201>(
  c: Context<AppEnv>,
  work: () => Promise<Outcome<T, S>>,
): Promise<IdempotentResponse<T, S>> {
  const clientKey = c.req.header("idempotency-key");
  if (clientKey === undefined) {
    const { status, body } = await work();
    return c.json(body, status) as IdempotentResponse<T, S>;
  }
  if (!KEY.test(clientKey)) {
    throw badRequest("Idempotency-Key must be 1 to 255 printable characters.", [
      { in: "header", path: "idempotency-key", message: "1 to 255 printable ASCII characters" },
    ]);
  }
  const owner = c.get("principal")?.id ?? "anonymous";
  const key = `${owner}:${clientKey}`;
  const route = `${c.req.method} ${new URL(c.req.url).pathname}`;
  const requestHash = await sha256Hex(`${route}\n${await c.req.text()}`);
  const db = c.env.DB;

  const claimed = await db
    .prepare(
      `INSERT INTO idempotency_keys (key, route, request_hash, status, body) VALUES (?, ?, ?, 0, '')
       ON CONFLICT (key) DO NOTHING RETURNING key`,
    )
    .bind(key, route, requestHash)
    .first();
  if (claimed === null) {
    const stored = await db
      .prepare("SELECT route, request_hash, status, body FROM idempotency_keys WHERE key = ?")
      .bind(key)
      .first<{ route: string; request_hash: string; status: number; body: string }>();
    if (stored && stored.request_hash !== requestHash) {
      throw new Problem({
        status: 422,
        slug: "idempotency-key-reused",
        title: "Idempotency-Key reused",
        detail: "This Idempotency-Key was used for a different request.",
      });
    }
    if (!stored || stored.status === 0)
      throw conflict("A request with this Idempotency-Key is still being processed.");
    c.header("idempotent-replayed", "true");
    // The stored text is the body this route answered the first time: the same type as a fresh answer.
    return c.body(stored.body, stored.status as S, {
      "content-type": "application/json",
    }) as unknown as IdempotentResponse<T, S>;
  }

  try {
    const { status, body } = await work();
    const text = JSON.stringify(body);
    await db
      .prepare("UPDATE idempotency_keys SET status = ?, body = ? WHERE key = ?")
      .bind(status, text, key)
      .run();
    return c.body(text, status, { "content-type": "application/json" }) as unknown as IdempotentResponse<
      T,
      S
    >;
  } catch (error) {
    // A refused request did nothing; release the key so a corrected request can use it.
    await db.prepare("DELETE FROM idempotency_keys WHERE key = ? AND status = 0").bind(key).run();
    throw error;
  }
}

/** Housekeeping: forget keys older than a week (run by the nightly cron). */
export async function purgeIdempotencyKeys(db: D1Database): Promise<number> {
  const cutoff = new Date(Date.now() - KEEP_DAYS * 86_400_000).toISOString();
  const result = await db.prepare("DELETE FROM idempotency_keys WHERE created_at < ?").bind(cutoff).run();
  return result.meta.changes;
}
