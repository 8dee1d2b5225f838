// Reading a kept record: its raw bytes from R2, the door's reader (webhook mapping, order mail), then the one
// intake path for every order found. The same function serves the first reading (from the INGEST queue)
// and a reprocess after staff fixed a mapping, a template or a mailbox.
import { eq, inArray } from "drizzle-orm";
import PostalMime from "postal-mime";
import { getDb } from "../../db";
import type { IngestResult } from "../../db/schema/ingest";
import { mailboxes, mailTemplates, webhookSources } from "../../db/schema/ingest";
import type { Env } from "../../env";
import { fromPull } from "../../intake/magento/read";
import { readOrderMail } from "../../intake/mail/read";
import { fromScrape } from "../../intake/scrape/read";
import { mapWebhook } from "../../intake/webhooks/map";
import { Problem } from "../../lib/problem";
import { upsertIntake } from "../orders/intake";
import { type OrderIntakeInput, OrderIntakeSchema } from "../orders/schemas";
import { type IngestRow, type Reading, settle } from "./store";

interface Found {
  intakes: OrderIntakeInput[];
  note: string | null;
  subject?: string | undefined;
}

const nothing = (note: string): Found => ({ intakes: [], note });

/**
 * The doors' settings a reading needs, read once per queue batch (a batch of records from one mailbox or
 * source reads its settings once). A reprocess starts with an empty one: it sees what staff just fixed.
 */
export class Settings {
  #sources = new Map<string, Promise<(typeof webhookSources.$inferSelect)[]>>();
  #mail = new Map<string, ReturnType<typeof mailSettings>>();
  constructor(private readonly env: Env) {}
  source(name: string) {
    let found = this.#sources.get(name);
    if (!found) {
      found = getDb(this.env.DB).select().from(webhookSources).where(eq(webhookSources.name, name));
      this.#sources.set(name, found);
    }
    return found;
  }
  mail(address: string, sender: string) {
    const key = `${address}|${sender}`;
    let found = this.#mail.get(key);
    if (!found) {
      found = mailSettings(this.env, address, sender);
      this.#mail.set(key, found);
    }
    return found;
  }
}

function mailSettings(env: Env, address: string, sender: string) {
  const domain = sender.slice(sender.indexOf("@"));
  const db = getDb(env.DB);
  return db.batch([
    db.select().from(mailboxes).where(eq(mailboxes.address, address)),
    db
      .select()
      .from(mailTemplates)
      .where(inArray(mailTemplates.sender, [sender, domain])),
  ]);
}

async function fromWebhook(settings: Settings, record: IngestRow, bytes: ArrayBuffer): Promise<Found> {
  const [source] = await settings.source(record.source);
  if (!source) return nothing(`The webhook source ${record.source} no longer exists.`);
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return nothing("The body is not JSON.");
  }
  const mapped = mapWebhook(source.kind, record.subject, payload, {
    source: source.name,
    orderKind: source.orderKind,
  });
  return "ignore" in mapped ? nothing(mapped.ignore) : { intakes: [mapped.intake], note: null };
}

/** "Name <a@b.example>" or "a@b.example" → "a@b.example". */
const addressOf = (from: string) => (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();

/** A sender is allowed by its address or its whole domain ("@b.example"). */
const allows = (list: string[], sender: string) =>
  list.includes(sender) || list.includes(sender.slice(sender.indexOf("@")));

async function fromMail(settings: Settings, record: IngestRow, bytes: ArrayBuffer): Promise<Found> {
  const sender = addressOf(record.sender ?? "");
  const [[mailbox], templates] = await settings.mail(record.source.toLowerCase(), sender);
  if (!mailbox) {
    return nothing(`No mailbox is set up for ${record.source}: add it (with its senders) and reprocess.`);
  }
  if (!mailbox.enabled) return nothing(`The mailbox ${mailbox.address} is switched off.`);
  if (!allows(mailbox.allowedSenders, sender)) {
    return nothing(
      `${sender || "The sender"} is not on the senders of ${mailbox.address}: kept, nothing created. Add the sender and reprocess if it is one of yours.`,
    );
  }
  let email: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    email = await PostalMime.parse(bytes);
  } catch (error) {
    throw new Unreadable(`The message is not readable MIME: ${String(error).slice(0, 300)}`);
  }
  const reading = await readOrderMail(
    email,
    {
      address: mailbox.address,
      orderKind: mailbox.orderKind,
      source: mailbox.source,
      defaultCurrency: mailbox.defaultCurrency,
    },
    templates.filter((t) => t.enabled),
  );
  return { ...reading, subject: email.subject ?? undefined };
}

/** A payload that cannot be read at all: the record fails with the reason, and is not retried. */
class Unreadable extends Error {}

const describeIssues = (issues: { path: PropertyKey[]; message: string }[]) =>
  issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join(".") || "(order)"}: ${i.message}`)
    .join("; ");

/** Each order found goes through the one intake path; what each did is the record's outcome. */
async function applyIntakes(env: Env, found: Found): Promise<Reading> {
  if (found.intakes.length === 0) {
    return { outcome: "no_order", detail: found.note, results: [], subject: found.subject };
  }
  const results: IngestResult[] = [];
  const failures: string[] = [];
  for (const [i, input] of found.intakes.entries()) {
    const which = found.intakes.length > 1 ? `order ${i + 1} (${input.external_ref}): ` : "";
    const checked = OrderIntakeSchema.safeParse(input);
    if (!checked.success) {
      failures.push(`${which}${describeIssues(checked.error.issues)}`);
      continue;
    }
    try {
      const result = await upsertIntake(env, null, checked.data);
      results.push({ order_id: result.order.id, outcome: result.outcome, changes: result.changes });
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      failures.push(`${which}${error.detail ?? error.title}`);
    }
  }
  const notes = [...failures, ...(found.note ? [found.note] : [])];
  const outcome =
    failures.length > 0
      ? "failed"
      : results.some((r) => r.outcome === "created")
        ? "created"
        : results.some((r) => r.outcome === "updated")
          ? "updated"
          : "unchanged";
  return { outcome, detail: notes.length > 0 ? notes.join(" | ") : null, results, subject: found.subject };
}

/**
 * Reads a kept record: what it holds and what applying it did. Throws only for passing causes (D1 or R2
 * unreachable), so the queue retries; anything about the payload itself is the reading's outcome.
 */
export async function readOne(env: Env, record: IngestRow, settings: Settings): Promise<Reading> {
  const object = record.r2Key ? await env.FILES.get(record.r2Key) : null;
  if (!object) {
    return {
      outcome: "failed",
      detail: `The raw bytes are missing from storage (${record.r2Key}).`,
      results: [],
    };
  }
  const bytes = await object.arrayBuffer();
  let found: Found;
  try {
    found =
      record.door === "webhook"
        ? await fromWebhook(settings, record, bytes)
        : record.door === "email"
          ? await fromMail(settings, record, bytes)
          : record.door === "pull"
            ? await fromPull(record, bytes)
            : record.door === "scrape"
              ? await fromScrape(record, bytes)
              : nothing(`Nothing reads ${record.door} records yet.`);
  } catch (error) {
    if (!(error instanceof Unreadable)) throw error;
    return { outcome: "failed", detail: error.message, results: [] };
  }
  return applyIntakes(env, found);
}

/** Reads a record again now (a reprocess), with the settings as they are, and writes what it did. */
export async function readRecord(env: Env, record: IngestRow): Promise<IngestRow> {
  if (record.verdict !== "accepted") return record;
  const [settled] = await settle(env, [
    { id: record.id, reading: await readOne(env, record, new Settings(env)) },
  ]);
  return settled as IngestRow;
}
