/**
 * In a real browser (issue 18): a public officer without a TechPass account signs up
 * from the sample service's sign-in page ("Sign up"; the ALTCHA widget solves its proof
 * of work under TechPass's strict CSP), opens the onboarding mail's link (read from the
 * outbox), continues, signs in at the test's independent identity provider, enrols MFA
 * (an authenticator app, with otpauth's codes), accepts the Privacy Policy and Terms of
 * Use, then the application's terms, and lands signed in on the sample service.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamProvider } from '../../src/oidc/demo-upstream/index.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { namespace } from '../helpers/directory.js';
import { federatedUpstream } from '../helpers/federation.js';
import { nextTotpCode, rememberSeed } from '../helpers/phone.js';
import { startSample, type SampleService } from '../helpers/sample-service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { onboardingMail, SIGN_UP_ENV } from '../helpers/sign-up.js';
import { UPSTREAM_PASSWORD, upstreamUser } from '../helpers/upstream.js';

const EMAIL = 'wei.lim@agency.gov.sg';
const PROVIDER = 'Upstream wog';

describe(`browser: sign-up and onboarding (${engine})`, { timeout: 180_000 }, () => {
  let tp: TestServer;
  let wog: UpstreamProvider;
  let sample: SampleService;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    tp = await startTestServer({ env: { ...SIGN_UP_ENV, ALTCHA_MAX_NUMBER: '20000' } });
    await namespace(tp, 'demo');
    wog = await federatedUpstream(tp, { name: 'wog', domains: ['agency.gov.sg'], users: [upstreamUser(EMAIL, { givenName: 'Wei', familyName: 'Lim' })] });
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

  it('signs up, opens the onboarding mail, signs in at the provider, enrols MFA, accepts the policies and is signed in', async () => {
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(60_000);
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(`Uncaught ${e.message}`));

    await page.goto(sample.url);
    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('link', { name: 'Sign up' }).click();

    await page.getByRole('heading', { name: 'Sign up for TechPass' }).waitFor();
    await page.getByLabel('Organisational e-mail').fill(EMAIL);
    // The widget solves the proof of work in a worker (served by TechPass) and puts its answer in the form.
    await page.waitForFunction(() => ((document.querySelector('input[name="altcha"]') as HTMLInputElement | null)?.value ?? '').length > 40);
    await screenshot(page, 'sign-up');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    expect(await page.getByTestId('sign-up-sent').textContent()).toContain(EMAIL);
    await screenshot(page, 'sign-up-check-your-mail');

    const { link } = await onboardingMail(tp, EMAIL);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Finish setting up your account' }).waitFor();
    expect(await page.getByTestId('onboarding-techpass-id').textContent()).toBe(EMAIL);
    await screenshot(page, 'onboarding-link');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Now sign in' }).waitFor();
    await screenshot(page, 'onboarding-ready');
    await page.getByTestId('onboarding-continue').click();
    await page.waitForURL(`${sample.url}/`);

    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('TechPass ID').fill(EMAIL);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForURL((url) => url.toString().startsWith(wog.url));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Sign in to your ${PROVIDER} account`);
    await page.getByLabel('Password').fill(UPSTREAM_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Back at TechPass: MFA is mandatory, so the new account sets up a second factor (an authenticator app here).
    await page.waitForURL((url) => url.toString().startsWith(tp.issuer));
    await page.getByRole('heading', { name: 'Set up the TechPass Authenticator' }).waitFor();
    await page.getByRole('button', { name: 'Use another authenticator app instead' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    const seed = (await page.getByTestId('totp-seed').textContent())!.replace(/\s/g, '');
    rememberSeed(tp.url, EMAIL, seed);
    await page.getByLabel('Code from the app').fill(await nextTotpCode(tp.url, EMAIL));
    await screenshot(page, 'onboarding-mfa');
    await page.getByRole('button', { name: 'Verify and continue' }).click();

    await page.getByRole('heading', { name: 'Accept the Privacy Policy and Terms of Use' }).waitFor();
    expect((await tp.server.store.users.findByLogin(EMAIL))!.status).toBe('pending');
    await page.getByLabel('I have read and accept the TechPass Privacy Policy and Terms of Use.').check();
    await screenshot(page, 'onboarding-policies');
    await page.getByRole('button', { name: 'Accept and continue' }).click();

    await page.getByRole('heading', { name: 'Terms of use', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.waitForURL(`${sample.url}/`);
    await page.getByRole('heading', { name: new RegExp(`Signed in as .*\\(${EMAIL.replace('.', '\\.')}\\)`) }).waitFor();
    expect(await page.textContent('body')).toMatch(/amrfed, otp, mfa/);
    await screenshot(page, 'onboarding-signed-in');

    expect((await tp.server.store.users.findByLogin(EMAIL))!.status).toBe('active');
    // Nothing was refused by the content security policy, and nothing failed in the pages' scripts.
    expect(problems.filter((p) => /Content Security Policy|Refused to|Uncaught|TypeError/.test(p))).toEqual([]);
  });
});
