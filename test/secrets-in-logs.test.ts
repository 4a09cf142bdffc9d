/**
 * No secret reaches the log: a whole journey over HTTP (a password reset by its
 * e-mailed link, an authenticator enrolled with a one-time link, push sign-ins, a
 * passkey enrolled and used, codes exchanged for tokens, introspection and
 * userinfo) and then every secret and token it made is looked for in every line
 * the server logged.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStoredDevice } from './helpers/authenticator.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { decode, form, forms, HttpBrowser, text, type Page } from './helpers/http-browser.js';
import { approveOnPhone } from './helpers/phone.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn, finishAuthorization, startAuthorization } from './helpers/sign-in.js';
import { SoftAuthenticator } from './helpers/soft-authenticator.js';

describe(`secrets never reach the log (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  /** Every secret the journey made, by what it is. */
  const secrets: Array<[string, string]> = [];
  const keep = (what: string, value: string | undefined) => {
    if (value && value.length >= 8) secrets.push([what, value]);
  };
  // The interaction and resume cookies hold the interaction's uid, which is in the sign-in
  // page's URL by the provider's design (/login/<uid>): not a secret alone, since the cookie
  // is only accepted with its signature (the .sig cookie), which is looked for.
  const PUBLIC_COOKIES = new Set(['techpass_interaction', 'techpass_resume']);
  const keepCookies = (browser: HttpBrowser) => {
    for (const [name, value] of browser.cookies) if (!PUBLIC_COOKIES.has(name)) keep(`cookie ${name}`, value);
  };
  const keepCsrf = (page: Page) => {
    for (const f of forms(page)) keep('csrf field', f.fields.csrf);
  };

  beforeAll(async () => {
    tp = await startTestServer({ publicHost: 'localhost' });
    await namespace(tp, 'logs');
    app = await application(tp, { namespace: 'logs', name: 'Ledger' });
    keep('client secret', app.clientSecret);
  });
  afterAll(() => tp?.close());

  it('logs no reset link, enrolment link, code, token, cookie, challenge or client secret of a whole journey', async () => {
    // 1. A password reset by the e-mailed link.
    await user(tp, 'reset.me@agency.gov.sg');
    const resetter = new HttpBrowser();
    let page = await resetter.follow(`${tp.url}/login/reset`);
    const ask = form(page, '/login/reset');
    keep('reset request csrf', ask.fields.csrf);
    page = await resetter.follow(ask.action, { form: { ...ask.fields, login: 'reset.me@agency.gov.sg' } });
    expect(page.status).toBe(200);
    // The request only queues the mail; a job sends it (run here rather than waited for).
    let [mail] = await tp.server.store.outbox.recent(1, 'reset.me@agency.gov.sg');
    for (let tries = 0; !mail && tries < 50; tries += 1) {
      await tp.server.scheduler.runOnce('password.reset_mail');
      [mail] = await tp.server.store.outbox.recent(1, 'reset.me@agency.gov.sg');
      if (!mail) await new Promise((r) => setTimeout(r, 100));
    }
    const link = /https?:\/\/\S+\/login\/reset\/([\w.-]+)/.exec(mail!.text)!;
    keep('reset link token', link[1]);
    keep('reset link secret', link[1]!.split('.')[1]);
    page = await resetter.follow(link[0].replace(tp.issuer, tp.url));
    expect(page.status, text(page)).toBe(200);
    const reset = forms(page).find((f) => f.action.includes('/login/reset/'))!;
    keep('reset form csrf', reset.fields.csrf);
    const newPassword = 'Another-Long-Passphrase-42';
    keep('new password', newPassword);
    page = await resetter.follow(reset.action, { form: { ...reset.fields, password: newPassword, confirm: newPassword } });
    expect(page.status, text(page)).toBe(200);
    keepCookies(resetter);

    // 2. An authenticator enrolled with a one-time link (the headless CLI authenticator, over HTTP), then push sign-ins.
    await user(tp, 'push.me@agency.gov.sg', { phone: false });
    const issued = await runCli(['authenticator', 'enrol-link', '--user', 'push.me@agency.gov.sg', '--json'], tp.env);
    expect(issued.code, issued.stderr).toBe(0);
    const enrolLink = (issued.json as { link: string }).link;
    const enrolToken = enrolLink.split('#')[1]!;
    keep('enrolment link token', enrolToken);
    keep('enrolment link secret', enrolToken.split('.')[1]);
    const store = path.join(mkdtempSync(path.join(tmpdir(), 'techpass-logs-')), 'phone.json');
    const enrolled = await runCli(['authenticator', 'enrol', enrolLink, '--store', store, '--json'], tp.env);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const device = readStoredDevice(store);
    keep('device private key', String(device.privateJwk.d));
    const numbers: string[] = [];
    const pushSignIn = await signIn(tp, {
      ...app,
      login: 'push.me@agency.gov.sg',
      password: PASSWORD,
      approvePush: (n) => (numbers.push(n), approveOnPhone(device, n)),
    });
    expect(numbers).toHaveLength(1);
    keep('authorization code', new URL(pushSignIn.callbackUrl).searchParams.get('code') ?? undefined);
    keep('access token', pushSignIn.tokens.access_token);
    keep('refresh token', pushSignIn.tokens.refresh_token);
    keep('id token', pushSignIn.tokens.id_token);
    keepCookies(pushSignIn.browser);
    // Introspection and userinfo with those tokens; a refresh.
    const basic = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
    const introspected = await fetch(`${tp.url}/introspect`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: pushSignIn.tokens.access_token }),
    });
    expect(((await introspected.json()) as { active: boolean }).active).toBe(true);
    const info = await fetch(`${tp.url}/userinfo`, { headers: { authorization: `Bearer ${pushSignIn.tokens.access_token}` } });
    expect(info.status).toBe(200);
    const refreshed = await fetch(`${tp.url}/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: pushSignIn.tokens.refresh_token! }),
    });
    const rotated = (await refreshed.json()) as { access_token: string; refresh_token: string };
    keep('refreshed access token', rotated.access_token);
    keep('rotated refresh token', rotated.refresh_token);

    // 3. A passkey enrolled in the sign-in, then a sign-in with it.
    await user(tp, 'key.me@agency.gov.sg', { phone: false });
    const authenticator = new SoftAuthenticator(new URL(tp.issuer).origin);
    const back = (u: string) => u.startsWith(app.redirectUri);
    const optionsOn = (p: Page) =>
      JSON.parse(decode(/data-options="([^"]*)"/.exec(p.html)![1]!)) as never as {
        challenge: string;
        rp: { id: string };
        rpId: string;
        user: { id: string };
      };
    const post = (browser: HttpBrowser, p: Page, step: string, fields: Record<string, string> = {}) => {
      const f = forms(p).find((x) => x.action.endsWith(`/${step}`) && (!fields.method || x.fields.method === fields.method))!;
      keepCsrf(p);
      return browser.follow(f.action, { form: { ...f.fields, ...fields } }, back);
    };
    for (const round of ['enrol', 'use']) {
      const browser = new HttpBrowser();
      const start = await startAuthorization(tp, app);
      let p = await browser.follow(start.url);
      p = await post(browser, p, 'identify', { login: 'key.me@agency.gov.sg' });
      p = await post(browser, p, 'password', { password: PASSWORD });
      if (round === 'enrol') {
        p = await post(browser, p, 'enrol-choose', { method: 'hwk' });
        const options = optionsOn(p);
        keep('passkey enrolment challenge', options.challenge);
        p = await post(browser, p, 'enrol-passkey', { response: JSON.stringify(authenticator.create(options)), name: 'Soft key' });
      } else {
        const options = optionsOn(p);
        keep('passkey sign-in challenge', options.challenge);
        p = await post(browser, p, 'passkey', { response: JSON.stringify(authenticator.get(options)) });
      }
      if (!p.stopped) p = await post(browser, p, 'terms');
      expect(p.stopped, text(p).slice(0, 300)).toBe(true);
      keep(`passkey ${round} authorization code`, new URL(p.url).searchParams.get('code') ?? undefined);
      const tokens = await finishAuthorization(start, p.url);
      keep(`passkey ${round} access token`, tokens.access_token);
      keep(`passkey ${round} refresh token`, tokens.refresh_token);
      keepCookies(browser);
    }

    // No secret the journey made is anywhere in the log…
    const lines = tp.logs.map((l) => JSON.stringify(l));
    expect(secrets.length).toBeGreaterThan(20);
    const leaked = secrets.filter(([, value]) => lines.some((line) => line.includes(value))).map(([what]) => what);
    expect(leaked).toEqual([]);
    // …yet the journey was logged: one line per request, the reset link's path without its secret.
    const paths = tp.logs.filter((l) => l.msg === 'request').map((l) => String(l.path));
    expect(paths).toContain('/login/reset/[redacted]');
    expect(paths).toEqual(
      expect.arrayContaining(['/token', '/introspect', '/userinfo', '/api/v1/authenticator/devices', '/api/v1/authenticator/challenges']),
    );
  }, 120_000);
});
