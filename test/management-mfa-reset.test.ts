/**
 * "Reset MFA" through the management API (POST /api/v1/users/{id}/reset-mfa, issue 20)
 * with people's access tokens from a real sign-in: a platform admin removes every second
 * factor of someone else's account; the person's sessions end (a refresh token and a
 * browser session), they are e-mailed, the reset is audited with the admin's role; a
 * tenant admin, a plain user and the admin for their own account are refused and change
 * nothing; an unknown account is 404.
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
const SUBJECT = 'Your TechPass sign-in methods were reset';

describe(`management API: reset MFA (${engine})`, () => {
  let tp: TestServer;
  let console_: App;
  let portal: App;
  const tokens: Record<Who, string> = { platform: '', alphaAdmin: '', plain: '' };
  const ids: Record<string, string> = {};
  const call = (who: Who, path: string, body?: unknown) =>
    api(tp, 'POST', `/api/v1${path}`, { token: tokens[who], ...(body !== undefined ? { body } : {}) });
  const resets = async (userId: string) => (await tp.server.store.audit.list({ targetId: userId })).filter((e) => e.action === 'mfa.reset');
  const mails = async (to: string) => (await tp.server.store.outbox.recent(20, to)).filter((m) => m.subject === SUBJECT);

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

  it('removes every factor, ends the sessions, e-mails the person and audits the reset with the role and reason', async () => {
    const login = 'lost.phone@agency.gov.sg';
    const target = asUserId((await person(tp, login)).id);
    await tp.server.store.users.addTotpFactor(target, 'Work phone app', 'JBSWY3DPEHPK3PXPJBSWY3DP');
    const { tokens: before, config, browser } = await signIn(tp, { ...portal, login, password: PASSWORD });
    expect(before.refresh_token).toBeTruthy();

    const reset = await call('platform', `/users/${target}/reset-mfa`, { reason: 'phone lost; identity checked by video call' });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(reset.body).toEqual({ userId: target, techpassId: login, removed: { authenticators: 1, totp: 1, passkeys: 0 } });
    expect(await tp.server.store.userDirectory.factors(target)).toEqual([]);
    expect((await api(tp, 'GET', `/api/v1/users/${target}/factors`, { token: tokens.platform })).body.items).toEqual([]);

    // The person's sessions ended: the refresh token is refused, and the browser must sign in again.
    const refreshed = await client.refreshTokenGrant(config, before.refresh_token!).then(
      () => null,
      (e: unknown) => e as { error?: string },
    );
    expect(refreshed?.error).toBe('invalid_grant');
    const silent = await startAuthorization(tp, { ...portal, prompt: 'none' });
    const page = await browser.follow(silent.url, {}, (u) => u.startsWith(portal.redirectUri));
    expect(new URL(page.url).searchParams.get('error')).toBe('login_required');

    const [mail] = await mails(login);
    expect(mail?.text).toContain('removed every second factor');
    expect(mail?.text).toContain(`${tp.issuer}/login/reset`);
    const [event] = await resets(target);
    expect(event).toMatchObject({ actor: ids.platform });
    expect(event!.data).toEqual({
      role: 'platform_admin',
      via: 'access_token',
      reason: 'phone lost; identity checked by video call',
      removed: { authenticators: 1, totp: 1, passkeys: 0 },
    });

    // A second reset finds nothing left to remove, and says so.
    const again = await call('platform', `/users/${target}/reset-mfa`);
    expect(again.status).toBe(200);
    expect(again.body.removed).toEqual({ authenticators: 0, totp: 0, passkeys: 0 });
  });

  it('refuses a tenant admin, a plain user and a platform admin’s own account, changing nothing', async () => {
    const login = 'kept.factors@agency.gov.sg';
    const target = asUserId((await person(tp, login)).id);
    for (const who of ['alphaAdmin', 'plain'] as const) {
      const refused = await call(who, `/users/${target}/reset-mfa`, {});
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toEqual(expect.any(String));
    }
    // A plain user may not reset their own either (it would skip the fresh second factor).
    expect((await call('plain', `/users/${ids.plain}/reset-mfa`)).status).toBe(403);
    const own = await call('platform', `/users/${ids.platform}/reset-mfa`);
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/another platform admin/);
    expect(await tp.server.store.userDirectory.factors(target)).toHaveLength(1);
    expect(await tp.server.store.userDirectory.factors(asUserId(ids.platform!))).toHaveLength(1);
    expect(await resets(target)).toEqual([]);
    expect(await mails(login)).toEqual([]);
  });

  it('answers 404 for an account that does not exist, and refuses a forged body', async () => {
    const unknown = await call('platform', '/users/usr_nobody/reset-mfa');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'user.not_found', fields: ['userId'] });
    // A tenant admin learns nothing of which ids exist: 403 either way.
    expect((await call('alphaAdmin', '/users/usr_nobody/reset-mfa')).status).toBe(403);
    const forged = await call('platform', `/users/${ids.plain}/reset-mfa`, { reason: 'x', removeAlso: 'everything' });
    expect(forged.status).toBe(400);
    expect(await tp.server.store.userDirectory.factors(asUserId(ids.plain!))).toHaveLength(1);
  });
});
