/**
 * My Account › Security in Chromium (issue 20): a person whose only second factor is
 * the TechPass Authenticator adds a passkey (Chromium's virtual authenticator) and an
 * authenticator app (oathtool's codes) from the portal. Her sign-in is too old, so the
 * portal first asks her to confirm it is her: a whole sign-in again, although her
 * TechPass session is live. Then her phone is lost: signing in to the sample service,
 * "I can't use my phone" lets her verify with the passkey, and the phone is removed.
 * Back in the portal she removes the authenticator app (confirmed); the last factor
 * has no Remove button. Last, she adds a new phone: the page shows the enrolment link,
 * the headless authenticator opens it, and the page sees it and adds it by itself. axe-core on each page; screenshots test-results/portal-security-*.png.
 * TechPass runs at http://localhost (WebAuthn needs a host name).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, virtualAuthenticator } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { namespace, PASSWORD } from '../helpers/directory.js';
import { approveOnPhone, phoneOf } from '../helpers/phone.js';
import { person } from '../helpers/api.js';
import { seriousViolations } from '../helpers/portal.js';
import { startSample, type SampleService } from '../helpers/sample-service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enrolHeadless } from '../../src/cli/headless-authenticator.js';

const EMAIL = 'pia@agency.gov.sg';

describe(`browser: the portal's security page (${engine})`, { timeout: 180_000 }, () => {
  let tp: TestServer;
  let sample: SampleService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** The server's clock runs this far ahead (to make a sign-in too old). */
  let ahead = 0;

  beforeAll(async () => {
    tp = await startTestServer({ publicHost: 'localhost', server: { clock: { now: () => Date.now() + ahead } } });
    await namespace(tp, 'demo');
    await person(tp, EMAIL);
    sample = await startSample(tp, 'demo');
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await virtualAuthenticator(page);
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `portal-security-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  const accessible = async (name: string) => expect(await seriousViolations(page, name)).toEqual([]);
  const user = async () => (await tp.server.store.users.findByLogin(EMAIL))!;
  const factorTypes = async () => (await tp.server.store.userDirectory.factors((await user()).id)).map((f) => f.type).sort();

  /** The TechPass sign-in's first step, from the identify page or the password page (a remembered account). */
  async function password() {
    const identify = page.getByLabel('TechPass ID');
    const field = page.getByLabel('Password');
    await identify.or(field).first().waitFor();
    if (await identify.isVisible()) {
      await identify.fill(EMAIL);
      await page.getByRole('button', { name: 'Next' }).click();
    }
    await field.fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  /** The TechPass sign-in: password, then the number typed on her phone. */
  async function passwordAndPhone() {
    await password();
    const number = (await page.getByTestId('push-number').textContent())!.trim();
    await approveOnPhone(phoneOf(tp, EMAIL)!, number);
  }

  /** The policies and an application's terms, the first time. */
  async function acceptWhatIsAsked(until: RegExp) {
    for (let i = 0; i < 3 && !until.test(page.url()); i += 1) {
      const accept = page.getByRole('button', { name: 'Accept and continue' });
      await Promise.race([accept.waitFor(), page.waitForURL(until)]);
      if (until.test(page.url())) break;
      const box = page.getByRole('checkbox');
      if (await box.count()) await box.first().check();
      await accept.click();
    }
    await page.waitForURL(until);
  }

  it('adds a passkey and an authenticator app after confirming it is her', async () => {
    await page.goto(`${tp.issuer}/portal/`);
    await passwordAndPhone();
    await acceptWhatIsAsked(/\/portal\//);
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Second factors' }).waitFor();
    // Her only factor has no Remove button.
    await page.getByText('Your only factor').waitFor();
    expect(await page.getByRole('button', { name: 'Remove' }).count()).toBe(0);
    await accessible('security');

    // Eleven minutes on, her sign-in is too old to change factors: the portal asks her to confirm it's her.
    ahead = 11 * 60_000;
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('button', { name: 'Confirm it’s you' }).waitFor();
    await screenshot(page, 'portal-security-confirm');
    await accessible('security: confirm it is you');
    ahead = 0;
    await page.getByRole('button', { name: 'Confirm it’s you' }).click();
    // Her TechPass session is live, yet the password and the phone are asked again.
    await passwordAndPhone();
    await page.waitForURL(/\/portal\/account\/security/);

    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByLabel('Name (optional)').fill('Work laptop');
    await page.getByRole('button', { name: 'Create passkey' }).click();
    await page.getByText('“Work laptop” was added').waitFor();
    expect(await factorTypes()).toEqual(['authenticator', 'passkey']);

    // An authenticator app: a wrong code is refused at its input, the right one adds it.
    await page.getByRole('button', { name: 'Add an authenticator app' }).click();
    const secret = (await page.getByTestId('own-totp-secret').textContent())!.trim();
    await accessible('security: authenticator app');
    await screenshot(page, 'portal-security-totp');
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Add authenticator app' }).click();
    await page.getByText('That code is not right').waitFor();
    await page.getByLabel('Code from the app').fill(execFileSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8' }).trim());
    await page.getByRole('button', { name: 'Add authenticator app' }).click();
    await page.getByText('“Authenticator app” was added').waitFor();
    expect(await factorTypes()).toEqual(['authenticator', 'passkey', 'totp']);
    expect(await page.getByTestId('own-factors').locator('tbody tr').count()).toBe(3);
    await screenshot(page, 'portal-security-factors');
    const subjects = (await tp.server.store.outbox.recent(20, EMAIL)).map((m) => m.subject);
    expect(subjects).toEqual(expect.arrayContaining(['A passkey was added to your TechPass account', 'An authenticator app (verification codes) was added to your TechPass account']));
  });

  it('"I can\'t use my phone" at the sample service: the passkey verifies, and the phone is removed', async () => {
    // Signs out from the menu under her name (the security page has its own per-session buttons).
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('button', { name: EMAIL }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();

    await page.goto(sample.url);
    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await password();
    // The passkey comes first; she has lost her phone, and says so from the phone's page.
    await page.getByRole('heading', { name: 'Use your passkey' }).waitFor();
    await page.getByRole('button', { name: 'Use the TechPass Authenticator instead' }).click();
    await page.getByTestId('push-number').waitFor();
    await page.getByRole('button', { name: "I can't use my phone" }).click();
    await page.getByRole('heading', { name: 'Use your passkey' }).waitFor();
    await screenshot(page, 'portal-security-recovery');
    await page.getByRole('button', { name: 'Use passkey' }).click();
    // After the recovery she may set up a new phone now, or later.
    const later = page.getByRole('button', { name: /Not now|Skip/ });
    const terms = page.getByRole('heading', { name: 'Terms of use' });
    const signedIn = page.getByRole('heading', { name: /Signed in as/ });
    await later.or(terms).or(signedIn).first().waitFor();
    if (await later.isVisible()) await later.click();
    await terms.or(signedIn).first().waitFor();
    if (await terms.isVisible()) await page.getByRole('button', { name: 'Accept and continue' }).click();
    await signedIn.waitFor();
    expect(await factorTypes()).toEqual(['passkey', 'totp']);
    expect((await tp.server.store.outbox.recent(20, EMAIL)).map((m) => m.subject).join('\n')).toMatch(/removed/i);
  });

  it('removes the authenticator app (confirmed); the last factor stays', async () => {
    await page.goto(`${tp.issuer}/portal/account/security`);
    // The sample's sign-in was made with the passkey just now: the portal signs in with it (single sign-on).
    await page.getByRole('heading', { name: 'Second factors' }).waitFor({ timeout: 30_000 }).catch(async () => {
      await acceptWhatIsAsked(/\/portal\//);
    });
    await page.getByTestId('own-factors').waitFor();
    const row = page.getByTestId('own-factors').locator('tbody tr').filter({ hasText: 'Authenticator app' });
    await row.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await page.getByText('“Authenticator app” was removed').waitFor();
    expect(await factorTypes()).toEqual(['passkey']);
    await page.getByText('Your only factor').waitFor();
    await accessible('security: one factor left');
    await screenshot(page, 'portal-security-last');
  });

  it('adds the TechPass Authenticator: the page shows the link, a phone opens it, and the page goes on by itself', async () => {
    await page.getByRole('button', { name: 'Add the TechPass Authenticator' }).click();
    const link = (await page.getByTestId('enrol-authenticator').locator('.tp-code').textContent())!.trim();
    expect(link).toContain('/authenticator/enrol#');
    await page.getByText('Waiting for your phone…').waitFor();
    await accessible('security: TechPass Authenticator');
    const file = join(mkdtempSync(join(tmpdir(), 'tp-portal-phone-')), 'device.json');
    await enrolHeadless(link, file, 'New phone', false);
    await page.getByText('“New phone” was added').waitFor();
    expect(await factorTypes()).toEqual(['authenticator', 'passkey']);
  });
});
