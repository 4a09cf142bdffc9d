/**
 * In a real browser: the provider's form_post page, under its CSP (a nonce, and the
 * hash of its one inline script), submits itself and carries the code to the
 * application; Chromium reports no CSP violation on the way.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { application, namespace, PASSWORD, user } from '../helpers/directory.js';
import { HttpBrowser } from '../helpers/http-browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { signIn, startAuthorization } from '../helpers/sign-in.js';

describe(`browser: form_post response mode (${engine})`, { timeout: 90_000 }, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  let browser: Browser;
  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'posted');
    app = await application(tp, { namespace: 'posted', name: 'Posted' });
    await user(tp, 'poster@agency.gov.sg');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });

  it('submits the code to the application by itself, with no CSP violation', async () => {
    // Signed in over HTTP; the browser takes over the session's cookies.
    const http = new HttpBrowser();
    await signIn(tp, { ...app, login: 'poster@agency.gov.sg', password: PASSWORD, browser: http });
    const context = await browser.newContext();
    await context.addCookies([...http.cookies].map(([name, value]) => ({ name, value, url: tp.url })));
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    const posted = new Promise<string>((resolve) => {
      void page.route(`${app.redirectUri}**`, async (route) => {
        resolve(route.request().postData() ?? '');
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>received</p>' });
      });
    });
    const start = await startAuthorization(tp, app);
    await page.goto(`${start.url}&response_mode=form_post`);
    const stuck = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`the form_post page did not submit itself; console: ${violations.join(' | ')}`)), 20_000),
    );
    const body = new URLSearchParams(await Promise.race([posted, stuck]));
    expect(body.get('code')).toBeTruthy();
    expect(body.get('state')).toBe(start.state);
    expect(body.get('iss')).toBe(tp.issuer);
    expect(violations).toEqual([]);
    await context.close();
  });
});
