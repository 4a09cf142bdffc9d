/**
 * The portal's integrated identity providers in Chromium, as a platform admin uses them:
 * a refused form shows TechPass's message at its field; a provider added with a domain
 * is then used by sign-in (home-realm discovery sends a person of that domain to it);
 * the admin edits it (a change made meanwhile elsewhere answers 412 and the page offers a
 * reload), disables it (sign-in no longer sends anyone there) and removes it, confirmed.
 * A tenant admin has no such section. axe-core finds no serious or critical violation on
 * any page visited, at desktop and phone width. Screenshots: test-results/portal-idps-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { identityProviderDeps } from '../../src/cli/commands/idp-options.js';
import { FEDERATION_CALLBACK_PATH } from '../../src/domain/identity-providers.js';
import { updateIdentityProvider } from '../../src/flows/identity-providers.js';
import type { UpstreamProvider } from '../../src/oidc/demo-upstream/index.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { engine } from '../helpers/database.js';
import { portalAccount, portalSignIn, seriousViolations } from '../helpers/portal.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTestUpstream, upstreamUser } from '../helpers/upstream.js';

const SECRET = 'hive-upstream-secret-7Kq~2';
const OFFICER = 'officer@hive.gov.sg';

describe(`browser: the portal's identity providers (${engine})`, { timeout: 240_000 }, () => {
  let tp: TestServer;
  let browser: Browser;
  let page: Page;
  let upstream: UpstreamProvider;

  beforeAll(async () => {
    tp = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true', KEY_REFRESH_SECONDS: '1' } });
    upstream = await startTestUpstream(
      { clientId: 'techpass-hive', clientSecret: SECRET, redirectUris: [`${tp.issuer}${FEDERATION_CALLBACK_PATH}`], name: 'TechPass' },
      { users: [upstreamUser(OFFICER)], issuerName: 'Hive account' },
    );
    await portalAccount(tp, 'peter@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXE', true);
    await portalAccount(tp, 'tina@agency.gov.sg', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXF');
    const made = await runCli(['namespace', 'create', '--name', 'alpha', '--display-name', 'Alpha service'], tp.env);
    expect(made.code, made.stderr).toBe(0);
    const added = await runCli(['namespace', 'admin', 'add', '--namespace', 'alpha', '--email', 'tina@agency.gov.sg'], tp.env);
    expect(added.code, added.stderr).toBe(0);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
    await upstream?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `portal-idps-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  const accessible = async (name: string) => expect(await seriousViolations(page, name)).toEqual([]);

  /** A fresh browser at TechPass's sign-in (through the portal), typing `email`: answers the page it lands on. */
  async function identify(email: string): Promise<Page> {
    const context = await browser.newContext();
    const visitor = await context.newPage();
    visitor.setDefaultTimeout(30_000);
    await visitor.goto(`${tp.url}/portal/`);
    await visitor.getByLabel('TechPass ID').fill(email);
    await visitor.getByRole('button', { name: 'Next' }).click();
    return visitor;
  }

  it('a platform admin adds a provider with a domain; sign-in then sends a person of that domain to it', async () => {
    page = await portalSignIn(browser, tp, 'peter@agency.gov.sg');
    await page.getByRole('link', { name: 'Identity providers' }).click();
    await page.getByRole('heading', { name: 'Identity providers', level: 1 }).waitFor();
    await page.getByText('No identity providers yet').waitFor();
    await accessible('identity providers, none');

    const form = page.getByRole('region', { name: 'Add a provider' }).or(page.locator('section[aria-labelledby="tp-idp-add"]'));
    await form.getByLabel('Name', { exact: true }).fill('Hive Entra');
    await form.getByLabel('Display name').fill('Hive (Entra ID)');
    await form.getByLabel('Issuer').fill(upstream.issuer);
    await form.getByLabel('Client ID').fill('techpass-hive');
    await form.getByLabel('Client secret', { exact: true }).fill(SECRET);
    await form.getByLabel('E-mail domains').fill('hive.gov.sg');
    await form.getByRole('button', { name: 'Add provider' }).click();
    // Refused at its field, in TechPass's words, and nothing added.
    const name = form.getByLabel('Name', { exact: true });
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    await form.getByText(/Name must be 3–40 lower-case letters/).waitFor();
    expect(await tp.server.store.identityProviders.list()).toEqual([]);
    await accessible('add form with a field error');
    await screenshot(page, 'portal-idps-field-error');

    await name.fill('hive-entra');
    await form.getByRole('button', { name: 'Add provider' }).click();
    await page.getByRole('heading', { name: 'Hive (Entra ID)', level: 1 }).waitFor();
    await page.getByText('Added. Register the redirect URI below').waitFor();
    await page.getByText(`${tp.issuer}${FEDERATION_CALLBACK_PATH}`).waitFor();
    expect(await page.getByTestId('idp-domains').innerText()).toBe('hive.gov.sg');
    await page.getByText(/Client secret: set .* \(never shown\)/).waitFor();
    expect(await page.content()).not.toContain(SECRET);
    await accessible('identity provider');
    await screenshot(page, 'portal-idps-provider');

    // Home-realm discovery: an officer of hive.gov.sg is sent to the provider just added.
    const visitor = await identify(OFFICER);
    await visitor.waitForURL((url) => url.toString().startsWith(upstream.url));
    await visitor.getByRole('heading', { name: 'Sign in to your Hive account' }).waitFor();
    await visitor.context().close();
  });

  it('edits it with If-Match (a change made meanwhile offers a reload), then disables it and removes it, confirmed', async () => {
    await page.getByLabel('Display name').fill('Hive officers');
    await page.getByLabel('E-mail domains').fill('hive.gov.sg\nhive-corp.gov.sg');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByRole('heading', { name: 'Hive officers', level: 1 }).waitFor();
    expect(await page.getByTestId('idp-domains').innerText()).toBe('hive.gov.sg, hive-corp.gov.sg');
    expect((await tp.server.store.identityProviders.findByName('hive-entra'))!.domains).toEqual(['hive.gov.sg', 'hive-corp.gov.sg']);

    // Someone else changes it meanwhile: saving is refused (412) and the page offers a reload.
    const elsewhere = await updateIdentityProvider(identityProviderDeps(tp.server.store, tp.config), 'test', 'hive-entra', {
      displayName: 'Changed elsewhere',
    });
    expect(elsewhere.ok).toBe(true);
    await page.getByLabel('Display name').fill('Mine');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Someone changed this since you opened the page').waitFor();
    await accessible('stale save');
    await page.getByRole('button', { name: 'Reload the page' }).click();
    await page.getByRole('heading', { name: 'Changed elsewhere', level: 1 }).waitFor();
    expect((await tp.server.store.identityProviders.findByName('hive-entra'))!.displayName).toBe('Changed elsewhere');

    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByText('Disabled: nobody signs in through it').waitFor();
    expect(await page.getByTestId('idp-state').innerText()).toBe('Disabled');
    expect((await tp.server.store.identityProviders.findByName('hive-entra'))!.enabled).toBe(false);
    // Sign-in no longer sends the officer there (each server node sees the change within KEY_REFRESH_SECONDS, 1s here): TechPass says its sign-in is turned off.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const visitor = await identify(OFFICER);
    await visitor.getByRole('heading', { name: 'Use your organisation’s sign-in' }).waitFor();
    await visitor.getByText('sign-in through it is turned off at the moment').waitFor();
    expect(visitor.url().startsWith(tp.url)).toBe(true);
    expect(upstream.seen.authorizations).toHaveLength(1);
    await visitor.context().close();

    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await page.getByText('Enabled: people of its domains').waitFor();
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove the identity provider hive-entra?' });
    await dialog.waitFor();
    await accessible('remove dialog');
    await screenshot(page, 'portal-idps-remove');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await tp.server.store.identityProviders.findByName('hive-entra')).not.toBeNull();
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await dialog.getByRole('button', { name: 'Remove provider' }).click();
    await page.getByRole('heading', { name: 'Identity providers', level: 1 }).waitFor();
    await page.getByText('No identity providers yet').waitFor();
    expect(await tp.server.store.identityProviders.list()).toEqual([]);
    const actions = (await tp.server.store.audit.list({ limit: 10_000 })).map((e) => e.action).filter((a) => a.startsWith('identity_provider.'));
    expect(actions).toEqual([
      'identity_provider.added',
      'identity_provider.updated',
      'identity_provider.updated',
      'identity_provider.disabled',
      'identity_provider.enabled',
      'identity_provider.removed',
    ]);
  });

  it('fits a phone: the list and the form, accessible', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByRole('heading', { name: 'Identity providers', level: 1 }).waitFor();
    await accessible('identity providers at phone width');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'portal-idps-phone');
  });

  it('a tenant admin has no identity providers section, and the address alone shows a refusal', async () => {
    page = await portalSignIn(browser, tp, 'tina@agency.gov.sg');
    await page.getByRole('navigation', { name: 'TechPass portal' }).waitFor();
    expect(await page.getByRole('link', { name: 'Identity providers' }).count()).toBe(0);
    await page.goto(`${tp.url}/portal/identity-providers`);
    await page.getByText(/You may not see this: only a platform admin may administer integrated identity providers/).waitFor();
    await accessible('identity providers refused');
  });
});
