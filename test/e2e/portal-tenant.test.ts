/**
 * The portal in Chromium, as a tenant admin uses it for applications and groups: create
 * an application (its client secret shown once), upload a certificate, edit the
 * application's settings (a bad redirect URI refused next to its input), create a
 * group, add a member, assign the group and turn on user assignment; then, over HTTP,
 * a person in the group signs in to the application and one outside it is refused.
 * axe-core finds no serious or critical violation on any page; one screenshot at phone
 * width. Screenshots: test-results/portal-tenant-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asApplicationId } from '../../src/domain/ids.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { portalAccount, portalSignIn, seriousViolations } from '../helpers/portal.js';
import { runCli } from '../helpers/cli.js';
import { engine } from '../helpers/database.js';
import { namespace, PASSWORD, user } from '../helpers/directory.js';
import { HttpBrowser, text } from '../helpers/http-browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { completeSignIn, finishAuthorization, signIn as signInOverHttp, startAuthorization } from '../helpers/sign-in.js';
import { selfSignedCertificate } from '../helpers/x509.js';

const REDIRECT = 'https://hr.example.com/callback';

describe(`browser: the portal, a tenant admin's applications and groups (${engine})`, { timeout: 180_000 }, () => {
  let tp: TestServer;
  let browser: Browser;
  let page: Page;

  const account = (email: string, seed: string, platformAdmin = false) => portalAccount(tp, email, seed, platformAdmin);

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'alpha');
    await account('tina@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXC');
    await user(tp, 'mia@agency.gov.sg');
    await user(tp, 'otto@agency.gov.sg');
    const added = await runCli(['namespace', 'admin', 'add', '--namespace', 'alpha', '--email', 'tina@agency.gov.sg'], tp.env);
    expect(added.code, added.stderr).toBe(0);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `portal-tenant-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  /** axe-core on the page as it is: no serious or critical violation. */
  const accessible = async (name: string) => expect(await seriousViolations(page, name)).toEqual([]);

  async function signIn(email: string) {
    page = await portalSignIn(browser, tp, email);
  }

  /** Signs `login` in to the application over HTTP: `in as <e-mail>`, or `refused` with TechPass' page. */
  async function signInTo(app: { clientId: string; clientSecret: string }, login: string): Promise<string> {
    const o = { ...app, redirectUri: REDIRECT, login, password: PASSWORD };
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, o);
    const first = await browser.follow(start.url, {}, (u) => u.startsWith(REDIRECT));
    const last = first.stopped ? first : await completeSignIn(browser, first, o);
    if (last.stopped) return `in as ${(await finishAuthorization(start, last.url)).claims()?.email}`;
    return text(last).includes('You have not been given access') ? 'refused' : `stopped at ${last.url}`;
  }

  it('creates an application, uploads a certificate, assigns a group; its member signs in and an outsider is refused', async () => {
    await signIn('tina@agency.gov.sg');
    await page.getByRole('heading', { name: 'My namespaces' }).waitFor();
    await page.getByRole('link', { name: 'alpha' }).click();
    await page.getByRole('heading', { name: 'Applications' }).waitFor();
    await page.getByRole('link', { name: 'New application' }).click();

    // A bad redirect URI: refused next to its input, nothing created.
    await page.getByRole('heading', { name: 'New application' }).waitFor();
    await accessible('new application');
    await page.getByLabel('Name', { exact: true }).fill('HR portal');
    await page.getByLabel('Redirect URIs').fill('not a url');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page
      .locator('#tp-new-app-redirects ~ .invalid-feedback')
      .filter({ hasText: /Redirect URI/ })
      .waitFor();
    expect(await page.locator('.invalid-feedback').filter({ hasText: 'redirectUris' }).count()).toBe(0);
    await screenshot(page, 'portal-tenant-new-app-refused');
    await page.getByLabel('Redirect URIs').fill(`${REDIRECT}\n`);
    await page.getByLabel('Homepage URL (optional)').fill('https://hr.example.com/');
    await page.getByRole('button', { name: 'Create application' }).click();

    // The application's page: its first secret, shown once.
    await page.getByRole('heading', { name: 'HR portal' }).waitFor();
    const clientSecret = (await page.getByTestId('secret-value').textContent())!.trim();
    expect(clientSecret.length).toBeGreaterThan(30);
    const clientId = page.url().split('/').pop()!;
    await screenshot(page, 'portal-tenant-app-created');
    await accessible('application created');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByTestId('secret-value').count()).toBe(0);

    // A certificate, pasted as PEM.
    const certificate = selfSignedCertificate({ commonName: 'hr portal signing', notAfter: new Date(Date.now() + 90 * 24 * 3600 * 1000) });
    await page.getByLabel('Certificate (PEM)').fill(certificate.pem);
    await page.getByRole('button', { name: 'Upload certificate' }).click();
    await page.getByRole('cell', { name: certificate.x5tS256 }).waitFor();
    // A private key, refused next to the input.
    await page
      .getByLabel('Certificate (PEM)')
      .fill('-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----');
    await page.getByRole('button', { name: 'Upload certificate' }).click();
    await page.locator('#tp-cert-pem ~ .invalid-feedback').waitFor();

    // Settings: a bad sign-out URL is refused by its label; then a good one saved.
    await page.getByRole('textbox', { name: 'Sign-out URL' }).fill('javascript:alert(1)');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page
      .locator('#tp-app-logout ~ .invalid-feedback')
      .filter({ hasText: /^Sign-out URL/ })
      .waitFor();
    await page.getByRole('textbox', { name: 'Sign-out URL' }).fill('https://hr.example.com/signed-out');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();

    // A group with a member.
    await page.getByRole('link', { name: 'alpha', exact: true }).click();
    await page.getByRole('heading', { name: 'Groups' }).waitFor();
    await page.getByLabel('Name', { exact: true }).last().fill('hr-team');
    await page.getByLabel('Description (optional)').fill('People who use the HR portal');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { name: 'hr-team' }).waitFor();
    await page.getByLabel('E-mail (TechPass ID)').fill('nobody@agency.gov.sg');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page
      .locator('.invalid-feedback')
      .filter({ hasText: /nobody@agency\.gov\.sg|no account/i })
      .waitFor();
    await page.getByLabel('E-mail (TechPass ID)').fill('mia@agency.gov.sg');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('cell', { name: 'mia@agency.gov.sg' }).waitFor();
    await screenshot(page, 'portal-tenant-group');
    await accessible('group');

    // Back to the application: assign the group, require assignment.
    await page.getByRole('link', { name: 'alpha', exact: true }).click();
    await page.getByRole('link', { name: 'HR portal' }).click();
    await page.getByRole('heading', { name: 'Assigned people and groups' }).waitFor();
    await page.getByLabel('Add a').selectOption('group');
    await page.getByLabel('Group name').fill('hr-team');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('cell', { name: 'alpha:hr-team' }).waitFor();
    await page.getByLabel(/User assignment required/).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByText('User assignment is required').waitFor();
    await screenshot(page, 'portal-tenant-application');
    await accessible('application');

    const stored = await tp.server.store.namespaces.findByName('alpha');
    const app = await tp.server.store.forNamespace(stored!.id).applications.get(asApplicationId(clientId));
    expect(app).toMatchObject({ assignmentRequired: true, logoutUrl: 'https://hr.example.com/signed-out', redirectUris: [REDIRECT] });

    // The member signs in; the outsider is refused.
    expect(await signInTo({ clientId, clientSecret }, 'mia@agency.gov.sg')).toBe('in as mia@agency.gov.sg');
    expect(await signInTo({ clientId, clientSecret }, 'otto@agency.gov.sg')).toBe('refused');
    // The whole journey with the shared helper too (the secret works at the token endpoint).
    const { tokens } = await signInOverHttp(tp, { clientId, clientSecret, redirectUri: REDIRECT, login: 'mia@agency.gov.sg', password: PASSWORD });
    expect(tokens.claims()?.email).toBe('mia@agency.gov.sg');

    // At phone width, the application's page is usable.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { name: 'HR portal' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'portal-tenant-application-phone');
    await accessible('application (phone)');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('removes an assignment, a certificate, a member, then deletes the group and the application, each confirmed', async () => {
    await page.getByRole('heading', { name: 'HR portal' }).waitFor();
    const assignment = page.getByRole('row').filter({ hasText: 'alpha:hr-team' });
    await assignment.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await assignment.waitFor({ state: 'detached' });

    const certificate = page.getByRole('row').filter({ hasText: 'hr portal signing' });
    await certificate.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('button', { name: 'Remove certificate' }).click();
    await certificate.waitFor({ state: 'detached' });
    await page.getByText('No certificate uploaded.').waitFor();

    await page.getByRole('button', { name: 'Delete application' }).click();
    await page.getByRole('dialog').getByText('This is irreversible.').waitFor();
    await screenshot(page, 'portal-tenant-delete-confirm');
    await page.getByRole('button', { name: 'Delete application for good' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.getByRole('link', { name: 'HR portal' }).count()).toBe(0);

    await page.getByRole('link', { name: 'hr-team' }).click();
    const member = page.getByRole('row').filter({ hasText: 'mia@agency.gov.sg' });
    await member.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await member.waitFor({ state: 'detached' });
    await page.getByText('This group has no members yet.').waitFor();
    await page.getByRole('textbox', { name: 'Description' }).fill('Renamed and described');
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('hr-people');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'hr-people' }).waitFor();
    await page.getByRole('button', { name: 'Delete group' }).click();
    await page.getByRole('button', { name: 'Delete group for good' }).click();
    await page.getByRole('heading', { name: 'Groups' }).waitFor();
    expect(await page.getByRole('link', { name: 'hr-people' }).count()).toBe(0);
  });
});
