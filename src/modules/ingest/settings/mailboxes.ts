// Mailboxes: the addresses the email door receives at, what their mail is about, and who may send it.
import { desc, eq } from "drizzle-orm";
import { getDb } from "../../../db";
import { mailboxes } from "../../../db/schema/ingest";
import type { Env } from "../../../env";
import { isUniqueViolation } from "../../../lib/db-errors";
import { newId } from "../../../lib/ids";
import { conflict, notFound } from "../../../lib/problem";

type MailboxRow = typeof mailboxes.$inferSelect;

export interface MailboxInput {
  address: string;
  order_kind: MailboxRow["orderKind"];
  source: string;
  allowed_senders: string[];
  default_currency: string;
  enabled: boolean;
}

const mailboxView = (m: MailboxRow) => ({
  id: m.id,
  address: m.address,
  order_kind: m.orderKind,
  source: m.source,
  allowed_senders: m.allowedSenders,
  default_currency: m.defaultCurrency,
  enabled: m.enabled,
  created_at: m.createdAt,
  updated_at: m.updatedAt,
});

/** The schema lower-cases addresses; the same sender named twice is kept once. */
const distinct = (senders: string[]) => [...new Set(senders)];

const taken = (address: string) =>
  conflict(`A mailbox for ${address} exists already: change that one, or choose another address.`);

export async function createMailbox(env: Env, input: MailboxInput) {
  try {
    const [row] = await getDb(env.DB)
      .insert(mailboxes)
      .values({
        id: newId(),
        address: input.address,
        orderKind: input.order_kind,
        source: input.source,
        allowedSenders: distinct(input.allowed_senders),
        defaultCurrency: input.default_currency,
        enabled: input.enabled,
      })
      .returning();
    return mailboxView(row as MailboxRow);
  } catch (error) {
    if (isUniqueViolation(error)) throw taken(input.address);
    throw error;
  }
}

/** Every mailbox, newest first; there are few, so no pagination. */
export async function listMailboxes(env: Env) {
  const rows = await getDb(env.DB)
    .select()
    .from(mailboxes)
    .orderBy(desc(mailboxes.createdAt), desc(mailboxes.id));
  return rows.map(mailboxView);
}

export async function getMailbox(env: Env, id: string) {
  const [row] = await getDb(env.DB).select().from(mailboxes).where(eq(mailboxes.id, id));
  if (!row) throw notFound("No such mailbox.");
  return mailboxView(row);
}

export async function updateMailbox(env: Env, id: string, patch: Partial<MailboxInput>) {
  try {
    const [row] = await getDb(env.DB)
      .update(mailboxes)
      .set({
        ...(patch.address !== undefined && { address: patch.address }),
        ...(patch.order_kind !== undefined && { orderKind: patch.order_kind }),
        ...(patch.source !== undefined && { source: patch.source }),
        ...(patch.allowed_senders !== undefined && { allowedSenders: distinct(patch.allowed_senders) }),
        ...(patch.default_currency !== undefined && { defaultCurrency: patch.default_currency }),
        ...(patch.enabled !== undefined && { enabled: patch.enabled }),
        updatedAt: new Date().toISOString(),
      })
      .where(eq(mailboxes.id, id))
      .returning();
    if (!row) throw notFound("No such mailbox.");
    return mailboxView(row);
  } catch (error) {
    if (isUniqueViolation(error) && patch.address !== undefined) throw taken(patch.address);
    throw error;
  }
}

/** Its mail stays in the ingest log; mail arriving after is kept too but creates nothing (until re-added). */
export async function deleteMailbox(env: Env, id: string): Promise<void> {
  const result = await env.DB.prepare("DELETE FROM mailboxes WHERE id = ?").bind(id).run();
  if (result.meta.changes === 0) throw notFound("No such mailbox.");
}
