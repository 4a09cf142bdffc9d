/**
 * The portal in Chromium, as its people use it: sign in to /portal with TechPass
 * (password and an authenticator app's code), land on the role's start page, switch
 * role, and as a tenant admin edit the namespace, add an admin, open an application,
 * add a client secret (shown once), revoke it (confirmed) and see client credentials
 * with it fail. axe-core finds no serious or critical violation on any page visited,
 * at desktop and at phone width. Screenshots: test-results/portal-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { portalAccount, portalSignIn, seriousViolations } from '../helpers/portal.js';
import { runCli } from '../helpers/cli.js';
import { engine } from '../helpers/database.js';
import { application, namespace } from '../helpers/directory.js';
import { startTestServer, type TestServer } from '../helpers/server.js';


describe(`browser: the portal (${engine})`, { timeout: 120_000 }, () => {
  let tp: TestServer;
  let browser: Browser;
  let page: Page;
  let clientId: string;

  const account = (email: string, seed: string, platformAdmin = false) => portalAccount(tp, email, seed, platformAdmin);

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'alpha');
    const app = await application(tp, { namespace: 'alpha', name: 'Alpha web' });
    clientId = app.clientId;
    await account('tina@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXC');
    await account('peter@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXD', true);
    await account('una@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXE');
    const added = await runCli(['namespace', 'admin', 'add', '--namespace', 'alpha', '--email', 'tina@agency.gov.sg'], tp.env);
    expect(added.code, added.stderr).toBe(0);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `portal-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  /** axe-core on the page as it is: no serious or critical violation. */
  const accessible = async (name: string) => expect(await seriousViolations(page, name)).toEqual([]);

  async function signIn(email: string) {
    page = await portalSignIn(browser, tp, email);
  }

  it('a tenant admin signs in, manages the namespace and a client secret', async () => {
    await signIn('tina@agency.gov.sg');
    await page.getByRole('heading', { name: 'My namespaces' }).waitFor();
    await screenshot(page, 'portal-tenant-namespaces');
    await accessible('namespaces');

    await page.getByRole('link', { name: 'alpha' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const overview = page.getByRole('region', { name: 'Overview' });
    await overview.getByLabel('Description').fill('The alpha team’s services');
    await overview.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    // A display name too long: refused field by field, nothing saved.
    await overview.getByLabel('Display name').fill('');
    await overview.getByRole('button', { name: 'Save' }).click();
    await overview.locator('.invalid-feedback').first().waitFor();
    const shown = await tp.server.store.namespaces.findByName('alpha');
    expect(shown?.description).toBe('The alpha team’s services');
    expect(shown?.displayName).not.toBe('');

    await page.getByLabel('Add an admin (search by name or TechPass ID)').fill('nobody@agency.gov.sg');
    await page.getByRole('button', { name: 'Add admin' }).click();
    await page.locator('.invalid-feedback').filter({ hasText: /nobody@agency.gov.sg|no account|not found/i }).waitFor();
    // Typing part of a name suggests accounts (a datalist the browser offers); the choice fills the TechPass ID.
    const adminInput = page.getByLabel('Add an admin (search by name or TechPass ID)');
    await adminInput.fill('una');
    await page.locator('#tp-admin-email-found option[value="una@agency.gov.sg"]').waitFor({ state: 'attached' });
    await adminInput.fill('una@agency.gov.sg');
    await page.getByRole('button', { name: 'Add admin' }).click();
    await page.getByRole('cell', { name: 'una@agency.gov.sg' }).waitFor();
    await screenshot(page, 'portal-tenant-namespace');
    await accessible('namespace');

    await page.getByRole('link', { name: 'Alpha web' }).click();
    await page.getByRole('heading', { name: 'Common endpoints' }).waitFor();
    await page.getByLabel('New secret’s name').fill('CI deploy');
    await page.getByRole('button', { name: 'Add a secret' }).click();
    const value = (await page.getByTestId('secret-value').textContent())!.trim();
    expect(value.length).toBeGreaterThan(30);
    await screenshot(page, 'portal-secret-once');
    await accessible('application');

    // The new secret works at the token endpoint.
    const grant = (secret: string) =>
      fetch(`${tp.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
    expect((await grant(value)).status).toBe(200);

    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByTestId('secret-value').count()).toBe(0);
    const row = page.getByRole('row').filter({ hasText: 'CI deploy' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByText('stops working at once').waitFor();
    await screenshot(page, 'portal-revoke-confirm');
    await page.getByRole('button', { name: 'Revoke secret' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await grant(value)).status).toBe(401);
  });

  it('a platform admin sees every namespace, switches to My account, and signs out', async () => {
    await signIn('peter@agency.gov.sg');
    await page.getByRole('heading', { name: 'Namespaces', exact: true }).waitFor();
    await page.getByRole('link', { name: 'alpha' }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'portal-platform-phone');
    await accessible('namespaces (phone)');
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole('button', { name: 'peter@agency.gov.sg' }).click();
    await page.getByRole('button', { name: 'My account' }).click();
    await page.getByTestId('account-email').waitFor();
    expect(await page.getByTestId('account-email').textContent()).toBe('peter@agency.gov.sg');
    await accessible('account');

    await page.getByRole('button', { name: 'peter@agency.gov.sg' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    // TechPass asks whether to sign out of it too; yes.
    await page.getByRole('heading', { name: 'Sign out of TechPass?' }).waitFor();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    await screenshot(page, 'portal-signed-out');
    // Back into the portal: a new sign-in is asked for.
    await page.goto(`${tp.url}/portal/namespaces`);
    await page.getByLabel('TechPass ID').waitFor();
  });

  it('a person who administers nothing gets their account page and a clear refusal elsewhere', async () => {
    await signIn('una@agency.gov.sg');
    // una was made an admin of alpha by the first test; a fresh one administers nothing.
    const made = await account('vic@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXF');
    expect(made.email).toBe('vic@agency.gov.sg');
    await signIn('vic@agency.gov.sg');
    await page.getByTestId('account-email').waitFor();
    await page.goto(`${tp.url}/portal/namespaces/alpha`);
    await page.getByRole('alert').filter({ hasText: /may not|not an admin/i }).waitFor();
    await screenshot(page, 'portal-refused');
    await page.goto(`${tp.url}/portal/no-such-page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await accessible('not found');
  });
});
