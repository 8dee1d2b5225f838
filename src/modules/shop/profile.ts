// The shop's own details, as its documents print them: the sender on shipping labels and packing slips,
// the seller on invoices. One row; until someone sets it, documents print the shop as "ROMS shop".
import { eq } from "drizzle-orm";
import { getDb } from "../../db";
import type { Address } from "../../db/schema/customers";
import { shopProfile } from "../../db/schema/shop";
import type { Env } from "../../env";
import type { ShopProfileBody } from "./schemas";

const ID = "shop";

export const toShopView = (row: typeof shopProfile.$inferSelect | undefined) => ({
  name: row?.name ?? "ROMS shop",
  legal_name: row?.legalName ?? null,
  address: row?.address ?? null,
  tax_id: row?.taxId ?? null,
  email: row?.email ?? null,
  phone: row?.phone ?? null,
  updated_at: row?.updatedAt ?? null,
});
export type ShopView = ReturnType<typeof toShopView>;

export async function getShop(env: Env): Promise<ShopView> {
  const [row] = await getDb(env.DB).select().from(shopProfile).where(eq(shopProfile.id, ID));
  return toShopView(row);
}

export async function setShop(env: Env, actorId: string, body: ShopProfileBody): Promise<ShopView> {
  const values = {
    name: body.name,
    legalName: body.legal_name ?? null,
    address: body.address ?? null,
    taxId: body.tax_id ?? null,
    email: body.email ?? null,
    phone: body.phone ?? null,
    updatedBy: actorId,
    updatedAt: new Date().toISOString(),
  };
  const [row] = await getDb(env.DB)
    .insert(shopProfile)
    .values({ id: ID, ...values })
    .onConflictDoUpdate({ target: shopProfile.id, set: values })
    .returning();
  return toShopView(row);
}

/** An address as the lines printed on a label: who, company, street, town, region, country. */
export function addressLines(address: Address | null, name?: string | null): string[] {
  if (!address) return name ? [name] : [];
  return [
    address.name ?? name ?? null,
    address.company ?? null,
    address.line1,
    address.line2 ?? null,
    `${address.postal_code} ${address.city}`,
    address.region ?? null,
    address.country,
  ].filter((l): l is string => Boolean(l));
}

/** The shop as a sender: its name, then its address. */
export const senderLines = (shop: ShopView): string[] => [
  shop.name,
  ...addressLines(shop.address).filter((line) => line !== shop.name),
];
