// The contract of the doors' settings: webhook sources and their secrets, mailboxes, mail templates.
import { z } from "@hono/zod-openapi";
import { MAIL_TEMPLATE_KINDS, WEBHOOK_KINDS } from "../../../db/schema/ingest";
import { ORDER_KINDS } from "../../../db/schema/orders";
import { CurrencySchema } from "../../../lib/money";
import { Id } from "../../../lib/openapi";
import { PageQuery } from "../../../lib/pagination";
import { OrderIntakeSchema } from "../../orders/schemas";
import { compileError, LINE_GROUPS, MAX_PATTERN, missingLineGroups } from "./patterns";

const Label = z.string().trim().min(1).max(100);
const Instant = z.string();

const DOMAIN = /^@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** An email address, stored lower case. */
const Address = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(z.regexes.email, "An email address, e.g. purchases@shop.example");

/** Who sends: one address or a whole domain, stored lower case. */
const Sender = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .refine(
    (s) => z.regexes.email.test(s) || DOMAIN.test(s),
    "An address (orders@shop.example) or a whole domain written @shop.example",
  )
  .openapi({ example: "orders@shop.example" });

// ---- webhook sources ----

export const WebhookSourceName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{1,49}$/,
    "2 to 50 lower-case letters, digits, - and _, starting with a letter or digit: it is the last part of the URL /api/v1/webhooks/{name}",
  )
  .openapi({ example: "shop-main" });

const SecretInput = z
  .string()
  .min(1)
  .max(512)
  .refine((s) => s === s.trim(), "Starts or ends with a space: copy the secret without it")
  .openapi({
    description:
      "standard: whsec_ and the base64 of at least 24 random bytes (left out, ROMS makes one); shopify and woocommerce: the secret the shop shows, at least 16 characters.",
  });

export const WebhookSecretSchema = z
  .object({
    id: z.string(),
    label: z.string().nullable(),
    created_at: Instant,
    hint: z.string().openapi({ description: "The secret's last 4 characters, to tell secrets apart" }),
  })
  .openapi("WebhookSecret");

export const CreatedWebhookSecretSchema = WebhookSecretSchema.extend({
  secret: z.string().openapi({ description: "Shown in this answer only; keep it now." }),
}).openapi("CreatedWebhookSecret");

export const WebhookSourceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(WEBHOOK_KINDS),
    order_kind: z.enum(ORDER_KINDS),
    enabled: z.boolean(),
    url: z.string().openapi({ description: "Where the sender posts: configure it in the shop" }),
    secrets: z.array(WebhookSecretSchema).openapi({ description: "Each verifies; never the secret itself" }),
    created_at: Instant,
    updated_at: Instant,
  })
  .openapi("WebhookSource");

export const CreatedWebhookSourceSchema = WebhookSourceSchema.extend({
  secret: z.string().openapi({
    description:
      "The source's first secret. Shown in this answer only; keep it now (a standard sender signs with it).",
  }),
}).openapi("CreatedWebhookSource");

export const NewWebhookSourceBody = z
  .strictObject({
    name: WebhookSourceName,
    kind: z.enum(WEBHOOK_KINDS).openapi({
      description:
        "standard: Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); shopify; woocommerce",
    }),
    order_kind: z
      .enum(ORDER_KINDS)
      .default("sale")
      .openapi({ description: "sale: a shop's orders; purchase: our own orders at a supplier" }),
    secret: SecretInput.optional(),
    label: Label.optional().openapi({ description: "A name for the first secret, e.g. where it is used" }),
  })
  .openapi("NewWebhookSource");

export const NewWebhookSecretBody = z
  .strictObject({ secret: SecretInput.optional(), label: Label.optional() })
  .openapi("NewWebhookSecret");

export const WebhookSourcePatchBody = z
  .strictObject({
    enabled: z
      .boolean()
      .optional()
      .openapi({ description: "false refuses its deliveries (they are logged)" }),
    order_kind: z.enum(ORDER_KINDS).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one of enabled, order_kind" })
  .openapi("WebhookSourcePatch");

export const SecretParam = z.object({ id: Id, secret_id: Id });

// ---- mailboxes ----

const SenderList = z
  .array(Sender)
  .min(
    1,
    "Name at least one sender (an address or @domain): mail from anyone else is kept in the ingest log but creates nothing",
  )
  .max(100)
  .openapi({
    description:
      "Addresses or whole domains (@shop.example), lower-cased. Mail from anyone else is kept in the ingest log but creates nothing.",
  });

const MailboxFields = {
  address: Address.openapi({
    description: "Where the mail arrives; stored lower case",
    example: "purchases@roms.example",
  }),
  order_kind: z.enum(ORDER_KINDS).openapi({
    description: "purchase: our own orders at retailers; sale: a shop's notifications of its orders",
  }),
  source: OrderIntakeSchema.shape.source.openapi({
    description: "The `source` of the orders its mail creates, as in order intake",
    example: "mail:retailer",
  }),
  allowed_senders: SenderList,
  default_currency: CurrencySchema.openapi({ description: "For mail that does not say its currency" }),
  enabled: z
    .boolean()
    .openapi({ description: "false: its mail is kept in the ingest log but creates nothing" }),
};

export const MailboxSchema = z
  .object({
    id: z.string(),
    address: z.string(),
    order_kind: z.enum(ORDER_KINDS),
    source: z.string(),
    allowed_senders: z.array(z.string()),
    default_currency: z.string(),
    enabled: z.boolean(),
    created_at: Instant,
    updated_at: Instant,
  })
  .openapi("Mailbox");

export const NewMailboxBody = z
  .strictObject({
    ...MailboxFields,
    default_currency: MailboxFields.default_currency.default("EUR"),
    enabled: MailboxFields.enabled.default(true),
  })
  .openapi("NewMailbox");

export const MailboxPatchBody = z
  .strictObject({
    address: MailboxFields.address.optional(),
    order_kind: MailboxFields.order_kind.optional(),
    source: MailboxFields.source.optional(),
    allowed_senders: MailboxFields.allowed_senders.optional(),
    default_currency: MailboxFields.default_currency.optional(),
    enabled: MailboxFields.enabled.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change" })
  .openapi("MailboxPatch");

// ---- mail templates ----

/** A pattern that must compile with `flags`; the field error quotes the engine. */
const pattern = (flags: string) =>
  z
    .string()
    .min(1)
    .max(MAX_PATTERN, { message: `At most ${MAX_PATTERN} characters`, abort: true })
    .superRefine((p, ctx) => {
      const error = compileError(p, flags);
      if (error !== null)
        ctx.addIssue({ code: "custom", message: `Not a valid regular expression: ${error}` });
    })
    .openapi({
      description:
        "A JavaScript regular expression, read case-insensitively; the value is its group named value, else its first group, else the whole match. The literal form /pattern/flags sets its own flags.",
    });

const FieldPattern = pattern("i");

const LinePattern = pattern("gi")
  .superRefine((p, ctx) => {
    if (compileError(p, "gi") !== null) return;
    const missing = missingLineGroups(p);
    if (missing.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `A line pattern names the groups ${LINE_GROUPS.join(", ")}; it lacks ${missing.join(", ")}. E.g. (?<quantity>\\d+) x (?<name>.+?) \\((?<sku>[\\w-]+)\\) (?<price>[\\d.,]+)`,
      });
    }
  })
  .openapi({
    description: `Read over the whole text for every line of the order, with named groups ${LINE_GROUPS.join(", ")}. Needed by a confirmation.`,
  });

const TemplateFields = z
  .strictObject({
    order_number: FieldPattern,
    total: FieldPattern.optional(),
    shipping: FieldPattern.optional(),
    currency: FieldPattern.optional(),
    carrier: FieldPattern.optional(),
    tracking_number: FieldPattern.optional(),
    tracking_url: FieldPattern.optional(),
    buyer_name: FieldPattern.optional(),
    buyer_email: FieldPattern.optional(),
  })
  .openapi("MailTemplateFieldPatterns");

const TemplateName = z.string().trim().min(1).max(100);
const TemplateKind = z.enum(MAIL_TEMPLATE_KINDS);

export const MailTemplateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    sender: z.string(),
    subject_pattern: z.string().nullable(),
    kind: TemplateKind,
    fields: TemplateFields,
    line_pattern: z.string().nullable(),
    enabled: z.boolean(),
    created_at: Instant,
    updated_at: Instant,
  })
  .openapi("MailTemplate");

export const NewMailTemplateBody = z
  .strictObject({
    name: TemplateName,
    sender: Sender.openapi({ description: "Mail from this address, or from anyone @domain" }),
    subject_pattern: FieldPattern.nullable()
      .default(null)
      .openapi({ description: "The subject must match it; null: any subject" }),
    kind: TemplateKind,
    fields: TemplateFields,
    line_pattern: LinePattern.nullable().default(null),
    enabled: z.boolean().default(true),
  })
  .openapi("NewMailTemplate");

export const MailTemplatePatchBody = z
  .strictObject({
    name: TemplateName.optional(),
    sender: Sender.optional(),
    subject_pattern: FieldPattern.nullable().optional(),
    kind: TemplateKind.optional(),
    fields: TemplateFields.optional().openapi({ description: "Replaces every field pattern" }),
    line_pattern: LinePattern.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change" })
  .openapi("MailTemplatePatch");

export const MailTemplateQuery = PageQuery.extend({
  sender: Sender.optional().openapi({
    description: "Templates that read this sender's mail: an address gives its own and its domain's",
  }),
});
