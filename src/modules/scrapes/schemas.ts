// The scrapes module's request and response schemas.
import { z } from "@hono/zod-openapi";
import { SCRAPE_JOB_STATUSES, SCRAPE_KINDS } from "../../db/schema/scrapes";
import { Id } from "../../lib/openapi";
import { PageQuery } from "../../lib/pagination";

const Name = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,62}$/,
    "Lower-case letters, digits, . _ - (it names the intake source scrape:<name>)",
  );
const StartUrl = z
  .url()
  .max(2000)
  .refine((u) => /^https?:\/\//.test(u), "An http(s) URL");
const Recipe = z.record(z.string(), z.unknown()).openapi({
  description: "See ScrapeRecipe: checked when saved; a bad step is a 400 naming it (errors[].path)",
});

export const TargetBody = z
  .strictObject({
    name: Name,
    start_url: StartUrl,
    kind: z.enum(SCRAPE_KINDS),
    recipe: Recipe,
    interval_minutes: z
      .number()
      .int()
      .min(15)
      .max(7 * 24 * 60),
    enabled: z.boolean().optional(),
  })
  .openapi("NewScrapeTarget");

export const TargetPatch = z
  .strictObject({
    name: Name.optional(),
    start_url: StartUrl.optional(),
    kind: z.enum(SCRAPE_KINDS).optional(),
    recipe: Recipe.optional(),
    interval_minutes: z
      .number()
      .int()
      .min(15)
      .max(7 * 24 * 60)
      .optional(),
    enabled: z.boolean().optional().openapi({ description: "true (or any save) also lifts a pause" }),
  })
  .openapi("ScrapeTargetPatch");

export const TryBody = z
  .strictObject({ start_url: StartUrl, kind: z.enum(SCRAPE_KINDS), recipe: Recipe })
  .openapi("ScrapeTry");

export const JobSchema = z
  .object({
    id: z.string(),
    target_id: z.string(),
    trigger: z.enum(["schedule", "manual"]),
    status: z.enum(SCRAPE_JOB_STATUSES),
    reason: z.string().nullable(),
    outcome: z.string().nullable().openapi({
      description:
        "unchanged (read what the last run read: nothing done), created/updated/unchanged (orders), recorded (prices), failed",
    }),
    pages: z.number().int(),
    records_found: z.number().int(),
    ingest_record_id: z.string().nullable(),
    screenshot_key: z.string().nullable(),
    duration_ms: z.number().int().nullable(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("ScrapeJob");

export const TargetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    start_url: z.string(),
    kind: z.enum(SCRAPE_KINDS),
    recipe: z.record(z.string(), z.unknown()),
    interval_minutes: z.number().int(),
    enabled: z.boolean(),
    paused: z.boolean(),
    paused_reason: z.string().nullable(),
    failures_in_a_row: z.number().int(),
    last_run_at: z.string().nullable(),
    next_run_at: z.string(),
    last_job: JobSchema.nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("ScrapeTarget");

export const TryResult = z
  .object({
    ok: z.literal(true),
    records: z.array(z.record(z.string(), z.string().nullable())),
    pages: z.array(z.string()),
    screenshot: z.string().openapi({ description: "data:image/png;base64,… of the last page" }),
    duration_ms: z.number().int(),
  })
  .openapi("ScrapeTryResult");

export const TargetQuery = PageQuery.extend({ kind: z.enum(SCRAPE_KINDS).optional() });
export const JobQuery = PageQuery.extend({
  target_id: Id.optional(),
  status: z.enum(SCRAPE_JOB_STATUSES).optional(),
});
