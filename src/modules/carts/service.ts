// Carts: one open cart per customer user, shown at today's prices with availability, each line with up to
// two substitutes the customer ranks (offered if the line cannot be filled when the order is placed).
import { and, eq, isNull, sql } from "drizzle-orm";
import { type Db, getDb, isoNow } from "../../db";
import { cartLines, carts } from "../../db/schema/carts";
import { products } from "../../db/schema/catalog";
import { customers } from "../../db/schema/customers";
import type { Env } from "../../env";
import { assertion, type Statement } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { lineTax, money } from "../../lib/money";
import { badRequest, forbidden, notFound } from "../../lib/problem";
import { assertVisible, type Principal } from "../auth/principal";
import { visibleProduct } from "../catalog/service";
import { availableByProduct } from "../inventory/levels";

export const MAX_SUBSTITUTES = 2;
export const MAX_QUANTITY = 100_000;

type Cart = typeof carts.$inferSelect;

function customerOf(principal: Principal): string {
  if (principal.kind !== "user" || principal.role !== "customer")
    throw forbidden("Carts belong to customer users.");
  if (!principal.customerId) throw forbidden("Your account is not linked to a customer yet.");
  return principal.customerId;
}

const openCartOf = (userId: string) => and(eq(carts.userId, userId), eq(carts.status, "open"));

async function openCart(env: Env, principal: Principal): Promise<Cart> {
  const customerId = customerOf(principal);
  const db = getDb(env.DB);
  // Creates the open cart when there is none and reads it, in one round trip. The only conflict an insert
  // with a fresh id can meet is carts_open_user_uq (user_id WHERE status = 'open'); no target is named
  // because drizzle renders a target's WHERE after DO NOTHING, where SQLite does not accept it.
  const [, [cart]] = await db.batch([
    db.insert(carts).values({ id: newId(), userId: principal.id, customerId }).onConflictDoNothing(),
    db.select().from(carts).where(openCartOf(principal.id)),
  ]);
  return cart as Cart;
}

async function view(env: Env, cart: Cart) {
  const rows = await getDb(env.DB)
    .select({
      productId: cartLines.productId,
      quantity: cartLines.quantity,
      substitutes: cartLines.substitutes,
      addedAt: cartLines.addedAt,
      sku: products.sku,
      name: products.name,
      priceMinor: products.priceMinor,
      currency: products.currency,
      taxRateBp: products.taxRateBp,
      status: products.status,
      deletedAt: products.deletedAt,
      allowBackorder: products.allowBackorder,
    })
    .from(cartLines)
    .innerJoin(products, eq(products.id, cartLines.productId))
    .where(eq(cartLines.cartId, cart.id))
    .orderBy(cartLines.addedAt, cartLines.productId);
  const available = await availableByProduct(
    env,
    rows.map((l) => l.productId),
  );
  const totals = new Map<string, { subtotal: number; tax: number }>();
  const lines = rows.map((l) => {
    const lineTotal = l.priceMinor * l.quantity;
    const tax = lineTax(lineTotal, l.taxRateBp);
    const sum = totals.get(l.currency) ?? { subtotal: 0, tax: 0 };
    const orderable = l.status === "published" && l.deletedAt === null;
    if (orderable) totals.set(l.currency, { subtotal: sum.subtotal + lineTotal, tax: sum.tax + tax });
    const stock = Math.max(available.get(l.productId) ?? 0, 0);
    return {
      product_id: l.productId,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unit_price: money(l.priceMinor, l.currency),
      line_total: money(lineTotal, l.currency),
      tax: money(tax, l.currency),
      substitutes: l.substitutes,
      availability: {
        available: stock,
        in_stock: stock >= l.quantity,
        backorder: l.allowBackorder && stock < l.quantity,
      },
      orderable,
      added_at: l.addedAt,
    };
  });
  return {
    id: cart.id,
    customer_id: cart.customerId,
    status: cart.status,
    lines,
    totals: [...totals.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, t]) => ({
        currency,
        subtotal: money(t.subtotal, currency),
        tax: money(t.tax, currency),
        total: money(t.subtotal + t.tax, currency),
      })),
    updated_at: cart.updatedAt,
  };
}
export type CartView = Awaited<ReturnType<typeof view>>;

export const getCart = async (env: Env, principal: Principal) => view(env, await openCart(env, principal));

/** Staff may look at any cart; a customer user only at their own customer's (404 otherwise). */
export async function getCartById(env: Env, principal: Principal, id: string) {
  const cart = await getDb(env.DB).select().from(carts).where(eq(carts.id, id)).get();
  if (!cart) throw notFound("No such cart.");
  assertVisible(principal, cart.customerId, "cart");
  return view(env, cart);
}

async function checkSubstitutes(env: Env, principal: Principal, productId: string, substitutes: string[]) {
  if (substitutes.length > MAX_SUBSTITUTES) {
    throw badRequest(`At most ${MAX_SUBSTITUTES} substitutes.`, [
      { in: "body", path: "substitutes", message: "At most 2" },
    ]);
  }
  if (new Set(substitutes).size !== substitutes.length || substitutes.includes(productId)) {
    throw badRequest("Substitutes are distinct products other than the line's own.", [
      { in: "body", path: "substitutes", message: "Distinct, and not the product itself" },
    ]);
  }
  for (const [i, id] of substitutes.entries()) {
    try {
      await visibleProduct(env, principal, id);
    } catch {
      throw badRequest("No such product.", [
        { in: "body", path: `substitutes.${i}`, message: "No such product" },
      ]);
    }
  }
}

const touch = (db: Db, cartId: string) =>
  db.update(carts).set({ updatedAt: isoNow() }).where(eq(carts.id, cartId));

const lineOf = (cartId: string, productId: string) =>
  and(eq(cartLines.cartId, cartId), eq(cartLines.productId, productId));

/** Adds to a line (creating it), optionally setting its substitutes. */
export async function addToCart(
  env: Env,
  principal: Principal,
  input: { product_id: string; quantity: number; substitutes?: string[] | undefined },
) {
  const cart = await openCart(env, principal);
  await visibleProduct(env, principal, input.product_id);
  if (input.substitutes) await checkSubstitutes(env, principal, input.product_id, input.substitutes);
  const db = getDb(env.DB);
  const existing = await db
    .select({ quantity: cartLines.quantity })
    .from(cartLines)
    .where(lineOf(cart.id, input.product_id))
    .get();
  if ((existing?.quantity ?? 0) + input.quantity > MAX_QUANTITY) {
    throw badRequest(`A line holds at most ${MAX_QUANTITY}.`, [
      { in: "body", path: "quantity", message: "Too many" },
    ]);
  }
  await db.batch([
    db
      .insert(cartLines)
      .values({
        cartId: cart.id,
        productId: input.product_id,
        quantity: input.quantity,
        substitutes: input.substitutes ?? [],
      })
      .onConflictDoUpdate({
        target: [cartLines.cartId, cartLines.productId],
        // Substitutes left out keep the line's own.
        set: { quantity: sql`${cartLines.quantity} + excluded.quantity`, substitutes: input.substitutes },
      }),
    touch(db, cart.id),
  ]);
  return view(env, cart);
}

export async function updateCartLine(
  env: Env,
  principal: Principal,
  productId: string,
  input: { quantity?: number | undefined; substitutes?: string[] | undefined },
) {
  const cart = await openCart(env, principal);
  if (input.substitutes) await checkSubstitutes(env, principal, productId, input.substitutes);
  const db = getDb(env.DB);
  const [result] = await db.batch([
    db
      .update(cartLines)
      // An empty change still finds (or misses) the line: quantity is then set to itself.
      .set({ quantity: input.quantity ?? cartLines.quantity, substitutes: input.substitutes })
      .where(lineOf(cart.id, productId)),
    touch(db, cart.id),
  ]);
  if (!result.meta.changes) throw notFound("That product is not in your cart.");
  return view(env, cart);
}

export async function removeCartLine(env: Env, principal: Principal, productId: string) {
  const cart = await openCart(env, principal);
  const db = getDb(env.DB);
  const [result] = await db.batch([
    db.delete(cartLines).where(lineOf(cart.id, productId)),
    touch(db, cart.id),
  ]);
  if (!result.meta.changes) throw notFound("That product is not in your cart.");
  return view(env, cart);
}

export async function clearCart(env: Env, principal: Principal) {
  const cart = await openCart(env, principal);
  const db = getDb(env.DB);
  await db.batch([db.delete(cartLines).where(eq(cartLines.cartId, cart.id)), touch(db, cart.id)]);
  return view(env, cart);
}

/** What an order is placed from: the customer user's open cart and its orderable lines at today's prices. */
export async function cartToOrder(env: Env, userId: string, customerId: string) {
  const db = getDb(env.DB);
  const [[cart], lines, [customer]] = await db.batch([
    db.select({ id: carts.id }).from(carts).where(openCartOf(userId)),
    db
      .select({
        productId: cartLines.productId,
        sku: products.sku,
        name: products.name,
        quantity: cartLines.quantity,
        unitPriceMinor: products.priceMinor,
        currency: products.currency,
        taxRateBp: products.taxRateBp,
        wanted: cartLines.substitutes,
      })
      .from(carts)
      .innerJoin(cartLines, eq(cartLines.cartId, carts.id))
      .innerJoin(products, eq(products.id, cartLines.productId))
      .where(and(openCartOf(userId), eq(products.status, "published"), isNull(products.deletedAt)))
      .orderBy(cartLines.addedAt, cartLines.productId),
    db.select().from(customers).where(eq(customers.id, customerId)),
  ]);
  return cart && { id: cart.id, lines, customer };
}

/** For the batch that places an order from a cart: the cart must still be open, and is then ordered. */
export const closeCart = (db: Db, cartId: string, at: string): Statement[] => [
  assertion(
    db,
    "cart-open",
    sql`EXISTS (SELECT 1 FROM ${carts} WHERE ${carts.id} = ${cartId} AND ${carts.status} = 'open')`,
  ),
  db.update(carts).set({ status: "ordered", updatedAt: at }).where(eq(carts.id, cartId)),
];
