import { drizzle } from "drizzle-orm/d1";
import * as auth from "./schema/auth";
import * as customers from "./schema/customers";
import * as system from "./schema/system";

export const schema = { ...system, ...auth, ...customers };

export const getDb = (d1: D1Database) => drizzle(d1, { schema });
export type Db = ReturnType<typeof getDb>;

/** RFC 3339 UTC with milliseconds: the one time format stored and spoken. */
export const isoNow = (): string => new Date().toISOString();
