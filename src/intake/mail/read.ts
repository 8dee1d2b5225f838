// The `email` door's reading: the orders a message is about, from its schema.org markup (JSON-LD or
// microdata) or, when it has none, from the templates staff wrote for its sender. Pure: the caller checks
// each intake with OrderIntakeSchema and sends it down the one intake path.
import type { Email } from "postal-mime";
import type { mailTemplates } from "../../db/schema/ingest";
import type { OrderIntakeInput } from "../../modules/orders/schemas";
import { htmlToText } from "./html";
import { compact, fitDetails, type Intake } from "./intake";
import { readMarkup } from "./markup";
import { intakesFromMarkup } from "./schema-org";
import { readWithTemplates, senderOf } from "./templates";

/** The mailbox a message arrived at: what its orders are to us, and their source. */
export interface MailboxSettings {
  address: string;
  orderKind: "sale" | "purchase";
  source: string;
  /** For mail that names no currency. */
  defaultCurrency: string;
}

export type MailTemplate = typeof mailTemplates.$inferSelect;

export interface MailReading {
  /** One per order the message is about; one without lines only updates an existing order. */
  intakes: OrderIntakeInput[];
  /** For a person: why no order was found, or what was left out of the ones found. */
  note: string | null;
}

/** HTML beyond this is not read (Email Routing passes up to 25 MiB; markup sits near the top). */
export const MAX_HTML = 2_000_000;

/**
 * Readings of one order in one message (JSON-LD beside microdata, an Order beside its ParcelDelivery) as one
 * intake: the first reading's fields win, the others fill what it left out.
 */
function merge(intakes: Intake[]): Intake[] {
  const byRef = new Map<string, Intake>();
  for (const intake of intakes) {
    const seen = byRef.get(intake.external_ref);
    if (!seen) {
      byRef.set(intake.external_ref, intake);
      continue;
    }
    const tracking = seen.tracking || intake.tracking ? { ...intake.tracking, ...seen.tracking } : undefined;
    byRef.set(intake.external_ref, compact({ ...intake, ...seen, tracking }));
  }
  return [...byRef.values()];
}

/**
 * The orders a parsed message is about. Markup wins; templates read mail that has none. Nothing here throws
 * for anything a message or a template contains: what cannot be read is said in `note`.
 *
 * @example
 * const reading = await readOrderMail(await PostalMime.parse(raw), mailbox, templates);
 * for (const intake of reading.intakes) OrderIntakeSchema.safeParse(intake);
 */
export async function readOrderMail(
  email: Email,
  mailbox: MailboxSettings,
  templates: MailTemplate[],
): Promise<MailReading> {
  const notes: string[] = [];
  const html = (email.html ?? "").slice(0, MAX_HTML);
  if ((email.html?.length ?? 0) > MAX_HTML)
    notes.push(`Only the first ${MAX_HTML} characters of the HTML were read.`);

  let intakes: Intake[] = [];
  let items = 0;
  if (html.trim()) {
    const markup = readMarkup(html);
    notes.push(...markup.problems);
    ({ intakes, items } = intakesFromMarkup(markup.things, mailbox, notes));
  }

  if (intakes.length === 0) {
    const text = email.text?.trim() ? email.text : html.trim() ? htmlToText(html) : "";
    const sender = senderOf(email) || "(no From address)";
    let why: string;
    if (!text.trim() && !html.trim()) {
      why = "The message has no text or HTML body: there is no order to read.";
    } else {
      const { intake, forSender } = readWithTemplates(email, text, mailbox, templates, notes);
      if (intake) intakes = [intake];
      const markup =
        items > 0
          ? "Its schema.org markup names no order that could be read"
          : "No schema.org Order or ParcelDelivery markup";
      why =
        forSender === 0
          ? `${markup} and no template for sender ${sender}.`
          : `${markup}, and no template for ${sender} read an order.`;
    }
    if (intakes.length === 0) notes.unshift(why);
  }

  const fitted = merge(intakes).map((intake) => fitDetails(intake, `Order ${intake.external_ref}`, notes));
  return { intakes: fitted, note: notes.length > 0 ? notes.join(" ") : null };
}
