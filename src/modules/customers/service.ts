// Customers (the businesses we sell to). Customer users see only their own record: a foreign id is 404.
import { eq, or, type SQL, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { prepared } from "../../db/prepared";
import { type Address, customers } from "../../db/schema/customers";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { money } from "../../lib/money";
import { newestFirst } from "../../lib/pagination";
import { notFound } from "../../lib/problem";
import { containsPattern } from "../../lib/search";
import { assertVisible, customerScope, type Principal } from "../auth/principal";

type CustomerRow = typeof customers.$inferSelect;

export const toCustomerView = (c: CustomerRow) => ({
  id: c.id,
  company: c.company,
  contact_name: c.contactName,
  email: c.email,
  phone: c.phone,
  tax_id: c.taxId,
  billing_address: c.billingAddress ?? null,
  shipping_address: c.shippingAddress ?? null,
  credit_limit:
    c.creditLimitMinor !== null && c.creditCurrency ? money(c.creditLimitMinor, c.creditCurrency) : null,
  payment_terms_days: c.paymentTermsDays,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
});

const customerIdRow = prepared((db) =>
  db
    .select({ id: customers.id })
    .from(customers)
    .where(eq(customers.id, sql.placeholder("id"))),
);

/** For a caller's batch: the customer's id, when it exists. */
export const customerRead = (db: Db, id: string) => customerIdRow.bind(db, { id });

export async function customerExists(env: Env, id: string): Promise<boolean> {
  return (await customerIdRow.all(getDb(env.DB), { id })).length > 0;
}

export interface CustomerInput {
  company: string;
  contact_name?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  tax_id?: string | null | undefined;
  billing_address?: Address | null | undefined;
  shipping_address?: Address | null | undefined;
  credit_limit?: { amount: number; currency: string } | null | undefined;
  payment_terms_days?: number | null | undefined;
}

function columns(input: Partial<CustomerInput>): Partial<CustomerRow> {
  const set: Partial<CustomerRow> = {};
  if (input.company !== undefined) set.company = input.company.trim();
  if (input.contact_name !== undefined) set.contactName = input.contact_name;
  if (input.email !== undefined) set.email = input.email?.toLowerCase() ?? null;
  if (input.phone !== undefined) set.phone = input.phone;
  if (input.tax_id !== undefined) set.taxId = input.tax_id;
  if (input.billing_address !== undefined) set.billingAddress = input.billing_address;
  if (input.shipping_address !== undefined) set.shippingAddress = input.shipping_address;
  if (input.payment_terms_days !== undefined) set.paymentTermsDays = input.payment_terms_days;
  if (input.credit_limit !== undefined) {
    set.creditLimitMinor = input.credit_limit?.amount ?? null;
    set.creditCurrency = input.credit_limit?.currency ?? null;
  }
  return set;
}

export async function createCustomer(env: Env, input: CustomerInput) {
  const [row] = await getDb(env.DB)
    .insert(customers)
    .values({ id: newId(), company: input.company.trim(), ...columns(input) })
    .returning();
  return toCustomerView(row as CustomerRow);
}

export async function updateCustomer(env: Env, id: string, input: Partial<CustomerInput>) {
  const [row] = await getDb(env.DB)
    .update(customers)
    .set({ ...columns(input), updatedAt: new Date().toISOString() })
    .where(eq(customers.id, id))
    .returning();
  if (!row) throw notFound("No such customer.");
  return toCustomerView(row);
}

export async function getCustomer(env: Env, principal: Principal, id: string) {
  assertVisible(principal, id, "customer");
  const row = await getDb(env.DB).query.customers.findFirst({ where: eq(customers.id, id) });
  if (!row) throw notFound("No such customer.");
  return toCustomerView(row);
}

/** Newest first; a customer user's list holds their own record at most. */
export async function listCustomers(
  env: Env,
  principal: Principal,
  filter: { q?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const where: SQL[] = [];
  const scope = customerScope(principal);
  if (scope !== null) where.push(eq(customers.id, scope));
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    where.push(
      or(
        sql`lower(${customers.company}) LIKE ${pattern} ESCAPE '\\'`,
        sql`${customers.email} LIKE ${pattern} ESCAPE '\\'`,
      ) as SQL,
    );
  }
  const page = await newestFirst(
    getDb(env.DB).select().from(customers).$dynamic(),
    { time: customers.createdAt, id: customers.id },
    where,
    filter,
    (c) => [c.createdAt, c.id],
  );
  return { items: page.items.map(toCustomerView), next_cursor: page.next_cursor };
}
