/**
 * A person changes their own password through the management API (issue 20's My
 * Account › Security), from the portal or with their access token: the sign-in page's
 * rules (a wrong current password counts in the lockout, strength, must differ, every
 * session of the account ends, the portal's too, audited and mailed), field errors in
 * the API's error shape, and 409 for a federated officer, whose agency manages theirs.
 */
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { updateApplication } from '../src/flows/applications.js';
import { systemClock } from '../src/platform/clock.js';
import { hashPassword } from '../src/strategies/password/hash.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { federatedUpstream } from './helpers/federation.js';
import { form, HttpBrowser } from './helpers/http-browser.js';
import { waitForMail } from './helpers/mail.js';
import { portalCallback, portalHttp, portalSessionAt } from './helpers/portal-http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, signIn } from './helpers/sign-in.js';
import { signInAtUpstream, upstreamUser } from './helpers/upstream.js';
import type { UpstreamProvider } from '../src/oidc/demo-upstream/index.js';

const NEW_PASSWORD = 'A-Brand-New-Passphrase-2026';
const OFFICER = 'fed.officer@wog.gov.sg';

describe(`changing my password through the API (${engine})`, () => {
  let tp: TestServer;
  let wiki: Awaited<ReturnType<typeof application>>;
  let console_: Awaited<ReturnType<typeof application>>;
  let wog: UpstreamProvider;

  beforeAll(async () => {
    tp = await startTestServer({ env: { LOCKOUT_THRESHOLD: '3', OUTBOUND_ALLOW_PRIVATE: 'true' } });
    await namespace(tp, 'pwd');
    wiki = await application(tp, { namespace: 'pwd', name: 'Wiki', redirectUris: ['https://wiki.example.gov.sg/cb'] });
    console_ = await application(tp, { namespace: 'pwd', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/console/cb'] });
    const deps = administrationDeps(tp.server.store, systemClock);
    expect((await updateApplication(deps, 'test', { namespace: 'pwd', clientId: console_.clientId, changes: { managementApi: true } })).ok).toBe(
      true,
    );
    for (const email of ['gil@agency.gov.sg', 'hal@agency.gov.sg', 'ivy@agency.gov.sg']) await person(tp, email);
    await user(tp, OFFICER, { password: null });
    wog = await federatedUpstream(tp, { name: 'wog', domains: ['wog.gov.sg'], users: [upstreamUser(OFFICER)] });
  }, 60_000);
  afterAll(async () => {
    await tp?.close();
    await wog?.close();
  });

  const failures = async (login: string) => (await tp.server.store.users.findByLogin(login))!.failedSignIns;

  it('refuses a wrong current password at its field, and counts it in the lockout', async () => {
    const p = await portalHttp(tp, 'hal@agency.gov.sg');
    const before = await failures('hal@agency.gov.sg');
    const wrong = await p.call('POST', '/me/password', { current: 'Not-The-Password-1', password: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'password.current_incorrect', fields: ['current'] });
    expect(await failures('hal@agency.gov.sg')).toBe(before + 1);
    // Still signed in: a mistake in the form ends nothing.
    expect((await p.call('GET', '/me')).status).toBe(200);
    // Two more reach the threshold: the account locks and its sessions end, the portal's too.
    await p.call('POST', '/me/password', { current: 'Not-The-Password-2', password: NEW_PASSWORD });
    await p.call('POST', '/me/password', { current: 'Not-The-Password-3', password: NEW_PASSWORD });
    const account = await tp.server.store.users.findByLogin('hal@agency.gov.sg');
    expect(account!.lockedAt).not.toBeNull();
    expect((await p.call('GET', '/me')).status).toBe(401);
    // The right password does not help once locked (and never says so).
    const locked = await api(tp, 'POST', '/api/v1/me/password', { body: { current: PASSWORD, password: NEW_PASSWORD } });
    expect(locked.status).toBe(401);
  });

  it('refuses a weak password, the same password, and a malformed body, changing nothing', async () => {
    const p = await portalHttp(tp, 'ivy@agency.gov.sg');
    const weak = await p.call('POST', '/me/password', { current: PASSWORD, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error).toMatchObject({ code: 'password.too_weak', fields: ['password'] });
    const same = await p.call('POST', '/me/password', { current: PASSWORD, password: PASSWORD });
    expect(same.status).toBe(400);
    expect(same.body.error).toMatchObject({ code: 'password.too_weak', fields: ['password'] });
    expect(same.body.error.message).toMatch(/differ/);
    const missing = await p.call('POST', '/me/password', { password: NEW_PASSWORD });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('input.invalid');
    const extra = await p.call('POST', '/me/password', { current: PASSWORD, password: NEW_PASSWORD, userId: 'someone-else' });
    expect(extra.status).toBe(400);
    // Nothing changed: still signed in, the old password still works.
    expect((await p.call('GET', '/me')).status).toBe(200);
    expect((await signIn(tp, { ...wiki, login: 'ivy@agency.gov.sg', password: PASSWORD })).tokens.access_token).toBeTruthy();
  });

  it('changes the password: every session ends (the portal’s too), audited and mailed; the new one signs in', async () => {
    const w = await signIn(tp, { ...wiki, login: 'gil@agency.gov.sg', password: PASSWORD, scope: 'openid offline_access' });
    const p = await portalHttp(tp, 'gil@agency.gov.sg');
    const changed = await p.call('POST', '/me/password', { current: PASSWORD, password: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ changed: true, signedOut: true });
    // The old portal session is gone.
    expect((await p.call('GET', '/me')).status).toBe(401);
    expect((await p.browser.request(`${tp.issuer}/portal/session`)).status).toBe(401);
    // The other browser's tokens died with its session.
    const refreshed = await client.refreshTokenGrant(w.config, w.tokens.refresh_token!).then(
      () => null,
      (e: unknown) => e as { error?: string },
    );
    expect(refreshed?.error).toBe('invalid_grant');
    expect(await client.tokenIntrospection(w.config, w.tokens.access_token)).toMatchObject({ active: false });
    const account = await tp.server.store.users.findByLogin('gil@agency.gov.sg');
    const actions = (await tp.server.store.audit.list({ targetId: account!.id, limit: 1000 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['password.changed', 'sessions.ended']));
    await waitForMail(tp, 'gil@agency.gov.sg', 'Your TechPass password was changed');
    // The new password signs in; the old one does not.
    expect((await portalHttp(tp, 'gil@agency.gov.sg', { password: NEW_PASSWORD })).browser.cookies.size).toBeGreaterThan(0);
    await expect(portalHttp(tp, 'gil@agency.gov.sg', { password: PASSWORD })).rejects.toThrow(/stopped at/);
  });

  it('changes it with a person’s access token too, and refuses a call without one', async () => {
    await person(tp, 'jon@agency.gov.sg');
    const token = await apiToken(tp, console_, 'jon@agency.gov.sg');
    const none = await api(tp, 'POST', '/api/v1/me/password', { body: { current: PASSWORD, password: NEW_PASSWORD } });
    expect(none.status).toBe(401);
    const changed = await api(tp, 'POST', '/api/v1/me/password', { token, body: { current: PASSWORD, password: NEW_PASSWORD } });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ changed: true, signedOut: true });
    const account = await tp.server.store.users.findByLogin('jon@agency.gov.sg');
    const events = await tp.server.store.audit.list({ targetId: account!.id, limit: 1000 });
    expect(events.find((e) => e.action === 'password.changed')).toBeTruthy();
  });

  it('answers 409 to a federated officer: their agency manages their password', async () => {
    const browser = new HttpBrowser();
    const callback = portalCallback(tp);
    const back = (u: string) => u.startsWith(callback);
    const identify = await browser.follow(`${tp.issuer}/portal/login`, {}, back);
    const f = form(identify, '/identify');
    const upstream = await browser.follow(f.action, { form: { ...f.fields, login: OFFICER } }, back);
    expect(upstream.url.startsWith(wog.url)).toBe(true);
    const next = await signInAtUpstream(browser, upstream, { email: OFFICER }, back);
    const at = next.stopped ? next : await completeSignIn(browser, next, { clientId: '', redirectUri: callback, login: OFFICER, password: 'unused' });
    expect(at.stopped, `stuck at ${at.url}`).toBe(true);
    const p = await portalSessionAt(tp, browser, at);
    const refused = await p.call('POST', '/me/password', { current: 'anything-at-all', password: NEW_PASSWORD });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('password.managed_elsewhere');
    expect(refused.body.error.message).toMatch(/agency/);
    // Nothing ended, nothing counted.
    expect((await p.call('GET', '/me')).status).toBe(200);
    expect(await failures(OFFICER)).toBe(0);
    // Even with a TechPass password on record (the demo's officers have one), the agency manages it.
    const officer = (await tp.server.store.users.findByLogin(OFFICER))!;
    await tp.server.store.users.setPassword(officer.id, await hashPassword('An-Old-Local-Passphrase-1'));
    const still = await p.call('POST', '/me/password', { current: 'An-Old-Local-Passphrase-1', password: NEW_PASSWORD });
    expect(still.status).toBe(409);
    expect(still.body.error.code).toBe('password.managed_elsewhere');
  });
});
