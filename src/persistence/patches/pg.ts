/**
 * Every member of pg that TechPass replaces or reads, in one place (written against pg
 * 8.23.1, pinned exactly in package.json). The precompiled statements on PostgreSQL
 * (../pg-prepared.ts) run as a subclass of `pg.Query`, which relies on members pg does not
 * document; `checkPg` confirms each is still there before the first statement runs.
 *
 * `new Query(text, values, callback)` (lib/query.js)
 *   Library: takes a config object or a text; from an object it copies the property
 *   descriptors one by one (about 14 µs a query on the bench's machine type).
 *   Ours: the query is made from its text and its name is set afterwards.
 *   If it changes: a Query that reads `name` only in its constructor would run the
 *   statement unnamed (parsed and planned on every run; still correct).
 *
 * `Query.prototype.handleRowDescription(message)` (lib/query.js)
 *   Library: builds the result's fields and a row template for every query.
 *   Ours: the column names and type parsers are kept per statement name (a name is one
 *   statement's SQL, so its columns never change) and built once.
 *   If it changes: pg calling another method for row descriptions would skip ours, and
 *   `handleDataRow` would find no shape: every query returning rows fails.
 *
 * `Query.prototype.handleDataRow(message)` (lib/query.js)
 *   Library: parses a row through the result's template (a spread of a null-prototype
 *   object, a dictionary-mode copy per row), emits `row`, accumulates it.
 *   Ours: a plain object from the kept shape, pushed on `_result.rows`; no `row` event
 *   (nothing listens: the statement's callback gets the whole result).
 *   If it changes: as above, rows would be built by the library, or not at all.
 *
 * `query._result` (`rows`, `command`, `rowCount`, `_types.getTypeParser`) and
 * `query._canceledDueToError` (instance fields, lib/query.js and lib/result.js)
 *   Read and written as pg's own methods do: rows go on `_result.rows`, a parser's
 *   error goes on `_canceledDueToError` (pg then reports it once the query completes),
 *   and the parsers come from `_result._types` (the client's type overrides, set by
 *   `client.query`).
 *   If they change: rows are lost, or a parser's error is not reported.
 */
import type pg from 'pg';
import { expectMember, installedVersion, patchedMemberMissing } from '../../platform/library-patches.js';
import { loadPg } from '../pg-driver.js';

const LIBRARY = 'pg';
const MODULE = 'src/persistence/patches/pg.ts';

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
export interface QueryInternals {
  name?: string;
  _result: { rows: unknown[]; command: string | null; rowCount: number | null; _types?: { getTypeParser(oid: number, format: string): Parser } };
  _canceledDueToError: unknown;
  handleRowDescription(message: { fields: FieldDescription[] }): void;
  handleDataRow(message: { fields: Array<string | null> }): void;
}

export type Done = (error: Error | null, result?: QueryInternals['_result']) => void;
export type PreparedQueryClass = new (name: string, text: string, values: unknown[], done: Done) => QueryInternals;

/** What the check reads of pg: its `Query` class. */
export interface PgSurface {
  Query: unknown;
}

/** Confirms every member of `pg.Query` the prepared query replaces or reads is there (see the header). */
export function checkPg(driver: PgSurface = loadPg(), version = installedVersion(LIBRARY)): void {
  const where = (member: string) => ({ library: LIBRARY, version, member, module: MODULE });
  const Query = driver.Query as (new (text: string, values: unknown[], done: Done) => QueryInternals) | undefined;
  if (typeof Query !== 'function') throw patchedMemberMissing(where('Query'), 'a class');
  expectMember(Query.prototype, 'handleRowDescription', { kind: 'function', arity: 1 }, where('Query.prototype.handleRowDescription'));
  expectMember(Query.prototype, 'handleDataRow', { kind: 'function', arity: 1 }, where('Query.prototype.handleDataRow'));
  const query = new Query('select 1', [], () => {}) as Partial<QueryInternals> & { text?: unknown };
  if (query.text !== 'select 1') throw patchedMemberMissing(where('new Query(text, values, callback)'), 'a query made from its text');
  if (!Array.isArray(query._result?.rows)) throw patchedMemberMissing(where('Query#_result.rows'), 'an array of rows');
  if (query._canceledDueToError !== false) throw patchedMemberMissing(where('Query#_canceledDueToError'), 'a field, false when a query starts');
}

let preparedQueryClass: PreparedQueryClass | undefined;
/** Row shapes by statement name: a name is one statement's SQL, so its columns never change. */
const shapes = new Map<string, Shape>();

/** pg's Query, made from its text, named, with rows built from a shape kept per statement (see the header). */
export function preparedQuery(driver: typeof pg = loadPg()): PreparedQueryClass {
  if (preparedQueryClass) return preparedQueryClass;
  checkPg(driver);
  const Query = driver.Query as unknown as new (text: string, values: unknown[], done: Done) => QueryInternals;
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
