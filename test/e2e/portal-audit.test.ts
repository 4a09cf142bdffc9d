/**
 * The portal's audit log and signing keys in Chromium, as a platform admin uses them:
 * namespaces made through the CLI show in the log filtered by action, an event's data
 * opens as JSON, Export saves the matching events as JSON lines (every line one of the
 * filter's events), the signing keys are listed; a tenant admin has neither section
 * (and the address alone shows a refusal). axe-core finds no serious or critical
 * violation on any page visited. Screenshots: test-results/portal-audit-*.png.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { portalAccount, portalSignIn, seriousViolations } from '../helpers/portal.js';
import { runCli } from '../helpers/cli.js';
import { engine } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';


describe(`browser: the portal's audit log and signing keys (${engine})`, { timeout: 180_000 }, () => {
  let tp: TestServer;
  let browser: Browser;
  let page: Page;

  const account = (email: string, seed: string, platformAdmin = false) => portalAccount(tp, email, seed, platformAdmin);

  beforeAll(async () => {
    tp = await startTestServer();
    await account('peter@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXD', true);
    await account('tina@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXC');
    for (const name of ['alpha', 'beta']) {
      const made = await runCli(['namespace', 'create', '--name', name, '--display-name', `${name} service`], tp.env);
      expect(made.code, made.stderr).toBe(0);
    }
    const added = await runCli(['namespace', 'admin', 'add', '--namespace', 'alpha', '--email', 'tina@agency.gov.sg'], tp.env);
    expect(added.code, added.stderr).toBe(0);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `portal-audit-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  /** axe-core on the page as it is: no serious or critical violation. */
  const accessible = async (name: string) => expect(await seriousViolations(page, name)).toEqual([]);

  async function signIn(email: string) {
    page = await portalSignIn(browser, tp, email);
  }

  it('a platform admin filters the audit log by action, opens an event and exports the matching events', async () => {
    await signIn('peter@agency.gov.sg');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('table').waitFor();
    await accessible('audit log');

    await page.getByLabel('Action').fill('namespace.created');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=namespace.created/);
    const rows = page.getByRole('row').filter({ hasText: 'namespace.created' });
    // Only the header is not one (the unfiltered list has other events), then: alpha and
    // beta (the CLI's), and the platform's own namespace made at start.
    await expect.poll(() => page.getByRole('row').filter({ hasNotText: 'namespace.created' }).count()).toBe(1);
    expect(await rows.count()).toBe(3);
    // Newest first: beta was made after alpha.
    const names = await rows.locator('td:nth-child(5)').allInnerTexts();
    expect(names.indexOf('beta')).toBeLessThan(names.indexOf('alpha'));
    const beta = rows.filter({ hasText: 'beta' });
    await beta.getByRole('button', { name: /details/i }).click();
    const data = page.getByLabel('Data of namespace.created');
    await data.waitFor();
    expect(JSON.parse(await data.innerText())).toEqual({ name: 'beta' });
    expect(await beta.getByRole('button', { name: /details/i }).getAttribute('aria-expanded')).toBe('true');
    await accessible('audit log with details');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^techpass-audit-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const file = await download.path();
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    const events = lines.map((line) => JSON.parse(line) as { action: string; data: { name: string }; namespace: string });
    for (const event of events) expect(event.action).toBe('namespace.created');
    // Chain order (oldest first), as the export promises.
    const exported = events.map((e) => e.data.name);
    expect(exported).toContain('alpha');
    expect(exported.indexOf('alpha')).toBeLessThan(exported.indexOf('beta'));
    await page.getByText(/Saved the matching events as techpass-audit-/).waitFor();

    // Back comes back to the filters; Clear shows every event again.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL((url) => !url.search.includes('action='));
    await expect.poll(() => page.getByRole('row').count()).toBeGreaterThan(3);
    await page.goBack();
    await expect.poll(() => page.getByLabel('Action').inputValue()).toBe('namespace.created');

    await page.setViewportSize({ width: 390, height: 844 });
    await beta.getByRole('button', { name: /details/i }).click();
    await page.getByLabel('Data of namespace.created').waitFor();
    await screenshot(page, 'portal-audit-phone');
  });

  it('a refused filter shows the reason next to its input', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByLabel('Action').fill('x'.repeat(201));
    // The input caps at 200 characters; a bad date from the address is refused by the API.
    expect((await page.getByLabel('Action').inputValue()).length).toBe(200);
    await page.goto(`${tp.url}/portal/audit?from=not-a-date`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByText(/^From: an ISO 8601 date/).waitFor();
    expect(await page.getByLabel('From').getAttribute('class')).toContain('is-invalid');
    await accessible('audit log refused filter');
  });

  it('a platform admin sees the signing keys', async () => {
    await page.getByRole('link', { name: 'Signing keys' }).click();
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
    await page.getByRole('table').waitFor();
    const current = page.getByRole('row').filter({ hasText: 'Current: signs tokens' });
    expect(await current.count()).toBeGreaterThanOrEqual(1);
    expect(await current.first().innerText()).toMatch(/RS256|ES256|PS256|EdDSA/);
    await accessible('signing keys');
    await screenshot(page, 'portal-audit-keys');
  });

  it("a tenant admin has neither section; by address, only their namespace's events and no keys", async () => {
    await signIn('tina@agency.gov.sg');
    await page.getByRole('link', { name: 'My namespaces' }).waitFor();
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Signing keys' }).count()).toBe(0);
    // The API lets a tenant admin read their own namespaces' events, and nothing else.
    await page.goto(`${tp.url}/portal/audit`);
    await page.getByRole('table').waitFor();
    const namespaces = await page.locator('tbody tr td:nth-child(5)').allInnerTexts();
    expect(namespaces.length).toBeGreaterThan(0);
    expect(new Set(namespaces)).toEqual(new Set(['alpha']));
    await page.goto(`${tp.url}/portal/keys`);
    await page.getByText(/You may not see this/).waitFor();
    await accessible('keys refused');
  });
});
