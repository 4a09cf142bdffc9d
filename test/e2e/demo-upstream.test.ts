/**
 * In a real browser: the demo upstream's sign-in page works in Chromium under its own
 * CSP (stylesheet, labels, login_hint prefilled), a wrong password is shown, the right
 * one carries the code back to the relying party, and Cancel answers access_denied.
 */
import type { Browser, Page } from 'playwright-core';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamProvider } from '../../src/oidc/demo-upstream/index.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { startTestUpstream, UPSTREAM_PASSWORD } from '../helpers/upstream.js';

const REDIRECT_URI = 'http://127.0.0.1:9/login/federation/callback';
const SECRET = 'a-long-client-secret-for-the-upstream-tests';
const EMAIL = 'officer@agency.gov.sg';

describe(`browser: demo upstream sign-in page (${engine})`, { timeout: 90_000 }, () => {
  let upstream: UpstreamProvider;
  let browser: Browser;
  let config: client.Configuration;
  beforeAll(async () => {
    upstream = await startTestUpstream({ clientId: 'techpass', clientSecret: SECRET, redirectUris: [REDIRECT_URI], name: 'TechPass' });
    config = await client.discovery(new URL(upstream.issuer), 'techpass', undefined, client.ClientSecretBasic(SECRET), {
      execute: [client.allowInsecureRequests],
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await upstream?.close();
  });

  /** A fresh browser page on the upstream's sign-in page; `answer` resolves with the query the upstream sends back. */
  async function open() {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    const answer = new Promise<URLSearchParams>((resolve) => {
      void page.route(`${REDIRECT_URI}**`, async (route) => {
        resolve(new URL(route.request().url()).searchParams);
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>back at the relying party</p>' });
      });
    });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce: client.randomNonce(),
      login_hint: EMAIL,
    });
    await page.goto(url.toString());
    return { context, page, answer, state, violations };
  }

  const styled = (page: Page) => page.locator('button[form="sign-in"]').evaluate((el) => getComputedStyle(el).backgroundColor);

  it('signs in: prefilled address, an error for a wrong password, then the code comes back with iss', async () => {
    const { context, page, answer, state, violations } = await open();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('WOG account (demo)');
    await expect(page.getByLabel('E-mail address').inputValue()).resolves.toBe(EMAIL);
    await expect(styled(page)).resolves.toBe('rgb(92, 45, 145)');
    await page.getByLabel('Password').fill('Not-The-Password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('do not match an account here');
    await page.getByLabel('Password').fill(UPSTREAM_PASSWORD);
    await screenshot(page, 'demo-upstream-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const query = await answer;
    expect(query.get('code')).toBeTruthy();
    expect(query.get('state')).toBe(state);
    expect(query.get('iss')).toBe(upstream.issuer);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('Cancel answers access_denied', async () => {
    const { context, page, answer, state } = await open();
    await page.getByRole('button', { name: 'Cancel' }).click();
    const query = await answer;
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe(state);
    await context.close();
  });
});
