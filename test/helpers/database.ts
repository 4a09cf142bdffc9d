// Which database engine this test run targets, and a fresh empty database
// per caller. The engine comes from TECHPASS_TEST_ENGINE, set per vitest
// project (see vitest.config.ts); default sqlite.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createDatabase, pgCtl, startCluster, type PgCluster } from '../../scripts/pg-cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Per-project temporary directory (test/helpers/tmp-global-setup.ts). */
    techpassTestTmpDir: string;
    /** Base URL of the shared PostgreSQL cluster (test/helpers/postgres-global-setup.ts). */
    techpassPgUrl: string;
  }
}

export type TestEngine = 'sqlite' | 'postgres';

export type DatabaseTarget = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

export type { PgCluster };
export { pgCtl };

function readEngine(): TestEngine {
  const value = process.env.TECHPASS_TEST_ENGINE ?? 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres') {
    throw new Error(`TECHPASS_TEST_ENGINE must be 'sqlite' or 'postgres', got ${JSON.stringify(value)}`);
  }
  return value;
}

export const engine: TestEngine = readEngine();

let fallbackTmpDir: string | undefined;

/** The run's temporary directory (falls back to one per process, removed at exit). */
function testTmpDir(): string {
  const provided = inject('techpassTestTmpDir');
  if (provided) return provided;
  if (!fallbackTmpDir) {
    const dir = mkdtempSync(join(tmpdir(), 'techpass-test-'));
    fallbackTmpDir = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return fallbackTmpDir;
}

/**
 * A new, empty database of the current engine, private to the caller:
 * SQLite: a path (not yet created) in the run's temporary directory;
 * PostgreSQL: a new database `t_<random>` on the run's shared cluster.
 */
export async function freshDatabaseTarget(): Promise<DatabaseTarget> {
  const id = randomBytes(8).toString('hex');
  if (engine === 'sqlite') {
    return { engine: 'sqlite', file: join(testTmpDir(), `t_${id}.sqlite`) };
  }
  const base = inject('techpassPgUrl');
  if (!base) {
    throw new Error(
      'TECHPASS_TEST_ENGINE=postgres but no PostgreSQL cluster was provided: run through the vitest "postgres" project (npm test, or npx vitest run --project postgres)',
    );
  }
  return { engine: 'postgres', url: await createDatabase(base, `t_${id}`) };
}

/**
 * A PostgreSQL cluster of the caller's own (for tests that stop and restart
 * the server: pgCtl(cluster.dir, 'stop' | 'start') keeps data and port).
 * `url` points at its `postgres` database. The caller must `await
 * cluster.stop()` (e.g. in afterAll); the run's teardown stops strays.
 * Needs the PostgreSQL server binaries whatever the engine.
 */
export async function privateCluster(): Promise<PgCluster> {
  return startCluster({ parentDir: testTmpDir() });
}
