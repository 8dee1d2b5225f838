// Store connections: where a Magento store is, which Worker secret holds its token, where each feed
// resumes and how its last pull went; and pulling one now.
import { and, desc, eq } from "drizzle-orm";
import { getDb } from "../../db";
import { storeConnections, storePulls } from "../../db/schema/scrapes";
import type { Env } from "../../env";
import { FEEDS, type FeedCursor } from "../../intake/magento/client";
import { magentoTime } from "../../intake/magento/map";
import { isUniqueViolation } from "../../lib/db-errors";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { conflict, notFound } from "../../lib/problem";
import type { Principal } from "../auth/principal";
import { type ConnectionRow, type Cursors, type PullRow, pullConnection, tokenOf } from "./pull";
import type { ConnectionCreateInput, ConnectionPatchInput } from "./schemas";

const cursorView = (cursor: FeedCursor | null | undefined) =>
  cursor ? { updated_at: magentoTime(cursor.updated_at) ?? cursor.updated_at, entity_id: cursor.id } : null;

export const connectionView = (env: Env, c: ConnectionRow) => ({
  id: c.id,
  name: c.name,
  kind: c.kind,
  base_url: c.baseUrl,
  token_secret: c.tokenSecret,
  token_set: tokenOf(env, c) !== undefined,
  page_size: c.pageSize,
  enabled: c.enabled,
  cursors: { orders: cursorView(c.cursors.orders), invoices: cursorView(c.cursors.invoices) },
  last_success_at: c.lastSuccessAt,
  last_error: c.lastError,
  last_error_at: c.lastErrorAt,
  created_by: c.createdBy,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
});

export const pullView = (p: PullRow) => ({
  id: p.id,
  connection_id: p.connectionId,
  trigger: p.trigger,
  status: p.status,
  pages: p.pages,
  orders_created: p.ordersCreated,
  orders_updated: p.ordersUpdated,
  orders_unchanged: p.ordersUnchanged,
  invoices: p.invoices,
  error: p.error,
  started_at: p.startedAt,
  finished_at: p.finishedAt,
});

/**
 * Both feeds' cursors at a time given in RFC 3339: Magento compares its own UTC "YYYY-MM-DD HH:MM:SS", and
 * entity id 0 takes every item of that second. No time: from the store's first order.
 */
function cursorsFrom(at: string | undefined): Cursors {
  const cursor = at ? { updated_at: new Date(at).toISOString().slice(0, 19).replace("T", " "), id: 0 } : null;
  return Object.fromEntries(FEEDS.map((feed) => [feed, cursor]));
}

async function loadConnection(env: Env, id: string): Promise<ConnectionRow> {
  const [row] = await getDb(env.DB)
    .select()
    .from(storeConnections)
    .where(eq(storeConnections.id, id))
    .limit(1);
  if (!row) throw notFound("No such store connection.");
  return row;
}

export async function createConnection(env: Env, principal: Principal, input: ConnectionCreateInput) {
  try {
    const [row] = await getDb(env.DB)
      .insert(storeConnections)
      .values({
        id: newId(),
        name: input.name,
        kind: input.kind,
        baseUrl: input.base_url,
        tokenSecret: input.token_secret,
        pageSize: input.page_size,
        enabled: input.enabled,
        cursors: cursorsFrom(input.pull_from),
        createdBy: principal.id,
      })
      .returning();
    return connectionView(env, row as ConnectionRow);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict(
        `A store connection is called ${input.name} already: its orders carry that source. Choose another name, or change that connection.`,
      );
    }
    throw error;
  }
}

export async function updateConnection(env: Env, id: string, patch: ConnectionPatchInput) {
  await loadConnection(env, id);
  const [row] = await getDb(env.DB)
    .update(storeConnections)
    .set({
      ...(patch.base_url !== undefined && { baseUrl: patch.base_url }),
      ...(patch.token_secret !== undefined && { tokenSecret: patch.token_secret }),
      ...(patch.page_size !== undefined && { pageSize: patch.page_size }),
      ...(patch.enabled !== undefined && { enabled: patch.enabled }),
      ...(patch.pull_from !== undefined && { cursors: cursorsFrom(patch.pull_from) }),
      updatedAt: new Date().toISOString(),
    })
    .where(eq(storeConnections.id, id))
    .returning();
  return connectionView(env, row as ConnectionRow);
}

/** Every connection, newest first; a shop has a few, so no pagination. */
export async function listConnections(env: Env) {
  const rows = await getDb(env.DB)
    .select()
    .from(storeConnections)
    .orderBy(desc(storeConnections.createdAt), desc(storeConnections.id));
  return { items: rows.map((row) => connectionView(env, row)) };
}

export async function getConnection(env: Env, id: string) {
  return connectionView(env, await loadConnection(env, id));
}

/** A connection's pulls, newest first. */
export async function listPulls(env: Env, id: string, page: { limit: number; cursor?: string | undefined }) {
  await loadConnection(env, id);
  const db = getDb(env.DB);
  const result = await newestFirst(
    db.select().from(storePulls).$dynamic(),
    { time: storePulls.startedAt, id: storePulls.id },
    [eq(storePulls.connectionId, id)],
    page,
    (p) => [p.startedAt, p.id],
  );
  return { items: result.items.map(pullView), next_cursor: result.next_cursor };
}

/** One pull now, as the clock would run it; 409 while the connection is switched off or being pulled. */
export async function pullNow(env: Env, id: string) {
  const connection = await loadConnection(env, id);
  if (!connection.enabled) {
    throw conflict(`${connection.name} is switched off: enable it (PATCH enabled: true) to pull it.`);
  }
  const pull = await pullConnection(env, connection, "manual");
  if (pull === null) {
    const [running] = await getDb(env.DB)
      .select({ id: storePulls.id, startedAt: storePulls.startedAt })
      .from(storePulls)
      .where(and(eq(storePulls.connectionId, id), eq(storePulls.status, "running")))
      .limit(1);
    throw conflict(`${connection.name} is being pulled already; that pull answers when it is done.`, {
      ...(running && { pull_id: running.id, started_at: running.startedAt }),
    });
  }
  return pullView(pull);
}
