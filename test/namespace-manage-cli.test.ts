/**
 * The CLI's namespace commands on the local database: list, show, update, delete (only
 * when empty) and the admins (add by e-mail, remove, never the last one), through the
 * management API's flows as the operator, audited with before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { user } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe(`techpass namespace list|show|update|delete|admin (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer();
    for (const name of ['payments', 'archive']) {
      expect((await runCli(['namespace', 'create', '--name', name, '--display-name', name.toUpperCase()], tp.env)).code).toBe(0);
    }
    await user(tp, 'ada.admin@agency.gov.sg');
    await user(tp, 'ben.admin@agency.gov.sg');
  });
  afterAll(() => tp?.close());

  const cli = (...args: string[]) => runCli([...args, '--json'], tp.env);

  it('lists namespaces by name, shows one, updates its display name and description (audited before and after)', async () => {
    expect(((await cli('namespace', 'list')).json as Array<{ name: string }>).map((n) => n.name)).toEqual(['archive', 'payments']);
    const updated = await cli('namespace', 'update', '--name', 'payments', '--display-name', 'Payments Platform', '--description', 'Pays people');
    expect(updated).toMatchObject({ code: 0, json: { name: 'payments', displayName: 'Payments Platform', description: 'Pays people' } });
    expect((await cli('namespace', 'show', '--name', 'payments')).json).toMatchObject({ displayName: 'Payments Platform', admins: [] });
    const nothing = await cli('namespace', 'update', '--name', 'payments');
    expect(nothing).toMatchObject({ code: 1, json: { error: 'input.invalid' } });
    const blank = await cli('namespace', 'update', '--name', 'payments', '--display-name', ' ');
    expect(blank).toMatchObject({
      code: 1,
      json: { error: 'input.invalid', field: 'displayName', message: expect.stringMatching(/^--display-name is required/) },
    });
    const audit = (await tp.server.store.audit.list({ limit: 1000 })).filter((e) => e.action === 'namespace.updated');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toMatchObject({ before: { displayName: 'PAYMENTS' }, after: { displayName: 'Payments Platform' }, via: 'operator' });
  });

  it('adds admins by e-mail and removes them, never the last one', async () => {
    expect(await cli('namespace', 'admin', 'add', '--namespace', 'payments', '--email', 'ada.admin@agency.gov.sg')).toMatchObject({
      code: 0,
      json: { added: true },
    });
    expect(await cli('namespace', 'admin', 'add', '--namespace', 'payments', '--email', 'ada.admin@agency.gov.sg')).toMatchObject({
      code: 0,
      json: { added: false },
    });
    expect(await cli('namespace', 'admin', 'add', '--namespace', 'payments', '--email', 'ben.admin@agency.gov.sg')).toMatchObject({
      code: 0,
      json: { added: true },
    });
    const unknown = await cli('namespace', 'admin', 'add', '--namespace', 'payments', '--email', 'nobody@agency.gov.sg');
    expect(unknown.code).toBe(1);
    const listed = (await cli('namespace', 'admin', 'list', '--namespace', 'payments')).json as Array<{ email: string }>;
    expect(listed.map((a) => a.email).sort()).toEqual(['ada.admin@agency.gov.sg', 'ben.admin@agency.gov.sg']);

    expect(await cli('namespace', 'admin', 'remove', '--namespace', 'payments', '--email', 'ben.admin@agency.gov.sg')).toMatchObject({ code: 0 });
    const last = await cli('namespace', 'admin', 'remove', '--namespace', 'payments', '--email', 'ada.admin@agency.gov.sg');
    expect(last).toMatchObject({ code: 1, json: { error: 'namespace.last_admin' } });
    expect(((await cli('namespace', 'admin', 'list', '--namespace', 'payments')).json as Array<{ email: string }>).map((a) => a.email)).toEqual([
      'ada.admin@agency.gov.sg',
    ]);
  });

  it('deletes only an empty namespace', async () => {
    await runCli(['app', 'create', '--namespace', 'payments', '--name', 'Pay', '--redirect-uri', 'https://pay.example.gov.sg/cb'], tp.env);
    expect(await cli('namespace', 'delete', '--name', 'payments')).toMatchObject({ code: 1, json: { error: 'namespace.not_empty' } });
    expect(await cli('namespace', 'delete', '--name', 'archive')).toMatchObject({ code: 0, json: { deleted: true, name: 'archive' } });
    expect(((await cli('namespace', 'list')).json as Array<{ name: string }>).map((n) => n.name)).toEqual(['payments']);
    expect(await cli('namespace', 'show', '--name', 'archive')).toMatchObject({ code: 1, json: { error: 'namespace.not_found' } });
  });
});
