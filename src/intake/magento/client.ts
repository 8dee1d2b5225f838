// Magento 2's REST API as the store pull reads it: a page of orders or invoices after a cursor, and the
// increment ids of orders its invoices name. Every failure says what was asked and what Magento answered.
import type { OrderRef } from "./map";

/** The feeds a connection pulls, in the order it pulls them: an invoice's order comes first. */
export const FEEDS = ["orders", "invoices"] as const;
export type Feed = (typeof FEEDS)[number];

/** Where a feed resumes: the last item taken, by Magento's (updated_at, entity_id). */
export interface FeedCursor {
  updated_at: string;
  id: number;
}

export interface MagentoPage {
  /** The path and query asked, without the host. */
  request: string;
  /** Magento's answer exactly as it came (kept raw). */
  text: string;
  /** The items after the cursor, in (updated_at, entity_id) order. */
  items: { entity_id: number; updated_at: string; [field: string]: unknown }[];
  /** Items Magento returned in all (a page shorter than asked is the feed's end). */
  returned: number;
}

/** What Magento (or the way to it) refused; `status` is Magento's HTTP status when it answered. */
export class MagentoError extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null = null) {
    super(message);
    this.name = "MagentoError";
    this.status = status;
  }
}

export interface MagentoClientOptions {
  /** Per request (default 20 s). */
  timeoutMs?: number;
}

/** How many entity ids one lookup names (the URL stays short). */
const LOOKUP_CHUNK = 100;

/** Strictly after the cursor in (updated_at, entity_id) order. */
export const isAfter = (item: { updated_at: string; entity_id: number }, after: FeedCursor | null) =>
  after === null ||
  item.updated_at > after.updated_at ||
  (item.updated_at === after.updated_at && item.entity_id > after.id);

/**
 * The searchCriteria of one keyset page: items after (updated_at, entity_id), oldest first. Filters in a
 * group are ORed and groups ANDed, so "updated_at > T or (updated_at = T and entity_id > id)" is written
 * (updated_at >= T) AND (updated_at > T OR entity_id > id). Always the first page of what is left: offset
 * paging would skip an item whenever one before it is updated mid-pull (it moves to the end), and Magento
 * answers a page past the last with the last page again.
 */
export function feedQuery(after: FeedCursor | null, pageSize: number): URLSearchParams {
  const q = new URLSearchParams();
  const filter = (group: number, index: number, field: string, condition: string, value: string) => {
    const at = `searchCriteria[filter_groups][${group}][filters][${index}]`;
    q.set(`${at}[field]`, field);
    q.set(`${at}[value]`, value);
    q.set(`${at}[condition_type]`, condition);
  };
  if (after !== null) {
    filter(0, 0, "updated_at", "gteq", after.updated_at);
    filter(1, 0, "updated_at", "gt", after.updated_at);
    filter(1, 1, "entity_id", "gt", String(after.id));
  }
  q.set("searchCriteria[sortOrders][0][field]", "updated_at");
  q.set("searchCriteria[sortOrders][0][direction]", "ASC");
  q.set("searchCriteria[sortOrders][1][field]", "entity_id");
  q.set("searchCriteria[sortOrders][1][direction]", "ASC");
  q.set("searchCriteria[pageSize]", String(pageSize));
  q.set("searchCriteria[currentPage]", "1");
  return q;
}

/** Magento's error text with its parameters put in ("%1", "%resources"). */
function magentoMessage(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; parameters?: unknown };
    if (typeof parsed.message !== "string") return null;
    const params = parsed.parameters;
    return parsed.message.replace(/%(\w+)/g, (whole, key: string) => {
      const value = Array.isArray(params)
        ? params[Number(key) - 1]
        : params && typeof params === "object"
          ? (params as Record<string, unknown>)[key]
          : undefined;
      return value === undefined ? whole : String(value);
    });
  } catch {
    return null;
  }
}

export function magentoClient(baseUrl: string, token: string, options: MagentoClientOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const root = `${baseUrl.replace(/\/+$/, "")}/rest/V1`;

  async function get(path: string, query: URLSearchParams): Promise<{ request: string; text: string }> {
    const url = `${root}/${path}?${query}`;
    const asked = `GET ${new URL(url).pathname}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: "application/json" },
        // A redirect elsewhere would carry the token along: the base URL must be where the API is.
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof Error && error.name === "TimeoutError") {
        throw new MagentoError(`Magento did not answer ${asked} within ${timeoutMs / 1000} s.`);
      }
      throw new MagentoError(`Could not reach Magento for ${asked}: ${String(error).slice(0, 200)}`);
    }
    const text = await res.text();
    if (res.status >= 300 && res.status < 400) {
      throw new MagentoError(
        `Magento redirected ${asked} to ${res.headers.get("location") ?? "elsewhere"}: set the connection's base URL to where the store answers.`,
        res.status,
      );
    }
    if (!res.ok) {
      const said = magentoMessage(text) ?? text.slice(0, 200).trim();
      throw new MagentoError(
        `Magento answered ${res.status} to ${asked}${said ? `: ${said}` : ""}`,
        res.status,
      );
    }
    return { request: `${new URL(url).pathname}?${query}`, text };
  }

  function itemsOf(asked: string, text: string): Record<string, unknown>[] {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new MagentoError(
        `Magento's answer to GET ${asked} is not JSON: is the base URL the store's own (without /rest)?`,
      );
    }
    const items = (body as { items?: unknown } | null)?.items ?? [];
    if (!Array.isArray(items)) {
      throw new MagentoError(`Magento's answer to GET ${asked} has no list of items.`);
    }
    return items as Record<string, unknown>[];
  }

  return {
    /** The next page of a feed after the cursor: at most `pageSize` items, oldest first. */
    async page(feed: Feed, after: FeedCursor | null, pageSize: number): Promise<MagentoPage> {
      const { request, text } = await get(feed, feedQuery(after, pageSize));
      const all = itemsOf(`/rest/V1/${feed}`, text);
      for (const item of all) {
        if (typeof item.entity_id !== "number" || typeof item.updated_at !== "string") {
          throw new MagentoError(
            `Magento's ${feed} page has an item without a numeric entity_id and an updated_at: it cannot be resumed from.`,
          );
        }
      }
      const items = (all as MagentoPage["items"])
        // Sorted here too: the cursor must end at the last item taken, whatever order came.
        .filter((item) => isAfter(item, after))
        .sort((a, b) =>
          a.updated_at === b.updated_at ? a.entity_id - b.entity_id : a.updated_at < b.updated_at ? -1 : 1,
        );
      return { request, text, items, returned: all.length };
    },

    /** Increment id and state of each order named by entity id (an invoice names its order so). */
    async orderRefs(entityIds: number[]): Promise<Record<string, OrderRef>> {
      const refs: Record<string, OrderRef> = {};
      const ids = [...new Set(entityIds)];
      for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
        const chunk = ids.slice(i, i + LOOKUP_CHUNK);
        const q = new URLSearchParams({
          "searchCriteria[filter_groups][0][filters][0][field]": "entity_id",
          "searchCriteria[filter_groups][0][filters][0][value]": chunk.join(","),
          "searchCriteria[filter_groups][0][filters][0][condition_type]": "in",
          "searchCriteria[pageSize]": String(chunk.length),
          "searchCriteria[currentPage]": "1",
          fields: "items[entity_id,increment_id,state]",
        });
        const { text } = await get("orders", q);
        for (const order of itemsOf("/rest/V1/orders", text)) {
          if (typeof order.increment_id !== "string" || order.entity_id === undefined) continue;
          refs[String(order.entity_id)] = {
            increment_id: order.increment_id,
            state: typeof order.state === "string" ? order.state : null,
          };
        }
      }
      return refs;
    },
  };
}

export type MagentoClient = ReturnType<typeof magentoClient>;
