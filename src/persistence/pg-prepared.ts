/**
 * Named prepared statements on a pg pool, for the precompiled statements (precompiled.ts):
 * each pooled connection has the server parse and plan a statement once, then sends only
 * its parameters. A pooled client runs it and goes back to the pool, as in Kysely's
 * driver (not `pool.query`, which discards the connection after any error, a unique
 * violation too). At less CPU per statement than `client.query({ name, text, values })`:
 *
 * - the query is a `pg.Query` made from its text (pg copies a config object's property
 *   descriptors one by one, about 14 µs a query on this machine type; a string is taken
 *   as it is) and run with callbacks: no promise inside pg or pg-pool, one around it all;
 * - the rows are built from a shape kept per statement: the server describes the same
 *   columns every time, and pg would otherwise make its row template anew for every query
 *   (a spread of a null-prototype object, a dictionary-mode copy per row).
 *
 * Both rely on pg's internals: the subclass of `pg.Query` lives in patches/pg.ts, where
 * each member it replaces or reads is documented and checked.
 *
 * What a caller gets is what Kysely's PostgreSQL driver answers (rows, the affected-row
 * count of an INSERT, UPDATE, DELETE or MERGE) and the same errors; the client goes back
 * to the pool after every statement, failed ones included.
 */
import type { QueryResult } from 'kysely';
import type pg from 'pg';
import { preparedQuery } from './patches/pg.js';

const COUNTED = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** Runs the prepared statement `name` (`sql` with `parameters`) on a client of `pool`. */
export function runPrepared(pool: pg.Pool, name: string, sql: string, parameters: unknown[]): Promise<QueryResult<never>> {
  const PreparedQuery = preparedQuery();
  return new Promise((resolve, reject) => {
    pool.connect((connectError, client, release) => {
      if (connectError || !client) {
        reject(connectError ?? new Error('no PostgreSQL connection'));
        return;
      }
      const query = new PreparedQuery(name, sql, parameters, (error, result) => {
        release();
        if (error || !result) {
          reject(error ?? new Error('PostgreSQL answered no result'));
          return;
        }
        const counts = result.command !== null && COUNTED.has(result.command);
        resolve({ numAffectedRows: counts ? BigInt(result.rowCount ?? 0) : undefined, rows: result.rows as never[] });
      });
      client.query(query as unknown as pg.Submittable);
    });
  });
}
