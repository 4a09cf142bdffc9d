/**
 * `techpass authenticator enrol LINK --store FILE` checks that it can keep the key
 * before it uses the link, and removes the device again when saving the key fails
 * anyway: a device whose key was never saved would leave the person's next sign-in
 * waiting for a phone that does not exist.
 */
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { user } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe(`the headless authenticator's store (${engine})`, () => {
  let tp: TestServer;
  const dir = mkdtempSync(path.join(tmpdir(), 'techpass-enrol-store-'));
  const cli = (...args: string[]) => runCli(args, tp.env);
  beforeAll(async () => {
    tp = await startTestServer();
  });
  afterAll(() => tp?.close());

  async function linkFor(email: string) {
    const account = await user(tp, email, { phone: false });
    const issued = await cli('authenticator', 'enrol-link', '--user', email, '--json');
    expect(issued.code, issued.stderr).toBe(0);
    return { account, link: (issued.json as { link: string }).link };
  }
  const devices = async (userId: string) => tp.server.store.push.devicesOf(userId as never);

  it('refuses a store it cannot write before using the link, which then still works', async () => {
    const { account, link } = await linkFor('no.folder@agency.gov.sg');
    const aFile = path.join(dir, 'a-file');
    writeFileSync(aFile, 'not a folder');
    const aFolder = path.join(dir, 'a-folder');
    mkdirSync(aFolder);
    for (const store of [path.join(dir, 'missing', 'phone.json'), path.join(aFile, 'phone.json'), aFolder]) {
      const res = await cli('authenticator', 'enrol', link, '--store', store, '--json');
      expect(res.code, store).toBe(1);
      expect(res.json, store).toMatchObject({ error: 'authenticator.store_invalid', field: 'store' });
      expect(await devices(account.id)).toEqual([]);
    }
    const good = path.join(dir, 'phone.json');
    const res = await cli('authenticator', 'enrol', link, '--store', good, '--json');
    expect(res.code, res.stderr).toBe(0);
    expect((await devices(account.id)).map((d) => d.id)).toEqual([(res.json as { deviceId: string }).deviceId]);
    expect(statSync(good).mode & 0o777).toBe(0o600);
    // No temporary file is left beside it.
    expect(readdirSync(dir).filter((f) => f.startsWith('.techpass-device-'))).toEqual([]);
  });

  it('removes the device again when the key cannot be saved after enrolling, and says the link is used up', async () => {
    const { account, link } = await linkFor('lost.key@agency.gov.sg');
    // The folder is writable, but the file system refuses a name this long (over 255 bytes).
    const store = path.join(dir, `${'k'.repeat(251)}.json`);
    const res = await cli('authenticator', 'enrol', link, '--store', store, '--json');
    expect(res.code).toBe(1);
    expect(res.json).toMatchObject({ error: 'authenticator.store_invalid', field: 'store' });
    expect((res.json as { message: string }).message).toContain('the device was removed from TechPass again');
    expect((res.json as { message: string }).message).toContain('ask for a new enrolment link');
    expect(await devices(account.id)).toEqual([]);
    const audit = (await tp.server.store.audit.list({ targetId: account.id, limit: 20 })).map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['authenticator.device_enrolled', 'authenticator.device_removed']));
    expect(readdirSync(dir).filter((f) => f.startsWith('.techpass-device-'))).toEqual([]);
  });

  it('still refuses to replace an existing store without --force, and replaces it with --force', async () => {
    const { link } = await linkFor('replace.me@agency.gov.sg');
    const store = path.join(dir, 'existing.json');
    writeFileSync(store, '{}', { mode: 0o644 });
    const refused = await cli('authenticator', 'enrol', link, '--store', store, '--json');
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({ field: 'store' });
    const forced = await cli('authenticator', 'enrol', link, '--store', store, '--force', '--json');
    expect(forced.code, forced.stderr).toBe(0);
    expect(statSync(store).mode & 0o777).toBe(0o600);
  });
});
