/**
 * My Account in the portal, in Chromium, as a person uses it: edit their profile (and
 * see a refused edit — offshore without a reporting officer — at the right input, with
 * nothing saved; and a change made elsewhere meanwhile, answered with a reload), see
 * their second factors (listed, with no remove button), request a tenant and withdraw
 * it (confirmed), invite a colleague (the mail is in the outbox). axe-core on every
 * page; one screenshot at phone width. Screenshots: test-results/portal-account-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '../../src/domain/ids.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { portalAccount, portalSignIn, seriousViolations } from '../helpers/portal.js';
import { engine } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';


describe(`browser: the portal's My Account (${engine})`, { timeout: 180_000 }, () => {
  let tp: TestServer;
  let browser: Browser;
  let page: Page;
  let amyId: UserId;

  const account = (email: string, seed: string, platformAdmin = false) => portalAccount(tp, email, seed, platformAdmin);

  beforeAll(async () => {
    tp = await startTestServer();
    amyId = (await account('amy@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXG')).id;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `portal-account-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  /** axe-core on the page as it is: no serious or critical violation. */
  const accessible = async (name: string) => expect(await seriousViolations(page, name)).toEqual([]);

  async function signIn(email: string) {
    page = await portalSignIn(browser, tp, email);
  }

  it('a person edits their profile; a refused edit and a change made meanwhile are explained', async () => {
    await signIn('amy@agency.gov.sg');
    await page.getByRole('heading', { name: 'Profile' }).waitFor();
    expect(await page.getByTestId('account-email').textContent()).toBe('amy@agency.gov.sg');
    await page.getByLabel('Given name').waitFor();
    await accessible('profile');

    await page.getByLabel('Given name').fill('Amy Lee');
    await page.getByLabel('Mobile number').fill('+65 9123 4567');
    await page.getByLabel('Department').fill('Digital Services');
    await page.getByLabel('Business operation').selectOption('onshore');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Saved.').waitFor();
    let stored = await tp.server.store.users.findById(amyId);
    expect(stored?.givenName).toBe('Amy Lee');
    expect(stored?.profile).toMatchObject({ mobile: '+6591234567', department: 'Digital Services', businessOperation: 'onshore' });

    // Offshore without a reporting officer: refused at that input, in words, and nothing saved.
    await page.getByLabel('Business operation').selectOption('offshore');
    await page.getByLabel('Company address').fill('1 Harbour Road, Manila');
    await page.getByRole('button', { name: 'Save profile' }).click();
    const officer = page.getByLabel('Reporting officer’s e-mail');
    await page.locator('#tp-profile-reportingOfficerEmail.is-invalid').waitFor();
    const said = await page.locator('#tp-profile-reportingOfficerEmail-error').textContent();
    expect(said).toMatch(/^Reporting officer’s e-mail is required/);
    expect(said).not.toContain('reportingOfficerEmail');
    expect(await officer.getAttribute('aria-describedby')).toContain('tp-profile-reportingOfficerEmail-error');
    await screenshot(page, 'portal-account-profile-refused');
    await accessible('profile (refused)');
    stored = await tp.server.store.users.findById(amyId);
    expect(stored?.profile).toMatchObject({ businessOperation: 'onshore', reportingOfficerEmail: null, companyAddress: null });

    // Changed elsewhere since the page loaded: nothing saved, and a reload offered.
    await tp.server.store.userDirectory.updateProfile(amyId, { department: 'Changed elsewhere' });
    await officer.fill('boss@agency.gov.sg');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('alert').filter({ hasText: 'changed elsewhere' }).waitFor();
    stored = await tp.server.store.users.findById(amyId);
    expect(stored?.profile.businessOperation).toBe('onshore');
    await page.getByRole('button', { name: 'Reload my profile' }).click();
    await page.getByLabel('Department').waitFor();
    expect(await page.getByLabel('Department').inputValue()).toBe('Changed elsewhere');
    await page.getByLabel('Business operation').selectOption('offshore');
    await page.getByLabel('Reporting officer’s e-mail').fill('boss@agency.gov.sg');
    await page.getByLabel('Company address').fill('1 Harbour Road, Manila');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Saved.').waitFor();
    stored = await tp.server.store.users.findById(amyId);
    expect(stored?.profile).toMatchObject({ businessOperation: 'offshore', reportingOfficerEmail: 'boss@agency.gov.sg', companyAddress: '1 Harbour Road, Manila' });
  });

  it('a person sees their second factors, with nothing to remove', async () => {
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Second factors' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Authenticator app (one-time codes)' });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(0).textContent()).toBe('Authenticator app');
    expect(await page.getByRole('button', { name: /remove/i }).count()).toBe(0);
    await screenshot(page, 'portal-account-security');
    await accessible('security');
  });

  it('a person requests a tenant, sees it pending, and withdraws it', async () => {
    await page.getByRole('link', { name: 'Tenant requests' }).click();
    await page.getByRole('heading', { name: 'Request a new tenant' }).waitFor();
    await page.getByText('You have not requested a tenant yet.').waitFor();
    await accessible('tenant requests (none)');

    // A namespace name that breaks the rules: refused at its input, in words.
    await page.getByLabel('Namespace name').fill('9 Bad');
    await page.getByLabel('Display name').fill('Parking Services');
    await page.getByLabel('Justification').fill('Season parking for officers; needs single sign-on for 3,000 staff.');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.locator('#tp-request-name.is-invalid').waitFor();
    expect(await page.locator('#tp-request-name-error').textContent()).toMatch(/^Namespace name /);

    await page.getByLabel('Namespace name').fill('parking');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByText(/Your request for parking was sent/).waitFor();
    const row = page.getByTestId('tenant-request-parking');
    await row.getByText('Pending').waitFor();
    const listed = await tp.server.store.tenantRequests.list({ requestedBy: amyId, limit: 10 });
    expect(listed.map((r) => [r.name, r.status])).toEqual([['parking', 'pending']]);
    await accessible('tenant requests');

    await row.getByRole('button', { name: 'Withdraw' }).click();
    await page.getByRole('dialog').getByText('will no longer be considered').waitFor();
    await page.getByRole('button', { name: 'Withdraw request' }).click();
    await row.getByText('Withdrawn').waitFor();
    expect(await row.getByRole('button', { name: 'Withdraw' }).count()).toBe(0);
    expect((await tp.server.store.tenantRequests.list({ requestedBy: amyId, limit: 10 }))[0]?.status).toBe('withdrawn');
    await screenshot(page, 'portal-account-tenant-requests');
  });

  it('a person invites a colleague, and is told why an address is refused', async () => {
    await page.getByRole('link', { name: 'Invite a user' }).click();
    await page.getByRole('heading', { name: 'Invite a user' }).waitFor();
    await accessible('invite');

    await page.getByLabel('E-mail address').fill('amy@agency.gov.sg');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.locator('.invalid-feedback').filter({ hasText: 'already has a TechPass account' }).waitFor();

    const before = Date.now() - 1;
    await page.getByLabel('E-mail address').fill('newbie@agency.gov.sg');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText(/Invitation sent to newbie@agency\.gov\.sg\. It is pending: they have until .+ to follow the e-mailed link/).waitFor();
    const mail = (await tp.server.store.outbox.recent(20, 'newbie@agency.gov.sg')).filter((m) => m.createdAt >= before);
    expect(mail.length).toBeGreaterThan(0);
    await accessible('invite (sent)');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Tenant requests' }).click();
    await page.getByTestId('tenant-request-parking').waitFor();
    await screenshot(page, 'portal-account-phone');
    await accessible('tenant requests (phone)');
  });
});
