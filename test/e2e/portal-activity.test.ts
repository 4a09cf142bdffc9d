/**
 * The portal in Chromium, for sign-in activity and vendors (issue 20 on issue 19's API):
 * a person signs in to an application over HTTP (a wrong password first, then rightly)
 * and sees both lines, named by the application, under My Account › Sign-in activity
 * (one to an application deleted since shows its client id); the namespace's tenant admin
 * sees them in the namespace's sign-in log, filtered by result and application; creates
 * a vendor (the TechPass ID by e-mail, the activation code by SMS, read from the outbox)
 * and a duplicate username is refused at its input. axe-core finds no serious or
 * critical violation on any page; one screenshot at phone width.
 * Screenshots: test-results/portal-activity-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { portalAccount, portalSignIn, seriousViolations } from '../helpers/portal.js';
import { runCli } from '../helpers/cli.js';
import { engine } from '../helpers/database.js';
import { application, namespace, PASSWORD } from '../helpers/directory.js';
import { HttpBrowser } from '../helpers/http-browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { completeSignIn, signIn as signInOverHttp, startAuthorization } from '../helpers/sign-in.js';
import { smsCode, smsTo } from '../helpers/vendors.js';

const REDIRECT = 'https://sample.example.gov.sg/callback';

describe(`browser: the portal's sign-in activity and vendors (${engine})`, { timeout: 180_000 }, () => {
  let tp: TestServer;
  let browser: Browser;
  let page: Page;
  let sample: { clientId: string; clientSecret?: string };

  const account = (email: string, seed: string, platformAdmin = false) => portalAccount(tp, email, seed, platformAdmin);

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'alpha');
    sample = await application(tp, { namespace: 'alpha', name: 'Sample Service', redirectUris: [REDIRECT] });
    await account('tina@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXC');
    await account('paula@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXD');
    const added = await runCli(['namespace', 'admin', 'add', '--namespace', 'alpha', '--email', 'tina@agency.gov.sg'], tp.env);
    expect(added.code, added.stderr).toBe(0);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `portal-activity-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  /** axe-core on the page as it is: no serious or critical violation. */
  const accessible = async (name: string) => expect(await seriousViolations(page, name)).toEqual([]);

  async function signIn(email: string) {
    page = await portalSignIn(browser, tp, email);
  }

  it('a person signs in to the sample application, once with a wrong password first, and sees both lines in My Account', async () => {
    // A wrong password: TechPass answers the form again (401), and the attempt is a line.
    const wrong = { ...sample, redirectUri: REDIRECT, login: 'paula@agency.gov.sg', password: 'Not-The-Password-1' };
    const http = new HttpBrowser();
    const start = await startAuthorization(tp, wrong);
    const first = await http.follow(start.url, {}, (u) => u.startsWith(REDIRECT));
    const refused = await completeSignIn(http, first, wrong);
    expect(refused.stopped).toBeFalsy();
    expect(refused.status).toBe(401);
    // Then rightly.
    const { tokens } = await signInOverHttp(tp, { ...sample, redirectUri: REDIRECT, login: 'paula@agency.gov.sg', password: PASSWORD });
    expect(tokens.claims()?.email).toBe('paula@agency.gov.sg');
    // And to an application deleted since: its line keeps the client id.
    const old = await application(tp, { namespace: 'alpha', name: 'Old Service', redirectUris: [REDIRECT] });
    await signInOverHttp(tp, { ...old, redirectUri: REDIRECT, login: 'paula@agency.gov.sg', password: PASSWORD });
    const deleted = await runCli(['app', 'delete', '--namespace', 'alpha', '--app', old.clientId], tp.env);
    expect(deleted.code, deleted.stderr).toBe(0);

    await signIn('paula@agency.gov.sg');
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await page.getByRole('link', { name: 'Sign-in activity' }).click();
    await page.getByRole('heading', { name: 'Sign-in activity' }).waitFor();
    // Lines name the application (not its client id).
    const lines = page.getByTestId('sign-ins').locator('tbody tr').filter({ hasText: 'Sample Service' });
    await lines.first().waitFor();
    expect(await lines.count()).toBe(2);
    // Newest first: the right password (with its second factor), then the wrong one.
    expect(await lines.nth(0).textContent()).toMatch(/Succeeded/);
    expect(await lines.nth(0).textContent()).toMatch(/Password, One-time code/);
    expect(await lines.nth(1).textContent()).toMatch(/Failed/);
    expect(await lines.nth(1).textContent()).toMatch(/Wrong password/);
    expect(await lines.nth(1).textContent()).toMatch(/alpha/);
    expect(await lines.nth(0).textContent()).not.toContain(sample.clientId);
    const gone = page.getByTestId('sign-ins').locator('tbody tr').filter({ hasText: old.clientId });
    expect(await gone.count()).toBe(1);
    expect(await gone.textContent()).not.toContain('Old Service');
    await screenshot(page, 'portal-activity-account');
    await accessible('my sign-in activity');

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'portal-activity-account-phone');
    await accessible('my sign-in activity (phone)');
  });

  it("the tenant admin reads the namespace's sign-in log filtered by result and application", async () => {
    await signIn('tina@agency.gov.sg');
    await page.getByRole('heading', { name: 'My namespaces' }).waitFor();
    await page.getByRole('link', { name: 'alpha' }).click();
    await page.getByRole('link', { name: 'Sign-in log' }).click();
    await page.getByRole('heading', { name: 'Sign-in log' }).waitFor();
    const rows = page.getByTestId('sign-ins').locator('tbody tr');
    await rows.filter({ hasText: 'paula@agency.gov.sg' }).first().waitFor();
    expect(await rows.filter({ hasText: 'Succeeded' }).count()).toBeGreaterThan(0);

    await page.getByLabel('Result').selectOption('failed');
    await rows.filter({ hasText: 'Succeeded' }).first().waitFor({ state: 'detached' });
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/paula@agency\.gov\.sg.*Failed.*Wrong password.*Sample Service/);

    await page.getByLabel('Result').selectOption('succeeded');
    await page.getByLabel('Application').selectOption({ label: 'Sample Service' });
    await rows.filter({ hasText: 'Failed' }).first().waitFor({ state: 'detached' });
    await rows.filter({ hasText: 'Sample Service' }).first().waitFor();
    for (const row of await rows.all()) expect(await row.textContent()).toMatch(/Succeeded.*Sample Service/);
    await screenshot(page, 'portal-activity-namespace-log');
    await accessible('namespace sign-in log');
  });

  it('the tenant admin creates a vendor (code by SMS) and a duplicate username is refused at its input', async () => {
    await page.getByRole('link', { name: 'alpha', exact: true }).click();
    await page.getByRole('link', { name: 'Vendors' }).click();
    await page.getByRole('heading', { name: 'Vendors', exact: true }).waitFor();
    await page.getByText('This namespace has no vendor accounts yet.').waitFor();
    await accessible('vendors (none)');

    await page.getByLabel('E-mail', { exact: true }).fill('vera@vendor.example.com');
    await page.getByLabel('Username', { exact: true }).fill('vera_lim');
    await page.getByLabel('Mobile number').fill('+65 9123 4567');
    await page.getByRole('button', { name: 'Create vendor' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'has a pending account' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/went by e-mail to vera@vendor\.example\.com.*by SMS to \+65/);
    await page.getByRole('cell', { name: 'vera@vendor.example.com' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'vera@vendor.example.com' });
    expect(await row.textContent()).toMatch(/Vera Lim.*Pending activation.*Sent, not used yet/);
    const mobile = (await row.locator('td').nth(3).textContent())!.trim();
    expect(await smsCode(tp, mobile)).toMatch(/^\d{8}$/);
    await screenshot(page, 'portal-activity-vendor-created');
    await accessible('vendor created');

    // The same username again: refused at the Username input, by its label; nothing sent.
    const sent = (await smsTo(tp, '+6598765432')).length;
    await page.getByLabel('E-mail', { exact: true }).fill('vera.two@vendor.example.com');
    await page.getByLabel('Username', { exact: true }).fill('vera_lim');
    await page.getByLabel('Mobile number').fill('+65 9876 5432');
    await page.getByRole('button', { name: 'Create vendor' }).click();
    await page
      .locator('#tp-vendor-username ~ .invalid-feedback')
      .filter({ hasText: /already/ })
      .waitFor();
    expect(await page.locator('#tp-vendor-username ~ .invalid-feedback').textContent()).toMatch(/^vera_lim\S* is already the TechPass ID/);
    expect((await smsTo(tp, '+6598765432')).length).toBe(sent);
    expect(await page.getByRole('row').filter({ hasText: 'vera.two@vendor.example.com' }).count()).toBe(0);
    await screenshot(page, 'portal-activity-vendor-duplicate');
    await accessible('vendor refused');
  });
});
