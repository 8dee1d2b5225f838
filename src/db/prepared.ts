// Statements that hot routes run on every request, written in drizzle once and built once per isolate.
// Building a statement walks every column through drizzle's chunk tree (a 40-column order costs more CPU
// than its D1 round trip) and drizzle's generic row mapper does the same per row; a prepared statement keeps
// the SQL text, binds its values by name (through the column's encoder, as drizzle would), and maps rows
// with a loop made for its columns. Values only ever arrive as `sql.placeholder(name)`: a build that bakes
// a value into the SQL is refused when it is built, so a cached statement never carries another request's
// value.
import { Column, getTableColumns, Param, Placeholder, SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./index";

type Decoder = ((value: unknown) => unknown) | null;
type Encoder = ((value: unknown) => unknown) | null;

/** What a prepared statement needs from a drizzle query: its SQL, and for a select the fields it selects. */
interface Query {
  toSQL(): { sql: string; params: unknown[] };
}

type RowOf<Q> = Q extends PromiseLike<(infer R)[]> ? R : never;

interface Built {
  sql: string;
  names: string[];
  encoders: Encoder[];
  keys: string[];
  decoders: Decoder[];
}

/** A prepared statement with its values bound: run it alone, or hand it to `readBatch` or `runBatch`. */
export interface Bound<R> {
  statement: D1PreparedStatement;
  /** The rows of a batch result (D1 gives batch rows as objects, columns in order). */
  fromObjects(result: D1Result): R[];
  /** The rows of a `raw()` result. */
  fromArrays(rows: unknown[][]): R[];
}

/** An SQL expression's decoder (`sql<T>`...`.mapWith(...)`); drizzle keeps it on the expression. */
const sqlDecoder = (expression: SQL): Decoder => {
  const decoder = (expression as unknown as { decoder?: { mapFromDriverValue(v: unknown): unknown } })
    .decoder;
  return decoder ? (v) => decoder.mapFromDriverValue(v) : null;
};

const decoderOf = (field: unknown): Decoder => {
  if (field instanceof Column) return (v) => field.mapFromDriverValue(v);
  if (field instanceof SQL) return sqlDecoder(field);
  if (field instanceof SQL.Aliased) return sqlDecoder(field.sql);
  throw new Error("A prepared read selects flat rows: columns and SQL expressions, no nested tables.");
};

function build(query: Query): Built {
  const { sql: text, params } = query.toSQL();
  const names: string[] = [];
  const encoders: Encoder[] = [];
  for (const p of params) {
    if (p instanceof Placeholder) {
      names.push(p.name as string);
      encoders.push(null);
    } else if (p instanceof Param && p.value instanceof Placeholder) {
      // A placeholder for a column's value (insert, set): bound through the column's encoder.
      const encoder = p.encoder as { mapToDriverValue(v: unknown): unknown };
      names.push(p.value.name as string);
      encoders.push((v) => encoder.mapToDriverValue(v));
    } else {
      throw new Error(
        `A prepared statement binds values through sql.placeholder(), not ${JSON.stringify(p)}.`,
      );
    }
  }
  // Drizzle selects the fields in their key order, as entries list them. Writes select nothing.
  const selected = (query as { _?: { selectedFields?: Record<string, unknown> } })._?.selectedFields;
  const fields = Object.entries(selected ?? {});
  return {
    sql: text,
    names,
    encoders,
    keys: fields.map(([key]) => key),
    decoders: fields.map(([, field]) => decoderOf(field)),
  };
}

function mapRow(built: Built, values: ArrayLike<unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const { keys, decoders } = built;
  for (let i = 0; i < keys.length; i++) {
    const value = values[i];
    const decode = decoders[i];
    row[keys[i] as string] = value === null || value === undefined || !decode ? value : decode(value);
  }
  return row;
}

function bindBuilt<R>(db: Db, b: Built, values: Record<string, unknown>): Bound<R> {
  const args = b.names.map((name, i) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for the placeholder "${name}".`);
    const encode = b.encoders[i];
    return value === null || !encode ? value : encode(value);
  });
  return {
    statement: db.$client.prepare(b.sql).bind(...args),
    fromObjects: (result) =>
      b.keys.length === 0
        ? []
        : (result.results as Record<string, unknown>[]).map((o) => {
            const columns = Object.values(o);
            if (columns.length !== b.keys.length) {
              throw new Error("A prepared read in a batch needs distinct column names; alias the repeats.");
            }
            return mapRow(b, columns) as R;
          }),
    fromArrays: (rows) => rows.map((r) => mapRow(b, r) as R),
  };
}

/**
 * A statement built once (per isolate and shape) from a drizzle query whose values are all placeholders,
 * run with values by name. `shape` chooses between variants of one statement (which filters apply); each
 * variant is built the first time it is asked for.
 */
export function prepared<V extends Record<string, unknown>, Q extends Query, S extends string = "">(
  make: (db: Db, shape: S) => Q,
) {
  const cache = new Map<string, Built>();
  const bind = (db: Db, values: V, shape = "" as S): Bound<RowOf<Q>> => {
    let built = cache.get(shape);
    if (!built) {
      built = build(make(db, shape));
      cache.set(shape, built);
    }
    return bindBuilt(db, built, values);
  };
  return {
    bind,
    /** Runs the statement alone: its rows. */
    all: async (db: Db, values: V, shape = "" as S): Promise<RowOf<Q>[]> => {
      const read = bind(db, values, shape);
      return read.fromArrays(await read.statement.raw());
    },
  };
}

/**
 * An insert of a row into `table`, prepared per set of columns the row gives. A column left undefined
 * takes its default as in drizzle (a constant default is bound like a value; an SQL default stays in the
 * statement). `computed` columns are SQL written with placeholders, whose values come in `extra` (an
 * order's number from its year's counter).
 */
export function preparedInsert<T extends SQLiteTable>(table: T, computed: Record<string, SQL> = {}) {
  const columns = Object.entries(getTableColumns(table)) as [string, Column][];
  const constant = new Map(
    columns.flatMap(([k, c]) =>
      c.default !== undefined && c.default !== null && !(c.default instanceof SQL)
        ? [[k, c.default as unknown] as const]
        : [],
    ),
  );
  const insert = prepared((db, shape: string) => {
    const given = new Set(shape.split(","));
    const values = Object.fromEntries(
      columns.flatMap(([k]): [string, unknown][] =>
        k in computed ? [[k, computed[k]]] : given.has(k) || constant.has(k) ? [[k, sql.placeholder(k)]] : [],
      ),
    );
    return db.insert(table).values(values as never);
  });
  return (db: Db, row: T["$inferInsert"], extra: Record<string, unknown> = {}): Bound<never> => {
    const given = row as Record<string, unknown>;
    const keys = columns.flatMap(([k]) => (given[k] !== undefined && !(k in computed) ? [k] : []));
    const values: Record<string, unknown> = { ...extra };
    for (const [k, v] of constant) values[k] = v;
    for (const k of keys) values[k] = given[k];
    return insert.bind(db, values, keys.join(",")) as Bound<never>;
  };
}

type Rows<T> = { [K in keyof T]: T[K] extends Bound<infer R> ? R[] : never };

/** Several prepared reads in one round trip, their rows in the order given. */
export async function readBatch<T extends readonly Bound<unknown>[]>(db: Db, reads: T): Promise<Rows<T>> {
  if (reads.length === 0) return [] as Rows<T>;
  const results = await db.$client.batch(reads.map((r) => r.statement));
  return reads.map((r, i) => r.fromObjects(results[i] as D1Result)) as Rows<T>;
}
