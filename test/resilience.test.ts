/**
 * Failure: an unreachable database at start-up, a database lost and regained,
 * a process killed with SIGKILL, and several nodes starting at once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as client from 'openid-client';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { openStore } from '../src/cli/open-store.js';
import { sql } from 'kysely';
import { openDatabase } from '../src/persistence/database.js';
import { runCli, spawnNode, waitForExit } from './helpers/cli.js';
import { engine, freshDatabaseTarget, pgCtl, privateCluster, type PgCluster } from './helpers/database.js';
import { freePort, nodeEnv, startTestServer } from './helpers/server.js';

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe(`resilience (${engine})`, () => {
  it('refuses to start when the database cannot be reached, with a clear message and a non-zero exit', async () => {
    const port = await freePort();
    // For SQLite: a data path whose parent is a file, so the database cannot be created.
    const blocker = path.join(mkdtempSync(path.join(tmpdir(), 'techpass-')), 'not-a-directory');
    writeFileSync(blocker, '');
    const env = await nodeEnv(
      engine === 'postgres'
        ? { engine: 'postgres', url: `postgres://techpass:pw@127.0.0.1:${port}/techpass` }
        : { engine: 'sqlite', file: path.join(blocker, 'techpass.db') },
    );
    const res = await runCli(['serve'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`cannot ${engine === 'postgres' ? 'reach' : 'open'} the ${engine} database`);
    expect(res.stderr).not.toContain(':pw@');
  });

  it('keeps everything committed when the process is killed with SIGKILL', async () => {
    const target = await freshDatabaseTarget();
    const env = await nodeEnv(target);
    const url = `http://127.0.0.1:${env.PORT}`;
    let node = await spawnNode(['serve'], env, url);
    expect((await runCli(['namespace', 'create', '--name', 'durable', '--display-name', 'Durable'], env)).code).toBe(0);
    const app = (
      await runCli(['app', 'create', '--namespace', 'durable', '--name', 'Web', '--redirect-uri', 'https://web.example.gov.sg/cb', '--json'], env)
    ).json as {
      clientId: string;
    };

    // Every authorization request commits an interaction before it answers; fire a
    // stream of them and kill the server in the middle.
    const committed: string[] = [];
    const authorize = async () => {
      const params = new URLSearchParams({
        client_id: app.clientId,
        redirect_uri: 'https://web.example.gov.sg/cb',
        response_type: 'code',
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      const res = await fetch(`${url}/authorize?${params}`, { redirect: 'manual' });
      const location = res.headers.get('location') ?? '';
      const uid = /\/login\/([^/?]+)/.exec(location)?.[1];
      if (uid) committed.push(uid);
    };
    const load = (async () => {
      for (let i = 0; i < 400; i += 1) await authorize().catch(() => {});
    })();
    await until('some committed requests', async () => committed.length >= 20);
    node.kill('SIGKILL');
    await waitForExit(node);
    await load;
    expect(committed.length).toBeGreaterThanOrEqual(20);

    node = await spawnNode(['serve'], env, url);
    try {
      const store = await openStore(loadConfig(env), createLogger('silent'));
      try {
        expect(await store.namespaces.findByName('durable')).not.toBeNull();
        for (const uid of committed) expect(await store.oidcModels.find('Interaction', uid), uid).toBeDefined();
        expect(await store.audit.verify()).toMatchObject({ ok: true });
      } finally {
        await store.close();
      }
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      node.kill('SIGTERM');
      await waitForExit(node);
    }
  });

  describe.runIf(engine === 'postgres')('on PostgreSQL only (a server the nodes share)', () => {
    let cluster: PgCluster | undefined;
    afterAll(async () => cluster?.stop());

    it('answers 503 while the database is down and recovers by itself when it returns', async () => {
      cluster = await privateCluster();
      const tp = await startTestServer({ target: { engine: 'postgres', url: cluster.url } });
      try {
        expect((await fetch(`${tp.url}/readyz`)).status).toBe(200);
        await pgCtl(cluster.dir, 'stop');
        await until('readyz to fail', async () => (await fetch(`${tp.url}/readyz`)).status === 503);
        const down = await fetch(`${tp.url}/.well-known/openid-configuration`);
        expect(down.status).toBe(503);
        expect(await down.json()).toMatchObject({ error: 'database.unavailable' });
        expect((await fetch(`${tp.url}/healthz`)).status).toBe(200);

        await pgCtl(cluster.dir, 'start');
        await until('readyz to recover', async () => (await fetch(`${tp.url}/readyz`)).status === 200);
        await until('requests to be served again', async () => (await fetch(`${tp.url}/.well-known/openid-configuration`)).status === 200);
      } finally {
        await tp.close();
      }
    });

    it('runs migrations and creates signing keys once when two nodes start together', async () => {
      const target = await freshDatabaseTarget();
      const shared = await nodeEnv(target);
      const second: Record<string, string> = { ...shared, PORT: String(await freePort()) };
      const [a, b] = await Promise.all([
        spawnNode(['serve'], shared, `http://127.0.0.1:${shared.PORT}`),
        spawnNode(['serve'], second, `http://127.0.0.1:${second.PORT}`),
      ]);
      try {
        const db = openDatabase(target as { engine: 'postgres'; url: string });
        try {
          const migrations = await sql<{ name: string }>`select name from kysely_migration`.execute(db.db);
          const names = migrations.rows.map((r) => r.name);
          expect(names).toContain('0001-foundation');
          expect(new Set(names).size).toBe(names.length);
          const keys = await db.db.selectFrom('signing_keys').select(['alg', 'status']).execute();
          expect(keys).toHaveLength(4);
        } finally {
          await db.close();
        }
        const [ja, jb] = await Promise.all(
          [shared.PORT, second.PORT].map(async (p) => (await (await fetch(`http://127.0.0.1:${p}/jwks`)).json()) as unknown),
        );
        expect(ja).toEqual(jb);
      } finally {
        a.kill('SIGTERM');
        b.kill('SIGTERM');
        await Promise.all([waitForExit(a), waitForExit(b)]);
      }
    });
  });
});
