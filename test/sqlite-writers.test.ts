/**
 * Several processes on one SQLite file (a node and CLI commands, or two nodes in
 * the bench): a transaction that reads and then writes must wait for the write
 * lock, not fail with SQLITE_BUSY because another process committed in between.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../src/persistence/database.js';
import { ROOT } from './helpers/cli.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';

const writer = (file: string, count: number) =>
  new Promise<{ failures: number; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'test/fixtures/sqlite-writer.mjs'), file, String(count)], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', () => resolve({ ...(JSON.parse(stdout || '{"failures":-1}') as { failures: number }), stderr }));
  });

describe.runIf(engine === 'sqlite')('SQLite with several writing processes', () => {
  it('serialises read-then-write transactions across processes instead of failing them', { timeout: 60_000 }, async () => {
    const target = await freshDatabaseTarget();
    if (target.engine !== 'sqlite') return;
    const { db, close } = openDatabase(target);
    await sql`create table counters (id integer primary key, value integer not null)`.execute(db);
    await sql`insert into counters (id, value) values (1, 0)`.execute(db);
    await close();

    const results = await Promise.all([writer(target.file, 150), writer(target.file, 150), writer(target.file, 150)]);
    expect(
      results.map((r) => r.failures),
      results.map((r) => r.stderr).join('\n'),
    ).toEqual([0, 0, 0]);
    const check = openDatabase(target);
    const { rows } = await sql<{ value: number }>`select value from counters where id = 1`.execute(check.db);
    await check.close();
    expect(rows[0]!.value).toBe(450);
  });
});
