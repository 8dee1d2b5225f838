// Mail templates: how staff teach the email door to read mail without markup from one sender. Their
// patterns are checked by the schema when saved; the rule between kind and line pattern is checked here.
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { getDb } from "../../../db";
import { type MailTemplateFields, mailTemplates } from "../../../db/schema/ingest";
import type { Env } from "../../../env";
import { newId } from "../../../lib/ids";
import { newestFirst } from "../../../lib/pagination";
import { badRequest, notFound } from "../../../lib/problem";
import { LINE_GROUPS } from "./patterns";

type TemplateRow = typeof mailTemplates.$inferSelect;

export interface TemplateInput {
  name: string;
  sender: string;
  subject_pattern: string | null;
  kind: TemplateRow["kind"];
  fields: MailTemplateFields;
  line_pattern: string | null;
  enabled: boolean;
}

const templateView = (t: TemplateRow) => ({
  id: t.id,
  name: t.name,
  sender: t.sender,
  subject_pattern: t.subjectPattern,
  kind: t.kind,
  fields: t.fields,
  line_pattern: t.linePattern,
  enabled: t.enabled,
  created_at: t.createdAt,
  updated_at: t.updatedAt,
});

const linesNeeded = () =>
  badRequest("A confirmation template reads the order's lines, so it needs a line pattern.", [
    {
      in: "body",
      path: "line_pattern",
      message: `Required for kind confirmation: a pattern with the named groups ${LINE_GROUPS.join(", ")}`,
    },
  ]);

export async function createTemplate(env: Env, input: TemplateInput) {
  if (input.kind === "confirmation" && input.line_pattern === null) throw linesNeeded();
  const [row] = await getDb(env.DB)
    .insert(mailTemplates)
    .values({
      id: newId(),
      name: input.name,
      sender: input.sender,
      subjectPattern: input.subject_pattern,
      kind: input.kind,
      fields: input.fields,
      linePattern: input.line_pattern,
      enabled: input.enabled,
    })
    .returning();
  return templateView(row as TemplateRow);
}

/** Templates newest first; `sender` as an address gives the templates that read its mail: its own and its domain's. */
export async function listTemplates(
  env: Env,
  filter: { sender?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const { sender } = filter;
  const senders =
    sender === undefined
      ? undefined
      : sender.startsWith("@")
        ? [sender]
        : [sender, sender.slice(sender.lastIndexOf("@"))];
  const page = await newestFirst(
    getDb(env.DB).select().from(mailTemplates).$dynamic(),
    { time: mailTemplates.createdAt, id: mailTemplates.id },
    [senders && inArray(mailTemplates.sender, senders)],
    filter,
    (t) => [t.createdAt, t.id],
  );
  return { items: page.items.map(templateView), next_cursor: page.next_cursor };
}

export async function getTemplate(env: Env, id: string) {
  const [row] = await getDb(env.DB).select().from(mailTemplates).where(eq(mailTemplates.id, id));
  if (!row) throw notFound("No such mail template.");
  return templateView(row);
}

/**
 * Changes what the patch names (`fields` is replaced whole). A change of kind or line pattern is guarded in
 * the statement itself: a confirmation without a line pattern is never written, whatever ran in between.
 */
export async function updateTemplate(env: Env, id: string, patch: Partial<TemplateInput>) {
  const touchesLines = patch.kind !== undefined || patch.line_pattern !== undefined;
  const kind = patch.kind ?? mailTemplates.kind;
  const linePattern = patch.line_pattern !== undefined ? patch.line_pattern : mailTemplates.linePattern;
  const linesRule: SQL | undefined = touchesLines
    ? sql`(${kind} <> 'confirmation' OR ${linePattern} IS NOT NULL)`
    : undefined;
  const [row] = await getDb(env.DB)
    .update(mailTemplates)
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.sender !== undefined && { sender: patch.sender }),
      ...(patch.subject_pattern !== undefined && { subjectPattern: patch.subject_pattern }),
      ...(patch.kind !== undefined && { kind: patch.kind }),
      ...(patch.fields !== undefined && { fields: patch.fields }),
      ...(patch.line_pattern !== undefined && { linePattern: patch.line_pattern }),
      ...(patch.enabled !== undefined && { enabled: patch.enabled }),
      updatedAt: new Date().toISOString(),
    })
    .where(and(eq(mailTemplates.id, id), linesRule))
    .returning();
  if (row) return templateView(row);
  await getTemplate(env, id); // 404 when it is not there
  throw linesNeeded();
}

export async function deleteTemplate(env: Env, id: string): Promise<void> {
  const result = await env.DB.prepare("DELETE FROM mail_templates WHERE id = ?").bind(id).run();
  if (result.meta.changes === 0) throw notFound("No such mail template.");
}
