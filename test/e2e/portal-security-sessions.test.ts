/**
 * My Account › Security in Chromium, as a person uses it: signed in to the sample
 * service in one browser and to the portal in another, she sees both sessions (this
 * browser marked), signs the other one out (confirmed; that browser must then sign in
 * again at the sample service), and changes her password (a mismatch caught in the page,
 * a wrong current password shown at its input; then she is signed out and signs in with
 * the new one). axe-core on every page; screenshots: test-results/portal-security-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { namespace, PASSWORD } from '../helpers/directory.js';
import { nextTotpCode } from '../helpers/phone.js';
import { portalAccount, portalSignIn, seriousViolations } from '../helpers/portal.js';
import { startSample, type SampleService } from '../helpers/sample-service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const EMAIL = 'mia@agency.gov.sg';
const NEW_PASSWORD = 'Mia-Fresh-Passphrase-2026';

describe(`browser: the portal's signed-in sessions and password change (${engine})`, { timeout: 300_000 }, () => {
  let tp: TestServer;
  let sample: SampleService;
  let browser: Browser;
  let app: Page;
  let portal: Page;

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'demo');
    await portalAccount(tp, EMAIL, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXM');
    sample = await startSample(tp, 'demo');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    const name = task.name.slice(0, 40).replace(/\W+/g, '-');
    if (portal) await screenshot(portal, `portal-security-failed-portal-${name}`);
    if (app) await screenshot(app, `portal-security-failed-app-${name}`);
  });

  const accessible = async (page: Page, name: string) => expect(await seriousViolations(page, name)).toEqual([]);

  /** Answers TechPass' sign-in pages (account picker, TechPass ID, password, code, terms) until `done` says the browser is back. */
  async function signInAtTechPass(page: Page, password: string, done: (url: URL) => boolean) {
    for (let step = 0; step < 12; step += 1) {
      const pick = page.getByRole('button', { name: `Continue as ${EMAIL}` });
      const id = page.getByLabel('TechPass ID');
      const secret = page.getByLabel('Password', { exact: true });
      const code = page.getByLabel(/code/i).first();
      const accept = page.getByRole('button', { name: 'Accept and continue' });
      const any = pick.or(id).or(secret).or(code).or(accept).first();
      await Promise.race([any.waitFor().catch(() => undefined), page.waitForURL(done).catch(() => undefined)]);
      if (done(new URL(page.url()))) return;
      if (await pick.isVisible()) await pick.click();
      else if (await secret.isVisible()) {
        await secret.fill(password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      } else if (await id.isVisible()) {
        await id.fill(EMAIL);
        await page.getByRole('button', { name: 'Next' }).click();
      } else if (await code.isVisible()) {
        await code.fill(await nextTotpCode(tp.url, EMAIL));
        await page
          .getByRole('button', { name: /verify|continue|sign in/i })
          .first()
          .click();
      } else if (await accept.isVisible()) {
        const box = page.getByRole('checkbox');
        if (await box.count()) await box.first().check();
        await accept.click();
      }
      await page.waitForLoadState();
    }
    throw new Error(`the sign-in did not finish; at ${page.url()}`);
  }

  const atSample = (url: URL) => url.origin === new URL(sample.url).origin && url.pathname === '/';
  const sessionCards = () => portal.getByTestId('session');

  it('sees the sample service’s session and the portal’s, and signs the other browser out', async () => {
    // Browser A: the sample service.
    app = await (
      await browser.newContext({
        userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      })
    ).newPage();
    app.setDefaultTimeout(30_000);
    await app.goto(sample.url);
    await app.getByRole('link', { name: 'Login with TechPass' }).click();
    await signInAtTechPass(app, PASSWORD, atSample);
    await app.getByRole('heading', { name: /Signed in as/ }).waitFor();

    // Browser B: the portal, My Account › Security.
    portal = await portalSignIn(browser, tp, EMAIL);
    await portal.goto(`${tp.url}/portal/account/security`);
    await portal.getByRole('heading', { name: 'Signed-in sessions' }).waitFor();
    await expect.poll(() => sessionCards().count()).toBe(2);
    const mine = sessionCards().filter({ hasText: 'This browser' });
    const other = sessionCards().filter({ hasNotText: 'This browser' });
    expect(await mine.count()).toBe(1);
    expect(await mine.textContent()).toContain('TechPass portal');
    expect(await other.textContent()).toContain('Sample Service');
    expect(await other.textContent()).toContain('Chrome 131 on Windows');
    await screenshot(portal, 'portal-security-sessions');
    await accessible(portal, 'security (sessions)');

    // Sign the other browser out, after a confirmation.
    await other.getByRole('button', { name: 'Sign out' }).click();
    const dialog = portal.getByRole('dialog');
    await dialog.getByText(/will be signed out of TechPass and of Sample Service/).waitFor();
    await screenshot(portal, 'portal-security-sign-out-confirm');
    await accessible(portal, 'security (confirm sign-out)');
    await dialog.getByRole('button', { name: 'Sign out' }).click();
    await portal.getByText(/^Signed out of Chrome 131 on Windows\.$/).waitFor();
    await expect.poll(() => sessionCards().count()).toBe(1);
    expect(await sessionCards().first().textContent()).toContain('This browser');

    // Browser A must sign in again at the sample service: TechPass asks, it does not send it straight back.
    await app.goto(`${sample.url}/login`);
    await app.waitForURL(/\/login\//);
    await app
      .getByRole('heading', { name: /Sign in|Choose an account|Enter password/ })
      .first()
      .waitFor();
    await screenshot(app, 'portal-security-app-signs-in-again');
    await signInAtTechPass(app, PASSWORD, atSample);
    await app.getByRole('heading', { name: /Signed in as/ }).waitFor();
  });

  it('changes her password: mistakes shown at their inputs, then signed out and in again with the new one', async () => {
    await portal.goto(`${tp.url}/portal/account/security`);
    await portal.getByRole('heading', { name: 'Change password' }).waitFor();
    // The two new passwords differ: caught in the page, nothing sent.
    await portal.getByLabel('Current password').fill(PASSWORD);
    await portal.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await portal.getByLabel('Confirm new password').fill(`${NEW_PASSWORD}x`);
    await portal.getByRole('button', { name: 'Change password' }).click();
    await portal.locator('#tp-password-confirm.is-invalid').waitFor();
    expect(await portal.locator('#tp-password-confirm-error').textContent()).toBe('The two new passwords are not the same.');
    // A wrong current password: the API's answer at that input; she stays signed in.
    await portal.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await portal.getByLabel('Current password').fill('Not-My-Password-2026');
    await portal.getByRole('button', { name: 'Change password' }).click();
    await portal.locator('#tp-password-current.is-invalid').waitFor();
    expect(await portal.locator('#tp-password-current-error').textContent()).toMatch(/^The current password is not correct/);
    expect(await portal.getByLabel('Current password').getAttribute('aria-describedby')).toContain('tp-password-current-error');
    await screenshot(portal, 'portal-security-password-refused');
    await accessible(portal, 'security (password refused)');
    // A weak new password: at its input.
    await portal.getByLabel('Current password').fill(PASSWORD);
    await portal.getByLabel('New password', { exact: true }).fill('short');
    await portal.getByLabel('Confirm new password').fill('short');
    await portal.getByRole('button', { name: 'Change password' }).click();
    await portal.locator('#tp-password-password.is-invalid').waitFor();
    expect(await portal.locator('#tp-password-password-error').textContent()).toMatch(/at least 12 characters/);

    await portal.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await portal.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await portal.getByRole('button', { name: 'Change password' }).click();
    await portal.getByTestId('password-changed').waitFor();
    await screenshot(portal, 'portal-security-password-changed');
    await accessible(portal, 'security (password changed)');
    // Signed out everywhere: the portal's session is gone.
    expect((await portal.request.get(`${tp.url}/portal/session`)).status()).toBe(401);

    await portal.getByRole('button', { name: 'Sign in with your new password' }).click();
    await signInAtTechPass(portal, NEW_PASSWORD, (url) => url.pathname.startsWith('/portal/') && !url.pathname.startsWith('/portal/login'));
    await portal.getByRole('heading', { name: 'Signed-in sessions' }).waitFor();
    await expect.poll(() => sessionCards().count()).toBe(1);
    await screenshot(portal, 'portal-security-signed-in-again');

    // A phone's width: the page still reads, and passes axe.
    await portal.setViewportSize({ width: 390, height: 844 });
    await screenshot(portal, 'portal-security-phone');
    await accessible(portal, 'security (phone)');
  });
});
