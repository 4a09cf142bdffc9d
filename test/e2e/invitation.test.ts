/**
 * In a real browser: a public officer signed in to the sample service opens "Invite
 * someone" (/login/invite) and invites an address no integrated provider serves; the
 * invitee opens the e-mailed registration link, makes a mistake the form points out,
 * registers, and signs in to the sample service with their new local TechPass ID,
 * setting up a second factor (an authenticator app, with oathtool's codes) on the way.
 * Then an officer whose organisation has an integrated provider is invited: their account
 * exists at once, pending, with the onboarding e-mail; they open it, sign in at their
 * provider, enrol MFA and accept the platform's policies, and the account is active.
 */
import type { Browser, Page } from 'playwright-core';
import type { UpstreamProvider } from '../../src/oidc/demo-upstream/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { engine } from '../helpers/database.js';
import { namespace, PASSWORD, user } from '../helpers/directory.js';
import { federatedUpstream } from '../helpers/federation.js';
import { UPSTREAM_PASSWORD, upstreamUser } from '../helpers/upstream.js';
import { approveOnPhone, nextTotpCode, phoneOf, rememberSeed } from '../helpers/phone.js';
import { startSample, type SampleService } from '../helpers/sample-service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const INVITER = 'grace.lim@agency.gov.sg';
const INVITEE = 'wei.ming@partner.example.com';
const NEW_PASSWORD = 'Wei-Ming-Registers-2026';
const INTEGRATED = 'lee.kah.wai@wog.gov.sg';

describe(`browser: an invitation and its registration (${engine})`, { timeout: 150_000 }, () => {
  let tp: TestServer;
  let sample: SampleService;
  let browser: Browser;
  let page: Page;
  let wog: UpstreamProvider;

  beforeAll(async () => {
    tp = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
    await namespace(tp, 'demo');
    await user(tp, INVITER, { givenName: 'Grace' });
    wog = await federatedUpstream(tp, { name: 'wog', domains: ['wog.gov.sg'], users: [upstreamUser(INTEGRATED)] });
    sample = await startSample(tp, 'demo');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.close();
    await wog?.close();
    await tp?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  async function freshPage(): Promise<Page> {
    page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    page.setDefaultTimeout(60_000);
    return page;
  }

  async function toSignIn(login: string) {
    await page.goto(sample.url);
    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.getByLabel('TechPass ID').fill(login);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Enter password' }).waitFor();
  }

  /** The inviter signs in to the sample service (password and the phone), accepting its terms the first time. */
  async function signInInviter() {
    await freshPage();
    await toSignIn(INVITER);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const number = (await page.getByTestId('push-number').textContent())!.trim();
    expect(await approveOnPhone(phoneOf(tp, INVITER)!, number)).toBe('approved');
    await acceptUntilSignedIn(/Signed in as Grace Tester/);
  }

  /** The platform's Privacy Policy and Terms of Use, then the application's terms, each when asked, until the sample says who is signed in. */
  async function acceptUntilSignedIn(name: RegExp) {
    const policies = page.getByRole('heading', { name: 'Accept the Privacy Policy and Terms of Use' });
    const terms = page.getByRole('heading', { name: 'Terms of use', exact: true });
    const signedIn = page.getByRole('heading', { name });
    for (let i = 0; i < 3 && !(await signedIn.isVisible()); i += 1) {
      await policies.or(terms).or(signedIn).waitFor();
      if (await policies.isVisible()) {
        await page.getByLabel('I have read and accept the TechPass Privacy Policy and Terms of Use.').check();
        await page.getByRole('button', { name: 'Accept and continue' }).click();
        await terms.or(signedIn).waitFor();
      } else if (await terms.isVisible()) {
        await page.getByRole('button', { name: 'Accept and continue' }).click();
        await signedIn.waitFor();
      }
    }
    await signedIn.waitFor();
  }

  it('invites a person without an integrated provider, who registers and signs in with MFA enrolment', async () => {
    await signInInviter();
    await page.goto(`${tp.url}/login/invite`);
    await page.getByRole('heading', { name: 'Invite someone to TechPass' }).waitFor();
    expect(await page.getByText(`Inviting as ${INVITER}`).isVisible()).toBe(true);
    await page.getByLabel('E-mail address of the person to invite').fill(INVITEE);
    await screenshot(page, 'invitation-invite');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByTestId('invite-sent').waitFor();
    expect(await page.getByTestId('invite-sent').textContent()).toContain(`We e-mailed ${INVITEE} a registration link`);
    await screenshot(page, 'invitation-sent');

    const mail = (await tp.server.store.outbox.recent(5, INVITEE)).find((m) => m.subject === 'You are invited to TechPass')!;
    const link = /(http:\/\/\S+\/login\/register\/[A-Za-z0-9_.-]+)/.exec(mail.text)![1]!;

    // The invitee, in a browser of their own.
    await freshPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Register for TechPass' }).waitFor();
    await page.getByLabel('Username').fill('wei_ming');
    await page.getByLabel('First name').fill('Wei Ming');
    await page.getByLabel('Last name').fill('Goh');
    await page.getByLabel('Mobile number').fill('+65 8123 4567');
    await page.getByLabel('Department').fill('Platform Engineering');
    await page.getByLabel('Offshore', { exact: true }).check();
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Register' }).click();
    // Offshore without the reporting officer and the address: the form says so and keeps what was typed.
    await page.getByTestId('problem-reportingOfficer').waitFor();
    expect(await page.getByLabel('First name').inputValue()).toBe('Wei Ming');
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await screenshot(page, 'invitation-registration-problems');
    await page.getByLabel('Reporting officer (e-mail)').fill('manager@partner.example.com');
    await page.getByLabel('Company address').fill('8 Marina View, Singapore 018960');
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'Your registration is complete' }).waitFor();
    expect(await page.getByTestId('techpass-id').textContent()).toBe('wei_ming@techpass.local');
    await screenshot(page, 'invitation-registered');
    // Back and reload: the used link says so, no resubmission prompt.
    await page.goto(link);
    await page.getByRole('heading', { name: 'This link was already used' }).waitFor();

    // Their first sign-in, with the new TechPass ID: a second factor is set up on the way.
    await toSignIn('wei_ming@techpass.local');
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Set up the TechPass Authenticator' }).waitFor();
    await page.getByRole('button', { name: 'Use another authenticator app instead' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    const seed = (await page.getByTestId('totp-seed').textContent())!.replace(/\s/g, '');
    rememberSeed(tp.url, 'wei_ming@techpass.local', seed);
    await page.getByLabel('Code from the app').fill(await nextTotpCode(tp.url, 'wei_ming@techpass.local'));
    await screenshot(page, 'invitation-mfa-enrolment');
    await page.getByRole('button', { name: 'Verify and continue' }).click();
    await acceptUntilSignedIn(/Signed in as Wei Ming Goh/);
    await screenshot(page, 'invitation-signed-in');

    const inviterMail = (await tp.server.store.outbox.recent(10, INVITER)).map((m) => m.subject);
    expect(inviterMail).toContain('Your TechPass invitation was accepted');
  });

  it('invites an officer whose organisation has an integrated provider: a pending account and the onboarding e-mail at once, then their onboarding', async () => {
    await signInInviter();
    await page.goto(`${tp.url}/login/invite`);
    await page.getByLabel('E-mail address of the person to invite').fill(INTEGRATED);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByTestId('invite-sent').waitFor();
    expect(await page.getByTestId('invite-sent').textContent()).toContain(`${INTEGRATED} now has a pending account`);
    await screenshot(page, 'invitation-integrated-sent');
    const account = await tp.server.store.users.findByLogin(INTEGRATED);
    expect(account).toMatchObject({ status: 'pending', accountType: 'officer' });
    const mails = (await tp.server.store.outbox.recent(5, INTEGRATED)).map((m) => m.subject);
    expect(mails).toEqual(['Finish setting up your TechPass account']);
    // Inviting them again is refused on the page: they have an account now.
    await page.getByLabel('E-mail address of the person to invite').fill(INTEGRATED);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('That address already has a TechPass account').waitFor();

    // The invitee opens the onboarding mail, signs in at their provider, enrols MFA, accepts the policies: active.
    const mail = (await tp.server.store.outbox.recent(5, INTEGRATED)).find((m) => m.subject === 'Finish setting up your TechPass account')!;
    expect(mail.text).toContain(`Grace Tester (${INVITER}) invited you to TechPass`);
    const link = /https?:\/\/\S+\/onboarding\/[\w-]+\.[\w-]+/.exec(mail.text)![0];
    await freshPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Finish setting up your account' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Now sign in' }).waitFor();
    await page.goto(sample.url);
    await page.getByRole('link', { name: 'Login with TechPass' }).click();
    await page.getByLabel('TechPass ID').fill(INTEGRATED);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForURL((url) => url.toString().startsWith(wog.url));
    await page.getByLabel('Password').fill(UPSTREAM_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.toString().startsWith(tp.issuer));
    await page.getByRole('heading', { name: 'Set up the TechPass Authenticator' }).waitFor();
    await page.getByRole('button', { name: 'Use another authenticator app instead' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    rememberSeed(tp.url, INTEGRATED, (await page.getByTestId('totp-seed').textContent())!.replace(/\s/g, ''));
    await page.getByLabel('Code from the app').fill(await nextTotpCode(tp.url, INTEGRATED));
    await page.getByRole('button', { name: 'Verify and continue' }).click();
    await acceptUntilSignedIn(new RegExp(`Signed in as .*\\(${INTEGRATED.replace(/\./g, '\\.')}\\)`));
    await screenshot(page, 'invitation-integrated-onboarded');
    expect((await tp.server.store.users.findByLogin(INTEGRATED))!.status).toBe('active');
  });
});
