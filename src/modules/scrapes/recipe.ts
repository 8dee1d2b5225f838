// A scrape target's recipe: what the browser waits for, which fields it reads (CSS selector, attribute or
// JSON-LD path), rows of a list, the next page, and login steps whose credentials come from Worker secrets.
// Checked when saved, so a bad step is a 400 that names it, never a failure at three in the morning.
import { z } from "@hono/zod-openapi";
import type { SCRAPE_KINDS } from "../../db/schema/scrapes";
import { badRequest, type FieldError } from "../../lib/problem";

export const MAX_PAGES = 20;
export const MAX_TIMEOUT_MS = 30_000;

const Selector = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .superRefine((s, ctx) => {
    const error = selectorError(s);
    if (error) ctx.addIssue({ code: "custom", message: error });
  })
  .openapi({ example: "table.orders tr.order" });

const SecretName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{2,63}$/, "The NAME of a Worker secret (upper case, digits, _), never the value")
  .openapi({ example: "RETAILER_PASSWORD" });

const Field = z
  .strictObject({
    selector: Selector.optional().openapi({ description: "Relative to the row (or the page)" }),
    attribute: z
      .string()
      .regex(/^[a-zA-Z_:][-a-zA-Z0-9_:.]*$/, "An attribute name, e.g. href or data-price")
      .optional()
      .openapi({ description: "Read this attribute instead of the text" }),
    json_ld: z
      .string()
      .regex(
        /^[A-Za-z@][\w@]*(\.[A-Za-z@][\w@]*|\[\d+\])*$/,
        "A path like offers.price or offers[0].priceCurrency",
      )
      .optional()
      .openapi({ description: "A path into the page's JSON-LD (the first object that has it)" }),
    required: z.boolean().default(false),
  })
  .refine((f) => (f.selector !== undefined) !== (f.json_ld !== undefined), {
    error: "A field reads either a selector (with an optional attribute) or a JSON-LD path",
  });

const LoginStep = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("goto"), url: z.url() }),
  z.strictObject({
    action: z.literal("fill"),
    selector: Selector,
    secret: SecretName.openapi({ description: "The value comes from this Worker secret" }),
  }),
  z.strictObject({ action: z.literal("click"), selector: Selector }),
  z.strictObject({ action: z.literal("wait_for"), selector: Selector }),
]);

export const RecipeSchema = z
  .strictObject({
    wait_for: Selector.optional().openapi({ description: "The page counts as rendered once this appears" }),
    timeout_ms: z.number().int().min(1000).max(MAX_TIMEOUT_MS).default(15_000),
    login: z.array(LoginStep).min(1).max(10).optional().openapi({ description: "Run before the start URL" }),
    rows: Selector.optional().openapi({
      description: "One record per match (a list); without it, one record per page",
    }),
    fields: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "Lower-case field names"), Field),
    next_page: z
      .strictObject({ selector: Selector, max_pages: z.number().int().min(1).max(MAX_PAGES) })
      .optional()
      .openapi({ description: "A link or button to the next page, followed until it is gone or max_pages" }),
    default_currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    order_source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9:._@-]*$/)
      .max(100)
      .optional()
      .openapi({
        description:
          "order_status: the intake source the tracked purchases carry (the mailbox's or webhook's source), so the scraped status updates the order that source created",
      }),
  })
  .openapi("ScrapeRecipe");
export type Recipe = z.output<typeof RecipeSchema>;

/** The fields each kind must read, and why. */
export const KIND_FIELDS: Record<(typeof SCRAPE_KINDS)[number], { required: string[]; about: string }> = {
  order_status: {
    required: ["order_number", "status"],
    about: "order_number and status (tracking_number, carrier, tracking_url optional)",
  },
  price: { required: ["price"], about: "price (name, sku, key, currency optional)" },
  catalog: {
    required: ["price", "name"],
    about: "name and price per row (sku, key, url, currency optional)",
  },
};

/**
 * The parts of CSS a selector can be broken by that we can see without a DOM: brackets and quotes that do
 * not close, characters that never appear in one. The browser is the final judge (`…/test`).
 */
function selectorError(selector: string): string | null {
  if (/[{};]/.test(selector)) return "A selector has no { } or ;";
  const closing: Record<string, string> = { "[": "]", "(": ")" };
  const stack: string[] = [];
  let quote: string | null = null;
  for (const ch of selector) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch in closing) stack.push(closing[ch] as string);
    else if (ch === "]" || ch === ")") {
      if (stack.pop() !== ch) return `An unmatched ${ch}`;
    }
  }
  if (quote) return "A quote that does not close";
  if (stack.length > 0) return `A ${stack.at(-1) === "]" ? "[" : "("} that does not close`;
  if (/^[>+~,]|[>+~,]\s*$/.test(selector)) return "A selector cannot start or end with a combinator";
  return null;
}

/** Checks a recipe for a kind: the recipe, or a 400 whose errors name each bad step. */
export function checkRecipe(kind: (typeof SCRAPE_KINDS)[number], recipe: unknown): Recipe {
  const parsed = RecipeSchema.safeParse(recipe);
  if (!parsed.success) {
    throw badRequest(
      "The recipe has steps that cannot run.",
      parsed.error.issues.map((i) => ({
        in: "body",
        path: ["recipe", ...i.path.map(String)].join("."),
        message: i.message,
      })),
    );
  }
  const missing = KIND_FIELDS[kind].required.filter((f) => !(f in parsed.data.fields));
  const errors: FieldError[] = missing.map((f) => ({
    in: "body",
    path: `recipe.fields.${f}`,
    message: `A ${kind} recipe reads ${KIND_FIELDS[kind].about}`,
  }));
  if (kind === "order_status" && !parsed.data.order_source) {
    errors.push({
      in: "body",
      path: "recipe.order_source",
      message: "An order_status recipe names the source of the purchases it tracks",
    });
  }
  if (kind === "catalog" && !parsed.data.rows) {
    errors.push({
      in: "body",
      path: "recipe.rows",
      message: "A catalog recipe reads rows (one item per row)",
    });
  }
  if (errors.length > 0) throw badRequest("The recipe does not read what this kind needs.", errors);
  return parsed.data;
}
