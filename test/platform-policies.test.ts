/**
 * The platform's Privacy Policy and Terms of Use (issue 18): their pages show the
 * configured texts and versions, and a sign-in of an active account whose accepted
 * versions are older than the current ones asks to accept them after MFA, before it
 * completes (recorded and audited); declining means the sign-in does not complete.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, HttpBrowser, text } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization, startAuthorization } from './helpers/sign-in.js';

describe(`platform Privacy Policy and Terms of Use (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  const dir = mkdtempSync(path.join(tmpdir(), 'techpass-policies-'));
  const privacyFile = path.join(dir, 'privacy.txt');
  writeFileSync(privacyFile, 'Our agency keeps your name and e-mail.\n\nVersion two explains the audit trail.\n');

  beforeAll(async () => {
    // A new Privacy Policy (version 2) is in force; the Terms of Use are still version 1.
    tp = await startTestServer({ env: { PRIVACY_POLICY_FILE: privacyFile, PRIVACY_POLICY_VERSION: '2' } });
    await namespace(tp, 'policies');
    app = await application(tp, { namespace: 'policies', name: 'Policies app' });
  });
  afterAll(() => tp?.close());

  const store = () => tp.server.store;
  const toApp = (u: string) => u.startsWith(app.redirectUri);

  it('shows each policy with its version: the configured text, or the built-in one', async () => {
    const privacy = await new HttpBrowser().follow(`${tp.issuer}/policies/privacy`);
    expect(privacy.status).toBe(200);
    expect(text(privacy)).toContain('Version 2');
    expect(text(privacy)).toContain('Version two explains the audit trail.');
    const terms = await new HttpBrowser().follow(`${tp.issuer}/policies/terms`);
    expect(text(terms)).toContain('Version 1');
    expect(text(terms)).toContain('These Terms of Use apply to every TechPass account.');
    expect(terms.headers?.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('asks an account that accepted an older version to accept the new one after MFA, records it, and asks no more', async () => {
    const account = await user(tp, 'renewing@agency.gov.sg');
    await store().platformPolicies.accept(account.id, { privacy: 1, terms: 1 });
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    const first = await browser.follow(start.url, {}, toApp);
    const asked = await completeSignIn(browser, first, { ...app, login: account.email, password: PASSWORD, acceptPolicies: false });
    expect(text(asked)).toContain('Accept the updated Privacy Policy and Terms of Use');
    expect(text(asked)).toContain('(version 2)');
    // Nothing is recorded until the person accepts.
    expect(await store().platformPolicies.accepted(account.id)).toEqual({ privacy: 1, terms: 1 });

    const accept = form(asked, '/policies');
    const next = await browser.follow(accept.action, { form: accept.fields }, toApp);
    const last = await completeSignIn(browser, next, { ...app, login: account.email, password: PASSWORD });
    expect(last.stopped).toBe(true);
    await finishAuthorization(start, last.url);
    expect(await store().platformPolicies.accepted(account.id)).toEqual({ privacy: 2, terms: 1 });
    const event = (await store().audit.list({ limit: 10_000, targetId: account.id })).find((e) => e.action === 'policies.accepted');
    expect(event?.data).toMatchObject({ privacy: 2, terms: 1 });

    const again = await startAuthorization(tp, app);
    const fresh = new HttpBrowser();
    const page = await completeSignIn(fresh, await fresh.follow(again.url, {}, toApp), {
      ...app,
      login: account.email,
      password: PASSWORD,
      acceptPolicies: false,
    });
    expect(page.stopped).toBe(true);
  });

  it('asks an account with no acceptance at all once a new version is out', async () => {
    const account = await user(tp, 'never.asked@agency.gov.sg');
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    const asked = await completeSignIn(browser, await browser.follow(start.url, {}, toApp), {
      ...app,
      login: account.email,
      password: PASSWORD,
      acceptPolicies: false,
    });
    expect(asked.html).toContain('/policies"');
  });

  it('does not complete a sign-in whose person declines: the application hears access_denied, nothing is recorded', async () => {
    const account = await user(tp, 'declining@agency.gov.sg');
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    const asked = await completeSignIn(browser, await browser.follow(start.url, {}, toApp), {
      ...app,
      login: account.email,
      password: PASSWORD,
      acceptPolicies: false,
    });
    const decline = form(asked, '/abort');
    const back = await browser.follow(decline.action, { form: decline.fields }, toApp);
    expect(back.stopped).toBe(true);
    expect(new URL(back.url).searchParams.get('error')).toBe('access_denied');
    expect(await store().platformPolicies.accepted(account.id)).toEqual({ privacy: null, terms: null });
    const actions = (await store().audit.list({ limit: 10_000, targetId: account.id })).map((e) => e.action);
    expect(actions).not.toContain('sign_in.succeeded');
    expect(actions).not.toContain('policies.accepted');
  });
});
