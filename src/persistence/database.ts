/**
 * Opens the database: embedded SQLite (a file, WAL mode, foreign keys on) or
 * PostgreSQL (a pool). Both speak through one Kysely instance over one schema.
 */
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type pg from 'pg';
import { NamespaceGuardPlugin } from './namespace-guard.js';
import { cachePreparedStatements } from './patches/better-sqlite3.js';
import { loadPg } from './pg-driver.js';
import { registerPgPool, registerSqliteConnection } from './precompiled.js';
import { checkpointInBackground } from './sqlite-checkpoints.js';
import { prepareOwnerOnlyDatabaseFile } from './sqlite-file-modes.js';
import { postgresNotices, type Notices } from './notices.js';
import type { Schema } from './schema.js';

export type Engine = 'sqlite' | 'postgres';

export type DatabaseTarget =
  | {
      engine: 'sqlite';
      file: string;
      /** WAL checkpoints in a worker thread instead of inside commits (sqlite-checkpoints.ts): for a serving node. */
      backgroundCheckpoints?: boolean;
    }
  | { engine: 'postgres'; url: string; poolSize?: number };

/** In tests every query on a namespace-owned table must carry a namespace condition. */
const plugins = () => (process.env.NODE_ENV === 'test' || process.env.TECHPASS_NAMESPACE_GUARD === '1' ? [new NamespaceGuardPlugin()] : []);

export interface Database {
  readonly engine: Engine;
  readonly db: Kysely<Schema>;
  /** Answers whether the database answers a trivial query right now. */
  ping(): Promise<boolean>;
  /**
   * SQLite only: a counter that moves whenever another connection (another process,
   * e.g. a CLI command) commits; reading it costs no query (PRAGMA data_version).
   */
  externalChanges?: () => number;
  /** PostgreSQL only: notices between nodes (LISTEN/NOTIFY). */
  notices?: Notices;
  close(): Promise<void>;
}

// BIGINT columns hold millisecond timestamps and counters, well inside 2^53.
const INT8_OID = 20;
const pgTypes = (driver: typeof pg) => ({
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : driver.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
});

export function openDatabase(target: DatabaseTarget, onPoolError?: (error: Error) => void): Database {
  if (target.engine === 'sqlite') {
    if (target.file !== ':memory:') prepareOwnerOnlyDatabaseFile(target.file);
    const connection = new SQLite(target.file);
    connection.pragma('journal_mode = WAL');
    connection.pragma('foreign_keys = ON');
    connection.pragma('busy_timeout = 5000');
    // NORMAL in WAL mode keeps every committed transaction across a process crash.
    connection.pragma('synchronous = NORMAL');
    const dataVersion = connection.prepare('PRAGMA data_version').pluck();
    // Statements cached, transactions begun immediately: patches/better-sqlite3.ts.
    cachePreparedStatements(connection);
    const stopCheckpoints = target.backgroundCheckpoints && target.file !== ':memory:' ? checkpointInBackground(connection, target.file) : null;
    const opened = database('sqlite', new Kysely<Schema>({ dialect: new SqliteDialect({ database: connection }), plugins: plugins() }));
    registerSqliteConnection(opened.db, connection);
    return {
      ...opened,
      externalChanges: () => dataVersion.get() as number,
      close: async () => {
        await stopCheckpoints?.();
        await opened.close();
      },
    };
  }
  const driver = loadPg();
  const pool = new driver.Pool({
    connectionString: target.url,
    max: target.poolSize ?? 10,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    types: pgTypes(driver),
  });
  // An idle client losing its server must not crash the process: the pool replaces it.
  pool.on('error', (error) => onPoolError?.(error));
  const opened = database('postgres', new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), plugins: plugins() }));
  registerPgPool(opened.db, pool);
  const notices = postgresNotices(
    target.url,
    async (channel, payload) => {
      await sql`select pg_notify(${channel}, ${payload})`.execute(opened.db);
    },
    (error) => onPoolError?.(error),
  );
  return {
    ...opened,
    notices,
    close: async () => {
      await notices.close();
      await opened.close();
    },
  };
}

function database(engine: Engine, db: Kysely<Schema>): Database {
  return {
    engine,
    db,
    ping: async () => {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}

/** Errors that mean "the database is not there right now", not "the query is wrong". */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  const codes = [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    '57P01',
    '57P02',
    '57P03',
    '08000',
    '08003',
    '08006',
    '08001',
    '08004',
    'SQLITE_BUSY',
    'SQLITE_CANTOPEN',
  ];
  if (e.code && codes.includes(e.code)) return true;
  const message = e.message ?? '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (shutting down|starting up)/i.test(
    message,
  );
}
