/**
 * In a real browser: a vendor created by their tenant admin signs in for the first
 * time at the sample service with the TechPass ID from the e-mail, the activation code
 * from the SMS and a new password, enrols an authenticator app (oathtool's codes), and
 * lands signed in; the account is active from then on.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { namespace } from '../helpers/directory.js';
import { nextTotpCode, rememberSeed } from '../helpers/phone.js';
import { startSample, type SampleService } from '../helpers/sample-service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { vendor } from '../helpers/vendors.js';

const LOGIN = 'ravi_kumar@techpass.local';
const PASSWORD = 'Vendor-Harbour-Kite-2026';

describe(`browser: a vendor's activation (${engine})`, { timeout: 90_000 }, () => {
  let tp: TestServer;
  let sample: SampleService;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'demo');
    sample = await startSample(tp, 'demo');
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(60_000);
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  it('activates with the SMS code and a new password, enrols MFA and is signed in to the application', async () => {
    const created = await vendor(tp, 'demo', { email: 'ravi@vendor.com.sg', username: 'ravi_kumar', mobile: '+65 9123 4567' });

    await page.goto(sample.url);
    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.getByLabel('TechPass ID').fill(LOGIN);
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Activate your account' }).waitFor();
    // A wrong code first: said on the page, counted.
    await page.getByLabel('Activation code (from the SMS)').fill(created.code === '12345678' ? '87654321' : '12345678');
    await page.getByLabel('New password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('New password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Activate and continue' }).click();
    await page.getByText('That activation code is not correct').waitFor();
    expect((await tp.server.store.users.findByLogin(LOGIN))!.failedSignIns).toBe(1);

    await page.getByLabel('Activation code (from the SMS)').fill(created.code);
    await page.getByLabel('New password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('New password again').fill(PASSWORD);
    await screenshot(page, 'vendor-activate');
    await page.getByRole('button', { name: 'Activate and continue' }).click();

    // MFA is mandatory: the enrol page, without "Not now". An authenticator app here.
    await page.getByRole('heading', { name: 'Set up the TechPass Authenticator' }).waitFor();
    expect(await page.getByText(/^Not now/).count()).toBe(0);
    await page.getByRole('button', { name: 'Use another authenticator app instead' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    const seed = (await page.getByTestId('totp-seed').textContent())!.replace(/\s/g, '');
    rememberSeed(tp.url, LOGIN, seed);
    await page.getByLabel('Code from the app').fill(await nextTotpCode(tp.url, LOGIN));
    await screenshot(page, 'vendor-mfa');
    await page.getByRole('button', { name: 'Verify and continue' }).click();

    await page.getByRole('heading', { name: 'Terms of use' }).waitFor();
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.waitForURL(`${sample.url}/`);
    await page.getByRole('heading', { name: /Signed in as Ravi Kumar/ }).waitFor();
    const body = (await page.textContent('body'))!;
    expect(body).toContain('urn:techpass:aal2');
    expect(body).toMatch(/pwd, otp/);
    await screenshot(page, 'vendor-signed-in');

    expect(await tp.server.store.users.findByLogin(LOGIN)).toMatchObject({ id: created.id, status: 'active', failedSignIns: 0 });
  });
});
