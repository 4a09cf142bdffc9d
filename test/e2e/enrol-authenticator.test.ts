/**
 * A first sign-in the way a demo user of `npm start` does it, in two real
 * browsers: the computer signs in to the sample service with a password; the
 * enrol page shows a QR code and the one-time link; the "phone" (its own browser
 * context) opens the link in the TechPass Authenticator web app and adds the
 * account; the computer's page notices by itself and shows a number; the phone
 * types it and taps Yes; the computer lands signed in.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { namespace, PASSWORD, user } from '../helpers/directory.js';
import { startSample, type SampleService } from '../helpers/sample-service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const EMAIL = 'first.timer@agency.gov.sg';

describe(`browser: enrolling the TechPass Authenticator at the first sign-in (${engine})`, { timeout: 120_000 }, () => {
  let tp: TestServer;
  let sample: SampleService;
  let browser: Browser;
  let computer: Page;
  let phone: Page;

  beforeAll(async () => {
    tp = await startTestServer({ publicHost: 'localhost' });
    await namespace(tp, 'demo');
    await user(tp, EMAIL, { givenName: 'Farah', phone: false });
    sample = await startSample(tp, 'demo');
    browser = await launchBrowser();
    computer = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    phone = await (await browser.newContext({ viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true })).newPage();
    computer.setDefaultTimeout(30_000);
    phone.setDefaultTimeout(30_000);
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    if (computer) await screenshot(computer, 'failed-enrol-computer');
    if (phone) await screenshot(phone, 'failed-enrol-phone');
  });

  it('adds the phone from the QR code link, then approves the sign-in with number matching', async () => {
    await computer.goto(sample.url);
    await computer.getByRole('link', { name: 'Login with TechPass' }).click();
    await computer.getByLabel('TechPass ID').fill(EMAIL);
    await computer.getByRole('button', { name: 'Next' }).click();
    await computer.getByLabel('Password').fill(PASSWORD);
    await computer.getByRole('button', { name: 'Sign in', exact: true }).click();

    await computer.getByRole('heading', { name: 'Set up the TechPass Authenticator' }).waitFor();
    await computer.getByRole('img', { name: 'QR code that opens the TechPass Authenticator' }).waitFor();
    await screenshot(computer, 'enrol-authenticator-computer');
    const link = (await computer.getByTestId('enrolment-link').textContent())!.trim();
    expect(link).toMatch(/^http:\/\/localhost:\d+\/authenticator\/enrol#enr_/);

    await phone.goto(link);
    await phone.getByRole('heading', { name: 'Add your TechPass account' }).waitFor();
    await phone.getByRole('button', { name: 'Add account' }).click();
    await phone.getByText('Account added').waitFor();

    // The computer's page moves on by itself: a number to type on the phone.
    await computer.getByRole('heading', { name: 'Approve sign-in request' }).waitFor();
    const number = (await computer.getByTestId('push-number').textContent())!.trim();
    await phone.locator('article.request[data-challenge]').waitFor();
    await phone.getByLabel('Enter the number shown on your computer').fill(number);
    await phone.getByRole('button', { name: 'Yes', exact: true }).click();
    await phone.getByRole('heading', { name: 'Sign-in approved' }).waitFor();

    await computer.getByRole('heading', { name: 'Terms of use' }).waitFor();
    await computer.getByRole('button', { name: 'Accept and continue' }).click();
    await computer.getByRole('heading', { name: /Signed in as Farah/ }).waitFor();
    const body = (await computer.textContent('body'))!;
    expect(body).toContain('urn:techpass:aal2');
    expect(body).toContain('amrpwd, swk, mfa');
    await screenshot(computer, 'enrol-authenticator-signed-in');
  });
});
