/**
 * Statements built and compiled once, on first use, then run with fresh parameters.
 * The hot paths (the token endpoint, sign-in) run a handful of statements per request,
 * and building and compiling a Kysely query costs about as much as running it on
 * SQLite (npm run bench). `build` receives named placeholders; every parameter of the
 * compiled SQL must be one of them. Compiling applies the database's plugins (the
 * test-mode namespace guard sees the statement once, with its placeholders).
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import { runPrepared } from './pg-prepared.js';
import type { Schema } from './schema.js';

/** The better-sqlite3 connection behind a SQLite Kysely instance (database.ts registers it). */
const sqliteConnections = new WeakMap<Kysely<Schema>, SQLite.Database>();
export const registerSqliteConnection = (db: Kysely<Schema>, connection: SQLite.Database) => sqliteConnections.set(db, connection);
/** The pg pool behind a PostgreSQL Kysely instance (database.ts registers it). */
const pgPools = new WeakMap<Kysely<Schema>, pg.Pool>();
export const registerPgPool = (db: Kysely<Schema>, pool: pg.Pool) => pgPools.set(db, pool);

/**
 * What Kysely's SQLite driver does for one query, without the connection mutex and the
 * promises around it: better-sqlite3 runs a statement synchronously, so outside a
 * transaction nothing can interleave with it.
 */
function runOn(connection: SQLite.Database, sql: string, parameters: unknown[]): QueryResult<never> {
  const statement = connection.prepare(sql);
  if (statement.reader) return { rows: statement.all(parameters) as never[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/** The database each transaction begun by `transactionOf` belongs to. */
const roots = new WeakMap<Kysely<Schema>, Kysely<Schema>>();

/**
 * Runs `fn` in a transaction of `db` (in `db` itself when it is one already). A
 * statement precompiled for `db` (precompiledPerDatabase) runs in such a transaction
 * with the SQL it compiled once, instead of being built again per transaction.
 */
export function transactionOf<T>(db: Kysely<Schema>, fn: (tx: Kysely<Schema>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute((tx) => {
    roots.set(tx, db);
    return fn(tx);
  });
}

/** Names of PostgreSQL prepared statements: one per precompiled statement, the same on every connection. */
let statementsNamed = 0;

const MARK = '\u0000param:';
/** A named placeholder for a precompiled statement. */
export const param = (name: string) => `${MARK}${name}`;

export interface Precompiled<Row> {
  /** Runs the statement with `values` (by placeholder name), in `on` (a transaction of the database) when given. */
  (values: Record<string, unknown>, on?: Kysely<Schema>): Promise<QueryResult<Row>>;
  /** The SQL and its parameters for `values`. */
  bind(values: Record<string, unknown>): { sql: string; parameters: unknown[] };
}

export function precompiled<Row>(db: Kysely<Schema>, build: (p: typeof param) => Compilable<Row>): Precompiled<Row> {
  let compiled: { sql: string; names: string[] } | undefined;
  const connection = sqliteConnections.get(db);
  const pool = pgPools.get(db);
  const name = pool ? `techpass_${(statementsNamed += 1)}` : '';
  const bind = (values: Record<string, unknown>) => {
    if (!compiled) {
      const query = build(param).compile();
      const names = query.parameters.map((value) => {
        if (typeof value !== 'string' || !value.startsWith(MARK)) throw new Error(`a precompiled statement has an unnamed parameter: ${query.sql}`);
        return value.slice(MARK.length);
      });
      compiled = { sql: query.sql, names };
    }
    return { sql: compiled.sql, parameters: compiled.names.map((name) => values[name]) };
  };
  const statement = (values: Record<string, unknown>, on: Kysely<Schema> = db): Promise<QueryResult<Row>> => {
    const { sql, parameters } = bind(values);
    // A transaction in progress (Kysely holds the connection across its awaits) gets its turn first.
    // On SQLite, a transaction of this database holds its one connection: run on it directly.
    if (connection && (on === db ? !connection.inTransaction : connection.inTransaction && roots.get(on) === db)) {
      try {
        return Promise.resolve(runOn(connection, sql, parameters));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (pool && on === db) return runPrepared(pool, name, sql, parameters);
    return on.executeQuery<Row>(CompiledQuery.raw(sql, parameters));
  };
  return Object.assign(statement, { bind });
}

/**
 * Runs precompiled statements of `db` in one transaction, all or none. On SQLite, when no
 * other transaction holds the connection, synchronously (BEGIN IMMEDIATE … COMMIT).
 */
export async function inOneTransaction(db: Kysely<Schema>, runs: Array<[Precompiled<unknown>, Record<string, unknown>]>): Promise<void> {
  const connection = sqliteConnections.get(db);
  if (connection && !connection.inTransaction) {
    connection
      .transaction(() => {
        for (const [statement, values] of runs) {
          const { sql, parameters } = statement.bind(values);
          runOn(connection, sql, parameters);
        }
      })
      .immediate();
    return;
  }
  await db.transaction().execute(async (trx) => {
    for (const [statement, values] of runs) await statement(values, trx);
  });
}

/**
 * One precompiled statement per database (for repositories made per namespace, per
 * call or per transaction): asked for with a transaction begun by `transactionOf`, it
 * answers its database's statement, run in that transaction.
 */
export function precompiledPerDatabase<Row>(build: (db: Kysely<Schema>, p: typeof param) => Compilable<Row>) {
  const statements = new WeakMap<Kysely<Schema>, Precompiled<Row>>();
  const of = (db: Kysely<Schema>) => {
    let statement = statements.get(db);
    if (!statement) {
      statement = precompiled(db, (p) => build(db, p));
      statements.set(db, statement);
    }
    return statement;
  };
  return (db: Kysely<Schema>): Precompiled<Row> => {
    const root = roots.get(db);
    if (!root) return of(db);
    const statement = of(root);
    return Object.assign((values: Record<string, unknown>, on: Kysely<Schema> = db) => statement(values, on), { bind: statement.bind });
  };
}
