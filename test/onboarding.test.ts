/**
 * Onboarding over HTTP (issue 18), as a browser and a relying party do it: the sign-up
 * mail's link, opened and continued in one browser, then a normal sign-in at the
 * application: the integrated provider (or the password the link set), forced MFA
 * enrolment, the Privacy Policy and Terms of Use, and the account is active. A pending
 * account without its link is refused; a link works once, in one browser, for a while.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamProvider } from '../src/oidc/demo-upstream/index.js';
import { ManualClock } from '../src/platform/clock.js';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace } from './helpers/directory.js';
import { federatedUpstream, toUpstream } from './helpers/federation.js';
import { form, HttpBrowser, text } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization, startAuthorization } from './helpers/sign-in.js';
import { onboardingMail, openOnboarding, signUp, SIGN_UP_ENV } from './helpers/sign-up.js';
import { signInAtUpstream, upstreamUser } from './helpers/upstream.js';

describe(`onboarding (${engine})`, () => {
  const clock = new ManualClock(Date.now());
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  let wog: UpstreamProvider;

  beforeAll(async () => {
    tp = await startTestServer({ env: SIGN_UP_ENV, server: { clock } });
    await namespace(tp, 'onboarding');
    app = await application(tp, { namespace: 'onboarding', name: 'Onboarding app', homepageUrl: 'https://app.example.gov.sg/home' });
    wog = await federatedUpstream(tp, {
      name: 'wog',
      domains: ['agency.gov.sg'],
      users: ['onboard', 'pending', 'elsewhere', 'late'].map((n) => upstreamUser(`${n}@agency.gov.sg`)),
    });
  });
  afterAll(async () => {
    await tp?.close();
    await wog?.close();
  });

  const store = () => tp.server.store;
  const toApp = (u: string) => u.startsWith(app.redirectUri);
  const actionsOf = async (id: string) => (await store().audit.list({ limit: 10_000, targetId: id })).map((e) => e.action);

  /** Signs in at the application through the upstream; answers the page after the upstream (TechPass's next step). */
  async function throughUpstream(email: string, browser: HttpBrowser) {
    const at = await toUpstream(tp, app, email, wog, browser);
    return { start: at.start, page: await signInAtUpstream(at.browser, at.page, { email }, toApp) };
  }

  it('runs sign-up → link → provider sign-in → MFA enrolment → policies → active and signed in; the link then works no more', async () => {
    const email = 'onboard@agency.gov.sg';
    const browser = new HttpBrowser();
    await signUp(tp, email, { browser, clientId: app.clientId });
    const { link } = await onboardingMail(tp, email);

    const shown = await browser.follow(link);
    expect(shown.status).toBe(200);
    expect(text(shown)).toContain(`Your TechPass ID is ${email}`);
    expect(text(shown)).toContain('Sign in with your Upstream wog account');
    expect(shown.html).not.toContain('name="password"');
    const ready = await openOnboarding(browser, link);
    expect(new URL(ready.url).pathname).toBe('/onboarding/ready');
    expect(ready.html).toContain('href="https://app.example.gov.sg/home"');
    expect([...browser.cookies.keys()]).toContain('techpass_onboarding');

    const { start, page: afterUpstream } = await throughUpstream(email, browser);
    // MFA is mandatory: a new account enrols a second factor first (an authenticator app here).
    expect(afterUpstream.html).toContain('/enrol-');
    const policies = await completeSignIn(browser, afterUpstream, { ...app, login: email, password: 'unused', acceptPolicies: false });
    expect(text(policies)).toContain('Accept the Privacy Policy and Terms of Use');
    expect(policies.html).toContain('href="/policies/privacy"');
    const account = (await store().users.findByLogin(email))!;
    expect(account.status).toBe('pending');
    // Sign-up knew only the e-mail: the names and the agency are now the provider's.
    expect(account).toMatchObject({ givenName: 'Jane', familyName: 'Tan', profile: { agency: 'Test Agency' } });
    // Sign-up knew only the e-mail: the names and the agency are now the provider's.
    expect(account).toMatchObject({ givenName: 'Jane', familyName: 'Tan', profile: { agency: 'Test Agency' } });

    const accept = form(policies, '/policies');
    const next = await browser.follow(accept.action, { form: accept.fields }, toApp);
    const last = await completeSignIn(browser, next, { ...app, login: email, password: 'unused' });
    expect(last.stopped).toBe(true);
    const tokens = await finishAuthorization(start, last.url);
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ sub: account.id, amr: expect.arrayContaining(['fed', 'otp']) });

    expect(await store().users.findById(account.id)).toMatchObject({ status: 'active' });
    expect(await store().platformPolicies.accepted(account.id)).toEqual({ privacy: 1, terms: 1 });
    const events = await store().audit.list({ limit: 10_000, targetId: account.id });
    expect(events.find((e) => e.action === 'user.status_changed')?.data).toMatchObject({ change: 'activate', from: 'pending', to: 'active' });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['onboarding.link_opened', 'policies.accepted', 'onboarding.completed']));
    expect(await store().federatedIdentities.find(wog.issuer, `upstream-${email}`)).toMatchObject({ userId: account.id });

    // The link's secret never reaches the request log.
    expect(JSON.stringify(tp.logs)).not.toContain(link.slice(link.lastIndexOf('.') + 1));

    // Used: the link says so, in this browser and any other.
    for (const b of [browser, new HttpBrowser()]) {
      const again = await b.follow(link);
      expect(again.status).toBe(410);
      expect(text(again)).toContain('This link was already used');
      expect(again.html).toContain('href="/signup"');
    }
  });

  it('refuses a pending account that signs in without opening its link, and links nothing', async () => {
    const email = 'pending@agency.gov.sg';
    await signUp(tp, email, { clientId: app.clientId });
    const { page } = await throughUpstream(email, new HttpBrowser());
    expect(text(page)).toContain('Finish setting up your account first');
    expect(await store().federatedIdentities.find(wog.issuer, `upstream-${email}`)).toBeNull();
    const account = (await store().users.findByLogin(email))!;
    expect(account.status).toBe('pending');
    // A refused sign-in takes nothing from the provider either.
    expect(account.profile.agency).toBeNull();
    expect(await actionsOf(account.id)).toContain('sign_in.refused');
  });

  it('binds the link to the first browser that continues: another browser can neither continue it nor sign in with it', async () => {
    const email = 'elsewhere@agency.gov.sg';
    const mine = new HttpBrowser();
    await signUp(tp, email, { browser: mine });
    const { link } = await onboardingMail(tp, email);
    expect(new URL((await openOnboarding(mine, link)).url).pathname).toBe('/onboarding/ready');
    // The same browser may continue again (a second tab, or after giving up half-way).
    expect(new URL((await openOnboarding(mine, link)).url).pathname).toBe('/onboarding/ready');

    const other = new HttpBrowser();
    const theirs = await openOnboarding(other, link);
    expect(theirs.status).toBe(409);
    expect(text(theirs)).toContain('This link was opened in another browser');
    const { page } = await throughUpstream(email, other);
    expect(text(page)).toContain('Finish setting up your account first');
    expect((await store().users.findByLogin(email))!.status).toBe('pending');
  });

  it('sets a password for a domain without an integrated provider, then the sign-in uses it', async () => {
    const email = 'officer@local.gov.sg';
    const browser = new HttpBrowser();
    await signUp(tp, email, { browser, clientId: app.clientId });
    const { link } = await onboardingMail(tp, email);
    const shown = await browser.follow(link);
    expect(shown.html).toContain('name="password"');
    const weak = await openOnboarding(browser, link, 'short');
    expect(weak.status).toBe(400);
    expect(text(weak)).toContain('The password must be at least 12 characters');
    expect((await store().users.findByLogin(email))!.hasPassword).toBe(false);
    const password = 'Kopi-Siew-Dai-Morning-42';
    expect(new URL((await openOnboarding(browser, link, password)).url).pathname).toBe('/onboarding/ready');

    const start = await startAuthorization(tp, app);
    const first = await browser.follow(start.url, {}, toApp);
    const last = await completeSignIn(browser, first, { ...app, login: email, password });
    expect(last.stopped).toBe(true);
    await finishAuthorization(start, last.url);
    expect(await store().users.findByLogin(email)).toMatchObject({ status: 'active', hasPassword: true });
  });

  it('onboards with the TechPass Authenticator: the new phone proves itself with a push prompt, then the policies', async () => {
    const email = 'phone.user@local.gov.sg';
    const password = 'Teh-Tarik-Kosong-Evening-7';
    const browser = new HttpBrowser();
    await signUp(tp, email, { browser, clientId: app.clientId });
    const { link } = await onboardingMail(tp, email);
    expect(new URL((await openOnboarding(browser, link, password)).url).pathname).toBe('/onboarding/ready');
    const start = await startAuthorization(tp, app);
    const first = await browser.follow(start.url, {}, toApp);
    // The identify page has the TechPass ID of the onboarding filled in.
    expect(first.html).toContain(`value="${email}"`);
    const identify = form(first, '/identify');
    const asked = await browser.follow(identify.action, { form: { ...identify.fields, login: email } }, toApp);
    const pwd = form(asked, '/password');
    const enrol = await browser.follow(pwd.action, { form: { ...pwd.fields, password } }, toApp);
    expect(text(enrol)).toContain('Set up the TechPass Authenticator');
    const enrolmentLink = /data-testid="enrolment-link"[^>]*>([^<]+)</.exec(enrol.html)![1]!.replace(/&amp;/g, '&');
    const phone = path.join(mkdtempSync(path.join(tmpdir(), 'techpass-onboarding-')), 'phone.json');
    const enrolled = await runCli(['authenticator', 'enrol', enrolmentLink, '--store', phone], tp.env);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const go = form(enrol, '/enrol-authenticator');
    const push = await browser.follow(go.action, { form: go.fields }, toApp);
    const number = /data-testid="push-number"[^>]*>(\d+)</.exec(push.html)?.[1];
    expect(number, text(push).slice(0, 400)).toBeDefined();
    const approved = await runCli(['authenticator', 'approve', '--store', phone, '--number', number!, '--json'], tp.env);
    expect(approved.code, approved.stderr).toBe(0);
    const sent = form(push, '/push');
    const policies = await browser.follow(sent.action, { form: sent.fields }, toApp);
    expect(text(policies)).toContain('Accept the Privacy Policy and Terms of Use');
    const last = await completeSignIn(browser, policies, { ...app, login: email, password });
    expect(last.stopped).toBe(true);
    const tokens = await finishAuthorization(start, last.url);
    expect(tokens.claims()).toMatchObject({ amr: expect.arrayContaining(['pwd', 'swk']) });
    expect(await store().users.findByLogin(email)).toMatchObject({ status: 'active' });
  });

  it('says an expired link has expired and offers a new sign-up; the browser it was bound to is refused too (controllable clock)', async () => {
    const email = 'late@agency.gov.sg';
    const browser = new HttpBrowser();
    await signUp(tp, email, { browser });
    const { link } = await onboardingMail(tp, email);
    expect(new URL((await openOnboarding(browser, link)).url).pathname).toBe('/onboarding/ready');
    clock.advance(30 * 86_400_000 + 60_000);
    const expired = await browser.follow(link);
    expect(expired.status).toBe(410);
    expect(text(expired)).toContain('This link has expired');
    expect(expired.html).toContain('href="/signup"');
    const { page } = await throughUpstream(email, browser);
    expect(text(page)).toContain('Finish setting up your account first');
    expect((await store().users.findByLogin(email))!.status).toBe('pending');
  });
});
