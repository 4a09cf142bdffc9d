/**
 * Vendor accounts through the CLI, as an operator runs it for a tenant admin:
 * `techpass vendor create | list | resend-code`, their JSON and exit codes, the e-mail
 * (TechPass ID) and SMS (activation code) written to the outbox with the account,
 * each identifier unique across TechPass with nothing created on a clash, and an
 * unknown namespace or a bad flag refused with the field named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { namespace, user } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { smsCode, smsTo } from './helpers/vendors.js';

describe(`techpass vendor (${engine})`, () => {
  let tp: TestServer;
  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'acme');
    await namespace(tp, 'other');
  });
  afterAll(() => tp?.close());

  const cli = (args: string[]) => runCli(['vendor', ...args, '--json'], tp.env);
  const create = (ns: string, email: string, username: string, mobile: string, extra: string[] = []) =>
    cli(['create', '--namespace', ns, '--email', email, '--username', username, '--mobile', mobile, ...extra]);
  const list = async (ns: string) => ((await cli(['list', '--namespace', ns])).json as { vendors: Array<Record<string, unknown>> }).vendors;

  function refused(res: CliResult, error: string, field: string) {
    expect(res.code, res.stdout + res.stderr).toBe(1);
    expect(res.json).toMatchObject({ error, field });
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  }

  /** How many messages the outbox holds, to show a refusal wrote none. */
  const outboxSize = async () => (await tp.server.store.outbox.recent(200)).length;

  it('creates a pending vendor in its namespace, e-mails the TechPass ID and texts a one-time code, in one go', async () => {
    const res = await create('acme', 'Ravi.Kumar@Vendor.com.sg', 'ravi_kumar', '+65 9123 4567');
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({
      namespace: 'acme',
      techpassId: 'ravi_kumar@techpass.local',
      email: 'ravi.kumar@vendor.com.sg',
      mobile: '+6591234567',
      givenName: 'Ravi',
      familyName: 'Kumar',
      status: 'pending',
      activationCode: 'live',
    });
    const created = res.json as { id: string; activationCodeExpiresAt: string; createdAt: string };
    // 72 hours by default.
    const ttl = Date.parse(created.activationCodeExpiresAt) - Date.parse(created.createdAt);
    expect(Math.abs(ttl - 72 * 3600 * 1000)).toBeLessThan(60_000);

    const account = (await tp.server.store.users.findByLogin('ravi_kumar@techpass.local'))!;
    expect(account).toMatchObject({ id: created.id, accountType: 'vendor', status: 'pending', hasPassword: false });
    const acme = (await tp.server.store.namespaces.findByName('acme'))!;
    const other = (await tp.server.store.namespaces.findByName('other'))!;
    expect(await tp.server.store.forNamespace(acme.id).vendors.get(account.id)).toMatchObject({ user: { id: account.id } });
    // Another namespace's scope does not see it.
    expect(await tp.server.store.forNamespace(other.id).vendors.get(account.id)).toBeNull();

    // The username by e-mail: branded text and HTML, the TechPass ID, how to sign in, where the code went.
    const [mail] = (await tp.server.store.outbox.recent(10, 'ravi.kumar@vendor.com.sg')).filter((m) => m.channel === 'mail');
    expect(mail).toMatchObject({ subject: 'Your TechPass account' });
    expect(mail!.text).toContain('Your TechPass ID is ravi_kumar@techpass.local');
    expect(mail!.text).toContain('your TechPass ID: ravi_kumar@techpass.local');
    expect(mail!.text).toContain('ending in 4567');
    expect(mail!.text).toMatch(/activation code .*choose your password/);
    expect(mail!.text).toContain('ask your tenant administrator for a new one');
    expect(mail!.html).toContain('ravi_kumar@techpass.local');
    expect(mail!.html).toContain('<!doctype html>');
    // The code by SMS only: never in the mail, never in the CLI's answer; stored as an HMAC.
    const [text] = await smsTo(tp, '+6591234567');
    expect(text!.text).toMatch(
      /^TechPass: the activation code of ravi_kumar@techpass\.local is \d{8}\. It works once, until \d{4}-\d\d-\d\d \d\d:\d\d UTC\./,
    );
    const code = await smsCode(tp, '+6591234567');
    expect(mail!.text).not.toContain(code);
    expect(res.stdout).not.toContain(code);
    expect(await tp.server.store.activationCodes.matches(account.id, code)).toBe(true);
    expect(await tp.server.store.activationCodes.matches(account.id, '00000000')).toBe(false);

    const events = await tp.server.store.audit.list({ targetId: account.id, limit: 20 });
    expect(events.map((e) => e.action)).toEqual(['user.created', 'vendor.activation_code_issued']);
    expect(events[0]!.data).toMatchObject({ type: 'vendor', status: 'pending', mobile: '+6591234567' });
  });

  it('lists the namespace’s vendors and only them', async () => {
    const acme = await list('acme');
    expect(acme).toHaveLength(1);
    expect(acme[0]).toMatchObject({ techpassId: 'ravi_kumar@techpass.local', status: 'pending', activationCode: 'live' });
    expect(await list('other')).toEqual([]);
    const text = await runCli(['vendor', 'list', '--namespace', 'acme'], tp.env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('ravi_kumar@techpass.local  pending');
  });

  it('refuses a duplicate e-mail, username or mobile, each naming its field, and creates nothing', async () => {
    await user(tp, 'officer.taken@agency.gov.sg', { phone: false });
    const before = { acme: (await list('acme')).length, outbox: await outboxSize() };
    const clashes: Array<[string, string, string, string]> = [
      ['email', 'RAVI.KUMAR@vendor.com.sg', 'ravi_two', '+6591230001'],
      ['email', 'officer.taken@agency.gov.sg', 'ravi_three', '+6591230002'],
      ['username', 'ravi.other@vendor.com.sg', 'ravi_kumar', '+6591230003'],
      ['username', 'ravi.other@vendor.com.sg', 'Ravi_Kumar@techpass.local', '+6591230004'],
      ['mobile', 'ravi.other@vendor.com.sg', 'ravi_other', '+65 9123-4567'],
    ];
    for (const [field, email, username, mobile] of clashes) {
      const res = await create('acme', email, username, mobile, ['--given-name', 'Other', '--family-name', 'Vendor']);
      refused(res, 'user.exists', field);
    }
    expect(await tp.server.store.users.findByLogin('ravi.other@vendor.com.sg')).toBeNull();
    for (const name of ['ravi_two', 'ravi_three', 'ravi_other']) expect(await tp.server.store.users.findByLogin(name)).toBeNull();
    expect(await tp.server.store.users.findByMobile('+6591230001')).toBeNull();
    expect((await list('acme')).length).toBe(before.acme);
    expect(await outboxSize()).toBe(before.outbox);
  });

  it('refuses an unknown namespace, bad values and missing flags, and creates nothing', async () => {
    const before = await outboxSize();
    refused(await create('nowhere', 'a.vendor@vendor.com.sg', 'a_vendor', '+6581110000'), 'namespace.not_found', 'namespace');
    refused(await create('acme', 'a.vendor@vendor.com.sg', 'a_vendor', '12345'), 'input.invalid', 'mobile');
    refused(await create('acme', 'not-an-email', 'a_vendor', '+6581110000'), 'input.invalid', 'email');
    refused(await create('acme', 'a.vendor@vendor.com.sg', 'a_vendor@vendor.com.sg', '+6581110000'), 'input.invalid', 'username');
    refused(await create('acme', 'a.vendor@vendor.com.sg', 'x', '+6581110000'), 'input.invalid', 'username');
    // No first_last username and no names given: the names are asked for.
    refused(await create('acme', 'a.vendor@vendor.com.sg', 'avendor', '+6581110000'), 'input.invalid', 'givenName');
    const missing = await runCli(['vendor', 'create', '--namespace', 'acme', '--email', 'a.vendor@vendor.com.sg', '--username', 'a_vendor'], tp.env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--mobile');
    const unknown = await create('acme', 'a.vendor@vendor.com.sg', 'a_vendor', '+6581110000', ['--bogus']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('--bogus');
    refused(await cli(['list', '--namespace', 'nowhere']), 'namespace.not_found', 'namespace');
    expect(await tp.server.store.users.findByLogin('a.vendor@vendor.com.sg')).toBeNull();
    expect(await outboxSize()).toBe(before);
  });

  it('reads how long a code works from VENDOR_ACTIVATION_CODE_TTL, and refuses a bad value in one line', async () => {
    const args = [
      'vendor',
      'create',
      '--namespace',
      'acme',
      '--email',
      'short.lived@vendor.com.sg',
      '--username',
      'short.lived',
      '--mobile',
      '+6581113333',
      '--json',
    ];
    const bad = await runCli(args, { ...tp.env, VENDOR_ACTIVATION_CODE_TTL: 'soon' });
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ error: 'config.invalid' });
    expect(bad.stderr).toContain('VENDOR_ACTIVATION_CODE_TTL');
    expect(await tp.server.store.users.findByLogin('short.lived')).toBeNull();
    const res = await runCli(args, { ...tp.env, VENDOR_ACTIVATION_CODE_TTL: '600' });
    expect(res.code, res.stderr).toBe(0);
    const made = res.json as { activationCodeExpiresAt: string; createdAt: string };
    expect(Math.abs(Date.parse(made.activationCodeExpiresAt) - Date.parse(made.createdAt) - 600_000)).toBeLessThan(5_000);
    expect((await smsTo(tp, '+6581113333'))[0]!.text).toContain(made.activationCodeExpiresAt.slice(0, 16).replace('T', ' '));
  });

  it('sends a new code on request: the old one stops working; only a pending vendor of that namespace gets one', async () => {
    const account = (await tp.server.store.users.findByLogin('ravi_kumar'))!;
    const old = await smsCode(tp, '+6591234567');
    const res = await cli(['resend-code', '--namespace', 'acme', '--username', 'ravi_kumar@techpass.local']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ techpassId: 'ravi_kumar@techpass.local', status: 'pending', activationCode: 'live' });
    const fresh = await smsCode(tp, '+6591234567');
    expect(await tp.server.store.activationCodes.matches(account.id, fresh)).toBe(true);
    if (fresh !== old) expect(await tp.server.store.activationCodes.matches(account.id, old)).toBe(false);
    expect((await smsTo(tp, '+6591234567')).length).toBe(2);

    // Another namespace's admin cannot reach it; an officer is not a vendor; an active vendor needs no code.
    refused(await cli(['resend-code', '--namespace', 'other', '--username', 'ravi_kumar']), 'user.not_found', 'username');
    refused(await cli(['resend-code', '--namespace', 'acme', '--username', 'officer.taken@agency.gov.sg']), 'user.not_found', 'username');
    refused(await cli(['resend-code', '--namespace', 'nowhere', '--username', 'ravi_kumar']), 'namespace.not_found', 'namespace');
    expect((await create('acme', 'active.vendor@vendor.com.sg', 'active.vendor', '+6581112222')).code).toBe(0);
    const active = (await tp.server.store.users.findByLogin('active.vendor'))!;
    await tp.server.store.accountStatuses.changeStatus(active.id, ['pending'], 'active');
    refused(await cli(['resend-code', '--namespace', 'acme', '--username', 'active.vendor']), 'user.status_change_refused', 'username');
    expect((await smsTo(tp, '+6581112222')).length).toBe(1);
  });
});
