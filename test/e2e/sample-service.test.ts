/**
 * In a real browser: the sample service's "Login with TechPass", terms on first
 * access, two accounts in one browser through the account picker, and sign-out.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { namespace, PASSWORD, user } from '../helpers/directory.js';
import { approveOnPhone, phoneOf } from '../helpers/phone.js';
import { startSample, type SampleService } from '../helpers/sample-service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe(`browser: sample service (${engine})`, { timeout: 90_000 }, () => {
  let tp: TestServer;
  let sample: SampleService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'demo');
    await user(tp, 'jane_tan@agency.gov.sg', { givenName: 'Jane' });
    await user(tp, 'ravi@vendor.com.sg', { username: 'ravi_kumar', givenName: 'Ravi' });
    sample = await startSample(tp, 'demo');
    browser = await launchBrowser();
    context = await browser.newContext();
    page = await context.newPage();
    // A loaded CI machine (both engines' suites at once) can be slow; the test's own timeout still bounds it.
    page.setDefaultTimeout(60_000);
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.close();
    await tp?.close();
  });

  afterEach(async ({ task }) => {
    // A failed step leaves a picture of where the browser was.
    if (task.result?.state === 'fail' && page) await screenshot(page, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  const signInWithPassword = async (login: string) => {
    await page.getByLabel('TechPass ID').fill(login);
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Enter password' }).isVisible()).toBe(true);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // MFA: the page shows a number; the account's phone types it and taps Yes; the page moves on by itself.
    const number = (await page.getByTestId('push-number').textContent())!.trim();
    expect(await approveOnPhone(phoneOf(tp, login)!, number)).toBe('approved');
    await page.waitForURL((url) => !url.pathname.startsWith('/login/') || !url.pathname.endsWith('/password'));
  };

  it('signs in to the sample service, accepting the terms on first access', async () => {
    await page.goto(sample.url);
    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.waitForURL(/\/login\//);
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await page.getByText('to continue to Sample Service').isVisible()).toBe(true);
    await screenshot(page, 'sign-in');
    await signInWithPassword('jane_tan@agency.gov.sg');
    await page.getByRole('heading', { name: 'Terms of use' }).waitFor();
    await screenshot(page, 'terms');
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.waitForURL(`${sample.url}/`);
    await page.getByRole('heading', { name: /Signed in as Jane Tester/ }).waitFor();
    const body = await page.textContent('body');
    expect(body).toContain('jane_tan@agency.gov.sg');
    expect(body).toContain('urn:techpass:aal2');
    expect(body).toContain('swk');
    await screenshot(page, 'signed-in');
  });

  it('adds a second account in the same browser and switches between them with the picker', async () => {
    await page.goto(`${sample.url}/login?prompt=select_account`);
    await page.getByRole('heading', { name: 'Choose an account' }).waitFor();
    await page.getByRole('button', { name: 'Use another account' }).click();
    await signInWithPassword('ravi_kumar');
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.getByRole('heading', { name: /Signed in as Ravi Tester/ }).waitFor();

    // Two accounts remembered: the picker appears by itself; Jane continues without a password.
    await page.goto(`${sample.url}/login`);
    await page.getByRole('heading', { name: 'Choose an account' }).waitFor();
    expect(await page.getByText('Signed in', { exact: true }).count()).toBe(2);
    await screenshot(page, 'picker');
    await page.getByRole('button', { name: 'Continue as jane_tan@agency.gov.sg' }).click();
    await page.getByRole('heading', { name: /Signed in as Jane Tester/ }).waitFor();
  });

  it('signs out through TechPass and asks for a password again afterwards', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign out of TechPass?' }).waitFor();
    await screenshot(page, 'sign-out');
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${sample.url}/`);
    await page.getByRole('link', { name: 'Login with TechPass' }).waitFor();

    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.getByRole('heading', { name: 'Choose an account' }).waitFor();
    expect(await page.getByText('Signed out', { exact: true }).count()).toBe(2);
    await page.getByRole('button', { name: 'Continue as ravi_kumar' }).click();
    await page.getByRole('heading', { name: 'Enter password' }).waitFor();

    // "Forget" removes an account from this browser.
    await page.goto(`${sample.url}/login?prompt=select_account`);
    await page.getByRole('button', { name: 'Forget jane_tan@agency.gov.sg' }).click();
    await page.getByRole('heading', { name: 'Choose an account' }).waitFor();
    expect(await page.getByRole('button', { name: 'Continue as jane_tan@agency.gov.sg' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Continue as ravi_kumar' }).count()).toBe(1);
  });
});
