// Import formats: how one sales export names its columns and writes its dates and amounts, saved once under
// a name (its orders' intake source is `import:<name>`) and reused by every later upload and preview.
import { asc, eq } from "drizzle-orm";
import { getDb, isoNow } from "../../db";
import { importFormats } from "../../db/schema/imports";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { fieldErrors } from "../../lib/openapi";
import { badRequest, type FieldError, notFound } from "../../lib/problem";
import { layoutFor } from "./rows";
import { type ImportMapping, ImportMappingSchema } from "./schemas";

export type FormatRow = typeof importFormats.$inferSelect;

export const sourceOf = (name: string) => `import:${name}`;

export const toFormatView = (row: FormatRow) => ({
  id: row.id,
  name: row.name,
  source: sourceOf(row.name),
  mapping: row.mapping,
  updated_at: row.updatedAt,
});

/** Saves (or replaces) a format's mapping; `sample`, the file's first lines, is checked against it first. */
export async function saveFormat(
  env: Env,
  actorId: string,
  name: string,
  mapping: ImportMapping,
  sample?: string,
) {
  if (sample) layoutFor(sample, mapping, "Correct the mapping's column names.");
  const values = { mapping: mapping as Record<string, unknown>, updatedAt: isoNow() };
  const [row] = await getDb(env.DB)
    .insert(importFormats)
    .values({ id: newId(), name, createdBy: actorId, ...values })
    .onConflictDoUpdate({ target: importFormats.name, set: values })
    .returning();
  if (!row) throw new Error("the format upsert returned no row");
  return toFormatView(row);
}

export async function listFormats(env: Env) {
  const rows = await getDb(env.DB).select().from(importFormats).orderBy(asc(importFormats.name));
  return { items: rows.map(toFormatView) };
}

/** A saved format and its mapping (read through the schema again, so defaults added later apply). */
export async function findFormat(env: Env, name: string) {
  const [row] = await getDb(env.DB).select().from(importFormats).where(eq(importFormats.name, name));
  if (!row) {
    throw notFound(
      `No import format "${name}". Save its column mapping first: PUT /api/v1/imports/formats/${name}.`,
    );
  }
  return { row, mapping: ImportMappingSchema.parse(row.mapping) };
}

/** A mapping given as JSON text in a query, checked like a body. */
export function mappingFromQuery(text: string): ImportMapping {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest("The mapping is not valid JSON: send it as a JSON object, URL-encoded.", [
      { in: "query", path: "mapping", message: "Malformed JSON" },
    ]);
  }
  const parsed = ImportMappingSchema.safeParse(value);
  if (!parsed.success) {
    const errors: FieldError[] = fieldErrors("query", parsed.error).map((e) => ({
      ...e,
      path: e.path ? `mapping.${e.path}` : "mapping",
    }));
    throw badRequest("The mapping has invalid fields.", errors);
  }
  return parsed.data;
}
