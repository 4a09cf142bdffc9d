// Three vitest projects:
//   unit      src/**/*.test.ts, once, no database
//   sqlite    test/**/*.test.ts with TECHPASS_TEST_ENGINE=sqlite
//   postgres  test/**/*.test.ts with TECHPASS_TEST_ENGINE=postgres, against a
//             throwaway cluster started by test/helpers/postgres-global-setup.ts
// TECHPASS_TEST_ENGINES (comma list: sqlite,postgres) picks the database
// projects explicitly; asking for postgres without the server binaries is an
// error. Unset: sqlite always, postgres when its binaries are installed.
// `npm test` (scripts/test.mjs) sets it and selects the projects.
import { defineConfig } from 'vitest/config';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import { findPostgresBin, INSTALL_HINT } from './scripts/pg-cluster.mjs';

const KNOWN_ENGINES = ['sqlite', 'postgres'] as const;
type Engine = (typeof KNOWN_ENGINES)[number];

function selectedEngines(): Engine[] {
  const requested = process.env.TECHPASS_TEST_ENGINES?.trim();
  if (!requested) return findPostgresBin() ? ['sqlite', 'postgres'] : ['sqlite'];
  const engines = requested
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of engines) {
    if (!(KNOWN_ENGINES as readonly string[]).includes(name)) {
      throw new Error(`TECHPASS_TEST_ENGINES: unknown engine '${name}' (known: ${KNOWN_ENGINES.join(', ')})`);
    }
  }
  if (engines.includes('postgres') && !findPostgresBin()) {
    throw new Error(`TECHPASS_TEST_ENGINES asks for postgres, but the PostgreSQL server binaries are missing: ${INSTALL_HINT}`);
  }
  return [...new Set(engines)] as Engine[];
}

const engines = selectedEngines();

const databaseProject = (engine: Engine, globalSetup: string[]): TestProjectInlineConfiguration => ({
  extends: true,
  test: {
    name: engine,
    include: ['test/**/*.test.ts'],
    env: { TECHPASS_TEST_ENGINE: engine },
    globalSetup,
  },
});

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
        },
      },
      ...(engines.includes('sqlite') ? [databaseProject('sqlite', ['test/helpers/tmp-global-setup.ts'])] : []),
      ...(engines.includes('postgres')
        ? [databaseProject('postgres', ['test/helpers/tmp-global-setup.ts', 'test/helpers/postgres-global-setup.ts'])]
        : []),
    ],
  },
});
