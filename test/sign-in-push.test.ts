/**
 * Number matching at sign-in, end to end: openid-client as the application,
 * the sign-in forms posted as a browser would, and the headless authenticator
 * (the `techpass authenticator` CLI, same protocol as the phone app) approving.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser, text, type Page } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { finishAuthorization, startAuthorization } from './helpers/sign-in.js';

describe(`number matching at sign-in (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  const store = path.join(mkdtempSync(path.join(tmpdir(), 'techpass-authenticator-')), 'device.json');

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'push');
    app = await application(tp, { namespace: 'push', name: 'Pipeline' });
    await user(tp, 'phone.user@agency.gov.sg');
    const link = await runCli(['authenticator', 'enrol-link', '--user', 'phone.user@agency.gov.sg', '--json'], tp.env);
    expect(link.code, link.stderr).toBe(0);
    const enrolled = await runCli(['authenticator', 'enrol', (link.json as { link: string }).link, '--store', store], tp.env);
    expect(enrolled.code, enrolled.stderr).toBe(0);
  });
  afterAll(() => tp?.close());

  async function toPushPage(browser: HttpBrowser) {
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login: 'phone.user@agency.gov.sg' } });
    page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
    return { start, page };
  }
  const numberOn = (page: Page) => /data-testid="push-number"[^>]*>(\d+)</.exec(page.html)![1]!;
  const pressContinue = (browser: HttpBrowser, page: Page) => {
    const f = form(page, '/push');
    return browser.follow(f.action, { form: f.fields }, (u) => u.startsWith(app.redirectUri));
  };

  it('shows a number, the phone approves with that number, and the sign-in completes with swk and mfa', async () => {
    const browser = new HttpBrowser();
    const { start, page } = await toPushPage(browser);
    expect(text(page)).toContain('Approve sign-in request');
    const number = numberOn(page);
    expect(Number(number)).toBeGreaterThanOrEqual(10);

    const pending = await runCli(['authenticator', 'pending', '--store', store, '--json'], tp.env);
    expect(pending.code, pending.stderr).toBe(0);
    expect(JSON.stringify(pending.json)).toContain('Pipeline');
    expect(JSON.stringify(pending.json)).not.toContain(`"number":${number}`);

    // Before the phone answers, Continue says so and stays.
    const early = await pressContinue(browser, page);
    expect(early.stopped).toBe(false);
    expect(text(early)).toContain('Not approved yet');

    const approved = await runCli(['authenticator', 'approve', '--store', store, '--number', number, '--json'], tp.env);
    expect(approved.code, approved.stderr).toBe(0);
    let done = await pressContinue(browser, early);
    if (!done.stopped)
      done = await browser.follow(form(done, '/terms').action, { form: form(done, '/terms').fields }, (u) => u.startsWith(app.redirectUri));
    const tokens = await finishAuthorization(start, done.url);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'swk', 'mfa'], acr: 'urn:techpass:aal2' });
  });

  it('says so when the number typed on the phone was wrong, and lets the person send a new request', async () => {
    const browser = new HttpBrowser();
    const { page } = await toPushPage(browser);
    const number = Number(numberOn(page));
    const wrong = String(number === 99 ? 10 : number + 1);
    await runCli(['authenticator', 'approve', '--store', store, '--number', wrong], tp.env);
    const after = await pressContinue(browser, page);
    expect(after.stopped).toBe(false);
    expect(text(after)).toContain('did not match');
    // A wrong number counts in the one lockout, as a wrong password or code does.
    const me = await tp.server.store.users.findByLogin('phone.user@agency.gov.sg');
    expect(me?.failedSignIns).toBe(1);
    const failed = (await tp.server.store.audit.list({ targetId: me!.id, limit: 100 })).filter((e) => e.action === 'sign_in.push_number_failed');
    expect(failed).toHaveLength(1);
    const retry = form(after, '/push-retry');
    const fresh = await browser.follow(retry.action, { form: retry.fields });
    expect(numberOn(fresh)).toMatch(/^\d\d$/);
  });

  it('answers the poller with the status only', async () => {
    const browser = new HttpBrowser();
    const { page } = await toPushPage(browser);
    const uid = new URL(page.url).pathname.split('/')[2];
    const res = await browser.request(`${tp.url}/login/${uid}/push-status`);
    expect(await res.json()).toEqual({ status: 'pending' });
    expect(page.html).toMatch(/<script nonce="[^"]+">/);
    const csp = (await browser.request(`${tp.url}/login/${uid}`)).headers.get('content-security-policy');
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
  });

  it('blocks the account after "No, it is not me" and lets a platform admin clear it', async () => {
    const browser = new HttpBrowser();
    const { page } = await toPushPage(browser);
    const denied = await runCli(['authenticator', 'deny', '--store', store, '--report', '--json'], tp.env);
    expect(denied.code, denied.stderr).toBe(0);
    const after = await pressContinue(browser, page);
    expect(text(after)).toContain('This account is under review');

    // Every later sign-in stops at the warning, even with the right password.
    const again = await toPushPage(new HttpBrowser());
    expect(text(again.page)).toContain('This account is under review');

    const cleared = await runCli(['user', 'clear-risk', '--email', 'phone.user@agency.gov.sg', '--json'], tp.env);
    expect(cleared.code, cleared.stderr).toBe(0);
    const back = await toPushPage(new HttpBrowser());
    expect(text(back.page)).toContain('Approve sign-in request');
  });
});
