/**
 * What TechPass keeps on disk is readable by its owner only: the data directory is
 * 0700; the embedded database, its WAL and shared-memory files and the master key
 * file are 0600, even under a umask that would leave them world-readable.
 */
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnNode, waitForExit } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { freePort, startTestServer, type TestServer } from './helpers/server.js';

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe(`file modes (${engine})`, () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const tp of servers) await tp.close();
  });

  it('serving with the embedded defaults creates DATA_DIR 0700 and the database, its -wal and -shm and the key file 0600', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'techpass-modes-')), 'data');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const previous = process.umask(0o022);
    // No DATABASE_URL and no MASTER_KEY: the embedded database and the key file in DATA_DIR, as `npm start` uses them.
    const node = await spawnNode(['serve'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir }, url).finally(() => process.umask(previous));
    try {
      expect((await fetch(`${url}/.well-known/openid-configuration`)).status).toBe(200);
      expect(modeOf(dataDir)).toBe('700');
      for (const name of ['techpass.db', 'techpass.db-wal', 'techpass.db-shm', 'master.key']) {
        expect([name, modeOf(path.join(dataDir, name))]).toEqual([name, '600']);
      }
    } finally {
      node.kill('SIGTERM');
      await waitForExit(node);
    }
  });

  it('tightens a data directory and an embedded database an earlier version left readable by others', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'techpass-modes-'));
    chmodSync(dataDir, 0o755);
    const legacy = path.join(dataDir, 'legacy');
    mkdirSync(legacy, { mode: 0o755 });
    chmodSync(legacy, 0o755);
    const file = path.join(legacy, 'techpass.db');
    writeFileSync(file, '', { mode: 0o644 });
    chmodSync(file, 0o644);
    const tp = await startTestServer({ env: { DATA_DIR: dataDir } });
    servers.push(tp);
    expect(modeOf(dataDir)).toBe('700');
    // The embedded database of an earlier start, opened by a command of this version.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const node = await spawnNode(['serve'], { ...tp.env, PORT: String(port), DATABASE_URL: `sqlite:${file}` }, url);
    try {
      expect([modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual(['600', '600', '600']);
    } finally {
      node.kill('SIGTERM');
      await waitForExit(node);
    }
  });
});
