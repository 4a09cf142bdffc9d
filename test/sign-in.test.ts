/**
 * Login with TechPass end to end over HTTP: openid-client as the application,
 * the sign-in forms posted as a browser would.
 */
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, forms, HttpBrowser, text } from './helpers/http-browser.js';
import { waitForMail } from './helpers/mail.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization, signIn, startAuthorization } from './helpers/sign-in.js';

describe(`sign-in (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  beforeAll(async () => {
    tp = await startTestServer({ env: { LOCKOUT_THRESHOLD: '3' } });
    await namespace(tp, 'portal');
    app = await application(tp, { namespace: 'portal', name: 'Docs Portal' });
    await user(tp, 'jane_tan@agency.gov.sg');
    await user(tp, 'ravi@vendor.com.sg', { username: 'ravi_kumar' });
    await user(tp, 'lock.me@agency.gov.sg');
  });
  afterAll(() => tp?.close());

  it('signs in with authorization code + PKCE and returns a verified identity', async () => {
    const { tokens, config } = await signIn(tp, { ...app, login: 'Jane_Tan@agency.gov.sg', password: PASSWORD });
    const claims = tokens.claims()!;
    const jane = await tp.server.store.users.findByLogin('jane_tan@agency.gov.sg');
    expect(claims).toMatchObject({
      iss: tp.issuer,
      aud: app.clientId,
      sub: jane!.id,
      email: 'jane_tan@agency.gov.sg',
      preferred_username: 'jane_tan@agency.gov.sg',
      amr: ['pwd', 'swk', 'mfa'],
      acr: 'urn:techpass:aal2',
    });
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ sub: jane!.id, name: 'Jane Tester', given_name: 'Jane', family_name: 'Tester', email_verified: true });
  });

  it('signs in a vendor by local username', async () => {
    const { tokens } = await signIn(tp, { ...app, login: 'ravi_kumar', password: PASSWORD });
    expect(tokens.claims()).toMatchObject({ preferred_username: 'ravi_kumar', email: 'ravi@vendor.com.sg' });
  });

  it('asks for the terms of use on first access only, and again when the version changes', async () => {
    const fresh = await user(tp, 'terms@agency.gov.sg');
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login: 'terms@agency.gov.sg' } });
    page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } }, (u) =>
      u.startsWith(app.redirectUri),
    );
    // MFA first (the phone approves), then the terms.
    page = await completeSignIn(browser, page, { ...app, login: 'terms@agency.gov.sg', password: PASSWORD, acceptTerms: false });
    expect(page.stopped).toBe(false);
    expect(text(page)).toContain('Terms of use');
    expect(text(page)).toContain('version 1');
    const accept = form(page, '/terms');
    page = await browser.follow(accept.action, { form: accept.fields }, (u) => u.startsWith(app.redirectUri));
    expect(page.stopped).toBe(true);
    await finishAuthorization(start, page.url);
    const ns = await tp.server.store.namespaces.findByName('portal');
    expect(await tp.server.store.forNamespace(ns!.id).terms.acceptedVersion(app.clientId as never, fresh.id)).toBe(1);

    // Same browser, same application: single sign-on, no terms page.
    const again = await startAuthorization(tp, app);
    const sso = await browser.follow(again.url, {}, (u) => u.startsWith(app.redirectUri));
    expect(sso.stopped).toBe(true);
  });

  it('refuses a wrong password without saying whether the account exists', async () => {
    for (const login of ['jane_tan@agency.gov.sg', 'nobody@agency.gov.sg']) {
      const browser = new HttpBrowser();
      const start = await startAuthorization(tp, app);
      let page = await browser.follow(start.url);
      page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
      expect(text(page)).toContain('Enter password');
      page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: 'Wrong-Password-123' } });
      expect(page.status).toBe(401);
      expect(text(page)).toContain('The TechPass ID or password is not correct');
    }
  });

  it('locks the account after repeated failures, and a password reset by e-mail unlocks it', async () => {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login: 'lock.me@agency.gov.sg' } });
    for (let i = 0; i < 3; i += 1) {
      page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: `Wrong-Password-${i}xx` } });
    }
    const locked = await tp.server.store.users.findByLogin('lock.me@agency.gov.sg');
    expect(locked?.lockedAt).not.toBeNull();
    // The page says what it says of an unknown account: ten wrong passwords do not reveal that the account exists.
    const unknown = new HttpBrowser();
    let other = await unknown.follow((await startAuthorization(tp, app)).url);
    other = await unknown.follow(form(other, '/identify').action, {
      form: { ...form(other, '/identify').fields, login: 'no.such.one@agency.gov.sg' },
    });
    for (let i = 0; i < 3; i += 1) {
      other = await unknown.follow(form(other, '/password').action, {
        form: { ...form(other, '/password').fields, password: `Wrong-Password-${i}xx` },
      });
    }
    for (const password of ['Wrong-Password-9xx', PASSWORD]) {
      page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password } });
      other = await unknown.follow(form(other, '/password').action, { form: { ...form(other, '/password').fields, password } });
      expect(page.status).toBe(401);
      expect(other.status).toBe(401);
      const problem = (p: typeof page) => /<div[^>]*alert[^>]*>([\s\S]*?)<\/div>/.exec(p.html)?.[1];
      expect(problem(page)).toBeTruthy();
      expect(problem(page)).toBe(problem(other));
    }
    expect(text(page)).toContain('The TechPass ID or password is not correct');

    // Even the right password does not get in now.
    const retry = await signIn(tp, { ...app, login: 'lock.me@agency.gov.sg', password: PASSWORD }).catch((e: Error) => e);
    expect(retry).toBeInstanceOf(Error);

    // Reset by e-mailed link.
    const resetBrowser = new HttpBrowser();
    let reset = await resetBrowser.follow(`${tp.url}/login/reset`);
    reset = await resetBrowser.follow(form(reset, '/login/reset').action, {
      form: { ...form(reset, '/login/reset').fields, login: 'lock.me@agency.gov.sg' },
    });
    expect(text(reset)).toContain('Check your e-mail');
    const mail = await waitForMail(tp, 'lock.me@agency.gov.sg', 'Reset your TechPass password');
    const link = /https?:\/\/\S+\/login\/reset\/\S+/.exec(mail!.text)![0];
    expect(link.startsWith(tp.issuer)).toBe(true);
    const path = new URL(link).pathname;
    let set = await resetBrowser.follow(`${tp.url}${path}`);
    const weak = form(set, path);
    set = await resetBrowser.follow(weak.action, { form: { ...weak.fields, password: 'password1234', confirm: 'password1234' } });
    expect(set.status).toBe(400);
    expect(text(set)).toContain('commonly used');
    const good = form(set, path);
    set = await resetBrowser.follow(good.action, {
      form: { ...good.fields, password: 'A-New-Long-Passphrase-42', confirm: 'A-New-Long-Passphrase-42' },
    });
    expect(text(set)).toContain('Your password is changed');
    expect((await tp.server.store.users.findByLogin('lock.me@agency.gov.sg'))?.lockedAt).toBeNull();

    // The link works once.
    const reused = await resetBrowser.follow(`${tp.url}${path}`);
    expect(reused.status).toBe(410);

    const { tokens } = await signIn(tp, { ...app, login: 'lock.me@agency.gov.sg', password: 'A-New-Long-Passphrase-42' });
    expect(tokens.claims()?.email).toBe('lock.me@agency.gov.sg');
    const actions = (await tp.server.store.audit.list({ limit: 500 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.locked', 'password.reset_requested', 'password.reset', 'sign_in.succeeded']));
  });

  it('changes a password knowing the current one, from a browser signed in with a second factor, refusing a wrong current password and a weak new one', async () => {
    await user(tp, 'change.me@agency.gov.sg');
    const browser = new HttpBrowser();
    let page = await browser.follow(`${tp.url}/login/change-password`);
    const send = async (fields: Record<string, string>) => {
      const f = form(page, '/login/change-password');
      page = await browser.follow(f.action, { form: { ...f.fields, login: 'change.me@agency.gov.sg', ...fields } });
      return page;
    };
    // Not signed in: the password alone does not change the password, right or wrong, and nothing is counted.
    expect((await send({ current: PASSWORD, password: 'Another-Long-Pass-77', confirm: 'Another-Long-Pass-77' })).status).toBe(401);
    const refusal = text(page);
    expect(refusal).toContain('Sign in to TechPass in this browser with your second factor first');
    expect((await send({ current: 'Not-The-Password-1', password: 'Another-Long-Pass-77', confirm: 'Another-Long-Pass-77' })).status).toBe(401);
    expect(text(page)).toBe(refusal);
    expect((await tp.server.store.users.findByLogin('change.me@agency.gov.sg'))?.failedSignIns).toBe(0);

    // Signed in (password and the phone) in this browser: now it can.
    await signIn(tp, { ...app, login: 'change.me@agency.gov.sg', password: PASSWORD, browser });
    page = await browser.follow(`${tp.url}/login/change-password`);
    expect((await send({ current: 'Not-The-Password-1', password: 'Another-Long-Pass-77', confirm: 'Another-Long-Pass-77' })).status).toBe(401);
    expect(text(page)).toContain('current password is not correct');
    expect((await send({ current: PASSWORD, password: 'password1234', confirm: 'password1234' })).status).toBe(400);
    expect((await send({ current: PASSWORD, password: 'Another-Long-Pass-77', confirm: 'Another-Long-Pass-78' })).status).toBe(400);
    expect(text(page)).toContain('not the same');
    expect((await send({ current: PASSWORD, password: 'Another-Long-Pass-77', confirm: 'Another-Long-Pass-77' })).status).toBe(200);
    expect(text(page)).toContain('Your password is changed');
    // The old password no longer works (one attempt: the lockout threshold here is 3).
    const old = new HttpBrowser();
    let attempt = await old.follow((await startAuthorization(tp, app)).url);
    attempt = await old.follow(form(attempt, '/identify').action, {
      form: { ...form(attempt, '/identify').fields, login: 'change.me@agency.gov.sg' },
    });
    attempt = await old.follow(form(attempt, '/password').action, { form: { ...form(attempt, '/password').fields, password: PASSWORD } });
    expect(attempt.status).toBe(401);
    const { tokens } = await signIn(tp, { ...app, login: 'change.me@agency.gov.sg', password: 'Another-Long-Pass-77' });
    expect(tokens.claims()?.email).toBe('change.me@agency.gov.sg');
    const [mail] = await tp.server.store.outbox.recent(1, 'change.me@agency.gov.sg');
    expect(mail?.subject).toBe('Your TechPass password was changed');
  });

  it('remembers accounts in the picker, continues with single sign-on, and gives each application the account picked', async () => {
    const other = await application(tp, { namespace: 'portal', name: 'Pipeline', redirectUris: ['https://pipeline.example.gov.sg/cb'] });
    const browser = new HttpBrowser();
    const jane = await signIn(tp, { ...app, login: 'jane_tan@agency.gov.sg', password: PASSWORD, browser });
    // Second account in the same browser through "Use another account".
    const start = await startAuthorization(tp, { ...other, prompt: 'select_account' });
    let page = await browser.follow(start.url);
    expect(text(page)).toContain('Choose an account');
    expect(text(page)).toContain('jane_tan@agency.gov.sg');
    page = await browser.follow(form(page, '/another').action, { form: form(page, '/another').fields });
    page = await completeSignIn(browser, page, { ...other, login: 'ravi_kumar', password: PASSWORD });
    const ravi = await finishAuthorization(start, page.url);
    expect(ravi.claims()?.preferred_username).toBe('ravi_kumar');

    // Two remembered accounts: the picker comes up by itself; picking Jane needs no password.
    const third = await startAuthorization(tp, app);
    page = await browser.follow(third.url);
    expect(text(page)).toContain('Choose an account');
    const items = page.html.split('<li>').slice(1);
    expect(items).toHaveLength(2);
    expect(items.every((li) => li.includes('Signed in'))).toBe(true);
    const janeItem = items.find((li) => li.includes('jane_tan@agency.gov.sg'))!;
    const ref = /name="ref" value="([^"]+)"/.exec(janeItem)![1]!;
    const pick = forms(page).find((f) => f.action.endsWith('/pick') && f.fields.ref === ref)!;
    page = await browser.follow(pick.action, { form: pick.fields }, (u) => u.startsWith(app.redirectUri));
    // Switching the browser's session to Jane: no password page on the way back.
    page = await completeSignIn(browser, page, { ...app, login: 'unused', password: 'unused' });
    expect(page.stopped).toBe(true);
    const again = await finishAuthorization(third, page.url);
    expect(again.claims()?.sub).toBe(jane.tokens.claims()?.sub);
    expect(again.claims()?.amr).toEqual(['pwd', 'swk', 'mfa']);

    // prompt=login (an application wants the person to prove it again): the picker still
    // comes up, but picking Jane's live session asks for her password and phone.
    const fresh = await startAuthorization(tp, { ...app, prompt: 'login' });
    page = await browser.follow(fresh.url);
    expect(text(page)).toContain('Choose an account');
    const janeAgain = page.html.split('<li>').slice(1).find((li) => li.includes('jane_tan@agency.gov.sg'))!;
    const pickAgain = forms(page).find((f) => f.action.endsWith('/pick') && f.fields.ref === /name="ref" value="([^"]+)"/.exec(janeAgain)![1])!;
    page = await browser.follow(pickAgain.action, { form: pickAgain.fields }, (u) => u.startsWith(app.redirectUri));
    expect(page.stopped).toBe(false);
    expect(page.html).toContain('/password"');
    page = await completeSignIn(browser, page, { ...app, login: 'jane_tan@agency.gov.sg', password: PASSWORD });
    const proven = await finishAuthorization(fresh, page.url);
    expect(proven.claims()?.sub).toBe(jane.tokens.claims()?.sub);
    expect(proven.claims()?.auth_time).toBeGreaterThanOrEqual(again.claims()!.auth_time!);

    // Signing in again as an account already remembered replaces it: each account once in the picker.
    const fourth = await startAuthorization(tp, { ...app, prompt: 'select_account' });
    page = await browser.follow(fourth.url);
    page = await browser.follow(form(page, '/another').action, { form: form(page, '/another').fields });
    page = await completeSignIn(browser, page, { ...app, login: 'jane_tan@agency.gov.sg', password: PASSWORD });
    expect((await finishAuthorization(fourth, page.url)).claims()?.sub).toBe(jane.tokens.claims()?.sub);
    page = await browser.follow((await startAuthorization(tp, { ...app, prompt: 'select_account' })).url);
    const listed = page.html.split('<li>').slice(1);
    expect(listed.map((li) => (li.includes('jane_tan@agency.gov.sg') ? 'jane' : 'ravi')).sort()).toEqual(['jane', 'ravi']);

    // The cookie holds opaque references only, no personal data.
    const cookie = decodeURIComponent(browser.cookies.get('techpass_accounts') ?? '');
    expect(cookie).not.toContain('jane');
    expect(Buffer.from(cookie.split('.')[0]!, 'base64url').toString()).not.toMatch(/@|ravi|jane/);
  });

  it('shows a clear error page with a correlation id for an unknown application and for a redirect URI not registered', async () => {
    const unknown = await fetch(
      `${tp.url}/authorize?client_id=app_nope&response_type=code&scope=openid&redirect_uri=https://x.gov.sg/cb&code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq&code_challenge_method=S256`,
      { redirect: 'manual' },
    );
    expect(unknown.status).toBe(400);
    const body = await unknown.text();
    expect(body).toContain('not registered with TechPass');
    expect(body).toContain(unknown.headers.get('x-correlation-id')!);

    const start = await startAuthorization(tp, { ...app, redirectUri: 'https://evil.example.com/cb' });
    const bad = await fetch(start.url, { redirect: 'manual' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('location')).toBeNull();
    expect(await bad.text()).toContain('has not registered');
  });

  it('refuses an authorization request without PKCE', async () => {
    const start = await startAuthorization(tp, app);
    const url = new URL(start.url);
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const res = await fetch(url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(app.redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('iss')).toBe(tp.issuer);
  });

  it('says the sign-in expired for an unknown or foreign interaction', async () => {
    const res = await fetch(`${tp.url}/login/not-a-real-interaction`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This sign-in has expired');
  });

  it('refuses a form posted without its CSRF token', async () => {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    const page = await browser.follow(start.url);
    const f = form(page, '/identify');
    const res = await browser.follow(f.action, { form: { login: 'jane_tan@agency.gov.sg', csrf: 'forged' } });
    expect(res.status).toBe(403);
  });

  it('serves sign-in pages with a strict content security policy and no framing', async () => {
    const start = await startAuthorization(tp, app);
    const browser = new HttpBrowser();
    const res = await browser.request(start.url);
    const page = await browser.request(new URL(res.headers.get('location')!, tp.url).toString());
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });
});
