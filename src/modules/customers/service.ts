// Customers (the businesses we sell to). Customer users see only their own record: a foreign id is 404.
import { and, desc, eq, lt, or, type SQL, sql } from "drizzle-orm";
import { getDb } from "../../db";
import { customers } from "../../db/schema/customers";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { notFound } from "../../lib/problem";
import { assertVisible, customerScope, type Principal } from "../auth/principal";

type CustomerRow = typeof customers.$inferSelect;

export const toCustomerView = (c: CustomerRow) => ({
  id: c.id,
  company: c.company,
  contact_name: c.contactName,
  email: c.email,
  phone: c.phone,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
});

export async function customerExists(env: Env, id: string): Promise<boolean> {
  return (await env.DB.prepare("SELECT 1 AS one FROM customers WHERE id = ?").bind(id).first()) !== null;
}

export async function createCustomer(
  env: Env,
  input: {
    company: string;
    contact_name?: string | undefined;
    email?: string | undefined;
    phone?: string | undefined;
  },
) {
  const [row] = await getDb(env.DB)
    .insert(customers)
    .values({
      id: newId(),
      company: input.company.trim(),
      contactName: input.contact_name ?? null,
      email: input.email?.toLowerCase() ?? null,
      phone: input.phone ?? null,
    })
    .returning();
  return toCustomerView(row as CustomerRow);
}

export async function getCustomer(env: Env, principal: Principal, id: string) {
  assertVisible(principal, id, "customer");
  const row = await getDb(env.DB).query.customers.findFirst({ where: eq(customers.id, id) });
  if (!row) throw notFound("No such customer.");
  return toCustomerView(row);
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Newest first; a customer user's list holds their own record at most. */
export async function listCustomers(
  env: Env,
  principal: Principal,
  filter: { q?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(filter.cursor, 2) as [string, string] | undefined;
  const where: SQL[] = [];
  const scope = customerScope(principal);
  if (scope !== null) where.push(eq(customers.id, scope));
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q.toLowerCase())}%`;
    where.push(
      or(
        sql`lower(${customers.company}) LIKE ${pattern} ESCAPE '\\'`,
        sql`${customers.email} LIKE ${pattern} ESCAPE '\\'`,
      ) as SQL,
    );
  }
  if (after) {
    where.push(
      or(
        lt(customers.createdAt, after[0]),
        and(eq(customers.createdAt, after[0]), lt(customers.id, after[1])),
      ) as SQL,
    );
  }
  const rows = await getDb(env.DB)
    .select()
    .from(customers)
    .where(and(...where))
    .orderBy(desc(customers.createdAt), desc(customers.id))
    .limit(filter.limit + 1);
  const page = toPage(rows, filter.limit, (c) => [c.createdAt, c.id]);
  return { items: page.items.map(toCustomerView), next_cursor: page.next_cursor };
}
