// Store pulls: each Magento connection's orders, then its invoices, page by page after the feed's cursor.
// Every page is kept raw first (one ingest record, door "pull"), read through the one intake path, and only
// then is the cursor moved past it: a pull that stops anywhere resumes after the last page applied, and a
// page applied twice changes nothing (intake is idempotent by source, external ref and content).
import { eq } from "drizzle-orm";
import { getDb } from "../../db";
import { storeConnections, storePulls } from "../../db/schema/scrapes";
import { type Env, secretNamed } from "../../env";
import {
  type Feed,
  type MagentoClient,
  MagentoError,
  type MagentoPage,
  magentoClient,
} from "../../intake/magento/client";
import type { OrderRef } from "../../intake/magento/map";
import { pageBytes } from "../../intake/magento/read";
import { sha256Hex } from "../../lib/hash";
import { newId } from "../../lib/ids";
import { readRecord } from "../ingest/read";
import { type IngestRow, keep, loadRecord } from "../ingest/store";

export type ConnectionRow = typeof storeConnections.$inferSelect;
export type PullRow = typeof storePulls.$inferSelect;
export type Cursors = ConnectionRow["cursors"];

/**
 * What one pull takes at most (both feeds together); the next run carries on from the cursors. Each order
 * read costs a few D1 queries and live-feed messages, and an invocation has about a thousand such calls.
 */
export const PAGES_PER_PULL = 20;
export const ITEMS_PER_PULL = 150;
/** No page is started after this long, so a run stays well inside a Worker's limits. */
const PULL_BUDGET_MS = 120_000;
/** A pull still `running` after this long died with the Worker that ran it. */
const STALE_AFTER_MS = 15 * 60_000;

/** The token of a connection: the Worker secret it names, never a value kept in D1. */
export const tokenOf = (env: Env, connection: Pick<ConnectionRow, "tokenSecret">) =>
  secretNamed(env, connection.tokenSecret)?.trim();

/** Why a pull stopped, in words a person can act on. */
class PullStopped extends Error {}

interface Tally {
  pages: number;
  items: number;
  ordersCreated: number;
  ordersUpdated: number;
  ordersUnchanged: number;
  invoices: number;
  /** Pages kept whose orders could not all be read: left for a person to fix and reprocess. */
  unread: string[];
}

/**
 * Starts a pull of the connection: its row, `running`, unless one is under way (then null). A pull left
 * running by a Worker that died is closed as failed first, so it does not hold the connection forever.
 */
async function claim(
  env: Env,
  connection: ConnectionRow,
  trigger: PullRow["trigger"],
): Promise<string | null> {
  const id = newId();
  const now = new Date();
  const stale = new Date(now.getTime() - STALE_AFTER_MS).toISOString();
  const [, inserted] = await env.DB.batch([
    env.DB.prepare(
      `UPDATE store_pulls SET status = 'failed', finished_at = ?,
              error = 'Did not finish: the Worker running it stopped. The next pull resumes from the cursors.'
        WHERE connection_id = ? AND status = 'running' AND started_at < ?`,
    ).bind(now.toISOString(), connection.id, stale),
    env.DB.prepare(
      `INSERT INTO store_pulls (id, connection_id, trigger, status, started_at)
       SELECT ?, ?, ?, 'running', ?
        WHERE NOT EXISTS (SELECT 1 FROM store_pulls WHERE connection_id = ? AND status = 'running')`,
    ).bind(id, connection.id, trigger, now.toISOString(), connection.id),
  ]);
  return (inserted?.meta.changes ?? 0) > 0 ? id : null;
}

const counters = (t: Tally) => ({
  pages: t.pages,
  ordersCreated: t.ordersCreated,
  ordersUpdated: t.ordersUpdated,
  ordersUnchanged: t.ordersUnchanged,
  invoices: t.invoices,
});

/**
 * A kept page's reading. A repeat of a page kept before (a pull that stopped between keeping and moving
 * the cursor, or cursors moved back) is its first record: read now if it never was, else left as it is.
 */
async function readPage(env: Env, kept: IngestRow): Promise<{ record: IngestRow; repeat: boolean }> {
  if (kept.verdict === "accepted") return { record: await readRecord(env, kept), repeat: false };
  const first = kept.duplicateOf ? await loadRecord(env, kept.duplicateOf) : undefined;
  if (!first) return { record: kept, repeat: true };
  if (first.outcome === "pending") return { record: await readRecord(env, first), repeat: false };
  return { record: first, repeat: true };
}

/** The page's identity: the same items at the same versions are the same page, however often asked. */
const deliveryIdOf = async (feed: Feed, items: { entity_id: number; updated_at: string }[]) =>
  `${feed}:${await sha256Hex(items.map((i) => `${i.entity_id}@${i.updated_at}`).join(","))}`;

/** "orders 000000001 … 000000004": what a page holds, for the ingest log. */
function subjectOf(feed: Feed, items: Record<string, unknown>[]) {
  const numbers = items.map((i) => String(i.increment_id ?? i.entity_id));
  return `Magento ${feed} ${numbers[0]}${numbers.length > 1 ? ` … ${numbers.at(-1)}` : ""} (${numbers.length})`;
}

/** Remembers the orders of an orders page: invoices name their order by entity id only. */
function remember(known: Map<string, OrderRef>, items: MagentoPage["items"]) {
  for (const o of items) {
    if (typeof o.increment_id !== "string") continue;
    known.set(String(o.entity_id), {
      increment_id: o.increment_id,
      state: typeof o.state === "string" ? o.state : null,
    });
  }
}

/** The order of each invoice on a page: one this pull took already, else asked of Magento in one request. */
async function ordersNamed(client: MagentoClient, items: MagentoPage["items"], known: Map<string, OrderRef>) {
  const named = [...new Set(items.map((i) => Number(i.order_id)).filter(Number.isSafeInteger))];
  const unknown = named.filter((id) => !known.has(String(id)));
  if (unknown.length > 0) {
    for (const [id, ref] of Object.entries(await client.orderRefs(unknown))) known.set(id, ref);
  }
  const orders: Record<string, OrderRef> = {};
  for (const id of named) {
    const ref = known.get(String(id));
    if (ref) orders[id] = ref;
  }
  return orders;
}

/** What reading a page did, added to the pull's counts; a page read before changed nothing this time. */
function count(tally: Tally, feed: Feed, page: MagentoPage, reading: { record: IngestRow; repeat: boolean }) {
  const { record, repeat } = reading;
  tally.pages++;
  tally.items += page.items.length;
  if (feed === "invoices") tally.invoices += page.items.length;
  else {
    for (const r of record.results ?? []) {
      const outcome = repeat ? "unchanged" : r.outcome;
      if (outcome === "created") tally.ordersCreated++;
      else if (outcome === "updated") tally.ordersUpdated++;
      else tally.ordersUnchanged++;
    }
  }
  if (record.outcome === "failed" && !repeat) tally.unread.push(`${record.id}: ${record.detail ?? "failed"}`);
}

interface Pull {
  id: string;
  connection: ConnectionRow;
  client: MagentoClient;
  cursors: Cursors;
  tally: Tally;
  /** No page is started after this (ms since the epoch). */
  until: number;
  known: Map<string, OrderRef>;
}

/**
 * Takes one feed page after page until it is caught up, the pull's share is taken or its time is up.
 * Answers whether the feed is caught up.
 */
async function pullFeed(env: Env, pull: Pull, feed: Feed): Promise<boolean> {
  const { connection, cursors, tally } = pull;
  const db = getDb(env.DB);
  while (tally.pages < PAGES_PER_PULL && tally.items < ITEMS_PER_PULL && Date.now() < pull.until) {
    const after = cursors[feed] ?? null;
    const page = await pull.client.page(feed, after, connection.pageSize);
    const last = page.items.at(-1);
    if (last === undefined) return true;
    if (feed === "orders") remember(pull.known, page.items);
    const orders = feed === "invoices" ? await ordersNamed(pull.client, page.items, pull.known) : undefined;
    const kept = await keep(env, {
      door: "pull",
      source: connection.name,
      bytes: pageBytes({ feed, request: page.request, after, ...(orders && { orders }) }, page.text),
      contentType: "application/json",
      deliveryId: await deliveryIdOf(feed, page.items),
      subject: subjectOf(feed, page.items),
      metadata: { feed, connection: connection.id },
    });
    count(tally, feed, page, await readPage(env, kept));
    // Only now, with the page applied, does the feed move past it.
    cursors[feed] = { updated_at: last.updated_at, id: last.entity_id };
    const at = new Date().toISOString();
    await db.batch([
      db
        .update(storeConnections)
        .set({ cursors, updatedAt: at })
        .where(eq(storeConnections.id, connection.id)),
      db.update(storePulls).set(counters(tally)).where(eq(storePulls.id, pull.id)),
    ]);
    if (page.returned < connection.pageSize) return true;
  }
  return false;
}

/** What went wrong, with what to do about it where ROMS knows. */
function reasonOf(error: unknown, connection: ConnectionRow): string {
  if (error instanceof PullStopped) return error.message;
  if (error instanceof MagentoError) {
    return error.status === 401
      ? `${error.message} Check the integration's access token in the secret ${connection.tokenSecret} (Magento admin: System → Integrations) and that it may read Sales.`
      : error.message;
  }
  return `The pull stopped: ${String(error).slice(0, 300)}`;
}

/**
 * Pulls one connection now: orders first, then (once orders are caught up, so every invoice's order is
 * there) invoices. Answers the pull's row, or null when a pull of it is under way.
 */
export async function pullConnection(
  env: Env,
  connection: ConnectionRow,
  trigger: PullRow["trigger"],
): Promise<PullRow | null> {
  const id = await claim(env, connection, trigger);
  if (id === null) return null;
  const db = getDb(env.DB);
  const tally: Tally = {
    pages: 0,
    items: 0,
    ordersCreated: 0,
    ordersUpdated: 0,
    ordersUnchanged: 0,
    invoices: 0,
    unread: [],
  };
  let failure: string | null = null;
  try {
    const token = tokenOf(env, connection);
    if (token === undefined) {
      throw new PullStopped(
        `The token secret ${connection.tokenSecret} is not set: add the Magento integration's access token with \`wrangler secret put ${connection.tokenSecret}\` (locally: in .dev.vars).`,
      );
    }
    const pull: Pull = {
      id,
      connection,
      client: magentoClient(connection.baseUrl, token),
      cursors: { ...connection.cursors },
      tally,
      until: Date.now() + PULL_BUDGET_MS,
      known: new Map(),
    };
    if (await pullFeed(env, pull, "orders")) await pullFeed(env, pull, "invoices");
  } catch (error) {
    failure = reasonOf(error, connection);
  }
  const at = new Date().toISOString();
  const unread =
    tally.unread.length > 0
      ? `Kept, but not every order could be read; fix the cause and reprocess: ${tally.unread.slice(0, 5).join(" | ")}`.slice(
          0,
          2000,
        )
      : null;
  const error = failure ?? unread;
  const [[row]] = await db.batch([
    db
      .update(storePulls)
      .set({ ...counters(tally), status: failure ? "failed" : "ok", error, finishedAt: at })
      .where(eq(storePulls.id, id))
      .returning(),
    db
      .update(storeConnections)
      .set({
        ...(failure === null && { lastSuccessAt: at }),
        ...(error !== null && { lastError: error, lastErrorAt: at }),
        updatedAt: at,
      })
      .where(eq(storeConnections.id, connection.id)),
  ]);
  if (failure)
    console.log(
      JSON.stringify({
        level: "warn",
        msg: "store pull failed",
        connection: connection.name,
        error: failure,
      }),
    );
  return row as PullRow;
}

/**
 * The clock's pulls: every enabled connection, one after another, each from its cursors; one that is being
 * pulled already is left to that pull.
 */
export async function pullDueConnections(env: Env, _at: Date) {
  const connections = await getDb(env.DB)
    .select()
    .from(storeConnections)
    .where(eq(storeConnections.enabled, true));
  const summary = { connections: connections.length, ok: 0, failed: 0, busy: 0, pages: 0 };
  for (const connection of connections) {
    const pull = await pullConnection(env, connection, "schedule");
    if (pull === null) summary.busy++;
    else {
      summary[pull.status === "ok" ? "ok" : "failed"]++;
      summary.pages += pull.pages;
    }
  }
  return summary;
}
