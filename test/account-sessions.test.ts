/**
 * When an account's credentials or standing change, every session it has ends: a browser
 * that stayed signed in gets login_required with prompt=none and a sign-in page at an
 * application it never used, the old refresh token is refused (invalid_grant), the old
 * access token is inactive at introspection and refused at UserInfo, and the applications
 * that registered a back-channel logout URI get a logout token. Each event is driven the way
 * a person, an attacker or an admin would: over HTTP, from the phone, or with the CLI.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { updateApplication } from '../src/flows/applications.js';
import { systemClock } from '../src/platform/clock.js';
import { deviceFetch, signedAnswer } from './helpers/authenticator.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, forms, HttpBrowser, text, type Page } from './helpers/http-browser.js';
import { waitForMail } from './helpers/mail.js';
import { nextTotpCode, phoneOf, rememberSeed } from './helpers/phone.js';
import { logoutReceiver } from './helpers/logout-receiver.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn, startAuthorization } from './helpers/sign-in.js';

type App = Awaited<ReturnType<typeof application>>;

describe(`an account's sessions end when its credentials or standing change (${engine})`, () => {
  let tp: TestServer;
  let portal: App;
  let wiki: App;
  let receiver: Awaited<ReturnType<typeof logoutReceiver>>;

  beforeAll(async () => {
    receiver = await logoutReceiver();
    tp = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true', LOCKOUT_THRESHOLD: '3' } });
    await namespace(tp, 'sessions');
    portal = await application(tp, { namespace: 'sessions', name: 'Portal' });
    wiki = await application(tp, { namespace: 'sessions', name: 'Wiki', redirectUris: ['https://wiki.example.gov.sg/cb'] });
    const updated = await updateApplication(administrationDeps(tp.server.store, systemClock), 'test', {
      namespace: 'sessions',
      clientId: portal.clientId,
      changes: { backchannelLogoutUri: receiver.url },
    });
    expect(updated.ok).toBe(true);
  });
  afterAll(async () => {
    await tp?.close();
    await receiver?.close();
  });

  /** A browser signed in to the portal, with its tokens: what must not survive the event. */
  async function signedIn(login: string) {
    const browser = new HttpBrowser();
    const { tokens, config } = await signIn(tp, { ...portal, login, password: PASSWORD, browser });
    expect(tokens.refresh_token).toBeTruthy();
    // Still fine before the event: single sign-on without a prompt, a refresh, an active token.
    expect(await silentAuthorization(browser, portal)).toMatchObject({ code: expect.any(String) });
    return { browser, tokens, config };
  }

  /** prompt=none at `app`: the code, or the error the application is sent back with. */
  async function silentAuthorization(browser: HttpBrowser, app: App) {
    const start = await startAuthorization(tp, { ...app, prompt: 'none' });
    const page = await browser.follow(start.url, {}, (u) => u.startsWith(app.redirectUri));
    expect(page.stopped).toBe(true);
    const params = new URL(page.url).searchParams;
    return { code: params.get('code'), error: params.get('error') };
  }

  async function expectSignedOut(before: Awaited<ReturnType<typeof signedIn>>) {
    expect(await silentAuthorization(before.browser, portal)).toMatchObject({ code: null, error: 'login_required' });
    // An application this browser never used asks for a sign-in instead of single sign-on.
    const other = await before.browser.follow((await startAuthorization(tp, wiki)).url, {}, (u) => u.startsWith(wiki.redirectUri));
    expect(other.stopped).toBe(false);
    expect(new URL(other.url).pathname).toMatch(/^\/login\//);
    const refreshed = await client.refreshTokenGrant(before.config, before.tokens.refresh_token!).then(
      () => null,
      (e: unknown) => e as { error?: string },
    );
    expect(refreshed?.error).toBe('invalid_grant');
    expect(await client.tokenIntrospection(before.config, before.tokens.access_token)).toMatchObject({ active: false });
    await expect(client.fetchUserInfo(before.config, before.tokens.access_token, client.skipSubjectCheck)).rejects.toThrow();
  }

  /** The logout token the portal's back-channel receives for this account, checked against the JWKS. */
  async function expectBackchannelLogout(userId: string) {
    const jwks = createRemoteJWKSet(new URL(`${tp.issuer}/jwks`));
    const deadline = Date.now() + 10_000;
    for (;;) {
      for (const token of receiver.tokens) {
        const { payload } = await jwtVerify(token, jwks, { issuer: tp.issuer, audience: portal.clientId });
        if (payload.sub === userId) {
          expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
          return;
        }
      }
      if (Date.now() > deadline) throw new Error(`no back-channel logout for ${userId}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const post = (browser: HttpBrowser, page: Page, step: string, fields: Record<string, string> = {}) => {
    const f = forms(page).find((x) => x.action.endsWith(`/${step}`));
    if (!f) throw new Error(`no ${step} form on ${page.url}: ${text(page).slice(0, 300)}`);
    return browser.follow(f.action, { form: { ...f.fields, ...fields } }, (u) => u.startsWith(portal.redirectUri));
  };

  /** A second browser, at the second-factor page after the right password. */
  async function atSecondFactor(login: string) {
    const browser = new HttpBrowser();
    let page = await browser.follow((await startAuthorization(tp, portal)).url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
    page = await post(browser, page, 'password', { password: PASSWORD });
    return { browser, page };
  }

  it('a password reset by e-mailed link', async () => {
    const login = 'reset.sessions@agency.gov.sg';
    const u = await user(tp, login);
    const before = await signedIn(login);
    const browser = new HttpBrowser();
    let page = await browser.follow(`${tp.url}/login/reset`);
    page = await browser.follow(form(page, '/login/reset').action, { form: { ...form(page, '/login/reset').fields, login } });
    const path = new URL(/https?:\/\/\S+\/login\/reset\/\S+/.exec((await waitForMail(tp, login, 'Reset your TechPass password')).text)![0]).pathname;
    page = await browser.follow(`${tp.url}${path}`);
    page = await browser.follow(form(page, path).action, {
      form: { ...form(page, path).fields, password: 'A-Fresh-Passphrase-2026', confirm: 'A-Fresh-Passphrase-2026' },
    });
    expect(text(page)).toContain('Your password is changed');
    await expectSignedOut(before);
    await expectBackchannelLogout(u.id);
    const ended = (await tp.server.store.audit.list({ targetId: u.id, limit: 100 })).find((e) => e.action === 'sessions.ended');
    expect(ended?.data).toMatchObject({ reason: 'password_reset', sessions: 1, logouts: 1 });
  });

  it('a password change made in another browser', async () => {
    const login = 'change.sessions@agency.gov.sg';
    const u = await user(tp, login);
    const before = await signedIn(login);
    const other = await signedIn(login);
    let page = await other.browser.follow(`${tp.url}/login/change-password`);
    const f = form(page, '/login/change-password');
    page = await other.browser.follow(f.action, {
      form: { ...f.fields, login, current: PASSWORD, password: 'Another-Passphrase-2026', confirm: 'Another-Passphrase-2026' },
    });
    expect(text(page)).toContain('Your password is changed');
    await expectSignedOut(before);
    await expectSignedOut(other);
    await expectBackchannelLogout(u.id);
  });

  it('an MFA reset by a platform admin (techpass user reset-mfa)', async () => {
    const login = 'mfa.sessions@agency.gov.sg';
    const u = await user(tp, login);
    const before = await signedIn(login);
    const reset = await runCli(['user', 'reset-mfa', '--email', login, '--json'], tp.env);
    expect(reset.code, reset.stderr).toBe(0);
    await expectSignedOut(before);
    await expectBackchannelLogout(u.id);
  });

  it('a lost factor removed with "I can\'t use my phone"', async () => {
    const login = 'lost.sessions@agency.gov.sg';
    const u = await user(tp, login);
    const seed = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await tp.server.store.users.addTotpFactor(u.id, 'Authenticator app', seed);
    rememberSeed(tp.url, login, seed);
    const before = await signedIn(login);
    const { browser, page } = await atSecondFactor(login);
    let next = await post(browser, page, 'recover');
    next = await post(browser, next, 'totp', { code: await nextTotpCode(tp.url, login) });
    expect(text(next)).toContain('Add a new second factor');
    await expectSignedOut(before);
  });

  it('"No, it\'s not me" on the phone; clearing the risk afterwards revives nothing', async () => {
    const login = 'fraud.sessions@agency.gov.sg';
    const u = await user(tp, login);
    const before = await signedIn(login);
    const { page } = await atSecondFactor(login);
    const number = /data-testid="push-number"[^>]*>(\d+)</.exec(page.html)![1]!;
    const phone = phoneOf(tp, login)!;
    const list = (await (await deviceFetch(tp.url, phone, 'GET', '/challenges')).json()) as { challenges: Array<{ id: string }> };
    const id = list.challenges[0]!.id;
    const answer = await deviceFetch(tp.url, phone, 'POST', `/challenges/${id}`, signedAnswer(phone, id, 'report', number));
    expect(((await answer.json()) as { outcome: string }).outcome).toBe('reported');
    await expectSignedOut(before);
    await expectBackchannelLogout(u.id);

    const cleared = await runCli(['user', 'clear-risk', '--email', login, '--json'], tp.env);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(await silentAuthorization(before.browser, portal)).toMatchObject({ code: null, error: 'login_required' });
    const refreshed = await client.refreshTokenGrant(before.config, before.tokens.refresh_token!).catch((e: { error?: string }) => e);
    expect((refreshed as { error?: string }).error).toBe('invalid_grant');
  });

  it('a lock after repeated wrong passwords', async () => {
    const login = 'lock.sessions@agency.gov.sg';
    const u = await user(tp, login);
    const before = await signedIn(login);
    const browser = new HttpBrowser();
    let page = await browser.follow((await startAuthorization(tp, portal)).url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
    for (let i = 0; i < 3; i += 1) page = await post(browser, page, 'password', { password: `Not-The-Password-${i}` });
    expect((await tp.server.store.users.findById(u.id))?.lockedAt).not.toBeNull();
    await expectSignedOut(before);
    const locks = (await tp.server.store.audit.list({ targetId: u.id, limit: 100 })).filter((e) => e.action === 'user.locked');
    expect(locks).toHaveLength(1);
  });
});
