// vitest globalSetup (postgres project): one throwaway PostgreSQL cluster
// shared by the run; every test gets its own database on it through
// freshDatabaseTarget(). The base URL reaches tests via inject('techpassPgUrl').
import type { TestProject } from 'vitest/node';
import { startCluster } from '../../scripts/pg-cluster.mjs';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startCluster();
  project.provide('techpassPgUrl', cluster.url);
  return async () => {
    await cluster.stop();
  };
}
