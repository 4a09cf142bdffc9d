// Self-check of the test harness: each engine's fresh database is real,
// reachable, empty and private to its caller.
import Database from 'better-sqlite3';
import pg from 'pg';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { engine, freshDatabaseTarget, pgCtl, privateCluster, type DatabaseTarget } from './helpers/database.js';

async function withDatabase<T>(target: DatabaseTarget, body: (query: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  if (target.engine === 'sqlite') {
    const db = new Database(target.file, { fileMustExist: false });
    try {
      return await body(async (sql) => {
        const statement = db.prepare(sql);
        return statement.reader ? (statement.all() as Record<string, unknown>[]) : (statement.run(), []);
      });
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await body(async (sql) => (await client.query(sql)).rows as Record<string, unknown>[]);
  } finally {
    await client.end();
  }
}

const listTables =
  engine === 'sqlite'
    ? "select name from sqlite_master where type = 'table'"
    : "select table_name as name from information_schema.tables where table_schema = 'public'";

describe(`database harness (${engine})`, () => {
  it('gives a reachable, empty database of the selected engine', async () => {
    const target = await freshDatabaseTarget();
    expect(target.engine).toBe(engine);
    await withDatabase(target, async (query) => {
      expect(await query('select 1 as one')).toEqual([{ one: 1 }]);
      expect(await query(listTables)).toEqual([]);
    });
    if (target.engine === 'postgres') {
      expect(new URL(target.url).pathname).toMatch(/^\/t_[0-9a-f]{16}$/);
    } else {
      expect(existsSync(target.file)).toBe(true);
    }
  });

  it('gives each caller its own database', async () => {
    const [a, b] = await Promise.all([freshDatabaseTarget(), freshDatabaseTarget()]);
    expect(a).not.toEqual(b);
    await withDatabase(a, (query) => query('create table only_in_a (id integer primary key)'));
    await withDatabase(b, async (query) => expect(await query(listTables)).toEqual([]));
  });
});

describe.runIf(engine === 'postgres')('private PostgreSQL cluster', () => {
  it('stops and comes back on the same port with its data', async () => {
    const cluster = await privateCluster();
    try {
      const target: DatabaseTarget = { engine: 'postgres', url: cluster.url };
      await withDatabase(target, (query) => query('create table kept (id integer primary key)'));

      await pgCtl(cluster.dir, 'stop');
      await expect(withDatabase(target, (query) => query('select 1'))).rejects.toThrow();

      await pgCtl(cluster.dir, 'start');
      await withDatabase(target, async (query) => {
        expect(await query('select 1 as one')).toEqual([{ one: 1 }]);
        expect(await query(listTables)).toEqual([{ name: 'kept' }]);
      });
    } finally {
      await cluster.stop();
    }
    expect(existsSync(cluster.dir)).toBe(false);
  });
});
