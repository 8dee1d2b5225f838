// Carts: one open cart per customer user, shown at today's prices with availability, each line with up to
// two substitutes the customer ranks (offered if the line cannot be filled when the order is placed).
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db";
import { carts } from "../../db/schema/commerce";
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

interface CartRow {
  id: string;
  user_id: string;
  customer_id: string;
  status: string;
  created_at: string;
  updated_at: string;
}

interface LineRow {
  product_id: string;
  quantity: number;
  substitutes: string;
  added_at: string;
  sku: string;
  name: string;
  price_minor: number;
  currency: string;
  tax_rate_bp: number;
  status: string;
  deleted_at: string | null;
  allow_backorder: number;
}

function customerOf(principal: Principal): string {
  if (principal.kind !== "user" || principal.role !== "customer")
    throw forbidden("Carts belong to customer users.");
  if (!principal.customerId) throw forbidden("Your account is not linked to a customer yet.");
  return principal.customerId;
}

async function openCart(env: Env, principal: Principal): Promise<CartRow> {
  const customerId = customerOf(principal);
  // Creates the open cart when there is none and reads it, in one round trip.
  const [, cart] = await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO carts (id, user_id, customer_id) VALUES (?, ?, ?)
       ON CONFLICT (user_id) WHERE status = 'open' DO NOTHING`,
    ).bind(newId(), principal.id, customerId),
    env.DB.prepare("SELECT * FROM carts WHERE user_id = ? AND status = 'open'").bind(principal.id),
  ]);
  return cart?.results[0] as CartRow;
}

async function view(env: Env, cart: CartRow) {
  const { results } = await env.DB.prepare(
    `SELECT l.product_id, l.quantity, l.substitutes, l.added_at, p.sku, p.name, p.price_minor, p.currency, p.tax_rate_bp,
            p.status, p.deleted_at, p.allow_backorder
       FROM cart_lines l JOIN products p ON p.id = l.product_id
      WHERE l.cart_id = ? ORDER BY l.added_at, l.product_id`,
  )
    .bind(cart.id)
    .all<LineRow>();
  const available = await availableByProduct(
    env,
    results.map((l) => l.product_id),
  );
  const totals = new Map<string, { subtotal: number; tax: number }>();
  const lines = results.map((l) => {
    const lineTotal = l.price_minor * l.quantity;
    const tax = lineTax(lineTotal, l.tax_rate_bp);
    const sum = totals.get(l.currency) ?? { subtotal: 0, tax: 0 };
    const orderable = l.status === "published" && l.deleted_at === null;
    if (orderable) totals.set(l.currency, { subtotal: sum.subtotal + lineTotal, tax: sum.tax + tax });
    const stock = Math.max(available.get(l.product_id) ?? 0, 0);
    return {
      product_id: l.product_id,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unit_price: money(l.price_minor, l.currency),
      line_total: money(lineTotal, l.currency),
      tax: money(tax, l.currency),
      substitutes: JSON.parse(l.substitutes) as string[],
      availability: {
        available: stock,
        in_stock: stock >= l.quantity,
        backorder: l.allow_backorder === 1 && stock < l.quantity,
      },
      orderable,
      added_at: l.added_at,
    };
  });
  return {
    id: cart.id,
    customer_id: cart.customer_id,
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
    updated_at: cart.updated_at,
  };
}
export type CartView = Awaited<ReturnType<typeof view>>;

export const getCart = async (env: Env, principal: Principal) => view(env, await openCart(env, principal));

/** Staff may look at any cart; a customer user only at their own customer's (404 otherwise). */
export async function getCartById(env: Env, principal: Principal, id: string) {
  const cart = await env.DB.prepare("SELECT * FROM carts WHERE id = ?").bind(id).first<CartRow>();
  if (!cart) throw notFound("No such cart.");
  assertVisible(principal, cart.customer_id, "cart");
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

const touch = (env: Env, cartId: string) =>
  env.DB.prepare("UPDATE carts SET updated_at = ? WHERE id = ?").bind(new Date().toISOString(), cartId);

/** Adds to a line (creating it), optionally setting its substitutes. */
export async function addToCart(
  env: Env,
  principal: Principal,
  input: { product_id: string; quantity: number; substitutes?: string[] | undefined },
) {
  const cart = await openCart(env, principal);
  await visibleProduct(env, principal, input.product_id);
  if (input.substitutes) await checkSubstitutes(env, principal, input.product_id, input.substitutes);
  const existing = await env.DB.prepare(
    "SELECT quantity FROM cart_lines WHERE cart_id = ? AND product_id = ?",
  )
    .bind(cart.id, input.product_id)
    .first<number>("quantity");
  if ((existing ?? 0) + input.quantity > MAX_QUANTITY) {
    throw badRequest(`A line holds at most ${MAX_QUANTITY}.`, [
      { in: "body", path: "quantity", message: "Too many" },
    ]);
  }
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO cart_lines (cart_id, product_id, quantity, substitutes) VALUES (?, ?, ?, ?)
       ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = quantity + excluded.quantity,
         substitutes = CASE WHEN ? THEN excluded.substitutes ELSE substitutes END`,
    ).bind(
      cart.id,
      input.product_id,
      input.quantity,
      JSON.stringify(input.substitutes ?? []),
      input.substitutes ? 1 : 0,
    ),
    touch(env, cart.id),
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
  const [result] = await env.DB.batch([
    env.DB.prepare(
      `UPDATE cart_lines SET quantity = coalesce(?, quantity), substitutes = coalesce(?, substitutes)
        WHERE cart_id = ? AND product_id = ?`,
    ).bind(
      input.quantity ?? null,
      input.substitutes ? JSON.stringify(input.substitutes) : null,
      cart.id,
      productId,
    ),
    touch(env, cart.id),
  ]);
  if (!result?.meta.changes) throw notFound("That product is not in your cart.");
  return view(env, cart);
}

export async function removeCartLine(env: Env, principal: Principal, productId: string) {
  const cart = await openCart(env, principal);
  const [result] = await env.DB.batch([
    env.DB.prepare("DELETE FROM cart_lines WHERE cart_id = ? AND product_id = ?").bind(cart.id, productId),
    touch(env, cart.id),
  ]);
  if (!result?.meta.changes) throw notFound("That product is not in your cart.");
  return view(env, cart);
}

export async function clearCart(env: Env, principal: Principal) {
  const cart = await openCart(env, principal);
  await env.DB.batch([
    env.DB.prepare("DELETE FROM cart_lines WHERE cart_id = ?").bind(cart.id),
    touch(env, cart.id),
  ]);
  return view(env, cart);
}

/** What an order is placed from: the customer user's open cart and its orderable lines at today's prices. */
export async function cartToOrder(env: Env, userId: string) {
  const [cart, lines] = await env.DB.batch([
    env.DB.prepare("SELECT id FROM carts WHERE user_id = ? AND status = 'open'").bind(userId),
    env.DB.prepare(
      `SELECT l.product_id, l.quantity, l.substitutes, p.sku, p.name, p.price_minor, p.currency, p.tax_rate_bp
         FROM carts c JOIN cart_lines l ON l.cart_id = c.id JOIN products p ON p.id = l.product_id
        WHERE c.user_id = ? AND c.status = 'open' AND p.status = 'published' AND p.deleted_at IS NULL
        ORDER BY l.added_at, l.product_id`,
    ).bind(userId),
  ]);
  const id = (cart?.results[0] as { id: string } | undefined)?.id;
  const rows = (lines?.results ?? []) as {
    product_id: string;
    quantity: number;
    substitutes: string;
    sku: string;
    name: string;
    price_minor: number;
    currency: string;
    tax_rate_bp: number;
  }[];
  return id === undefined
    ? undefined
    : {
        id,
        lines: rows.map((r) => ({
          productId: r.product_id,
          sku: r.sku,
          name: r.name,
          quantity: r.quantity,
          unitPriceMinor: r.price_minor,
          currency: r.currency,
          taxRateBp: r.tax_rate_bp,
          wanted: JSON.parse(r.substitutes) as string[],
        })),
      };
}

/** For the batch that places an order from a cart: the cart must still be open, and is then ordered. */
export const closeCart = (db: Db, cartId: string, at: string): Statement[] => [
  assertion(db, "cart-open", sql`EXISTS (SELECT 1 FROM carts WHERE id = ${cartId} AND status = 'open')`),
  db.update(carts).set({ status: "ordered", updatedAt: at }).where(eq(carts.id, cartId)),
];
