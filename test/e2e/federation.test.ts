/**
 * In a real browser: a public officer signs in to the sample service through their
 * organisation's identity provider (an independent upstream oidc-provider registered in
 * TechPass). "Login with TechPass", the e-mail on the identify page, the upstream's own
 * sign-in page (the e-mail already filled in from login_hint), back to TechPass for its
 * MFA (an authenticator app enrolled with oathtool's codes), and signed in. Then the
 * Back button on the upstream's page: TechPass offers to continue there, with no
 * resubmission prompt, and continuing does.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamProvider } from '../../src/oidc/demo-upstream/index.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { namespace, user } from '../helpers/directory.js';
import { federatedUpstream } from '../helpers/federation.js';
import { nextTotpCode, rememberSeed } from '../helpers/phone.js';
import { startSample, type SampleService } from '../helpers/sample-service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { UPSTREAM_PASSWORD, upstreamUser } from '../helpers/upstream.js';

const EMAIL = 'mei.officer@wog.gov.sg';
const PROVIDER = 'Upstream wog';

describe(`browser: sign-in through an integrated identity provider (${engine})`, { timeout: 120_000 }, () => {
  let tp: TestServer;
  let wog: UpstreamProvider;
  let sample: SampleService;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    tp = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
    await namespace(tp, 'demo');
    // No password and no second factor: the provider is the first factor, and TechPass MFA is enrolled on the way.
    await user(tp, EMAIL, { givenName: 'Mei', password: null, phone: false });
    wog = await federatedUpstream(tp, { name: 'wog', domains: ['wog.gov.sg'], users: [upstreamUser(EMAIL)] });
    sample = await startSample(tp, 'demo');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.close();
    await wog?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  /** A fresh browser (no cookies) on a page of its own. */
  async function freshPage(): Promise<Page> {
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(60_000);
    return page;
  }

  /** The page is a real page (no browser error page, no resubmission prompt). */
  const healthy = async () => {
    const body = (await page.textContent('body')) ?? '';
    expect(body).not.toMatch(/ERR_CACHE_MISS|Confirm Form Resubmission|This site can.t be reached/);
    expect(page.url()).not.toMatch(/^chrome-error:/);
    return body;
  };

  /** From the sample service to the upstream's sign-in page for EMAIL. */
  async function toUpstream(shot?: string) {
    await page.goto(sample.url);
    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByText('to continue to Sample Service').isVisible()).toBe(true);
    await page.getByLabel('TechPass ID').fill(EMAIL);
    if (shot) await screenshot(page, shot);
    const before = wog.seen.authorizations.length;
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForURL((url) => url.toString().startsWith(wog.url));
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Sign in to your ${PROVIDER} account`);
    expect(await page.getByText('to continue to TechPass').isVisible()).toBe(true);
    // Sent with login_hint: the upstream's page has the e-mail filled in.
    expect(wog.seen.authorizations.slice(before).at(-1)).toMatchObject({ login_hint: EMAIL });
    expect(await page.getByLabel('E-mail address').inputValue()).toBe(EMAIL);
  }

  it('signs in at the provider, enrols TechPass MFA and lands signed in on the sample service', async () => {
    await freshPage();
    await toUpstream('federation-identify');
    await page.getByLabel('Password').fill(UPSTREAM_PASSWORD);
    await screenshot(page, 'federation-upstream-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Back at TechPass: the account has no second factor, so it sets one up (an authenticator app here).
    await page.waitForURL((url) => url.toString().startsWith(tp.issuer));
    await page.getByRole('heading', { name: 'Set up the TechPass Authenticator' }).waitFor();
    await page.getByRole('button', { name: 'Use another authenticator app instead' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    const seed = (await page.getByTestId('totp-seed').textContent())!.replace(/\s/g, '');
    rememberSeed(tp.url, EMAIL, seed);
    await page.getByLabel('Code from the app').fill(await nextTotpCode(tp.url, EMAIL));
    await screenshot(page, 'federation-mfa');
    await page.getByRole('button', { name: 'Verify and continue' }).click();

    await page.getByRole('heading', { name: 'Terms of use' }).waitFor();
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.waitForURL(`${sample.url}/`);
    await page.getByRole('heading', { name: `Signed in as Mei Tester (${EMAIL})` }).waitFor();
    const body = (await page.textContent('body'))!;
    expect(body).toContain('urn:techpass:aal2');
    expect(body).toMatch(/amrfed, otp, mfa/);
    await screenshot(page, 'federation-signed-in');
  });

  it('Back on the provider’s page shows "Continue to …" (no resubmission prompt), which goes to the provider again', async () => {
    let dialogs = 0;
    await freshPage();
    page.on('dialog', (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    await toUpstream();
    const before = wog.seen.authorizations.length;
    await page.goBack();
    await page.waitForURL((url) => url.toString().startsWith(tp.issuer));
    expect(await healthy()).toContain(`Sign in with ${PROVIDER}`);
    expect(await page.getByText(`${EMAIL} signs in to Sample Service through ${PROVIDER}`).isVisible()).toBe(true);
    await screenshot(page, 'federation-back-continue');
    // A reload shows the same page (it writes nothing, posts nothing).
    await page.reload();
    expect(await healthy()).toContain(`Sign in with ${PROVIDER}`);
    expect(wog.seen.authorizations.length).toBe(before);

    await page.getByRole('button', { name: `Continue to ${PROVIDER}` }).click();
    await page.waitForURL((url) => url.toString().startsWith(wog.url));
    expect(wog.seen.authorizations.length).toBe(before + 1);
    expect(wog.seen.authorizations.at(-1)).toMatchObject({ login_hint: EMAIL });
    expect(await page.getByLabel('E-mail address').inputValue()).toBe(EMAIL);

    // And the sign-in goes on to the end: the provider, then the authenticator app enrolled above.
    await page.getByLabel('Password').fill(UPSTREAM_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.toString().startsWith(tp.issuer));
    await page
      .getByLabel(/code/i)
      .first()
      .fill(await nextTotpCode(tp.url, EMAIL));
    await page
      .getByRole('button', { name: /Verify|Continue/ })
      .first()
      .click();
    await page.waitForURL(`${sample.url}/`);
    await page.getByRole('heading', { name: `Signed in as Mei Tester (${EMAIL})` }).waitFor();
    expect(dialogs).toBe(0);
  });
});
