/**
 * Accounts through the management API (/api/v1/users…, /api/v1/me/profile) as their
 * callers use it, with people's access tokens from a real sign-in: search (a platform
 * admin sees whole accounts, a tenant admin summaries, a plain user nothing), show
 * with an ETag, profile updates under If-Match with every identifier unique across
 * TechPass, disable / enable / terminate with a reason, unlock, end sessions (a
 * refresh token and a browser session really end), clear a fraud hold, and single
 * factors listed without secrets and removed. Each change is audited before and after.
 */
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { updateApplication } from '../src/flows/applications.js';
import { asUserId } from '../src/domain/ids.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn, startAuthorization } from './helpers/sign-in.js';

type App = Awaited<ReturnType<typeof application>>;
type Who = 'platform' | 'alphaAdmin' | 'plain';

describe(`management API: users (${engine})`, () => {
  let tp: TestServer;
  let console_: App;
  let portal: App;
  const tokens: Record<Who, string> = { platform: '', alphaAdmin: '', plain: '' };
  const ids: Record<string, string> = {};
  const call = (who: Who | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    api(tp, method, `/api/v1${path}`, { token: who ? tokens[who] : undefined, ...(body !== undefined ? { body } : {}), headers });
  const events = async (userId: string, action: string) =>
    (await tp.server.store.audit.list({ targetId: userId })).filter((e) => e.action === action);

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'ops');
    await namespace(tp, 'alpha');
    console_ = await application(tp, { namespace: 'ops', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/console/cb'] });
    const deps = administrationDeps(tp.server.store, systemClock);
    expect((await updateApplication(deps, 'test', { namespace: 'ops', clientId: console_.clientId, changes: { managementApi: true } })).ok).toBe(
      true,
    );
    portal = await application(tp, { namespace: 'alpha', name: 'Portal' });
    for (const [key, email, platformAdmin] of [
      ['platform', 'root@agency.gov.sg', true],
      ['alphaAdmin', 'alice@agency.gov.sg', false],
      ['plain', 'pat@agency.gov.sg', false],
      ['zoe', 'zoe.lim@agency.gov.sg', false],
      ['sam', 'sam.tan@agency.gov.sg', false],
    ] as const) {
      ids[key] = (await person(tp, email, { platformAdmin })).id;
    }
    const alpha = await tp.server.store.namespaces.findByName('alpha');
    await tp.server.store.forNamespace(alpha!.id).admins.add(asUserId(ids.alphaAdmin!));
    tokens.platform = await apiToken(tp, console_, 'root@agency.gov.sg');
    tokens.alphaAdmin = await apiToken(tp, console_, 'alice@agency.gov.sg');
    tokens.plain = await apiToken(tp, console_, 'pat@agency.gov.sg');
  }, 60_000);
  afterAll(() => tp?.close());

  it('searches by e-mail, name or id with cursor pages: whole accounts for a platform admin, summaries for a tenant admin, nothing for a user', async () => {
    const byEmail = await call('platform', 'GET', '/users?q=ZOE.LIM');
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.items).toEqual([expect.objectContaining({ id: ids.zoe, email: 'zoe.lim@agency.gov.sg', type: 'officer', locked: false })]);
    expect((await call('platform', 'GET', '/users?q=nobody-like-this')).body.items).toEqual([]);
    expect((await call('platform', 'GET', `/users?q=${ids.sam}`)).body.items.map((u: { id: string }) => u.id)).toEqual([ids.sam]);
    // Names: given name + family name.
    expect((await call('platform', 'GET', '/users?q=zoe.lim%20Tester')).body.items.map((u: { id: string }) => u.id)).toEqual([ids.zoe]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ email: string }>; nextCursor: string | null } } = await call(
        'platform',
        'GET',
        `/users?q=agency.gov.sg&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((u) => u.email));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(
      expect.arrayContaining(['alice@agency.gov.sg', 'pat@agency.gov.sg', 'root@agency.gov.sg', 'sam.tan@agency.gov.sg', 'zoe.lim@agency.gov.sg']),
    );
    expect(new Set(seen).size).toBe(seen.length);

    const summary = await call('alphaAdmin', 'GET', '/users?q=zoe');
    expect(summary.status).toBe(200);
    expect(summary.body.items).toEqual([
      { id: ids.zoe, email: 'zoe.lim@agency.gov.sg', givenName: 'zoe.lim', familyName: 'Tester', status: 'active' },
    ]);
    const plain = await call('plain', 'GET', '/users?q=zoe');
    expect(plain.status).toBe(403);
    expect(plain.body.error.code).toBe('access.forbidden');
    expect((await call(undefined, 'GET', '/users')).status).toBe(401);
    const bad = await call('platform', 'GET', '/users?status=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual(['status']);
    expect((await call('platform', 'GET', '/users?status=active&type=vendor')).body.items).toEqual([]);
  });

  it('shows an account with an ETag to a platform admin and to its owner, and to nobody else', async () => {
    const shown = await call('platform', 'GET', `/users/${ids.sam}`);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(shown.body).toMatchObject({ id: ids.sam, techpassId: 'sam.tan@agency.gov.sg', agency: null, platformAdmin: false });
    expect(JSON.stringify(shown.body)).not.toMatch(/password|hash|secret/i);
    expect((await call('plain', 'GET', `/users/${ids.plain}`)).body.email).toBe('pat@agency.gov.sg');
    expect((await call('plain', 'GET', '/me/profile')).body.id).toBe(ids.plain);
    for (const who of ['plain', 'alphaAdmin'] as const) {
      const refused = await call(who, 'GET', `/users/${ids.sam}`);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('access.forbidden');
    }
    // A refusal does not tell whether an id exists; a platform admin learns it does not.
    expect((await call('plain', 'GET', '/users/usr_nobody')).status).toBe(403);
    const missing = await call('platform', 'GET', '/users/usr_nobody');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'user.not_found', fields: ['userId'] });
  });

  it('updates a profile under If-Match, keeps e-mail and mobile unique across TechPass, refuses the agency, and audits before and after', async () => {
    const read = await call('platform', 'GET', `/users/${ids.zoe}`);
    const etag = read.headers.get('etag')!;
    expect((await call('platform', 'PATCH', `/users/${ids.zoe}`, { department: 'Digital' })).status).toBe(428);
    const changed = await call(
      'platform',
      'PATCH',
      `/users/${ids.zoe}`,
      { givenName: 'Zoe', familyName: 'Lim', mobile: '+65 9123 0001', department: 'Digital' },
      { 'if-match': etag },
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ givenName: 'Zoe', familyName: 'Lim', mobile: '+6591230001', department: 'Digital' });
    const fresh = changed.headers.get('etag')!;
    expect(fresh).not.toBe(etag);
    const stale = await call('platform', 'PATCH', `/users/${ids.zoe}`, { department: 'Other' }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('request.precondition_failed');

    const [updated] = await events(ids.zoe!, 'user.updated');
    expect(updated!.actor).toBe(ids.platform);
    expect(updated!.data).toMatchObject({
      role: 'platform_admin',
      before: { givenName: 'zoe.lim', familyName: 'Tester', mobile: null, department: null },
      after: { givenName: 'Zoe', familyName: 'Lim', mobile: '+6591230001', department: 'Digital' },
    });

    // Another account's mobile, another account's e-mail: 409 naming the field; nothing changes.
    const refusals: Array<[unknown, number, string, string]> = [
      [{ mobile: '+65 9123 0001' }, 409, 'user.exists', 'mobile'],
      [{ email: 'pat@agency.gov.sg' }, 409, 'user.exists', 'email'],
      [{ agency: 'GovTech' }, 400, 'input.invalid', 'agency'],
      [{ mobile: '12' }, 400, 'input.invalid', 'mobile'],
      [{ email: 'not-an-address' }, 400, 'input.invalid', 'email'],
      [{ businessOperation: 'offshore' }, 400, 'input.invalid', 'reportingOfficerEmail'],
      [{ givenName: '' }, 400, 'input.invalid', 'givenName'],
      [{}, 400, 'input.invalid', ''],
    ];
    for (const [body, status, code, field] of refusals) {
      const refused = await call('platform', 'PATCH', `/users/${ids.sam}`, body, { 'if-match': '*' });
      expect(refused.status, JSON.stringify(body)).toBe(status);
      expect(refused.body.error.code).toBe(code);
      if (field) expect(refused.body.error.fields).toEqual([field]);
    }
    expect((await call('platform', 'GET', `/users/${ids.sam}`)).body).toMatchObject({ email: 'sam.tan@agency.gov.sg', mobile: null, agency: null });
    expect(await events(ids.sam!, 'user.updated')).toEqual([]);

    // A freed identifier can be taken; an e-mail change is a platform admin's, and the new e-mail signs in.
    const moved = await call('platform', 'PATCH', `/users/${ids.sam}`, { email: 'Sam.Tan@Tech.gov.sg', mobile: '+6591230002' }, { 'if-match': '*' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ email: 'sam.tan@tech.gov.sg', techpassId: 'sam.tan@tech.gov.sg', mobile: '+6591230002' });
    expect(await tp.server.store.users.findByLogin('sam.tan@agency.gov.sg')).toBeNull();
    expect((await tp.server.store.users.findByMobile('+6591230002'))?.id).toBe(ids.sam);
    expect((await call('platform', 'PATCH', `/users/${ids.zoe}`, { mobile: null }, { 'if-match': '*' })).body.mobile).toBeNull();
    expect((await call('platform', 'PATCH', `/users/${ids.sam}`, { mobile: '+6591230001' }, { 'if-match': '*' })).status).toBe(200);
  });

  it('lets a person update their own profile (not their e-mail) and nobody else’s', async () => {
    const mine = await call('plain', 'GET', '/me/profile');
    const updated = await call(
      'plain',
      'PATCH',
      '/me/profile',
      { businessOperation: 'offshore', reportingOfficerEmail: 'Boss@Agency.gov.sg', companyAddress: '1 Fusionopolis Way' },
      { 'if-match': mine.headers.get('etag')! },
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ businessOperation: 'offshore', reportingOfficerEmail: 'boss@agency.gov.sg' });
    const [event] = await events(ids.plain!, 'user.updated');
    expect(event!.data).toMatchObject({ role: 'user', self: true, after: { businessOperation: 'offshore' } });
    const email = await call('plain', 'PATCH', '/me/profile', { email: 'pat2@agency.gov.sg' }, { 'if-match': '*' });
    expect(email.status).toBe(403);
    expect((await call('plain', 'PATCH', `/users/${ids.zoe}`, { department: 'x' }, { 'if-match': '*' })).status).toBe(403);
    expect((await call('alphaAdmin', 'PATCH', `/users/${ids.zoe}`, { department: 'x' }, { 'if-match': '*' })).status).toBe(403);
  });

  it('disables (with a reason), enables and terminates by the transition table, audited before and after; only a platform admin', async () => {
    const target = (await person(tp, 'dora@agency.gov.sg')).id;
    const noReason = await call('platform', 'POST', `/users/${target}/disable`, { reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields).toEqual(['reason']);
    expect((await call('platform', 'POST', `/users/${target}/disable`, {})).status).toBe(400);
    expect((await call('alphaAdmin', 'POST', `/users/${target}/disable`, { reason: 'x' })).status).toBe(403);
    expect((await call('plain', 'POST', `/users/${target}/terminate`, { reason: 'x' })).status).toBe(403);
    const disabled = await call('platform', 'POST', `/users/${target}/disable`, { reason: 'left the project' });
    expect(disabled.status).toBe(200);
    expect(disabled.body.status).toBe('disabled');
    const again = await call('platform', 'POST', `/users/${target}/disable`, { reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('user.status_change_refused');
    expect((await call('platform', 'POST', `/users/${target}/enable`)).body.status).toBe('active');
    expect((await call('platform', 'POST', `/users/${target}/terminate`, { reason: 'contract ended' })).body.status).toBe('terminated');
    const revive = await call('platform', 'POST', `/users/${target}/enable`, {});
    expect(revive.status).toBe(409);
    expect(revive.body.error.message).toMatch(/terminated/);
    const changes = await events(target, 'user.status_changed');
    expect(changes.map((e) => e.data)).toEqual([
      expect.objectContaining({ before: { status: 'active' }, after: { status: 'disabled' }, reason: 'left the project', role: 'platform_admin' }),
      expect.objectContaining({ before: { status: 'disabled' }, after: { status: 'active' } }),
      expect.objectContaining({ before: { status: 'active' }, after: { status: 'terminated' }, reason: 'contract ended' }),
    ]);
    expect(changes.every((e) => e.actor === ids.platform)).toBe(true);
  });

  it('ends every session of a person: the refresh token is refused and the browser must sign in again', async () => {
    const login = 'eve@agency.gov.sg';
    const target = (await person(tp, login)).id;
    const { tokens: before, config, browser } = await signIn(tp, { ...portal, login, password: PASSWORD });
    expect(before.refresh_token).toBeTruthy();
    expect((await call('alphaAdmin', 'POST', `/users/${target}/end-sessions`, {})).status).toBe(403);
    const ended = await call('platform', 'POST', `/users/${target}/end-sessions`, { reason: 'phone stolen' });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ userId: target, sessions: expect.any(Number), grants: expect.any(Number) });
    expect(ended.body.grants).toBeGreaterThan(0);
    const refreshed = await client.refreshTokenGrant(config, before.refresh_token!).then(
      () => null,
      (e: unknown) => e as { error?: string },
    );
    expect(refreshed?.error).toBe('invalid_grant');
    const silent = await startAuthorization(tp, { ...portal, prompt: 'none' });
    const page = await browser.follow(silent.url, {}, (u) => u.startsWith(portal.redirectUri));
    expect(new URL(page.url).searchParams.get('error')).toBe('login_required');
    const [event] = await events(target, 'sessions.ended');
    expect(event!.data).toMatchObject({ reason: 'ended_by_admin', role: 'platform_admin', why: 'phone stolen' });
  });

  it('unlocks a locked account and clears a fraud hold, audited; only a platform admin', async () => {
    const target = asUserId((await person(tp, 'liam@agency.gov.sg')).id);
    await tp.server.store.users.lock(target);
    expect((await call('platform', 'GET', `/users/${target}`)).body.locked).toBe(true);
    const refusedUnlock = await call('alphaAdmin', 'POST', `/users/${target}/unlock`);
    expect(refusedUnlock.status, JSON.stringify(refusedUnlock.body)).toBe(403);
    const unlocked = await call('platform', 'POST', `/users/${target}/unlock`, { reason: 'verified by phone' });
    expect(unlocked.status).toBe(200);
    expect(unlocked.body).toMatchObject({ locked: false, lockedAt: null });
    const [event] = await events(target, 'user.unlocked');
    expect(event!.data).toMatchObject({ before: { locked: true }, after: { locked: false }, reason: 'verified by phone' });

    expect(await tp.server.store.accountStatuses.changeStatus(target, ['active'], 'high_risk')).toBe(true);
    expect((await call('plain', 'POST', `/users/${target}/clear-risk`)).status).toBe(403);
    expect((await call('platform', 'POST', `/users/${target}/clear-risk`)).body.status).toBe('active');
    const twice = await call('platform', 'POST', `/users/${target}/clear-risk`);
    expect(twice.status).toBe(409);
    expect((await events(target, 'user.risk_cleared')).length).toBe(1);
  });

  it('lists factors without secrets and removes one; a person lists their own but may not remove it without a fresh second factor', async () => {
    const target = asUserId((await person(tp, 'fay@agency.gov.sg')).id);
    const totp = await tp.server.store.users.addTotpFactor(target, 'Work phone app', 'JBSWY3DPEHPK3PXPJBSWY3DP');
    const listed = await call('platform', 'GET', `/users/${target}/factors`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual(
      expect.arrayContaining([
        { id: totp, type: 'totp', label: 'Work phone app', createdAt: expect.any(Number), lastUsedAt: null },
        expect.objectContaining({ type: 'authenticator' }),
      ]),
    );
    expect(JSON.stringify(listed.body)).not.toMatch(/JBSWY3DP|secret|public/i);
    expect((await call('alphaAdmin', 'GET', `/users/${target}/factors`)).status).toBe(403);
    expect((await call('plain', 'GET', `/users/${ids.plain}/factors`)).status).toBe(200);
    const own = (await call('plain', 'GET', `/users/${ids.plain}/factors`)).body.items[0];
    const selfRemoval = await call('plain', 'DELETE', `/users/${ids.plain}/factors/${own.id}`);
    expect(selfRemoval.status).toBe(403);
    // A token shows no recent sign-in: the portal's fresh sign-in does (test/own-factors.test.ts).
    expect(selfRemoval.body.error).toMatchObject({ code: 'session.fresh_sign_in_required' });

    const removed = await call('platform', 'DELETE', `/users/${target}/factors/${totp}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ id: totp, type: 'totp' });
    expect((await call('platform', 'GET', `/users/${target}/factors`)).body.items.map((f: { type: string }) => f.type)).toEqual(['authenticator']);
    const gone = await call('platform', 'DELETE', `/users/${target}/factors/${totp}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({ code: 'user.factor_not_found', fields: ['factorId'] });
    // Another person's factor id does not reach through this account.
    expect((await call('platform', 'DELETE', `/users/${ids.zoe}/factors/${own.id}`)).status).toBe(404);
    const [event] = await events(target, 'mfa.factor_removed');
    expect(event!.data).toMatchObject({ before: { id: totp, type: 'totp', label: 'Work phone app' }, after: null, role: 'platform_admin' });
    const mail = (await tp.server.store.outbox.recent(10, 'fay@agency.gov.sg')).find((m) => /was removed/.test(m.subject));
    expect(mail).toBeTruthy();
  });
});
