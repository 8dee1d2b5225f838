import { drizzle } from "drizzle-orm/d1";
import * as attendance from "./schema/attendance";
import * as auth from "./schema/auth";
import * as billing from "./schema/billing";
import * as carts from "./schema/carts";
import * as catalog from "./schema/catalog";
import * as claims from "./schema/claims";
import * as customers from "./schema/customers";
import * as devices from "./schema/devices";
import * as events from "./schema/events";
import * as idempotency from "./schema/idempotency";
import * as imports from "./schema/imports";
import * as ingest from "./schema/ingest";
import * as inventory from "./schema/inventory";
import * as labels from "./schema/labels";
import * as ledger from "./schema/ledger";
import * as orders from "./schema/orders";
import * as scrapes from "./schema/scrapes";
import * as shop from "./schema/shop";
import * as system from "./schema/system";
import * as warehouse from "./schema/warehouse";

export const schema = {
  ...system,
  ...auth,
  ...customers,
  ...catalog,
  ...inventory,
  ...ledger,
  ...carts,
  ...idempotency,
  ...orders,
  ...ingest,
  ...events,
  ...devices,
  ...attendance,
  ...labels,
  ...shop,
  ...warehouse,
  ...billing,
  ...claims,
  ...scrapes,
  ...imports,
};

const make = (d1: D1Database) => drizzle(d1, { schema });
export type Db = ReturnType<typeof make>;

/** One drizzle instance per D1 binding object: building one walks the whole schema, so do it once. */
const instances = new WeakMap<D1Database, Db>();
export function getDb(d1: D1Database): Db {
  let db = instances.get(d1);
  if (!db) {
    db = make(d1);
    instances.set(d1, db);
  }
  return db;
}

/** RFC 3339 UTC with milliseconds: the one time format stored and spoken. */
export const isoNow = (): string => new Date().toISOString();
