// Stock locations: the warehouses and shops where levels are kept.
import { and, asc, eq, isNotNull } from "drizzle-orm";
import { getDb } from "../../db";
import { locations, stockLevels } from "../../db/schema/inventory";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { notFound } from "../../lib/problem";

export const toLocationView = (l: typeof locations.$inferSelect) => ({
  id: l.id,
  name: l.name,
  kind: l.kind,
  created_at: l.createdAt,
});

export async function createLocation(env: Env, input: { name: string; kind: "warehouse" | "shop" }) {
  const [row] = await getDb(env.DB)
    .insert(locations)
    .values({ id: newId(), name: input.name.trim(), kind: input.kind })
    .returning();
  return toLocationView(row as typeof locations.$inferSelect);
}

export async function listLocations(env: Env) {
  const rows = await getDb(env.DB).select().from(locations).orderBy(asc(locations.name), asc(locations.id));
  return rows.map(toLocationView);
}

export async function getLocation(env: Env, id: string) {
  const [row] = await getDb(env.DB).select().from(locations).where(eq(locations.id, id));
  if (!row) throw notFound("No such location.");
  return toLocationView(row);
}

/** The bins products are kept in at a location, in walking order. */
export async function binsAt(env: Env, locationId: string): Promise<string[]> {
  const rows = await getDb(env.DB)
    .selectDistinct({ bin: stockLevels.bin })
    .from(stockLevels)
    .where(and(eq(stockLevels.locationId, locationId), isNotNull(stockLevels.bin)))
    .orderBy(asc(stockLevels.bin));
  return rows.map((r) => r.bin as string);
}
