/**
 * Statements built and compiled once, on first use, then run with fresh parameters.
 * The hot paths (the token endpoint, sign-in) run a handful of statements per request,
 * and building and compiling a Kysely query costs about as much as running it on
 * SQLite (npm run bench). `build` receives named placeholders; every parameter of the
 * compiled SQL must be one of them. Compiling applies the database's plugins (the
 * test-mode namespace guard sees the statement once, with its placeholders).
 */
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Schema } from './schema.js';

const MARK = '\u0000param:';
/** A named placeholder for a precompiled statement. */
export const param = (name: string) => `${MARK}${name}`;

export function precompiled<Row>(db: Kysely<Schema>, build: (p: typeof param) => Compilable<Row>) {
  let compiled: { sql: string; names: string[] } | undefined;
  // `on`: a transaction of `db` to run in instead of `db` itself.
  return (values: Record<string, unknown>, on: Kysely<Schema> = db) => {
    if (!compiled) {
      const query = build(param).compile();
      const names = query.parameters.map((value) => {
        if (typeof value !== 'string' || !value.startsWith(MARK)) throw new Error(`a precompiled statement has an unnamed parameter: ${query.sql}`);
        return value.slice(MARK.length);
      });
      compiled = { sql: query.sql, names };
    }
    return on.executeQuery<Row>(
      CompiledQuery.raw(
        compiled.sql,
        compiled.names.map((name) => values[name]),
      ),
    );
  };
}

/** One precompiled statement per database (for repositories made per namespace or per call). */
export function precompiledPerDatabase<Row>(build: (db: Kysely<Schema>, p: typeof param) => Compilable<Row>) {
  const statements = new WeakMap<Kysely<Schema>, ReturnType<typeof precompiled<Row>>>();
  return (db: Kysely<Schema>) => {
    let statement = statements.get(db);
    if (!statement) {
      statement = precompiled(db, (p) => build(db, p));
      statements.set(db, statement);
    }
    return statement;
  };
}
