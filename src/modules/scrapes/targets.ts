// Scrape targets: what the browser reads, how often, and whether it is paused (and why). A recipe is
// checked when saved; it can be tried once without saving, answering what it read and a screenshot.
import { desc, eq } from "drizzle-orm";
import { getDb } from "../../db";
import { scrapeJobs, scrapeTargets } from "../../db/schema/scrapes";
import type { Env } from "../../env";
import { withBrowser } from "../../intake/browser";
import { runRecipe, ScrapeFailure } from "../../intake/scrape/extract";
import { isUniqueViolation } from "../../lib/db-errors";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { conflict, notFound, unprocessable } from "../../lib/problem";
import { checkRecipe } from "./recipe";
import { type TargetRow, toTargetView } from "./view";

type Kind = TargetRow["kind"];

export interface TargetInput {
  name: string;
  start_url: string;
  kind: Kind;
  recipe: unknown;
  interval_minutes: number;
  enabled?: boolean | undefined;
}

export async function createTarget(env: Env, actorId: string, input: TargetInput) {
  const recipe = checkRecipe(input.kind, input.recipe);
  const at = new Date().toISOString();
  const row: TargetRow = {
    id: newId(),
    name: input.name,
    startUrl: input.start_url,
    kind: input.kind,
    recipe,
    intervalMinutes: input.interval_minutes,
    enabled: input.enabled ?? true,
    pausedReason: null,
    failuresInARow: 0,
    lastHash: null,
    lastRunAt: null,
    nextRunAt: at,
    createdBy: actorId,
    createdAt: at,
    updatedAt: at,
  };
  try {
    await getDb(env.DB).insert(scrapeTargets).values(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`A scrape target named ${input.name} exists already.`);
    throw error;
  }
  return toTargetView(row);
}

export async function loadTarget(env: Env, id: string): Promise<TargetRow> {
  const [row] = await getDb(env.DB).select().from(scrapeTargets).where(eq(scrapeTargets.id, id));
  if (!row) throw notFound("No such scrape target.");
  return row;
}

export async function getTarget(env: Env, id: string) {
  const db = getDb(env.DB);
  const [target, jobs] = await db.batch([
    db.select().from(scrapeTargets).where(eq(scrapeTargets.id, id)),
    db
      .select()
      .from(scrapeJobs)
      .where(eq(scrapeJobs.targetId, id))
      .orderBy(desc(scrapeJobs.createdAt), desc(scrapeJobs.id))
      .limit(1),
  ]);
  if (!target[0]) throw notFound("No such scrape target.");
  return toTargetView(target[0], jobs[0] ?? null);
}

/** Changes a target; switching it on (or saving it) after a pause clears the pause and its count. */
export async function updateTarget(env: Env, id: string, patch: Partial<TargetInput>) {
  const current = await loadTarget(env, id);
  const kind = patch.kind ?? current.kind;
  const recipe =
    patch.recipe !== undefined || patch.kind !== undefined
      ? checkRecipe(kind, patch.recipe ?? current.recipe)
      : undefined;
  const at = new Date().toISOString();
  const set: Partial<TargetRow> = {
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.start_url !== undefined && { startUrl: patch.start_url }),
    ...(patch.kind !== undefined && { kind }),
    ...(recipe && { recipe, lastHash: null }),
    ...(patch.interval_minutes !== undefined && { intervalMinutes: patch.interval_minutes }),
    ...(patch.enabled !== undefined && { enabled: patch.enabled }),
    ...(patch.enabled !== false && { pausedReason: null, failuresInARow: 0 }),
    updatedAt: at,
  };
  try {
    await getDb(env.DB).update(scrapeTargets).set(set).where(eq(scrapeTargets.id, id));
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`A scrape target named ${patch.name} exists already.`);
    throw error;
  }
  return getTarget(env, id);
}

export async function listTargets(
  env: Env,
  filter: { kind?: Kind | undefined; limit: number; cursor?: string | undefined },
) {
  const page = await newestFirst(
    getDb(env.DB).select().from(scrapeTargets).$dynamic(),
    { time: scrapeTargets.createdAt, id: scrapeTargets.id },
    [filter.kind ? eq(scrapeTargets.kind, filter.kind) : undefined],
    filter,
    (r) => [r.createdAt, r.id],
  );
  return { items: page.items.map((t) => toTargetView(t)), next_cursor: page.next_cursor };
}

const dataUrl = (png: Uint8Array) => {
  let binary = "";
  for (let i = 0; i < png.length; i += 0x8000) binary += String.fromCharCode(...png.subarray(i, i + 0x8000));
  return `data:image/png;base64,${btoa(binary)}`;
};

/** POST /scrapes/targets/test: runs a recipe once, saving nothing: what it read, and how the page looked. */
export async function tryRecipe(env: Env, input: { start_url: string; kind: Kind; recipe: unknown }) {
  const recipe = checkRecipe(input.kind, input.recipe);
  const started = Date.now();
  try {
    const scraped = await withBrowser(env, (browser) => runRecipe(browser, env, input.start_url, recipe));
    return {
      ok: true as const,
      records: scraped.records,
      pages: scraped.pages.map((p) => p.url),
      screenshot: dataUrl(scraped.screenshot),
      duration_ms: Date.now() - started,
    };
  } catch (error) {
    if (error instanceof ScrapeFailure) throw unprocessable(`The recipe did not run: ${error.message}`);
    throw error;
  }
}
