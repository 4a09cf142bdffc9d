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
 * What a caller gets is what Kysely's PostgreSQL driver answers (rows, the affected-row
 * count of an INSERT, UPDATE, DELETE or MERGE) and the same errors; the client goes back
 * to the pool after every statement, failed ones included.
 */
import type { QueryResult } from 'kysely';
import type pg from 'pg';
import { loadPg } from './pg-driver.js';

interface FieldDescription {
  name: string;
  dataTypeID: number;
  format?: string;
}
type Parser = (value: string) => unknown;
interface Shape {
  names: string[];
  parsers: Parser[];
}

/** The parts of pg.Query this module overrides or reads (pg's own, not in its typings). */
interface QueryInternals {
  name?: string;
  _result: { rows: unknown[]; command: string | null; rowCount: number | null; _types?: { getTypeParser(oid: number, format: string): Parser } };
  _canceledDueToError: unknown;
  handleRowDescription(message: { fields: FieldDescription[] }): void;
  handleDataRow(message: { fields: Array<string | null> }): void;
}

type Done = (error: Error | null, result?: QueryInternals['_result']) => void;
type PreparedQueryClass = new (name: string, text: string, values: unknown[], done: Done) => QueryInternals;

let preparedQueryClass: PreparedQueryClass | undefined;
/** Row shapes by statement name: a name is one statement's SQL, so its columns never change. */
const shapes = new Map<string, Shape>();

function preparedQuery(): PreparedQueryClass {
  if (preparedQueryClass) return preparedQueryClass;
  const Query = loadPg().Query as unknown as new (text: string, values: unknown[], done: Done) => QueryInternals;
  class PreparedQuery extends Query {
    private shape: Shape | undefined;
    constructor(name: string, text: string, values: unknown[], done: Done) {
      super(text, values, done);
      this.name = name;
    }
    override handleRowDescription(message: { fields: FieldDescription[] }) {
      let shape = shapes.get(this.name!);
      if (!shape) {
        const types = this._result._types!;
        shape = {
          names: message.fields.map((field) => field.name),
          parsers: message.fields.map((field) => types.getTypeParser(field.dataTypeID, field.format ?? 'text')),
        };
        shapes.set(this.name!, shape);
      }
      this.shape = shape;
    }
    override handleDataRow(message: { fields: Array<string | null> }) {
      if (this._canceledDueToError) return;
      const { names, parsers } = this.shape!;
      const row: Record<string, unknown> = {};
      try {
        for (let i = 0; i < names.length; i++) {
          const raw = message.fields[i];
          row[names[i]!] = raw === null || raw === undefined ? null : parsers[i]!(raw);
        }
      } catch (error) {
        this._canceledDueToError = error;
        return;
      }
      this._result.rows.push(row);
    }
  }
  preparedQueryClass = PreparedQuery as unknown as PreparedQueryClass;
  return preparedQueryClass;
}

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
