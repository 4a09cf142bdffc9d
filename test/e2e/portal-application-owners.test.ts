/**
 * An application's owners in the portal, in Chromium, as its tenant admin keeps them:
 * none at first; an unknown e-mail refused at its input (nothing saved); two people
 * added (the second typed in capitals); one removed after a confirmation; a list that
 * someone else changed meanwhile (the CLI, here) answered with a reload, not
 * overwritten. Each step checked against what TechPass holds; axe-core on every state;
 * a screenshot at phone width. Screenshots: test-results/portal-owners-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { engine } from '../helpers/database.js';
import { application, namespace } from '../helpers/directory.js';
import { portalAccount, portalSignIn, seriousViolations } from '../helpers/portal.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe(`browser: an application's owners in the portal (${engine})`, { timeout: 180_000 }, () => {
  let tp: TestServer;
  let browser: Browser;
  let page: Page;
  let payroll: { clientId: string };

  const accessible = async (name: string) => expect(await seriousViolations(page, name)).toEqual([]);
  /** The owners TechPass holds, by e-mail (as the CLI shows them). */
  async function owners(): Promise<string[]> {
    const shown = await runCli(['app', 'show', '--namespace', 'alpha', '--app', payroll.clientId, '--json'], tp.env);
    expect(shown.code, shown.stderr).toBe(0);
    return (shown.json as { owners: string[] }).owners;
  }

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'alpha');
    payroll = await application(tp, { namespace: 'alpha', name: 'Payroll' });
    await portalAccount(tp, 'tina@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXL');
    await portalAccount(tp, 'bob@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXM');
    await portalAccount(tp, 'carol@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXN');
    await portalAccount(tp, 'dave@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXO');
    const added = await runCli(['namespace', 'admin', 'add', '--namespace', 'alpha', '--email', 'tina@agency.gov.sg'], tp.env);
    expect(added.code, added.stderr).toBe(0);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `portal-owners-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  it('a tenant admin adds owners by e-mail, is told of an unknown one at its input, and removes one after confirming', async () => {
    page = await portalSignIn(browser, tp, 'tina@agency.gov.sg');
    await page.getByRole('link', { name: 'My namespaces' }).click();
    await page.getByRole('link', { name: 'alpha', exact: true }).click();
    await page.getByRole('link', { name: 'Payroll' }).click();
    await page.getByRole('heading', { name: 'Owners' }).waitFor();
    await page.getByTestId('owners-empty').waitFor();
    await accessible('owners (none)');

    const input = page.getByLabel('New owner (search by name or TechPass ID)');
    await input.fill('nobody@agency.gov.sg');
    await page.getByRole('button', { name: 'Add owner' }).click();
    await page.locator('#tp-app-owner-email.is-invalid').waitFor();
    await page.getByText('Owners: no TechPass user "nobody@agency.gov.sg"').waitFor();
    await accessible('owners (refused)');
    expect(await owners()).toEqual([]);

    await input.fill('bob@agency.gov.sg');
    await page.getByRole('button', { name: 'Add owner' }).click();
    await page.getByRole('status').filter({ hasText: 'bob@agency.gov.sg is now an owner.' }).waitFor();
    expect(await page.locator('#tp-app-owner-email.is-invalid').count()).toBe(0);
    await input.fill('Carol@Agency.gov.sg');
    await page.getByRole('button', { name: 'Add owner' }).click();
    const list = page.getByTestId('owners');
    await list.getByText('carol@agency.gov.sg', { exact: true }).waitFor();
    await list.getByText('bob@agency.gov.sg', { exact: true }).waitFor();
    expect(await owners()).toEqual(['bob@agency.gov.sg', 'carol@agency.gov.sg']);
    await screenshot(page, 'portal-owners');
    await accessible('owners (two)');

    // Remove: confirmed first (Cancel changes nothing).
    await list.getByRole('button', { name: 'Remove bob@agency.gov.sg' }).click();
    await page.getByRole('dialog').getByText('is no longer named as responsible for Payroll').waitFor();
    await accessible('remove owner dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await owners()).toEqual(['bob@agency.gov.sg', 'carol@agency.gov.sg']);
    await list.getByRole('button', { name: 'Remove bob@agency.gov.sg' }).click();
    await page.getByRole('button', { name: 'Remove owner' }).click();
    await page.getByRole('status').filter({ hasText: 'bob@agency.gov.sg is no longer an owner.' }).waitFor();
    expect(await list.getByText('bob@agency.gov.sg', { exact: true }).count()).toBe(0);
    expect(await owners()).toEqual(['carol@agency.gov.sg']);

    // The settings saved after an owners change still save (the page follows the new ETag).
    await page.getByLabel('Name', { exact: true }).fill('Payroll (HR)');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('heading', { name: 'Payroll (HR)' }).waitFor();
    expect(await owners()).toEqual(['carol@agency.gov.sg']);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { name: 'Owners' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'portal-owners-phone');
    await accessible('owners (phone)');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('a list someone else changed meanwhile is not overwritten: the admin is asked to reload', async () => {
    const meanwhile = await runCli(['app', 'update', '--namespace', 'alpha', '--app', payroll.clientId, '--owner', 'dave@agency.gov.sg'], tp.env);
    expect(meanwhile.code, meanwhile.stderr).toBe(0);
    await page.getByLabel('New owner (search by name or TechPass ID)').fill('bob@agency.gov.sg');
    await page.getByRole('button', { name: 'Add owner' }).click();
    await page.getByRole('alert').filter({ hasText: 'Someone changed this since you opened the page' }).waitFor();
    expect(await owners()).toEqual(['dave@agency.gov.sg']);
    await page.getByRole('button', { name: 'Reload the page' }).first().click();
    await page.getByTestId('owners').getByText('dave@agency.gov.sg', { exact: true }).waitFor();
    expect(await page.getByTestId('owners').getByText('carol@agency.gov.sg', { exact: true }).count()).toBe(0);
  });
});
