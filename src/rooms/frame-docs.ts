// The registry the rooms' frame schemas are described in, for /asyncapi.json (src/docs/asyncapi.ts).
import { z } from "@hono/zod-openapi";

/** What the protocol document shows of each schema; the ones with an id become named components. */
export const frameDocs = z.registry<{ id?: string; description: string }>();
export function doc<T extends z.ZodType>(schema: T, description: string, id?: string): T {
  frameDocs.add(schema, id ? { id, description } : { description });
  return schema;
}
