// Prepared statements (src/db/prepared.ts): built once per shape, values bound by name through the column's
// encoder, rows decoded as drizzle decodes them, and a value baked into the SQL refused before it can be
// cached for the next request.
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../src/db";
import { prepared, preparedInsert, readBatch } from "../src/db/prepared";
import { customers } from "../src/db/schema/customers";
import { runBatch } from "../src/lib/batch";

const db = () => getDb(env.DB);
const insertCustomer = preparedInsert(customers);
const byId = prepared((d, shape: "" | "email") =>
  d
    .select()
    .from(customers)
    .where(
      shape === "email"
        ? eq(customers.email, sql.placeholder("email"))
        : eq(customers.id, sql.placeholder("id")),
    ),
);

const address = { line1: "1 Main St", city: "Berlin", postal_code: "10115", country: "DE" };

describe("prepared statements", () => {
  it("insert a row through the columns' encoders and read it back decoded, alone and in a batch", async () => {
    const id = crypto.randomUUID();
    await runBatch(db(), [
      insertCustomer(db(), {
        id,
        company: "Prepared GmbH",
        email: `${id}@example.com`,
        shippingAddress: address,
      }),
    ]);
    const [alone] = await byId.all(db(), { id });
    // What drizzle itself reads: the same row, the JSON column parsed, the defaults applied by the insert.
    const [drizzle] = await db().select().from(customers).where(eq(customers.id, id));
    expect(alone).toEqual(drizzle);
    expect(alone?.shippingAddress).toEqual(address);
    const [byEmail, again] = await readBatch(db(), [
      byId.bind(db(), { email: `${id}@example.com` }, "email"),
      byId.bind(db(), { id }),
    ]);
    expect(byEmail).toEqual([drizzle]);
    expect(again).toEqual([drizzle]);
  });

  it("refuses a build that bakes a value into the SQL, and a missing value", async () => {
    const baked = prepared((d) => d.select().from(customers).where(eq(customers.id, "someone")));
    expect(() => baked.bind(db(), {})).toThrow(/sql\.placeholder/);
    expect(() => byId.bind(db(), {} as { id: string })).toThrow(/No value for the placeholder "id"/);
  });

  it("refuses, in a batch, rows whose column names repeat (D1 keeps one of them)", async () => {
    const repeated = prepared((d) =>
      d
        .select({ a: customers.id, b: sql<string>`${customers.id}` })
        .from(customers)
        .where(eq(customers.id, sql.placeholder("id"))),
    );
    const id = crypto.randomUUID();
    await runBatch(db(), [insertCustomer(db(), { id, company: "Twice Ltd" })]);
    expect(await repeated.all(db(), { id })).toEqual([{ a: id, b: id }]);
    await expect(readBatch(db(), [repeated.bind(db(), { id })])).rejects.toThrow(/distinct column names/);
  });
});
