// The connectors module's contract: Magento 2 store connections (where a store is, which Worker secret holds
// its token, where each feed resumes) and their pulls.
import { z } from "@hono/zod-openapi";

/** Only these hosts may be spoken to over plain http: a store on this machine (tests, local work). */
export const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export const ConnectionName = z
  .string()
  .trim()
  .max(50)
  .regex(/^magento:[a-z0-9][a-z0-9_-]*$/, "magento: and a lower-case name, e.g. magento:main")
  .openapi({
    example: "magento:main",
    description:
      "The intake source its orders carry (with their increment id as external ref); fixed once made",
  });

const BaseUrl = z
  .url()
  .max(300)
  .superRefine((value, ctx) => {
    if (!URL.canParse(value)) return; // z.url() said so already
    const url = new URL(value);
    const fail = (message: string) => ctx.addIssue({ code: "custom", message, input: value });
    if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname))) {
      fail("https:// (plain http only for 127.0.0.1 or localhost): the token travels with every request");
    } else if (url.username || url.password)
      fail("No user or password in the URL: the token is the credential");
    else if (url.search || url.hash) fail("The store's base URL alone, without ? or #");
    else if (/\/rest(\/|$)/i.test(url.pathname))
      fail("The store's base URL, without /rest/V1 (ROMS adds it)");
  })
  .transform((value) => value.replace(/\/+$/, ""))
  .openapi({
    example: "https://shop.example.com",
    description: "The store's base URL; ROMS calls {base}/rest/V1/…",
  });

const TokenSecret = z
  .string()
  .regex(
    /^MAGENTO_[A-Z0-9_]{1,56}$/,
    "The name of a Worker secret starting with MAGENTO_, e.g. MAGENTO_MAIN_TOKEN (only such secrets are ever sent to a store)",
  )
  .openapi({
    example: "MAGENTO_MAIN_TOKEN",
    description:
      "The name of the Worker secret holding the integration's access token (`wrangler secret put MAGENTO_MAIN_TOKEN`); the token itself is never stored or shown",
  });

const PageSize = z.number().int().min(1).max(100).openapi({ description: "Orders or invoices per request" });

const PullFrom = z.iso.datetime({ offset: true }).openapi({
  example: "2026-01-01T00:00:00Z",
  description: "Take orders and invoices updated at or after this time (both feeds' cursors start there)",
});

export const ConnectionCreate = z
  .strictObject({
    name: ConnectionName,
    kind: z.literal("magento2").default("magento2"),
    base_url: BaseUrl,
    token_secret: TokenSecret,
    page_size: PageSize.default(50),
    enabled: z.boolean().default(true).openapi({ description: "Pulled by the clock every 15 minutes" }),
    pull_from: PullFrom.optional().openapi({
      description: "Where the first pull starts; left out: from the store's first order",
    }),
  })
  .openapi("StoreConnectionCreate");
export type ConnectionCreateInput = z.output<typeof ConnectionCreate>;

export const ConnectionPatch = z
  .strictObject({
    base_url: BaseUrl.optional(),
    token_secret: TokenSecret.optional(),
    page_size: PageSize.optional(),
    enabled: z.boolean().optional(),
    pull_from: PullFrom.optional().openapi({
      description:
        "Move both cursors to this time: the next pull takes everything updated since (pages read before are recognised and change nothing)",
    }),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "Nothing to change" })
  .openapi("StoreConnectionPatch");
export type ConnectionPatchInput = z.output<typeof ConnectionPatch>;

const CursorSchema = z
  .object({
    updated_at: z.string().openapi({ description: "Magento's updated_at of the last item taken (UTC)" }),
    entity_id: z.number().int(),
  })
  .nullable()
  .openapi({ description: "The last item taken; null: nothing yet" });

export const ConnectionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.literal("magento2"),
    base_url: z.string(),
    token_secret: z.string(),
    token_set: z.boolean().openapi({ description: "Whether the Worker has the secret token_secret names" }),
    page_size: z.number().int(),
    enabled: z.boolean(),
    cursors: z.object({ orders: CursorSchema, invoices: CursorSchema }),
    last_success_at: z.string().nullable(),
    last_error: z.string().nullable(),
    last_error_at: z.string().nullable(),
    created_by: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("StoreConnection");

export const ConnectionList = z.object({ items: z.array(ConnectionSchema) }).openapi("StoreConnections");

export const PullSchema = z
  .object({
    id: z.string(),
    connection_id: z.string(),
    trigger: z.enum(["schedule", "manual"]),
    status: z.enum(["running", "ok", "failed"]),
    pages: z.number().int().openapi({ description: "Pages kept and read (orders and invoices)" }),
    orders_created: z.number().int(),
    orders_updated: z.number().int(),
    orders_unchanged: z.number().int().openapi({
      description:
        "Orders on the orders pages, by what reading them did (a page read before counts as unchanged)",
    }),
    invoices: z.number().int().openapi({ description: "Invoices read: each releases its order to picking" }),
    error: z.string().nullable().openapi({
      description: "Why it failed; or, on an ok pull, the pages kept whose orders could not all be read",
    }),
    started_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi("StorePull");
