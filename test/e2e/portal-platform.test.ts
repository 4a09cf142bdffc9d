/**
 * The portal's platform admin pages in Chromium: tenant requests (one approved: the
 * namespace exists and its requester administers it; one rejected with a reason: the
 * requester is mailed it) and users (search, More for the next page, the address
 * keeping the search for Back; open, disable with a reason, enable,
 * remove a factor; a refused action shows the API's reason; reset MFA, confirmed: the
 * factors go and the person's portal session ends). axe-core finds no serious
 * or critical violation on any page visited. Screenshots: test-results/portal-platform-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../../src/cli/demo.js';
import type { Caller } from '../../src/domain/authorization.js';
import type { UserId } from '../../src/domain/ids.js';
import { applyStatusChange } from '../../src/flows/account-status.js';
import { createUser } from '../../src/flows/administration.js';
import { requestTenant, type TenantRequestDeps } from '../../src/flows/tenant-requests.js';
import { systemClock } from '../../src/platform/clock.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { portalAccount, portalSignIn, seriousViolations } from '../helpers/portal.js';
import { engine } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';


describe(`browser: the portal's platform admin pages (${engine})`, { timeout: 120_000 }, () => {
  let tp: TestServer;
  let browser: Browser;
  let page: Page;
  const ids: Record<string, string> = {};

  const account = (email: string, seed: string, platformAdmin = false) => portalAccount(tp, email, seed, platformAdmin);

  /** A plain person's tenant request, through the same flow as POST /api/v1/tenant-requests. */
  async function tenantRequest(userId: string, email: string, name: string) {
    const store = tp.server.store;
    const deps: TenantRequestDeps = {
      users: store.users,
      namespaces: store.namespaces,
      audit: store.audit,
      outbox: store.outbox,
      tenantRequests: store.tenantRequests,
      forNamespace: (id) => store.forNamespace(id),
      transaction: (fn) => store.transaction((repos) => fn(repos)),
    };
    const caller: Caller = { userId: userId as UserId, email, platformAdmin: false, adminOf: new Set(), via: 'access_token' };
    const made = await requestTenant(deps, caller, {
      name,
      displayName: `${name.replace(/^./, (c) => c.toUpperCase())} service`,
      description: `The ${name} service for officers`,
      justification: `${name} needs single sign-on for its officers`,
    });
    if (!made.ok) throw new Error(made.message);
    return made.value;
  }

  beforeAll(async () => {
    tp = await startTestServer();
    ids.peter = (await account('peter@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXD', true)).id;
    ids.rita = (await account('rita@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXE')).id;
    ids.sam = (await account('sam@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXF')).id;
    await tenantRequest(ids.rita!, 'rita@agency.gov.sg', 'payments');
    await tenantRequest(ids.sam!, 'sam@agency.gov.sg', 'parking');
    // A crowd for the search's pages (25 a page): no password, nobody signs in as them.
    for (let i = 1; i <= 27; i += 1) {
      const made = await createUser(administrationDeps(tp.server.store, systemClock), 'test', {
        email: `crowd${String(i).padStart(2, '0')}@agency.gov.sg`,
        givenName: 'Crowd',
        familyName: `Member ${i}`,
      });
      if (!made.ok) throw new Error(made.message);
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `portal-platform-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  /** axe-core on the page as it is: no serious or critical violation. */
  const accessible = async (name: string) => expect(await seriousViolations(page, name)).toEqual([]);

  async function signIn(email: string) {
    page = await portalSignIn(browser, tp, email);
  }

  it('a platform admin approves one tenant request and rejects another with a reason', async () => {
    await signIn('peter@agency.gov.sg');
    await page.getByRole('link', { name: 'Tenant requests' }).click();
    await page.getByRole('heading', { name: 'Tenant requests' }).waitFor();
    const payments = page.getByTestId('tenant-request').filter({ hasText: 'payments needs single sign-on' });
    await payments.getByText('rita@agency.gov.sg').waitFor();
    await screenshot(page, 'portal-platform-requests');
    await accessible('tenant requests');

    await payments.getByRole('button', { name: 'Approve payments' }).click();
    await page.getByRole('dialog').getByText('creates namespace payments').waitFor();
    await accessible('approve dialog');
    await page.getByRole('button', { name: 'Approve and create namespace' }).click();
    await page.getByRole('status').filter({ hasText: 'rita@agency.gov.sg is its admin' }).waitFor();
    const ns = await tp.server.store.namespaces.findByName('payments');
    expect(ns?.displayName).toBe('Payments service');
    expect((await tp.server.store.forNamespace(ns!.id).admins.list()).map((a) => a.email)).toEqual(['rita@agency.gov.sg']);
    expect((await tp.server.store.tenantRequests.list({ limit: 10 })).find((r) => r.name === 'payments')?.status).toBe('approved');

    // A rejection needs a reason; the requester is mailed it.
    const parking = page.getByTestId('tenant-request').filter({ hasText: 'parking needs single sign-on' });
    await parking.getByRole('button', { name: 'Reject parking' }).click();
    await page.getByRole('button', { name: 'Reject request' }).click();
    await page.getByRole('dialog').getByRole('alert').filter({ hasText: 'Give a reason' }).waitFor();
    await page.getByLabel('Reason (sent to the requester)').fill('Parking already has a tenant: ask its admins to add you.');
    await page.getByRole('button', { name: 'Reject request' }).click();
    await page.getByRole('status').filter({ hasText: 'Rejected parking' }).waitFor();
    await parking.getByText('Parking already has a tenant').waitFor();
    await parking.getByRole('link', { name: 'peter@agency.gov.sg' }).waitFor();
    await screenshot(page, 'portal-platform-decided');
    const mail = (await tp.server.store.outbox.recent(20, 'sam@agency.gov.sg')).find((m) => m.subject.includes('parking was not approved'));
    expect(mail?.text).toContain('Parking already has a tenant: ask its admins to add you.');
    expect(await tp.server.store.namespaces.findByName('parking')).toBeNull();

    // Only pending ones, then the new namespace through the link the approval left.
    await page.getByLabel('Show').selectOption('pending');
    await page.getByText('There are no pending requests.').waitFor();
    await page.getByLabel('Show').selectOption('approved');
    await page.getByTestId('tenant-request').getByRole('link', { name: 'payments' }).click();
    await page.getByRole('heading', { name: 'Payments service' }).waitFor();
    await page.getByRole('cell', { name: 'rita@agency.gov.sg' }).waitFor();
  });

  it('a platform admin finds a user, disables and enables them, removes a factor, and is told when refused', async () => {
    await signIn('peter@agency.gov.sg');
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await page.getByLabel('E-mail, name, username, mobile or user ID').fill('sam@');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Sam Tester' }).waitFor();
    expect(await page.getByRole('link', { name: 'Rita Tester' }).count()).toBe(0);
    await accessible('users');
    // Many matches: 25 at a time, More for the rest.
    await page.getByLabel('E-mail, name, username, mobile or user ID').fill('crowd');
    await page.getByRole('button', { name: 'Search' }).click();
    await page
      .getByRole('link', { name: /^Crowd Member/ })
      .first()
      .waitFor();
    expect(await page.getByRole('link', { name: /^Crowd Member/ }).count()).toBe(25);
    await page.getByRole('button', { name: 'More' }).click();
    // The button reads "Loading…" while the page is fetched, so wait for the rows, not the button.
    await page
      .getByRole('link', { name: /^Crowd Member/ })
      .nth(26)
      .waitFor();
    expect(await page.getByRole('link', { name: /^Crowd Member/ }).count()).toBe(27);
    expect(await page.getByRole('button', { name: /^(More|Loading…)$/ }).count()).toBe(0);
    // Back to the search for sam (the address keeps it).
    await page.goBack();
    await page.getByRole('link', { name: 'Sam Tester' }).click();
    await page.getByTestId('user-techpass-id').filter({ hasText: 'sam@agency.gov.sg' }).waitFor();
    await accessible('user');

    // Disable: a reason is required, then the account is disabled.
    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByRole('button', { name: 'Disable account' }).click();
    await page.getByRole('dialog').getByRole('alert').filter({ hasText: 'Give a reason' }).waitFor();
    await page.getByLabel('Reason (kept in the audit log)').fill('Left the agency; checking with HR');
    await accessible('disable dialog');
    await page.getByRole('button', { name: 'Disable account' }).click();
    await page.getByTestId('user-status').filter({ hasText: 'Disabled' }).waitFor();
    expect((await tp.server.store.users.findById(ids.sam! as UserId))?.status).toBe('disabled');

    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByTestId('user-status').filter({ hasText: 'Active' }).waitFor();
    expect((await tp.server.store.users.findById(ids.sam! as UserId))?.status).toBe('active');

    // Remove the factor, confirmed.
    await page.getByRole('row').filter({ hasText: 'Authenticator app' }).getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByText('can no longer sign in with').waitFor();
    await page.getByRole('button', { name: 'Remove factor' }).click();
    await page.getByText('Removed Authenticator app.').waitFor();
    expect(await tp.server.store.userDirectory.factors(ids.sam! as UserId)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'portal-platform-user-phone');
    await accessible('user (phone)');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Refused: the page is stale (someone else disabled sam meanwhile) — the API's reason is shown.
    const meanwhile = await tp.server.store.transaction((tx) =>
      applyStatusChange(tx, ids.sam! as UserId, 'disable', 'test', { reason: 'meanwhile' }),
    );
    expect(meanwhile.ok).toBe(true);
    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByLabel('Reason (kept in the audit log)').fill('Again');
    await page.getByRole('button', { name: 'Disable account' }).click();
    // The account is reloaded as it is now (disabled: no Disable button, so no dialog); the refusal stays said on the page.
    await page
      .locator('main')
      .getByRole('alert')
      .filter({ hasText: 'TechPass refused: sam@agency.gov.sg: the account is already disabled' })
      .waitFor();
    await page.getByTestId('user-status').filter({ hasText: 'Disabled' }).waitFor();
    await page.getByRole('button', { name: 'Enable' }).waitFor();
    await screenshot(page, 'portal-platform-refused');

    // Refused: one's own factor is not removed here.
    await page.getByRole('link', { name: '← Users' }).click();
    await page.getByLabel('E-mail, name, username, mobile or user ID').fill('peter@agency.gov.sg');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Peter Tester' }).click();
    await page.getByRole('row').filter({ hasText: 'Authenticator app' }).getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('button', { name: 'Remove factor' }).click();
    await page.getByRole('dialog').getByRole('alert').filter({ hasText: 'your own factors' }).waitFor();
    expect((await tp.server.store.userDirectory.factors(ids.peter! as UserId)).length).toBe(1);
  });

  it("a platform admin resets a person's MFA, confirmed: the factor list empties, the person is mailed and signed out", async () => {
    // Rita is signed in to the portal in her own browser.
    const rita = await portalSignIn(browser, tp, 'rita@agency.gov.sg');
    await rita.getByRole('heading', { name: /My (account|namespaces)/ }).waitFor();

    await signIn('peter@agency.gov.sg');
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('E-mail, name, username, mobile or user ID').fill('rita@');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Rita Tester' }).click();
    await page.getByRole('row').filter({ hasText: 'Authenticator app' }).waitFor();

    // Cancel first: nothing changes.
    await page.getByRole('button', { name: 'Reset MFA' }).click();
    await page.getByRole('dialog').getByText('after checking who the person is').waitFor();
    await accessible('reset MFA dialog');
    await screenshot(page, 'portal-platform-reset-mfa-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await tp.server.store.userDirectory.factors(ids.rita! as UserId)).toHaveLength(1);

    await page.getByRole('button', { name: 'Reset MFA' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reset MFA' }).click();
    await page.getByRole('status').filter({ hasText: 'MFA reset: removed 1 authenticator app. The person was told by e-mail' }).waitFor();
    await page.getByText('No second factor: the person is asked to set one up at their next sign-in.').waitFor();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name: 'Reset MFA' }).count()).toBe(0);
    expect(await tp.server.store.userDirectory.factors(ids.rita! as UserId)).toEqual([]);
    await screenshot(page, 'portal-platform-reset-mfa-done');
    await accessible('user after reset MFA');
    const mail = (await tp.server.store.outbox.recent(20, 'rita@agency.gov.sg')).find((m) => m.subject === 'Your TechPass sign-in methods were reset');
    expect(mail?.text).toContain('signed you out everywhere');

    // Rita's portal session ended with the reset: her next page asks her to sign in again.
    await rita.reload();
    await rita.getByLabel('TechPass ID').waitFor();
    await rita.context().close();

    // Peter's own account: refused in the dialog, nothing removed.
    await page.getByRole('link', { name: '← Users' }).click();
    await page.getByLabel('E-mail, name, username, mobile or user ID').fill('peter@agency.gov.sg');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Peter Tester' }).click();
    await page.getByRole('button', { name: 'Reset MFA' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reset MFA' }).click();
    await page.getByRole('dialog').getByRole('alert').filter({ hasText: 'another platform admin' }).waitFor();
    expect((await tp.server.store.userDirectory.factors(ids.peter! as UserId)).length).toBe(1);
  });
});
