// vitest globalSetup (sqlite and postgres projects): one temporary
// directory per project run for SQLite files and private PostgreSQL
// clusters. Teardown (or, if vitest is interrupted, process exit) stops any
// cluster a test left running and removes the directory.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopClustersUnder } from '../../scripts/pg-cluster.mjs';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), `techpass-test-${project.name || 'run'}-`));
  // Traversable (not listable) so the postgres user can reach its cluster
  // directories inside when we run as root.
  chmodSync(dir, 0o711);
  project.provide('techpassTestTmpDir', dir);

  let done = false;
  const cleanup = (): void => {
    if (done) return;
    done = true;
    process.off('exit', cleanup);
    const stray = stopClustersUnder(dir);
    if (stray > 0) console.warn(`[techpass tests] stopped ${stray} PostgreSQL cluster(s) a test left running`);
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  return cleanup;
}
