/**
 * Self sign-up over HTTP (issue 18), as a browser does it: the sign-up page's proof of
 * work solved with altcha-lib, the form posted with its CSRF token, the outbox read.
 * Each refusal says why and changes nothing; a replayed proof is refused; signing up
 * again replaces the earlier link; an address with an account learns nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from './helpers/database.js';
import { application, namespace, user } from './helpers/directory.js';
import { HttpBrowser, text } from './helpers/http-browser.js';
import { waitForMail } from './helpers/mail.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { onboardingMail, openOnboarding, signUp, SIGN_UP_ENV } from './helpers/sign-up.js';

describe(`sign-up (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;

  beforeAll(async () => {
    tp = await startTestServer({ env: SIGN_UP_ENV });
    await namespace(tp, 'signup');
    app = await application(tp, { namespace: 'signup', name: 'Sign-up app', homepageUrl: 'https://app.example.gov.sg/' });
  });
  afterAll(() => tp?.close());

  const store = () => tp.server.store;
  const accounts = async () => (await store().audit.list({ limit: 10_000 })).filter((e) => e.action === 'user.created').length;
  const mailsTo = async (email: string) => (await store().outbox.recent(50, email)).length;

  it('links to sign-up from the sign-in page, and the page carries a proof-of-work challenge, its widget served from TechPass', async () => {
    const browser = new HttpBrowser();
    const page = await browser.follow(`${tp.issuer}/signup?client_id=${app.clientId}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('challengejson=');
    expect(page.html).toContain('<altcha-widget');
    expect(page.html).toContain(`name="client_id" value="${app.clientId}"`);
    const csp = page.headers?.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    for (const asset of ['altcha.js', 'worker.js']) {
      const res = await fetch(`${tp.issuer}/login/assets/altcha/${asset}`);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('content-type')).toContain('javascript');
    }
    expect(page.html).toContain('href="/policies/privacy"');
    expect(page.html).toContain('href="/policies/terms"');
  });

  it('creates a pending officer account and mails it a 30-day single-use onboarding link stating the TechPass ID', async () => {
    const email = 'new.officer@agency.gov.sg';
    const { page } = await signUp(tp, email, { clientId: app.clientId });
    expect(new URL(page.url).pathname).toBe('/signup/sent');
    expect(text(page)).toContain(`We sent a mail to ${email}`);
    const account = await store().users.findByLogin(email);
    expect(account).toMatchObject({ email, status: 'pending', accountType: 'officer', hasPassword: false });
    const { mail, link } = await onboardingMail(tp, email);
    expect(link.startsWith(`${tp.issuer}/onboarding/`)).toBe(true);
    expect(mail.text).toContain(`Your TechPass ID is ${email}`);
    expect(mail.text).toContain('The link above works until');
    expect(mail.html).toContain(`<a href="${link}">`);
    const created = (await store().audit.list({ limit: 10_000, targetId: account!.id })).map((e) => e.action);
    expect(created).toEqual(expect.arrayContaining(['user.created', 'onboarding.link_sent', 'sign_up.requested']));
    const expires = (await store().audit.list({ limit: 10_000, targetId: account!.id })).find((e) => e.action === 'onboarding.link_sent')!.data
      .expiresAt as number;
    expect(Math.round((expires - Date.now()) / 86_400_000)).toBe(30);
  });

  it('refuses an invite-only domain and says to ask an officer for an invitation; nothing changes', async () => {
    const before = await accounts();
    const { page } = await signUp(tp, 'contractor@partner.com.sg');
    expect(page.status).toBe(403);
    expect(text(page)).toContain('ask a public officer who uses TechPass');
    expect(text(page)).toContain('to invite you');
    expect(await store().users.findByLogin('contractor@partner.com.sg')).toBeNull();
    expect(await accounts()).toBe(before);
    expect(await mailsTo('contractor@partner.com.sg')).toBe(0);
  });

  it('refuses a mailbox-less domain with the reason, and the local TechPass ID domain too', async () => {
    for (const email of ['team@shared.gov.sg', `someone@${tp.config.LOCAL_ID_DOMAIN}`]) {
      const { page } = await signUp(tp, email);
      expect(page.status, email).toBe(403);
      expect(text(page)).toMatch(/no mailbox|not mailboxes/);
      expect(await store().users.findByLogin(email)).toBeNull();
    }
  });

  it('refuses any other domain with a clear message, and a wildcard domain admits its subdomains', async () => {
    const { page } = await signUp(tp, 'someone@gmail.com');
    expect(page.status).toBe(403);
    expect(text(page)).toContain('Addresses at gmail.com cannot sign up for TechPass');
    expect(await store().users.findByLogin('someone@gmail.com')).toBeNull();
    const sub = await signUp(tp, 'officer@hq.statutory.gov.sg');
    expect(new URL(sub.page.url).pathname).toBe('/signup/sent');
  });

  it('refuses bad input: not an e-mail, a missing or wrong proof of work, a forged form', async () => {
    const before = await accounts();
    const notEmail = await signUp(tp, 'not-an-email');
    expect(notEmail.page.status).toBe(400);
    expect(text(notEmail.page)).toContain('Enter your organisational e-mail address');
    const noProof = await signUp(tp, 'robot@agency.gov.sg', { proof: () => '' });
    expect(noProof.page.status).toBe(400);
    expect(text(noProof.page)).toContain('“I’m not a robot” check did not pass');
    const wrong = await signUp(tp, 'robot@agency.gov.sg', {
      proof: (solved) => {
        const payload = JSON.parse(Buffer.from(solved, 'base64').toString()) as { number: number };
        return Buffer.from(JSON.stringify({ ...payload, number: payload.number + 1 })).toString('base64');
      },
    });
    expect(wrong.page.status).toBe(400);
    const browser = new HttpBrowser();
    const forged = await browser.follow(`${tp.issuer}/signup`, { form: { email: 'robot@agency.gov.sg', altcha: 'x', csrf: 'forged' } });
    expect(forged.status).toBe(403);
    expect(await store().users.findByLogin('robot@agency.gov.sg')).toBeNull();
    expect(await accounts()).toBe(before);
  });

  it('accepts each solved challenge once: a replayed proof is refused', async () => {
    const first = await signUp(tp, 'replay.one@agency.gov.sg');
    expect(new URL(first.page.url).pathname).toBe('/signup/sent');
    const again = await signUp(tp, 'replay.two@agency.gov.sg', { proof: () => first.proof });
    expect(again.page.status).toBe(409);
    expect(text(again.page)).toContain('already used');
    expect(await store().users.findByLogin('replay.two@agency.gov.sg')).toBeNull();
  });

  it('replaces an unfinished sign-up: no second account, a new link, the earlier link dead', async () => {
    const email = 'twice@agency.gov.sg';
    await signUp(tp, email);
    const first = await onboardingMail(tp, email);
    const before = await accounts();
    await signUp(tp, email);
    const second = await onboardingMail(tp, email, first.mail.createdAt - 1);
    const newest = (await store().outbox.recent(5, email)).filter((m) => m.subject === first.mail.subject);
    expect(newest).toHaveLength(2);
    expect(newest[0]!.text).not.toBe(first.mail.text);
    expect(await accounts()).toBe(before);
    const old = await openOnboarding(new HttpBrowser(), newest[1]!.text.match(/https?:\/\/\S+\/onboarding\/[\w-]+\.[\w-]+/)![0]);
    expect(old.status).toBe(410);
    expect(text(old)).toContain('This link was replaced');
    expect(old.html).toContain('href="/signup"');
    const live = await new HttpBrowser().follow(newest[0]!.text.match(/https?:\/\/\S+\/onboarding\/[\w-]+\.[\w-]+/)![0]);
    expect(live.status).toBe(200);
    void second;
  });

  it('answers an address that already has an account as any other, and mails its owner instead', async () => {
    const existing = await user(tp, 'active.officer@agency.gov.sg');
    const { page } = await signUp(tp, 'Active.Officer@agency.gov.sg');
    expect(new URL(page.url).pathname).toBe('/signup/sent');
    const mail = await waitForMail(tp, existing.email, 'You already have a TechPass account');
    expect(mail.text).toContain(`your TechPass ID is ${existing.email}`);
    expect(await store().users.findById(existing.id)).toMatchObject({ status: 'active' });
    expect((await store().outbox.recent(10, existing.email)).some((m) => m.subject.startsWith('Finish setting up'))).toBe(false);
  });
});

describe(`sign-up asks the managed-device hook (${engine})`, () => {
  let tp: TestServer;
  const seen: Array<{ ip: string; userAgent: string }> = [];
  let allow = false;

  beforeAll(async () => {
    tp = await startTestServer({
      env: SIGN_UP_ENV,
      server: {
        signUpDeviceRule: (device) => {
          seen.push(device);
          return allow ? { allowed: true } : { allowed: false, reason: 'this device is not managed by your agency' };
        },
      },
    });
  });
  afterAll(() => tp?.close());

  it('with the request’s device facts, and refuses a sign-up the hook refuses', async () => {
    const browser = new HttpBrowser({ 'user-agent': 'Managed-Laptop/1.0' });
    const { page } = await signUp(tp, 'unmanaged@agency.gov.sg', { browser });
    expect(page.status).toBe(403);
    expect(text(page)).toContain('only from a managed device (this device is not managed by your agency)');
    expect(seen.at(-1)).toEqual({ ip: '127.0.0.1', userAgent: 'Managed-Laptop/1.0' });
    expect(await tp.server.store.users.findByLogin('unmanaged@agency.gov.sg')).toBeNull();
    allow = true;
    const allowed = await signUp(tp, 'managed@agency.gov.sg', { browser });
    expect(new URL(allowed.page.url).pathname).toBe('/signup/sent');
    expect(seen).toHaveLength(2);
  });
});
