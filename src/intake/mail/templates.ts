// Staff-written templates read mail that carries no markup: a template names a sender and a subject, and
// regular expressions for its fields and its lines, applied to the message's text.
import type { Email } from "postal-mime";
import { readCurrency, readMinor, readQuantity } from "./amounts";
import { checkTotal, compact, type Intake, type IntakeLine, skuFromName } from "./intake";
import type { MailboxSettings, MailTemplate } from "./read";

/** Patterns read at most this much of a body, so a pattern that backtracks badly still ends. */
export const MAX_TEMPLATE_TEXT = 200_000;
const MAX_SUBJECT = 1_000;
const MAX_LINES = 200;

interface Compiled {
  template: MailTemplate;
  where: string;
  fields: Map<string, RegExp>;
  lines: RegExp | null;
}

/**
 * A pattern as staff write it: "Order no\\. (\\d+)" read with `flags`, or in literal form "/Order (\\d+)/i"
 * with exactly its own flags (plus "g" where every match is read).
 */
export function compile(pattern: string, flags: string): RegExp {
  const literal = /^\/([\s\S]+)\/([dimsuvy]*)$/.exec(pattern);
  if (!literal) return new RegExp(pattern, flags);
  return new RegExp(literal[1] as string, `${literal[2]}${flags.includes("g") ? "g" : ""}`);
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

function compileTemplate(template: MailTemplate, notes: string[]): Compiled | null {
  const where = `Template "${template.name}"`;
  const fields = new Map<string, RegExp>();
  const entries =
    template.fields && typeof template.fields === "object" ? Object.entries(template.fields) : [];
  for (const [key, pattern] of entries) {
    if (typeof pattern !== "string") {
      notes.push(`${where} is skipped: its field ${key} is not a pattern.`);
      return null;
    }
    try {
      fields.set(key, compile(pattern, "im"));
    } catch (error) {
      notes.push(
        `${where} is skipped: its ${key} pattern is not a valid regular expression (${reason(error)}).`,
      );
      return null;
    }
  }
  let lines: RegExp | null = null;
  if (template.linePattern) {
    try {
      lines = compile(template.linePattern, "gim");
    } catch (error) {
      notes.push(
        `${where} is skipped: its line pattern is not a valid regular expression (${reason(error)}).`,
      );
      return null;
    }
  }
  return { template, where, fields, lines };
}

/** The named group `value`, else the first group, else the whole match; trimmed, undefined when empty. */
function matchedValue(match: RegExpMatchArray): string | undefined {
  const value = match.groups?.value ?? (match.length > 1 ? match[1] : match[0]);
  return value?.trim() || undefined;
}

/** The From address, lower case. */
export function senderOf(email: Email): string {
  const from = email.from;
  const address = from?.address ?? from?.group?.[0]?.address ?? "";
  return address.trim().toLowerCase();
}

function lineOf(
  groups: Record<string, string | undefined>,
  n: number,
  currency: string,
  where: string,
  notes: string[],
) {
  const name = groups.name?.trim() || groups.sku?.trim();
  if (!name) notes.push(`${where}: line ${n} has no name or sku.`);
  const sku = groups.sku?.trim() || (name ? skuFromName(name) : undefined);
  const quantityText = groups.quantity?.trim();
  const quantity = quantityText ? readQuantity(quantityText) : 1;
  if (quantity === null) {
    notes.push(
      `${where}: the quantity ${JSON.stringify(quantityText)} of line ${n} is not a whole number; left out.`,
    );
  }
  const priceText = groups.price?.trim();
  const price = priceText ? readMinor(priceText, currency) : null;
  if (price === null) {
    notes.push(
      priceText
        ? `${where}: the price ${JSON.stringify(priceText)} of line ${n} cannot be read as ${currency}; left out.`
        : `${where}: line ${n} has no price (the line pattern needs a group named price).`,
    );
  }
  return compact({
    sku,
    name,
    quantity: quantity ?? undefined,
    unit_price: price ?? undefined,
  }) as IntakeLine;
}

/** One template applied to a text; null (with notes) when what it needs did not match. */
function applyTemplate(
  compiled: Compiled,
  email: Email,
  text: string,
  mailbox: MailboxSettings,
  notes: string[],
): Intake | null {
  const { template, where, fields } = compiled;
  // A detail a message does not carry (no tracking link this time) is not worth a note; the order number is.
  const field = (key: string, required = false) => {
    const pattern = fields.get(key);
    if (!pattern) return undefined;
    const match = pattern.exec(text);
    const value = match ? matchedValue(match) : undefined;
    if (value === undefined && required) notes.push(`${where}: its ${key} pattern did not match.`);
    return value;
  };
  const ref = field("order_number", true);
  if (!ref) {
    if (!fields.has("order_number")) notes.push(`${where}: has no order_number pattern.`);
    return null;
  }
  const intake: Intake = { source: mailbox.source, kind: mailbox.orderKind, external_ref: ref };
  if (mailbox.orderKind === "purchase") intake.merchant = email.from?.name?.trim() || undefined;
  const buyer = compact({ name: field("buyer_name"), email: field("buyer_email") });
  if (Object.keys(buyer).length > 0) intake.buyer = buyer;
  const tracking = compact({
    carrier: field("carrier"),
    number: field("tracking_number"),
    url: field("tracking_url"),
  });
  if (Object.keys(tracking).length > 0) intake.tracking = tracking;

  if (template.kind === "shipment") return compact({ ...intake, status: "shipped" as const });
  if (template.kind === "cancellation") return compact({ ...intake, status: "cancelled" as const });
  if (template.kind !== "confirmation") {
    notes.push(`${where} is skipped: it is of an unknown kind ${JSON.stringify(template.kind)}.`);
    return null;
  }

  if (!compiled.lines) {
    notes.push(`${where}: has no line pattern, and a confirmation needs its lines.`);
    return null;
  }
  const currencyText = field("currency");
  const code = currencyText === undefined ? undefined : readCurrency(currencyText);
  if (code === null)
    notes.push(`${where}: the currency ${JSON.stringify(currencyText)} is not an ISO 4217 code.`);
  // Unreadable, it goes on as written for the schema to refuse: never the mailbox's currency in its place.
  const currency = code ?? currencyText ?? mailbox.defaultCurrency;
  const lines: IntakeLine[] = [];
  for (const match of text.matchAll(compiled.lines)) {
    if (match[0] === "") continue;
    if (lines.length === MAX_LINES) {
      notes.push(`${where}: only the first ${MAX_LINES} lines are read.`);
      break;
    }
    lines.push(lineOf(match.groups ?? {}, lines.length + 1, currency, where, notes));
  }
  if (lines.length === 0) {
    notes.push(`${where}: its line pattern matched no line.`);
    return null;
  }
  Object.assign(intake, { currency, lines });
  const amount = (key: string) => {
    const value = field(key);
    if (value === undefined) return undefined;
    const read = readMinor(value, currency);
    if (read === null)
      notes.push(`${where}: the ${key} ${JSON.stringify(value)} cannot be read as ${currency}; left out.`);
    return read ?? undefined;
  };
  intake.shipping = amount("shipping");
  const total = amount("total");
  const read = compact(intake);
  if (total !== undefined) checkTotal(read, total, where, notes);
  return read;
}

/** Exact addresses before whole domains, a template with a subject before one for any subject. */
const specificity = (t: MailTemplate) => (t.sender.startsWith("@") ? 2 : 0) + (t.subjectPattern ? 0 : 1);

/**
 * Reads a text with the templates for the message's sender: the first whose subject matches and whose
 * patterns find the order wins. `matched` counts the templates that applied to the sender and subject.
 */
export function readWithTemplates(
  email: Email,
  text: string,
  mailbox: MailboxSettings,
  templates: MailTemplate[],
  notes: string[],
): { intake: Intake | null; forSender: number } {
  const sender = senderOf(email);
  const domain = sender.includes("@") ? sender.slice(sender.lastIndexOf("@")) : null;
  const mine = templates
    .filter((t) => t.enabled !== false)
    .filter((t) => {
      const wanted = t.sender.trim().toLowerCase();
      return wanted === sender || wanted === domain;
    })
    .sort((a, b) => specificity(a) - specificity(b) || a.name.localeCompare(b.name));
  const body = text.slice(0, MAX_TEMPLATE_TEXT);
  const subject = (email.subject ?? "").slice(0, MAX_SUBJECT);
  // A template that cannot be used (a bad pattern) is said whatever reads the message: staff should fix it.
  const broken: string[] = [];
  const usable: { compiled: Compiled; subjectPattern: RegExp | null }[] = [];
  for (const template of mine) {
    let subjectPattern: RegExp | null = null;
    try {
      subjectPattern = template.subjectPattern ? compile(template.subjectPattern, "i") : null;
    } catch (error) {
      broken.push(
        `Template "${template.name}" is skipped: its subject pattern is not a valid regular expression (${reason(error)}).`,
      );
      continue;
    }
    const compiled = compileTemplate(template, broken);
    if (compiled) usable.push({ compiled, subjectPattern });
  }
  notes.push(...broken);
  const misses: string[] = [];
  for (const { compiled, subjectPattern } of usable) {
    if (subjectPattern && !subjectPattern.test(subject)) {
      misses.push(`${compiled.where}: the subject does not match.`);
      continue;
    }
    const tried: string[] = [];
    const intake = applyTemplate(compiled, email, body, mailbox, tried);
    if (intake) {
      if (text.length > MAX_TEMPLATE_TEXT)
        tried.push(`Only the first ${MAX_TEMPLATE_TEXT} characters were read.`);
      notes.push(...tried);
      return { intake, forSender: mine.length };
    }
    misses.push(...tried);
  }
  notes.push(...misses);
  return { intake: null, forSender: mine.length };
}
