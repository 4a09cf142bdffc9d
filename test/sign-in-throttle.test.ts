/** Guessing across accounts from one address is slowed down; signing out of TechPass ends every session in the browser. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser, text } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn, startAuthorization } from './helpers/sign-in.js';

describe(`throttling and signing out of TechPass (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  beforeAll(async () => {
    tp = await startTestServer({ env: { THROTTLE_FAILURES_PER_IP: '3', LOCKOUT_THRESHOLD: '10' } });
    await namespace(tp, 'throttle');
    app = await application(tp, { namespace: 'throttle', name: 'Throttled' });
    for (const n of [1, 2, 3, 4]) await user(tp, `person${n}@agency.gov.sg`);
  });
  afterAll(() => tp?.close());

  async function tryPassword(login: string, password: string) {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
    return browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password } }, (u) =>
      u.startsWith(app.redirectUri),
    );
  }

  it('signs out of TechPass as a whole: every account of the browser must sign in again', async () => {
    const browser = new HttpBrowser();
    await signIn(tp, { ...app, login: 'person4@agency.gov.sg', password: PASSWORD, browser });
    let page = await browser.follow(`${tp.url}/logout`);
    expect(text(page)).toContain('You will be signed out of every application');
    const confirm = form(page, '/logout/confirm');
    page = await browser.follow(confirm.action, { form: { ...confirm.fields, logout: 'yes' } });
    expect(text(page)).toContain('You are signed out');
    const next = await startAuthorization(tp, app);
    page = await browser.follow(next.url, {}, (u) => u.startsWith(app.redirectUri));
    expect(page.stopped).toBe(false);
    expect(page.html).toContain('name="login"');
  });

  it('refuses further passwords from an address after too many failures across accounts, even a right one', async () => {
    for (const n of [1, 2, 3]) {
      const page = await tryPassword(`person${n}@agency.gov.sg`, 'Wrong-Password-000');
      expect(page.status).toBe(401);
    }
    const blocked = await tryPassword('person4@agency.gov.sg', PASSWORD);
    expect(blocked.stopped).toBe(false);
    expect(text(blocked)).toContain('Too many attempts');
    // No account was locked by this: each had one failure only.
    expect((await tp.server.store.users.findByLogin('person1@agency.gov.sg'))?.lockedAt).toBeNull();
  });
});
