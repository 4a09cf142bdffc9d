/**
 * Every member of better-sqlite3 that TechPass replaces, in one place (written against
 * better-sqlite3 12.11.1, pinned exactly in package.json). `checkBetterSqlite3` confirms
 * the member is still there, with the shape the replacement expects, before a connection
 * is opened.
 *
 * `Database.prototype.prepare(source)` (lib/methods/wrappers.js), replaced on the one
 * connection TechPass opens (an own property; the prototype is untouched)
 *   Library: compiles `source` into a new Statement on every call.
 *   Ours: a bounded cache of Statements by SQL text (at most 500, oldest dropped first);
 *   and the text `begin` becomes `begin immediate`.
 *   Why, the cache: Kysely prepares every statement anew for each query, and preparing was
 *   a tenth of the token endpoint's CPU (npm run bench). Statements are reusable and
 *   better-sqlite3 runs them synchronously, so one Statement is never used by two queries
 *   at once.
 *   Why, `begin immediate`: Kysely's SQLite driver opens a transaction with a deferred
 *   `begin` (kysely's SqliteDriver.beginTransaction, sent through this `prepare`). A
 *   transaction that reads and then writes could then fail at once with SQLITE_BUSY when
 *   another process (a CLI command, a second node) committed in between; BEGIN IMMEDIATE
 *   takes the write lock first and waits for it (busy_timeout) instead. One connection per
 *   process, so nothing is lost by taking the lock early.
 *   If it changes: a `prepare` that is renamed or takes other arguments leaves Kysely's
 *   queries uncached (slower) or failing; if Kysely begins its transactions with another
 *   text, they become deferred again (test/library-patches.test.ts proves they begin
 *   immediate).
 */
import SQLite from 'better-sqlite3';
import { expectMember, installedVersion } from '../../platform/library-patches.js';

const LIBRARY = 'better-sqlite3';
const MODULE = 'src/persistence/patches/better-sqlite3.ts';
/** How many prepared statements a connection keeps. */
const STATEMENT_CACHE_LIMIT = 500;

/** What the check reads of better-sqlite3: its `Database` class. */
export type BetterSqlite3Surface = { prototype?: unknown } | undefined;

/** Confirms `Database.prototype.prepare` is there, a function of one argument (see the header). */
export function checkBetterSqlite3(Database: BetterSqlite3Surface = SQLite, version = installedVersion(LIBRARY)): void {
  expectMember(
    Database?.prototype,
    'prepare',
    { kind: 'function', arity: 1 },
    { library: LIBRARY, version, member: 'Database.prototype.prepare', module: MODULE },
  );
}

/** Replaces `connection.prepare` with the cached one that begins transactions immediately (see the header). */
export function cachePreparedStatements(connection: SQLite.Database, limit = STATEMENT_CACHE_LIMIT): void {
  const prepare = connection.prepare.bind(connection);
  const cache = new Map<string, SQLite.Statement>();
  connection.prepare = ((text: string) => {
    const source = text === 'begin' ? 'begin immediate' : text;
    let statement = cache.get(source);
    if (!statement) {
      statement = prepare(source);
      if (cache.size >= limit) cache.delete(cache.keys().next().value!);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof connection.prepare;
}
