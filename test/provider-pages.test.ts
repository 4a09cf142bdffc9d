/**
 * The pages oidc-provider renders itself carry the headers of TechPass' own pages: a
 * CSP with a nonce and frame-ancestors 'none' (and, where the page has its one inline
 * script, that script's hash), X-Frame-Options, nosniff, no caching. These are the
 * form_post page that carries the authorization code, the account-switch page, the
 * sign-out confirmation, sign-out without a session, the signed-out page and errors.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser, type Page } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, signIn, startAuthorization } from './helpers/sign-in.js';

/** A browser that keeps every page it was shown, with its headers. */
class RecordingBrowser extends HttpBrowser {
  readonly pages: Page[] = [];
  override async follow(url: string, init: { form?: Record<string, string> } = {}, stop: (url: string) => boolean = () => false): Promise<Page> {
    const page = await super.follow(url, init, stop);
    this.pages.push(page);
    return page;
  }
}

/** The headers every page must carry; `script`: the page's one inline script, allowed by its hash. */
function expectPageHeaders(page: Page, script?: string) {
  const headers = page.headers!;
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("default-src 'none'");
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('cache-control')).toBe('no-store');
  if (script !== undefined) {
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]{20,}'/);
    expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  } else {
    expect(csp).not.toContain('unsafe-inline');
  }
}

const inlineScript = (page: Page) => /<script>([\s\S]*?)<\/script>/.exec(page.html)?.[1];

describe(`pages the provider renders (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'pages');
    app = await application(tp, { namespace: 'pages', name: 'Pages' });
    await user(tp, 'first@agency.gov.sg');
    await user(tp, 'second@agency.gov.sg');
  });
  afterAll(() => tp?.close());

  it('sends the form_post page that carries the code with the page headers and its script allowed by hash only', async () => {
    const browser = new RecordingBrowser();
    await signIn(tp, { ...app, login: 'first@agency.gov.sg', password: PASSWORD, browser });
    const start = await startAuthorization(tp, app);
    const page = await browser.follow(`${start.url}&response_mode=form_post`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('name="code"');
    expect(page.html).toContain(`action="${app.redirectUri}"`);
    expectPageHeaders(page, inlineScript(page));
  });

  it('sends the account-switch page (ending the other account) with the page headers', async () => {
    const browser = new RecordingBrowser();
    await signIn(tp, { ...app, login: 'first@agency.gov.sg', password: PASSWORD, browser });
    const start = await startAuthorization(tp, { ...app, prompt: 'login' });
    const first = await browser.follow(start.url, {}, (u) => u.startsWith(app.redirectUri));
    const last = await completeSignIn(browser, first, { ...app, login: 'second@agency.gov.sg', password: PASSWORD });
    expect(last.stopped).toBe(true);
    const switchPage = browser.pages.find((p) => p.html.includes('document.forms[0].submit()'));
    expect(switchPage, 'the provider showed no account-switch page').toBeDefined();
    expect(new URL(form(switchPage!, '/logout/confirm').action).pathname).toBe('/logout/confirm');
    expectPageHeaders(switchPage!, inlineScript(switchPage!));
  });

  it('sends the sign-out confirmation, sign-out without a session and the signed-out page with the page headers', async () => {
    const browser = new RecordingBrowser();
    await signIn(tp, { ...app, login: 'first@agency.gov.sg', password: PASSWORD, browser });
    const confirm = await browser.follow(`${tp.url}/logout`);
    expect(confirm.html).toContain('/logout/confirm');
    expectPageHeaders(confirm);
    const signedOut = await browser.follow(form(confirm, '/logout/confirm').action, {
      form: { ...form(confirm, '/logout/confirm').fields, logout: 'yes' },
    });
    expect(signedOut.status).toBe(200);
    expectPageHeaders(signedOut);

    const stranger = new RecordingBrowser();
    const noSession = await stranger.follow(`${tp.url}/logout`);
    expect(noSession.html).toContain('document.forms[0].submit()');
    expectPageHeaders(noSession, inlineScript(noSession));
  });

  it('sends error pages with the page headers', async () => {
    const page = await new RecordingBrowser().follow(`${tp.url}/authorize?client_id=nobody&response_type=code&scope=openid`);
    expect(page.status).toBeGreaterThanOrEqual(400);
    expectPageHeaders(page);
  });
});
