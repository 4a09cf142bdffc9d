/**
 * The portal's backend-for-frontend session: a real authorization-code sign-in with
 * TechPass itself (password and push), the session cookie, the CSRF value, the
 * management API through the session, and every way a session must fail: no CSRF
 * header, a forged cookie, a replayed or foreign callback, a tampered state, an open
 * redirect, sign-out, and the account's sessions ending elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from './helpers/api.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { namespace, PASSWORD } from './helpers/directory.js';
import { forms, HttpBrowser, type Page } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn } from './helpers/sign-in.js';

const COOKIE = 'techpass_portal';

describe(`portal session (${engine})`, () => {
  let tp: TestServer;
  const callback = () => `${tp.issuer}/portal/callback`;

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'alpha');
    await person(tp, 'ada@agency.gov.sg', { platformAdmin: true });
    await person(tp, 'bob@agency.gov.sg');
    await person(tp, 'cy@agency.gov.sg');
    const added = await runCli(['namespace', 'admin', 'add', '--namespace', 'alpha', '--email', 'bob@agency.gov.sg'], tp.env);
    expect(added.code, added.stderr).toBe(0);
  });
  afterAll(() => tp?.close());

  /** Signs `login` in to the portal up to the provider's redirect to the callback (not followed). */
  async function upToCallback(login: string, browser = new HttpBrowser(), returnTo = '/portal/apps'): Promise<{ browser: HttpBrowser; at: Page }> {
    const back = (u: string) => u.startsWith(callback());
    const first = await browser.follow(`${tp.issuer}/portal/login?returnTo=${encodeURIComponent(returnTo)}`, {}, back);
    const at = first.stopped ? first : await completeSignIn(browser, first, { clientId: '', redirectUri: callback(), login, password: PASSWORD });
    expect(at.stopped, `stuck at ${at.url}`).toBe(true);
    return { browser, at };
  }

  async function portalSignIn(login: string, returnTo?: string) {
    const { browser, at } = await upToCallback(login, new HttpBrowser(), returnTo);
    const res = await browser.request(at.url);
    expect(res.status).toBe(303);
    const session = await browser.request(`${tp.issuer}/portal/session`);
    expect(session.status).toBe(200);
    const body = (await session.json()) as { signedIn: boolean; email: string; csrfToken: string; userId: string };
    return { browser, landed: res.headers.get('location'), setCookie: res.headers.getSetCookie().join('\n'), ...body };
  }

  const apiCall = (browser: HttpBrowser, path: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(`${tp.issuer}/api/v1${path}`, {
      method,
      headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...headers },
    });

  it('signs a person in with TechPass and keeps every token on the server', async () => {
    const s = await portalSignIn('ada@agency.gov.sg');
    expect(s.landed).toBe('/portal/apps');
    expect(s.setCookie).toMatch(new RegExp(`${COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict`));
    expect(s).toMatchObject({ signedIn: true, email: 'ada@agency.gov.sg' });
    expect(s.csrfToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // No token of TechPass' in what the browser holds or reads.
    expect(JSON.stringify(s)).not.toMatch(/eyJ/);
    expect([...s.browser.cookies.values()].join(' ')).not.toMatch(/eyJ/);

    const me = await apiCall(s.browser, '/me', { 'x-csrf-token': s.csrfToken });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: 'ada@agency.gov.sg', role: 'platform_admin' });
    const events = await tp.server.store.audit.list({ targetId: s.userId, limit: 1000 });
    expect(events.map((e) => e.action)).toContain('portal.signed_in');
  });

  it('answers the management API with the role of the person, and refuses what that role may not do', async () => {
    const bob = await portalSignIn('bob@agency.gov.sg');
    const me = await apiCall(bob.browser, '/me', { 'x-csrf-token': bob.csrfToken });
    expect(await me.json()).toMatchObject({ role: 'tenant_admin', adminOf: ['alpha'] });
    expect((await apiCall(bob.browser, '/namespaces/alpha', { 'x-csrf-token': bob.csrfToken })).status).toBe(200);
    const cy = await portalSignIn('cy@agency.gov.sg');
    const refused = await apiCall(cy.browser, '/namespaces/alpha', { 'x-csrf-token': cy.csrfToken });
    expect(refused.status).toBe(403);
  });

  it('refuses the cookie without its CSRF header, with another session’s, or forged', async () => {
    const s = await portalSignIn('ada@agency.gov.sg');
    const other = await portalSignIn('bob@agency.gov.sg');
    const none = await apiCall(s.browser, '/me');
    expect(none.status).toBe(403);
    expect(await none.json()).toMatchObject({ error: { code: 'csrf.invalid' } });
    expect((await apiCall(s.browser, '/me', { 'x-csrf-token': other.csrfToken })).status).toBe(403);
    expect((await apiCall(s.browser, '/me', { 'x-csrf-token': `${s.csrfToken}x` })).status).toBe(403);
    const forged = new HttpBrowser();
    forged.cookies.set(COOKIE, 'A'.repeat(43));
    const answer = await apiCall(forged, '/me', { 'x-csrf-token': s.csrfToken });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ error: { code: 'api.token_invalid' } });
    expect((await forged.request(`${tp.issuer}/portal/session`)).status).toBe(401);
  });

  it('uses a callback once, in the browser that started it, with its own state', async () => {
    const { browser, at } = await upToCallback('ada@agency.gov.sg');
    // Another browser holding the same answer: no pending sign-in there.
    const thief = new HttpBrowser();
    const stolen = await thief.request(at.url);
    expect(stolen.status).toBe(400);
    expect(await stolen.text()).toContain('another browser');
    expect(thief.cookies.has(COOKIE)).toBe(false);
    // A tampered state in the right browser: refused, no session.
    const tampered = new URL(at.url);
    tampered.searchParams.set('state', 'x'.repeat(43));
    const bad = await browser.request(tampered.toString());
    expect(bad.status).toBe(400);
    expect(browser.cookies.has(COOKIE)).toBe(false);
  });

  it('does not accept the same answer twice', async () => {
    const { browser, at } = await upToCallback('ada@agency.gov.sg');
    expect((await browser.request(at.url)).status).toBe(303);
    browser.cookies.delete(COOKIE);
    const again = await browser.request(at.url);
    expect(again.status).toBe(400);
    expect(browser.cookies.has(COOKIE)).toBe(false);
  });

  it('lands only inside the portal, whatever returnTo says', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/x', '/login/x', '/portal/../login', 'javascript:alert(1)']) {
      const s = await portalSignIn('ada@agency.gov.sg', returnTo);
      expect(s.landed, returnTo).toBe('/portal/');
    }
  });

  it('signs out: the session ends here and at TechPass, and the way back is the signed-out page', async () => {
    const s = await portalSignIn('ada@agency.gov.sg');
    const cookie = [...s.browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const noCsrf = await fetch(`${tp.issuer}/portal/logout`, { method: 'POST', headers: { cookie } });
    expect(noCsrf.status).toBe(403);
    expect((await apiCall(s.browser, '/me', { 'x-csrf-token': s.csrfToken })).status).toBe(200);

    const out = await fetch(`${tp.issuer}/portal/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': s.csrfToken } });
    expect(out.status).toBe(200);
    const { next } = (await out.json()) as { next: string };
    const url = new URL(next);
    expect(url.searchParams.get('id_token_hint')).toBeTruthy();
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(`${tp.issuer}/portal/signed-out`);
    expect(out.headers.getSetCookie().join('\n')).toMatch(new RegExp(`${COOKIE}=;`));
    // The old cookie, replayed, opens nothing.
    expect((await apiCall(s.browser, '/me', { 'x-csrf-token': s.csrfToken })).status).toBe(401);

    s.browser.cookies.delete(COOKIE);
    let page = await s.browser.follow(next);
    // The provider asks to confirm the sign-out with a form; the browser sends it.
    for (let i = 0; i < 3 && !page.url.includes('/portal/signed-out'); i += 1) {
      const f = forms(page)[0];
      if (!f) break;
      page = await s.browser.follow(f.action, { form: { ...f.fields, logout: 'yes' } });
    }
    expect(page.url).toBe(`${tp.issuer}/portal/signed-out`);
    expect(page.html).toContain('You are signed out');
  });

  it('ends with every other session of the account (here: the account disabled)', async () => {
    await person(tp, 'dee@agency.gov.sg');
    const s = await portalSignIn('dee@agency.gov.sg');
    expect((await apiCall(s.browser, '/me', { 'x-csrf-token': s.csrfToken })).status).toBe(200);
    const disabled = await runCli(['user', 'set-status', '--email', 'dee@agency.gov.sg', '--status', 'disabled', '--reason', 'test'], tp.env);
    expect(disabled.code, disabled.stderr).toBe(0);
    const enabled = await runCli(['user', 'set-status', '--email', 'dee@agency.gov.sg', '--status', 'active', '--reason', 'test'], tp.env);
    expect(enabled.code, enabled.stderr).toBe(0);
    // Enabled again, the old session stays ended: a new sign-in is needed.
    expect((await apiCall(s.browser, '/me', { 'x-csrf-token': s.csrfToken })).status).toBe(401);
    expect((await s.browser.request(`${tp.issuer}/portal/session`)).status).toBe(401);
  });
});
