/**
 * In a real browser: the Back button and reload during a sign-in. Every form
 * post is answered with a redirect to a page, so Chromium never offers to
 * resubmit a form (ERR_CACHE_MISS, "Confirm Form Resubmission"), a reload shows
 * the same page, and Back shows where the sign-in is now, with no dead end.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { namespace, PASSWORD, user } from '../helpers/directory.js';
import { nextTotpCode, rememberSeed } from '../helpers/phone.js';
import { startSample, type SampleService } from '../helpers/sample-service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe(`browser: Back and reload while signing in (${engine})`, { timeout: 90_000 }, () => {
  let tp: TestServer;
  let sample: SampleService;
  let browser: Browser;
  let page: Page;
  const login = 'back.button@agency.gov.sg';

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'demo');
    const u = await user(tp, login, { givenName: 'Bea' });
    const seed = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXB';
    await tp.server.store.users.addTotpFactor(u.id, 'Authenticator app', seed);
    rememberSeed(tp.url, login, seed);
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

  /** The page is a TechPass page (no browser error page, no resubmission prompt). */
  const healthy = async () => {
    const body = (await page.textContent('body')) ?? '';
    expect(body).not.toMatch(/ERR_CACHE_MISS|Confirm Form Resubmission|This site can.t be reached/);
    expect(page.url()).not.toMatch(/^chrome-error:/);
    return body;
  };

  it('goes Back and reloads after "I can\'t use my phone", a wrong code and the enrol step, and still finishes', async () => {
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    await page.goto(sample.url);
    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.getByLabel('TechPass ID').fill(login);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Enter password' }).waitFor();
    // Back to the first page, then forward again: the flow is at the password step, and says so.
    await page.goBack();
    expect(await healthy()).toContain('Enter password');
    await page.reload();
    expect(await healthy()).toContain('Enter password');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const number = (await page.getByTestId('push-number').textContent())!.trim();
    // A reload shows the same number: the prompt was sent once, by the step.
    await page.reload();
    expect((await page.getByTestId('push-number').textContent())!.trim()).toBe(number);

    await page.getByRole('button', { name: "I can't use my phone" }).click();
    await page.getByText('Enter the code').first().waitFor();
    await page.reload();
    expect(await healthy()).toContain('Enter the code');
    await page.goBack();
    expect(await healthy()).toContain('Enter the code');
    await page.goForward();
    expect(await healthy()).toContain('Enter the code');
    await screenshot(page, 'navigation-recovering');

    await page.getByLabel(/code/i).first().fill('000000');
    await page
      .getByRole('button', { name: /Verify|Continue/ })
      .first()
      .click();
    expect(await healthy()).toContain('That code is not correct');
    await page.reload();
    expect(await healthy()).toContain('Enter the code');

    await page
      .getByLabel(/code/i)
      .first()
      .fill(await nextTotpCode(tp.url, login));
    await page
      .getByRole('button', { name: /Verify|Continue/ })
      .first()
      .click();
    await page
      .getByText(/Add a new second factor/)
      .first()
      .waitFor();
    await page.goBack();
    expect(await healthy()).toContain('Add a new second factor');
    await page.reload();
    expect(await healthy()).toContain('Add a new second factor');

    await page.getByRole('button', { name: /Not now/ }).click();
    await page.getByRole('heading', { name: 'Terms of use' }).waitFor();
    await page.reload();
    expect(await healthy()).toContain('Terms of use');
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.waitForURL(`${sample.url}/`);
    await page.getByRole('heading', { name: /Signed in as Bea Tester/ }).waitFor();
    expect(await page.textContent('body')).toContain('otp');
    expect(dialogs).toBe(0);
  });
});
