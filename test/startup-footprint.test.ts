/**
 * What a serving node holds: the libraries only rare pages and other engines use are loaded
 * on first use (Web Push, QR codes, the common-password dictionary, passkeys, the PostgreSQL
 * driver on SQLite), so a node answering sign-ins and tokens does not carry them (about
 * 10 MB of heap and 25 MB of memory at start; docs/performance.md).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, spawnNode, waitForExit } from './helpers/cli.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';
import { nodeEnv } from './helpers/server.js';

const LOADED_ON_FIRST_USE = ['web-push', 'qrcode', '@zxcvbn-ts/language-common', '@peculiar/asn1-schema'];

describe(`startup footprint (${engine})`, () => {
  it('a node serving the provider has not loaded the libraries of rare pages, nor the other engine’s driver', async () => {
    const env = await nodeEnv(await freshDatabaseTarget());
    const url = `http://127.0.0.1:${env.PORT}`;
    const node = await spawnNode(['serve'], { ...env, NODE_OPTIONS: `--require ${path.join(ROOT, 'test', 'fixtures', 'report-packages.cjs')}` }, url);
    try {
      for (const path of ['/.well-known/openid-configuration', '/jwks', '/healthz']) expect((await fetch(`${url}${path}`)).status).toBe(200);
      node.kill('SIGUSR2');
      const deadline = Date.now() + 10_000;
      let line: string | undefined;
      while (!(line = /PACKAGES (.*)\n/.exec(node.output())?.[1]) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const loaded = JSON.parse(line ?? 'null') as string[];
      expect(loaded).toEqual(expect.arrayContaining(['fastify', engine === 'postgres' ? 'pg' : 'better-sqlite3']));
      for (const name of [...LOADED_ON_FIRST_USE, ...(engine === 'sqlite' ? ['pg'] : [])]) expect(loaded).not.toContain(name);
    } finally {
      node.kill('SIGTERM');
      await waitForExit(node);
    }
  });
});
