/**
 * Passkeys in a real browser: Chromium's virtual authenticator (a platform
 * authenticator with user verification, through the DevTools Protocol's WebAuthn
 * domain) creates a passkey during the enrol step of a sign-in to the sample
 * service, then signs in with it. TechPass runs at http://localhost (WebAuthn
 * needs a host name, not an IP address).
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, virtualAuthenticator } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { namespace, PASSWORD, user } from '../helpers/directory.js';
import { startSample, type SampleService } from '../helpers/sample-service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const EMAIL = 'pat.key@agency.gov.sg';

describe(`browser: passkeys with a virtual authenticator (${engine})`, { timeout: 120_000 }, () => {
  let tp: TestServer;
  let sample: SampleService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId = '';

  beforeAll(async () => {
    tp = await startTestServer({ publicHost: 'localhost' });
    await namespace(tp, 'demo');
    await user(tp, EMAIL, { givenName: 'Pat', phone: false });
    sample = await startSample(tp, 'demo');
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    ({ cdp, authenticatorId } = await virtualAuthenticator(page));
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `failed-passkey-${task.name.slice(0, 30).replace(/\W+/g, '-')}`);
  });

  async function toSecondStep() {
    await page.goto(sample.url);
    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    // The first page is the identify page, or the password page when the browser remembers the account.
    const identify = page.getByLabel('TechPass ID');
    await identify.or(page.getByLabel('Password')).first().waitFor();
    if (await identify.isVisible()) {
      await identify.fill(EMAIL);
      await page.getByRole('button', { name: 'Next' }).click();
    }
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  async function signOut() {
    await page.getByRole('button', { name: 'Sign out' }).click();
    const confirm = page.getByRole('button', { name: 'Yes, sign me out' });
    await confirm
      .or(page.getByRole('link', { name: 'Login with TechPass' }))
      .first()
      .waitFor();
    if (await confirm.isVisible()) await confirm.click();
  }

  async function signedInClaims(): Promise<string> {
    // Wait for the next page to be either: an instant check would race the navigation.
    const terms = page.getByRole('heading', { name: 'Terms of use' });
    const signedIn = page.getByRole('heading', { name: /Signed in as/ });
    await terms.or(signedIn).first().waitFor();
    if (await terms.isVisible()) await page.getByRole('button', { name: 'Accept and continue' }).click();
    await signedIn.waitFor();
    return (await page.locator('body').textContent()) ?? '';
  }

  it('creates a passkey during the enrol step and the sign-in completes at level 3', async () => {
    await toSecondStep();
    await page.getByRole('heading', { name: 'Set up the TechPass Authenticator' }).waitFor();
    await page.getByRole('button', { name: 'Use a passkey instead' }).click();
    await page.getByRole('heading', { name: 'Create a passkey' }).waitFor();
    await page.getByLabel('Name this passkey').fill('Work laptop');
    await screenshot(page, 'passkey-create');
    await page.getByRole('button', { name: 'Create passkey' }).click();

    const body = await signedInClaims();
    expect(body).toContain('urn:techpass:aal3');
    expect(body).toContain('amrpwd, hwk, mfa');
    await screenshot(page, 'passkey-signed-in');

    // A discoverable credential for TechPass's host, and only its public key on the server.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    const account = await tp.server.store.users.findByLogin(EMAIL);
    const passkeys = await tp.server.store.passkeys.ofUser(account!.id);
    expect(passkeys.map((p) => [p.label, p.credentialId])).toEqual([
      ['Work laptop', credentials[0]!.credentialId.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')],
    ]);
  });

  it('signs in with the passkey: the browser asks the authenticator, which signs the challenge', async () => {
    await signOut();
    const account = await tp.server.store.users.findByLogin(EMAIL);
    const [before] = await tp.server.store.passkeys.ofUser(account!.id);

    await toSecondStep();
    await page.getByRole('heading', { name: 'Use your passkey' }).waitFor();
    await screenshot(page, 'passkey-sign-in');
    await page.getByRole('button', { name: 'Use passkey' }).click();
    const body = await signedInClaims();
    expect(body).toContain('urn:techpass:aal3');
    expect(body).toContain('amrpwd, hwk, mfa');

    // The authenticator's signature counter moved on, and the use is recorded.
    const [after] = await tp.server.store.passkeys.ofUser(account!.id);
    expect(after!.counter).toBeGreaterThan(before!.counter);
    expect(after!.lastUsedAt).not.toBeNull();
    const actions = (await tp.server.store.audit.list({ targetId: account!.id, limit: 50 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['mfa.enrolled', 'sign_in.succeeded']));
  });

  it('signs in with the passkey alone from the first page, without typing a TechPass ID or password', async () => {
    await signOut();
    await page.goto(sample.url);
    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    await screenshot(page, 'passkey-identify');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    const body = await signedInClaims();
    expect(body).toContain('Signed in as Pat Tester');
    expect(body).toContain('amrhwk, mfa');
    expect(body).toContain('urn:techpass:aal3');
  });
});
