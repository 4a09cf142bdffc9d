/**
 * One continuous journey in Chromium (issue 20: "a user requests a tenant, and a
 * platform admin approves it"): a plain user signs in to the portal and requests a
 * tenant under My Account; a platform admin, in another browser, signs in and approves
 * it; the requester reloads her page, now sees the new namespace under My namespaces,
 * and opens it as its admin. axe-core on every page; screenshots of each step:
 * test-results/portal-journey-tenant-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '../../src/domain/ids.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { portalAccount, portalSignIn, seriousViolations } from '../helpers/portal.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe(`browser: a tenant requested and approved, end to end (${engine})`, { timeout: 180_000 }, () => {
  let tp: TestServer;
  let browser: Browser;
  let nina: Page | undefined;
  let peter: Page | undefined;
  let ninaId: UserId;

  const accessible = async (page: Page, name: string) => expect(await seriousViolations(page, name)).toEqual([]);

  beforeAll(async () => {
    tp = await startTestServer();
    ninaId = (await portalAccount(tp, 'nina@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXJ')).id;
    await portalAccount(tp, 'peter@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXK', true);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    if (nina) await screenshot(nina, 'portal-journey-tenant-failed-requester');
    if (peter) await screenshot(peter, 'portal-journey-tenant-failed-approver');
  });

  it('a user requests a tenant, a platform admin approves it, and the requester opens her new namespace as its admin', async () => {
    // The requester: a plain user, so the portal opens on My Account, with no namespaces to show.
    nina = await portalSignIn(browser, tp, 'nina@agency.gov.sg');
    await nina.getByRole('heading', { name: 'My account' }).waitFor();
    expect(await nina.getByRole('link', { name: 'My namespaces' }).count()).toBe(0);
    await nina.getByRole('link', { name: 'Tenant requests' }).click();
    await nina.getByRole('heading', { name: 'Request a new tenant' }).waitFor();
    await nina.getByLabel('Namespace name').fill('library');
    await nina.getByLabel('Display name').fill('Library Services');
    await nina.getByLabel('Justification').fill('E-books and loans for 2,000 officers need single sign-on.');
    await nina.getByRole('button', { name: 'Send request' }).click();
    await nina.getByText(/Your request for library was sent/).waitFor();
    const request = nina.getByTestId('tenant-request-library');
    await request.getByText('Pending').waitFor();
    await screenshot(nina, 'portal-journey-tenant-1-requested');
    await accessible(nina, 'requester: tenant requests');

    // The platform admin, in another browser, approves it.
    peter = await portalSignIn(browser, tp, 'peter@agency.gov.sg');
    await peter.getByRole('link', { name: 'Tenant requests' }).click();
    await peter.getByRole('heading', { name: 'Tenant requests' }).waitFor();
    const pending = peter.getByTestId('tenant-request').filter({ hasText: 'E-books and loans' });
    await pending.getByText('nina@agency.gov.sg').waitFor();
    await pending.getByRole('button', { name: 'Approve library' }).click();
    await peter.getByRole('dialog').getByText('creates namespace library').waitFor();
    await screenshot(peter, 'portal-journey-tenant-2-approving');
    await accessible(peter, 'approver: approve dialog');
    await peter.getByRole('button', { name: 'Approve and create namespace' }).click();
    await peter.getByRole('status').filter({ hasText: 'nina@agency.gov.sg is its admin' }).waitFor();
    await screenshot(peter, 'portal-journey-tenant-3-approved');

    // The requester reloads: she is a tenant admin now, and her namespace is there.
    await nina.reload();
    await nina.getByRole('link', { name: 'My namespaces' }).click();
    await nina.getByRole('heading', { name: 'My namespaces' }).waitFor();
    await nina.getByRole('link', { name: 'library', exact: true }).waitFor();
    await screenshot(nina, 'portal-journey-tenant-4-namespaces');
    await accessible(nina, 'requester: my namespaces');
    await nina.getByRole('link', { name: 'library', exact: true }).click();
    await nina.getByRole('heading', { name: 'Library Services' }).waitFor();
    await nina.getByRole('cell', { name: 'nina@agency.gov.sg' }).waitFor();
    await nina.getByRole('heading', { name: 'Applications' }).waitFor();
    await screenshot(nina, 'portal-journey-tenant-5-namespace');
    await accessible(nina, 'requester: her namespace');

    // What the pages said is what TechPass holds.
    const ns = await tp.server.store.namespaces.findByName('library');
    expect(ns?.displayName).toBe('Library Services');
    expect((await tp.server.store.forNamespace(ns!.id).admins.list()).map((a) => a.email)).toEqual(['nina@agency.gov.sg']);
    const [made] = await tp.server.store.tenantRequests.list({ requestedBy: ninaId, limit: 10 });
    expect(made?.status).toBe('approved');

    // Her My Account still lists the request, approved, with the way in.
    await nina.getByRole('button', { name: 'nina@agency.gov.sg' }).click();
    await nina.getByRole('button', { name: 'My account' }).click();
    await nina.getByRole('link', { name: 'Tenant requests' }).click();
    await request.getByText('Approved').waitFor();
    await request.getByRole('link', { name: 'Open library' }).click();
    await nina.getByRole('heading', { name: 'Library Services' }).waitFor();
  });
});
