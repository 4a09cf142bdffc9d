/**
 * The CLI's account commands on the local database (no --server): `user list|show|
 * update|disable|enable|terminate|unlock|end-sessions` and `user factor list|remove`,
 * spawned as an operator runs them. Each is one management API request in process, as
 * the operator: the API's rules, refusals (named by their flags) and audit.
 */
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUserId } from '../src/domain/ids.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn } from './helpers/sign-in.js';

describe(`techpass user list|show|update|disable|enable|terminate|unlock|end-sessions, user factor list|remove (${engine})`, () => {
  let tp: TestServer;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    tp = await startTestServer();
    ids.zoe = (await user(tp, 'zoe.lim@agency.gov.sg')).id;
    ids.sam = (await user(tp, 'sam.tan@agency.gov.sg')).id;
    ids.eve = (await user(tp, 'eve.ng@agency.gov.sg')).id;
  });
  afterAll(() => tp?.close());

  const cli = (...args: string[]) => runCli([...args, '--json'], tp.env);
  const events = async (userId: string, action: string) =>
    (await tp.server.store.audit.list({ targetId: userId })).filter((e) => e.action === action);

  it('lists accounts by a search, and shows one by TechPass ID or user id, times in ISO 8601', async () => {
    const listed = await cli('user', 'list', '--query', 'agency.gov.sg');
    expect(listed.code, listed.stderr).toBe(0);
    const accounts = listed.json as Array<{ id: string; email: string; createdAt: string; type: string }>;
    expect(accounts.map((u) => u.email)).toEqual(['eve.ng@agency.gov.sg', 'sam.tan@agency.gov.sg', 'zoe.lim@agency.gov.sg']);
    expect(Date.parse(accounts[0]!.createdAt)).not.toBeNaN();
    expect((await cli('user', 'list', '--query', 'ZOE', '--status', 'active', '--type', 'officer')).json).toEqual([
      expect.objectContaining({ id: ids.zoe, type: 'officer' }),
    ]);
    const text = await runCli(['user', 'list', '--query', 'zoe'], tp.env);
    expect(text.stdout).toContain(`zoe.lim@agency.gov.sg  Zoe Tester  active  (${ids.zoe})`);

    expect((await cli('user', 'show', '--user', 'Zoe.Lim@agency.gov.sg')).json).toMatchObject({
      id: ids.zoe,
      techpassId: 'zoe.lim@agency.gov.sg',
      locked: false,
    });
    expect((await cli('user', 'show', '--user', ids.sam!)).json).toMatchObject({ email: 'sam.tan@agency.gov.sg' });
    expect(await cli('user', 'show', '--user', 'nobody@agency.gov.sg')).toMatchObject({ code: 1, json: { error: 'user.not_found', field: 'user' } });
    expect(await cli('user', 'show', '--user', 'usr_nobody')).toMatchObject({ code: 1, json: { error: 'user.not_found', field: 'user' } });
    expect(await cli('user', 'list', '--status', 'sleeping')).toMatchObject({ code: 1, json: { error: 'usage.invalid' } });
    expect(await cli('user', 'show')).toMatchObject({ code: 1, json: { error: 'usage.invalid', message: expect.stringContaining('--user') } });
  });

  it('updates a profile with the flags of `user create`; refusals name the flag and change nothing; audited as the operator', async () => {
    const updated = await cli(
      'user',
      'update',
      '--user',
      'zoe.lim@agency.gov.sg',
      '--given-name',
      'Zoe',
      '--family-name',
      'Lim',
      '--mobile',
      '+65 9000 0001',
      '--department',
      'Digital',
    );
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.json).toMatchObject({ givenName: 'Zoe', familyName: 'Lim', mobile: '+6590000001', department: 'Digital' });
    const [event] = await events(ids.zoe!, 'user.updated');
    expect(event!.data).toMatchObject({
      via: 'operator',
      before: { familyName: 'Tester', mobile: null },
      after: { familyName: 'Lim', mobile: '+6590000001' },
    });

    const taken = await cli('user', 'update', '--user', 'sam.tan@agency.gov.sg', '--mobile', '+6590000001');
    expect(taken).toMatchObject({ code: 1, json: { error: 'user.exists', field: 'mobile' } });
    const email = await cli('user', 'update', '--user', 'sam.tan@agency.gov.sg', '--email', 'zoe.lim@agency.gov.sg');
    expect(email).toMatchObject({ code: 1, json: { error: 'user.exists', field: 'email' } });
    const offshore = await cli('user', 'update', '--user', 'sam.tan@agency.gov.sg', '--operation', 'offshore');
    expect(offshore).toMatchObject({
      code: 1,
      json: { error: 'input.invalid', field: 'reportingOfficerEmail', message: expect.stringMatching(/^--reporting-officer is required/) },
    });
    expect(offshore.stderr).toMatch(/^techpass: --reporting-officer is required/);
    expect(await cli('user', 'update', '--user', 'sam.tan@agency.gov.sg')).toMatchObject({ code: 1, json: { error: 'input.invalid' } });
    expect(await events(ids.sam!, 'user.updated')).toEqual([]);

    const cleared = await cli('user', 'update', '--user', ids.zoe!, '--department', '', '--email', 'Zoe.Lim@Tech.gov.sg');
    expect(cleared.json).toMatchObject({ department: null, email: 'zoe.lim@tech.gov.sg' });
    expect(await tp.server.store.users.findByLogin('zoe.lim@tech.gov.sg')).toMatchObject({ id: ids.zoe });
  });

  it('disables with a reason, enables, terminates for good; unlocks; each audited', async () => {
    expect(await cli('user', 'disable', '--user', 'sam.tan@agency.gov.sg')).toMatchObject({
      code: 1,
      json: { error: 'usage.invalid', message: expect.stringContaining('--reason') },
    });
    const disabled = await cli('user', 'disable', '--user', 'sam.tan@agency.gov.sg', '--reason', 'left the project');
    expect(disabled).toMatchObject({ code: 0, json: { id: ids.sam, status: 'disabled' } });
    expect(await cli('user', 'disable', '--user', 'sam.tan@agency.gov.sg', '--reason', 'again')).toMatchObject({
      code: 1,
      json: { error: 'user.status_change_refused' },
    });
    expect((await cli('user', 'enable', '--user', 'sam.tan@agency.gov.sg')).json).toMatchObject({ status: 'active' });
    expect((await runCli(['user', 'terminate', '--user', ids.sam!, '--reason', 'contract ended'], tp.env)).stdout).toContain(
      'sam.tan@agency.gov.sg is now terminated',
    );
    const revive = await cli('user', 'enable', '--user', ids.sam!);
    expect(revive).toMatchObject({ code: 1, json: { error: 'user.status_change_refused' } });
    expect(revive.stderr).toMatch(/^techpass: .*terminated/);
    const changes = await events(ids.sam!, 'user.status_changed');
    expect(changes.map((e) => [e.data.before, e.data.after, e.data.reason ?? null])).toEqual([
      [{ status: 'active' }, { status: 'disabled' }, 'left the project'],
      [{ status: 'disabled' }, { status: 'active' }, null],
      [{ status: 'active' }, { status: 'terminated' }, 'contract ended'],
    ]);

    await tp.server.store.users.lock(asUserId(ids.eve!));
    expect((await cli('user', 'show', '--user', ids.eve!)).json).toMatchObject({ locked: true, lockedAt: expect.any(String) });
    expect((await cli('user', 'unlock', '--user', 'eve.ng@agency.gov.sg', '--reason', 'called the helpdesk')).json).toMatchObject({
      locked: false,
      lockedAt: null,
    });
    expect((await events(ids.eve!, 'user.unlocked'))[0]!.data).toMatchObject({ reason: 'called the helpdesk', via: 'operator' });
  });

  it('ends every session of a person: their refresh token stops working', async () => {
    await namespace(tp, 'cli-users');
    const portal = await application(tp, { namespace: 'cli-users', name: 'Portal' });
    const { tokens, config } = await signIn(tp, { ...portal, login: 'eve.ng@agency.gov.sg', password: PASSWORD });
    const ended = await cli('user', 'end-sessions', '--user', 'eve.ng@agency.gov.sg', '--reason', 'laptop lost');
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.json).toMatchObject({ userId: ids.eve, grants: expect.any(Number) });
    expect((ended.json as { grants: number }).grants).toBeGreaterThan(0);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!).then(
      () => null,
      (e: unknown) => e as { error?: string },
    );
    expect(refreshed?.error).toBe('invalid_grant');
  });

  it('lists factors without secrets and removes one by id', async () => {
    const made = await runCli(
      [
        'user',
        'create',
        '--email',
        'fay@agency.gov.sg',
        '--given-name',
        'Fay',
        '--family-name',
        'Ong',
        '--password',
        PASSWORD,
        '--totp-secret',
        'JBSWY3DPEHPK3PXPJBSWY3DP',
        '--json',
      ],
      tp.env,
    );
    expect(made.code, made.stderr).toBe(0);
    const listed = await cli('user', 'factor', 'list', '--user', 'fay@agency.gov.sg');
    expect(listed.code, listed.stderr).toBe(0);
    const factors = listed.json as Array<{ id: string; type: string; label: string; createdAt: string; lastUsedAt: string | null }>;
    expect(factors).toEqual([{ id: expect.any(String), type: 'totp', label: 'Authenticator app', createdAt: expect.any(String), lastUsedAt: null }]);
    expect(listed.stdout).not.toContain('JBSWY3DP');
    const removed = await cli('user', 'factor', 'remove', '--user', 'fay@agency.gov.sg', '--factor-id', factors[0]!.id);
    expect(removed).toMatchObject({ code: 0, json: { id: factors[0]!.id, type: 'totp' } });
    expect((await cli('user', 'factor', 'list', '--user', 'fay@agency.gov.sg')).json).toEqual([]);
    const again = await cli('user', 'factor', 'remove', '--user', 'fay@agency.gov.sg', '--factor-id', factors[0]!.id);
    expect(again).toMatchObject({ code: 1, json: { error: 'user.factor_not_found', field: 'factorId' } });
    expect(again.stderr).toMatch(/^techpass: /);
  });

  it('keeps the existing account commands working unchanged', async () => {
    const status = await cli('user', 'set-status', '--email', 'eve.ng@agency.gov.sg', '--status', 'under_investigation');
    expect(status).toMatchObject({ code: 0, json: { user: 'eve.ng@agency.gov.sg', from: 'active', status: 'under_investigation' } });
    expect((await cli('user', 'show', '--user', 'eve.ng@agency.gov.sg')).json).toMatchObject({ status: 'under_investigation' });
    expect(await cli('vendor', 'list', '--namespace', 'cli-users')).toMatchObject({ code: 0, json: { namespace: 'cli-users', vendors: [] } });
  });
});
