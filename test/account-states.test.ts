/**
 * Accounts and their states, driven as an administrator and a person would: the CLI
 * changes statuses (each allowed transition, each refusal, each audited with the
 * status before and after), sign-in over HTTP refuses pending, disabled and
 * terminated accounts with the right page, the identifiers (e-mail, username,
 * mobile) each stay with one account, an offshore user needs their reporting officer
 * and company address, and a local TechPass ID reads name@<local domain>.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { applyStatusChange } from '../src/flows/account-status.js';
import { createUser } from '../src/flows/administration.js';
import { migrateTo } from '../src/persistence/migrator.js';
import { openDatabase } from '../src/persistence/store.js';
import { systemClock } from '../src/platform/clock.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser, text, type Page } from './helpers/http-browser.js';
import { givePhone } from './helpers/phone.js';
import { nodeEnv, startTestServer, type TestServer } from './helpers/server.js';
import { signIn, startAuthorization } from './helpers/sign-in.js';

describe(`accounts and their states (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'states');
    app = await application(tp, { namespace: 'states', name: 'States Portal' });
  });
  afterAll(() => tp?.close());

  const cli = (args: string[]) => runCli([...args, '--json'], tp.env);
  const setStatus = (email: string, status: string, reason?: string) =>
    cli(['user', 'set-status', '--email', email, '--status', status, ...(reason ? ['--reason', reason] : [])]);
  const statusOf = async (login: string) => (await tp.server.store.users.findByLogin(login))?.status;

  function refused(res: CliResult, error: string, field: string) {
    expect(res.code, res.stdout).toBe(1);
    expect(res.json).toMatchObject({ error, field });
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  }

  /** Identify and password: the page the sign-in shows next. */
  async function afterPassword(login: string): Promise<Page> {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
    return browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
  }

  it('walks an account through each allowed transition, audits each with before and after, and refuses the others', async () => {
    const email = 'walk.through@agency.gov.sg';
    const account = await user(tp, email);
    const steps: Array<[string, string, string]> = [
      ['disabled', 'active', 'disable'],
      ['active', 'disabled', 'enable'],
      ['under_investigation', 'active', 'investigation_on'],
      ['active', 'under_investigation', 'investigation_off'],
    ];
    for (const [to, from] of steps) {
      const res = await setStatus(email, to, `step to ${to}`);
      expect(res.code, res.stderr).toBe(0);
      expect(res.json).toEqual({ user: email, userId: account.id, from, status: to });
      expect(await statusOf(email)).toBe(to);
    }
    // Refused: the status already held, and a change the table does not have; nothing changes.
    refused(await setStatus(email, 'active'), 'user.status_change_refused', 'status');
    await setStatus(email, 'disabled');
    refused(await setStatus(email, 'under_investigation'), 'user.status_change_refused', 'status');
    expect(await statusOf(email)).toBe('disabled');

    const terminated = await setStatus(email, 'terminated', 'left the agency');
    expect(terminated.json).toMatchObject({ from: 'disabled', status: 'terminated' });
    // Terminated is final: nothing leaves it.
    for (const status of ['active', 'disabled', 'under_investigation', 'terminated']) {
      const res = await setStatus(email, status);
      refused(res, 'user.status_change_refused', 'status');
      expect(res.stderr).toContain('terminated');
    }
    expect(await statusOf(email)).toBe('terminated');

    const events = (await tp.server.store.audit.list({ targetId: account.id, limit: 100 })).filter((e) => e.action === 'user.status_changed');
    expect(events.map((e) => e.data)).toEqual([
      { change: 'disable', from: 'active', to: 'disabled', reason: 'step to disabled' },
      { change: 'enable', from: 'disabled', to: 'active', reason: 'step to active' },
      { change: 'investigation_on', from: 'active', to: 'under_investigation', reason: 'step to under_investigation' },
      { change: 'investigation_off', from: 'under_investigation', to: 'active', reason: 'step to active' },
      { change: 'disable', from: 'active', to: 'disabled' },
      { change: 'terminate', from: 'disabled', to: 'terminated', reason: 'left the agency' },
    ]);
    expect(events.every((e) => e.actor.length > 0)).toBe(true);
    expect((await tp.server.store.audit.verify()).ok).toBe(true);
  });

  it('answers bad input with a clear error and changes nothing', async () => {
    refused(await setStatus('nobody.here@agency.gov.sg', 'disabled'), 'user.not_found', 'email');
    const bogus = await setStatus('nobody.here@agency.gov.sg', 'asleep');
    expect(bogus.code).not.toBe(0);
    expect(bogus.stderr).toContain('asleep');
    await user(tp, 'blank.reason@agency.gov.sg');
    refused(await setStatus('blank.reason@agency.gov.sg', 'disabled', '   '), 'input.invalid', 'reason');
    expect(await statusOf('blank.reason@agency.gov.sg')).toBe('active');
  });

  it('refuses sign-in to a pending account until it is activated, with "finish setting up your account first"', async () => {
    const email = 'not.yet@agency.gov.sg';
    const created = await createUser(administrationDeps(tp.server.store, systemClock), 'test', {
      email,
      givenName: 'Not',
      familyName: 'Yet',
      password: PASSWORD,
      pending: true,
    });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.value.status).toBe('pending');
    await givePhone(tp, created.value.id, [email]);

    const page = await afterPassword(email);
    expect(text(page)).toContain('Finish setting up your account first');
    expect(text(page)).toContain('onboarding e-mail');

    const activated = await setStatus(email, 'active');
    expect(activated.json).toMatchObject({ from: 'pending', status: 'active' });
    const { tokens } = await signIn(tp, { ...app, login: email, password: PASSWORD });
    expect(tokens.claims()!.sub).toBe(created.value.id);
    const events = await tp.server.store.audit.list({ targetId: created.value.id, limit: 50 });
    expect(events.find((e) => e.action === 'user.status_changed')?.data).toEqual({ change: 'activate', from: 'pending', to: 'active' });
  });

  it('refuses sign-in to a disabled and to a terminated account, and ends the session it had', async () => {
    for (const status of ['disabled', 'terminated']) {
      const email = `gone.${status}@agency.gov.sg`;
      const account = await user(tp, email);
      const { browser } = await signIn(tp, { ...app, login: email, password: PASSWORD });
      expect((await setStatus(email, status)).code).toBe(0);
      const page = await afterPassword(email);
      expect(text(page)).toContain('Your account cannot sign in');
      expect(text(page)).not.toContain('Enter the number');
      // The browser that was signed in is signed in no more: the application learns login_required.
      const silent = await startAuthorization(tp, { ...app, prompt: 'none' });
      const answer = await browser.follow(silent.url, {}, (u) => u.startsWith(app.redirectUri));
      expect(new URL(answer.url).searchParams.get('error')).toBe('login_required');
      const ended = (await tp.server.store.audit.list({ targetId: account.id, limit: 50 })).find((e) => e.action === 'sessions.ended');
      expect(ended?.data).toMatchObject({ reason: 'status_changed' });
    }
  });

  it('keeps a pending account pending when a fraud report arrives (clearing it would skip onboarding)', async () => {
    const email = 'pending.report@agency.gov.sg';
    const created = await createUser(administrationDeps(tp.server.store, systemClock), 'test', {
      email,
      givenName: 'P',
      familyName: 'R',
      pending: true,
    });
    if (!created.ok) throw new Error(created.message);
    const marked = await tp.server.store.transaction((tx) => applyStatusChange(tx, created.value.id, 'high_risk_on', 'test'));
    expect(marked).toMatchObject({ ok: false, refusal: 'not_allowed', from: 'pending' });
    expect(await statusOf(email)).toBe('pending');
  });

  it('keeps each e-mail, username and mobile number to one account, and stores the profile', async () => {
    const create = (email: string, extra: string[] = []) =>
      cli(['user', 'create', '--email', email, '--given-name', 'Ravi', '--family-name', 'Kumar', '--password', PASSWORD, ...extra]);
    const first = await create('ravi.states@vendor.com.sg', [
      '--username',
      'ravi_states',
      '--type',
      'vendor',
      '--mobile',
      '+65 9123 4567',
      '--department',
      'Platform Engineering',
      '--operation',
      'onshore',
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json).toMatchObject({
      techpassId: 'ravi_states',
      type: 'vendor',
      mobile: '+6591234567',
      department: 'Platform Engineering',
      operation: 'onshore',
    });
    const stored = await tp.server.store.users.findByMobile('+6591234567');
    expect(stored?.email).toBe('ravi.states@vendor.com.sg');
    expect(stored?.profile).toMatchObject({ mobile: '+6591234567', department: 'Platform Engineering', businessOperation: 'onshore', agency: null });

    refused(await create('Ravi.States@Vendor.com.sg'), 'user.exists', 'email');
    refused(await create('other.one@vendor.com.sg', ['--username', 'RAVI_STATES']), 'user.exists', 'username');
    const mobileTaken = await create('other.two@vendor.com.sg', ['--mobile', '0065-9123-4567']);
    refused(mobileTaken, 'user.exists', 'mobile');
    expect(mobileTaken.stderr).toContain('+6591234567');
    for (const login of ['other.one@vendor.com.sg', 'other.two@vendor.com.sg']) expect(await tp.server.store.users.findByLogin(login)).toBeNull();

    refused(await create('bad.mobile@vendor.com.sg', ['--mobile', '9123 4567']), 'input.invalid', 'mobile');
    refused(await create('bad.op@vendor.com.sg', ['--operation', 'overseas']), 'input.invalid', 'operation');
    refused(await create('no.username@vendor.com.sg', ['--type', 'vendor']), 'input.invalid', 'username');
    for (const login of ['bad.mobile@vendor.com.sg', 'bad.op@vendor.com.sg', 'no.username@vendor.com.sg']) {
      expect(await tp.server.store.users.findByLogin(login)).toBeNull();
    }
  });

  it('requires an offshore user’s reporting officer and company address', async () => {
    const create = (extra: string[]) =>
      cli([
        'user',
        'create',
        '--email',
        'far.away@vendor.com.sg',
        '--given-name',
        'Far',
        '--family-name',
        'Away',
        '--password',
        PASSWORD,
        '--operation',
        'offshore',
        ...extra,
      ]);
    refused(await create([]), 'input.invalid', 'reportingOfficer');
    refused(await create(['--reporting-officer', 'boss@agency.gov.sg']), 'input.invalid', 'companyAddress');
    refused(await create(['--reporting-officer', 'not-an-email', '--company-address', '1 Harbour Rd']), 'input.invalid', 'reportingOfficer');
    expect(await tp.server.store.users.findByLogin('far.away@vendor.com.sg')).toBeNull();
    const ok = await create(['--reporting-officer', 'Boss@Agency.gov.sg', '--company-address', '1 Harbour Road, Manila']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await tp.server.store.users.findByLogin('far.away@vendor.com.sg'))?.profile).toMatchObject({
      businessOperation: 'offshore',
      reportingOfficerEmail: 'boss@agency.gov.sg',
      companyAddress: '1 Harbour Road, Manila',
    });
  });

  it('signs a local account in by its bare username and by name@<local domain>', async () => {
    const account = await user(tp, 'local.one@vendor.com.sg', { username: 'local_one', phone: false });
    await givePhone(tp, account.id, ['local_one', 'local_one@techpass.local']);
    for (const login of ['local_one', 'Local_One@TechPass.Local']) {
      const { tokens } = await signIn(tp, { ...app, login, password: PASSWORD });
      expect(tokens.claims()!.sub).toBe(account.id);
    }
    expect((await tp.server.store.users.findByLogin('local_one@techpass.local'))?.id).toBe(account.id);
    expect(await tp.server.store.users.findByLogin('local_one@other.local')).toBeNull();
  });
});

describe(`a configured local ID domain (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  beforeAll(async () => {
    tp = await startTestServer({ env: { LOCAL_ID_DOMAIN: 'Vendors.Example.SG' } });
    await namespace(tp, 'local-ids');
    app = await application(tp, { namespace: 'local-ids', name: 'Local IDs' });
  });
  afterAll(() => tp?.close());

  it('reads name@<LOCAL_ID_DOMAIN> at sign-in and in the CLI, and not name@techpass.local', async () => {
    const account = await user(tp, 'mei.ling@contractor.sg', { username: 'mei_ling', phone: false });
    await givePhone(tp, account.id, ['mei_ling@vendors.example.sg']);
    const { tokens } = await signIn(tp, { ...app, login: 'mei_ling@vendors.example.sg', password: PASSWORD });
    expect(tokens.claims()!.sub).toBe(account.id);
    expect(await tp.server.store.users.findByLogin('mei_ling@techpass.local')).toBeNull();
    const res = await runCli(['user', 'set-status', '--email', 'MEI_LING@vendors.example.sg', '--status', 'disabled', '--json'], tp.env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ userId: account.id, status: 'disabled' });
  });

  it('refuses a LOCAL_ID_DOMAIN that is not a domain, in one line naming the setting', async () => {
    const res = await runCli(['migrate'], { ...tp.env, LOCAL_ID_DOMAIN: 'not a domain' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('LOCAL_ID_DOMAIN');
  });
});

describe(`account profiles of an earlier release (${engine})`, () => {
  it('carries accounts over: their mobile number becomes an identifier no new account can take', async () => {
    const target = await freshDatabaseTarget();
    const env = await nodeEnv(target);
    const database = openDatabase(target);
    try {
      await migrateTo(database, '0013-identity-providers');
      const base = {
        given_name: 'Old',
        family_name: 'Account',
        account_type: 'officer',
        status: 'active',
        failed_sign_ins: 0,
        created_at: 1,
        updated_at: 1,
        status_changed_at: 1,
      };
      await database.db
        .insertInto('users')
        .values([
          { ...base, id: 'usr_with_mobile', email: 'old.mobile@agency.gov.sg', mobile: '+6598765432' },
          { ...base, id: 'usr_without', email: 'old.plain@agency.gov.sg' },
        ])
        .execute();
      await database.db
        .insertInto('user_identifiers')
        .values([
          { identifier: 'old.mobile@agency.gov.sg', user_id: 'usr_with_mobile', kind: 'email' },
          { identifier: 'old.plain@agency.gov.sg', user_id: 'usr_without', kind: 'email' },
        ])
        .execute();
    } finally {
      await database.close();
    }

    const migrated = await runCli(['migrate', '--json'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    // 0014 and whatever came after it; nothing before it runs again.
    const applied = (migrated.json as { applied: string[] }).applied;
    expect(applied[0]).toBe('0014-account-profile');
    expect(applied.every((name) => name >= '0014')).toBe(true);

    const taken = await runCli(
      ['user', 'create', '--email', 'new.one@agency.gov.sg', '--given-name', 'N', '--family-name', 'O', '--mobile', '+65 9876 5432', '--json'],
      env,
    );
    expect(taken).toMatchObject({ code: 1, json: { error: 'user.exists', field: 'mobile' } });
    const free = await runCli(
      ['user', 'create', '--email', 'new.two@agency.gov.sg', '--given-name', 'N', '--family-name', 'T', '--mobile', '+65 9876 5433', '--json'],
      env,
    );
    expect(free.code, free.stderr).toBe(0);

    const after = openDatabase(target);
    try {
      const identifiers = await after.db
        .selectFrom('user_identifiers')
        .select(['identifier', 'user_id', 'kind'])
        .where('kind', '=', 'mobile')
        .execute();
      expect(identifiers.sort((a, b) => (a.identifier < b.identifier ? -1 : 1))).toEqual([
        { identifier: '+6598765432', user_id: 'usr_with_mobile', kind: 'mobile' },
        { identifier: '+6598765433', user_id: (free.json as { id: string }).id, kind: 'mobile' },
      ]);
      const old = await after.db
        .selectFrom('users')
        .select(['business_operation', 'reporting_officer_email', 'company_address'])
        .where('id', '=', 'usr_without')
        .executeTakeFirst();
      expect(old).toEqual({ business_operation: null, reporting_officer_email: null, company_address: null });
    } finally {
      await after.close();
    }
  });
});
