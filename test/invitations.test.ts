/**
 * Invitations, driven as people and operators do: the CLI's contract (`techpass user
 * invite`: JSON keys, exit codes, refusals that change nothing), an officer signed in
 * with a second factor inviting from /login/invite, the invitee registering over HTTP
 * (field errors kept across the redirect, never the password; duplicates of username and
 * mobile; a replayed link), the new account signing in (and enrolling its second factor),
 * and an address an integrated identity provider serves getting a pending account at once
 * with the onboarding e-mail (flows/onboarding.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { createUser } from '../src/flows/administration.js';
import { systemClock } from '../src/platform/clock.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { federatedUpstream } from './helpers/federation.js';
import { form, HttpBrowser, text, type Page } from './helpers/http-browser.js';
import { givePhone } from './helpers/phone.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn } from './helpers/sign-in.js';
import { upstreamUser } from './helpers/upstream.js';

const NEW_PASSWORD = 'Registered-Pass-2026!';

describe(`invitations (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  beforeAll(async () => {
    // Loopback upstreams: the integrated provider's discovery document is fetched from this machine.
    tp = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true', SIGN_UP_MAILBOXLESS_DOMAINS: 'shared.gov.sg' } });
    await namespace(tp, 'invite');
    app = await application(tp, { namespace: 'invite', name: 'Invite Portal' });
    await user(tp, 'inviter@agency.gov.sg');
  });
  afterAll(() => tp?.close());

  const cli = (args: string[]) => runCli(args, tp.env);
  const invite = (email: string, by = 'inviter@agency.gov.sg', json = true) =>
    cli(['user', 'invite', '--email', email, '--by', by, ...(json ? ['--json'] : [])]);
  const mailsTo = (to: string) => tp.server.store.outbox.recent(50, to);
  const linkIn = (mailText: string) => /(http:\/\/\S+\/login\/register\/[A-Za-z0-9_.-]+)/.exec(mailText)![1]!;
  const latestLink = async (to: string) => linkIn((await mailsTo(to)).find((m) => m.subject === 'You are invited to TechPass')!.text);

  function refused(res: CliResult, error: string, field: string) {
    expect(res.code, res.stdout + res.stderr).toBe(1);
    expect(res.json).toMatchObject({ error, field });
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  }

  /** Posts the registration form at `link` with `fields`; answers the page after the redirect. */
  async function register(browser: HttpBrowser, link: string, fields: Record<string, string>): Promise<Page> {
    const page = await browser.follow(link);
    const f = form(page, new URL(link).pathname);
    const res = await browser.request(f.action, { form: { ...f.fields, ...fields } });
    expect(res.status).toBe(303);
    return browser.follow(new URL(res.headers.get('location')!, link).toString());
  }

  const onshore = (username: string, mobile: string) => ({
    username,
    givenName: 'Priya',
    familyName: 'Nair',
    mobile,
    department: 'Digital Services',
    businessOperation: 'onshore',
    password: NEW_PASSWORD,
    confirm: NEW_PASSWORD,
  });

  it('answers the CLI contract: exactly status and expiresAt, a registration link valid 5 days, human text without --json', async () => {
    const before = Date.now();
    const res = await invite('contract.person@partner.example.com');
    expect(res.code, res.stderr).toBe(0);
    expect(Object.keys(res.json as object).sort()).toEqual(['expiresAt', 'status']);
    const answer = res.json as { status: string; expiresAt: string };
    expect(answer.status).toBe('pending');
    const expiresAt = Date.parse(answer.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 5 * 86_400_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 5 * 86_400_000 + 1000);
    const [mail] = await mailsTo('contract.person@partner.example.com');
    expect(mail?.subject).toBe('You are invited to TechPass');
    expect(mail?.html).toContain('<a href="http://');
    expect(mail?.text).toContain('inviter@agency.gov.sg');
    expect(linkIn(mail!.text).startsWith(`${tp.issuer}/login/register/`)).toBe(true);

    const human = await invite('human.person@partner.example.com', 'inviter@agency.gov.sg', false);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^invited human\.person@partner\.example\.com: e-mailed a registration link that works until \d{4}-/);
  });

  it('refuses bad flags, an unknown inviter, an invalid address, an existing account, a non-officer and an inactive inviter; nothing changes', async () => {
    const noBy = await cli(['user', 'invite', '--email', 'x@partner.example.com', '--json']);
    expect(noBy.code).not.toBe(0);
    expect(noBy.stderr).toContain('--by');
    const unknownFlag = await cli(['user', 'invite', '--email', 'x@partner.example.com', '--by', 'inviter@agency.gov.sg', '--shout']);
    expect(unknownFlag.code).not.toBe(0);
    expect(unknownFlag.stderr).toContain('--shout');

    refused(await invite('x@partner.example.com', 'nobody@agency.gov.sg'), 'user.not_found', 'by');
    refused(await invite('not-an-address'), 'input.invalid', 'email');
    refused(await invite('somebody@techpass.local'), 'input.invalid', 'email');
    const mailboxless = await invite('desk@shared.gov.sg');
    refused(mailboxless, 'input.invalid', 'email');
    expect(mailboxless.stderr).toContain('no mailbox');
    refused(await invite('inviter@agency.gov.sg'), 'user.exists', 'email');

    const deps = administrationDeps(tp.server.store, systemClock);
    const vendor = await createUser(deps, 'test', {
      email: 'a.vendor@vendor.example.com',
      username: 'a_vendor',
      givenName: 'A',
      familyName: 'Vendor',
      type: 'vendor',
      password: PASSWORD,
    });
    expect(vendor.ok).toBe(true);
    refused(await invite('x@partner.example.com', 'a.vendor@vendor.example.com'), 'invitation.not_allowed', 'by');
    await user(tp, 'disabled.officer@agency.gov.sg');
    expect((await cli(['user', 'set-status', '--email', 'disabled.officer@agency.gov.sg', '--status', 'disabled'])).code).toBe(0);
    const inactive = await invite('x@partner.example.com', 'disabled.officer@agency.gov.sg');
    refused(inactive, 'invitation.not_allowed', 'by');
    expect(inactive.stderr).toContain('active');

    expect(await mailsTo('x@partner.example.com')).toHaveLength(0);
    expect(await tp.server.store.users.findByLogin('x@partner.example.com')).toBeNull();
    const sent = (await tp.server.store.audit.list({ limit: 1000 })).filter(
      (e) => e.action === 'invitation.sent' && e.data?.email === 'x@partner.example.com',
    );
    expect(sent).toHaveLength(0);
  });

  it('invites from the account page, and the invitee registers: field errors kept (never the password), then an active account that signs in with MFA enrolment', async () => {
    const inviter = new HttpBrowser();
    // Not signed in: the page asks for a sign-in first and offers no form.
    let page = await inviter.follow(`${tp.url}/login/invite`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-testid="sign-in-first"');

    await signIn(tp, { ...app, login: 'inviter@agency.gov.sg', password: PASSWORD, browser: inviter });
    page = await inviter.follow(`${tp.url}/login/invite`);
    const f = form(page, '/login/invite');
    // A post without this browser's CSRF token changes nothing and comes back to the form.
    const forged = await inviter.request(f.action, { form: { ...f.fields, csrf: 'forged', email: 'priya.nair@partner.example.com' } });
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toContain('problem=form_expired');
    expect(await mailsTo('priya.nair@partner.example.com')).toHaveLength(0);

    const posted = await inviter.request(f.action, { form: { ...f.fields, email: 'Priya.Nair@partner.example.com' } });
    expect(posted.status).toBe(303);
    page = await inviter.follow(new URL(posted.headers.get('location')!, tp.url).toString());
    expect(page.status).toBe(200);
    expect(text(page)).toContain('We e-mailed priya.nair@partner.example.com a registration link');
    // Reloading the answer sends nothing more.
    await inviter.follow(page.url);
    expect((await mailsTo('priya.nair@partner.example.com')).length).toBe(1);

    const link = await latestLink('priya.nair@partner.example.com');
    const invitee = new HttpBrowser();
    const auditBefore = (await tp.server.store.audit.list({ limit: 1000 })).length;
    const opened = await invitee.follow(link);
    expect(opened.status).toBe(200);
    expect(text(opened)).toContain('inviter@agency.gov.sg');
    expect((await tp.server.store.audit.list({ limit: 1000 })).length).toBe(auditBefore);

    // Several problems at once: each field says its own, the typed values stay, the password does not.
    page = await register(invitee, link, {
      ...onshore('priya_nair', '12345'),
      businessOperation: 'offshore',
      confirm: 'Something-Else-2026',
    });
    expect(page.status).toBe(400);
    expect(page.html).toContain('data-testid="problem-mobile"');
    expect(page.html).toContain('data-testid="problem-reportingOfficer"');
    expect(page.html).toContain('data-testid="problem-companyAddress"');
    expect(page.html).toContain('data-testid="problem-confirm"');
    expect(page.html).toContain('value="Priya"');
    expect(page.html).not.toContain(NEW_PASSWORD);
    const id = new URL(link).pathname.split('/').pop()!.split('.')[0]!;
    const stored = await tp.server.store.invitations.find(id);
    expect(JSON.stringify(stored?.draft)).not.toContain(NEW_PASSWORD);
    expect(stored?.draft?.values.givenName).toBe('Priya');

    // A weak password is refused by the password policy.
    page = await register(invitee, link, { ...onshore('priya_nair', '+65 9000 1001'), password: 'password1234', confirm: 'password1234' });
    expect(page.status).toBe(400);
    expect(page.html).toContain('data-testid="problem-password"');

    page = await register(invitee, link, {
      ...onshore('priya_nair', '+65 9000 1001'),
      businessOperation: 'offshore',
      reportingOfficer: 'Boss@Partner.example.com',
      companyAddress: '1 Harbourfront Ave, Singapore',
    });
    expect(page.status, text(page)).toBe(200);
    expect(text(page)).toContain('priya_nair@techpass.local');

    const account = await tp.server.store.users.findByLogin('priya_nair@techpass.local');
    expect(account).toMatchObject({
      email: 'priya.nair@partner.example.com',
      username: 'priya_nair',
      givenName: 'Priya',
      familyName: 'Nair',
      accountType: 'officer',
      status: 'active',
      hasPassword: true,
      profile: {
        mobile: '+6590001001',
        department: 'Digital Services',
        businessOperation: 'offshore',
        reportingOfficerEmail: 'boss@partner.example.com',
        companyAddress: '1 Harbourfront Ave, Singapore',
      },
    });
    expect((await mailsTo('inviter@agency.gov.sg')).map((m) => m.subject)).toContain('Your TechPass invitation was accepted');
    const welcome = (await mailsTo('priya.nair@partner.example.com')).find((m) => m.subject === 'Your TechPass account is ready');
    expect(welcome?.text).toContain('priya_nair@techpass.local');

    // The link is used: opening or posting it again says so and changes nothing.
    const replay = await new HttpBrowser().follow(link);
    expect(replay.status).toBe(410);
    expect(replay.html).toContain('data-testid="link-completed"');
    const stale = form(opened, new URL(link).pathname);
    const again = await invitee.request(stale.action, { form: { ...stale.fields, ...onshore('priya_other', '+65 9000 1002') } });
    expect(again.status).toBe(303);
    expect((await invitee.follow(new URL(again.headers.get('location')!, link).toString())).status).toBe(410);
    expect(await tp.server.store.users.findByLogin('priya_other')).toBeNull();

    // The first sign-in enrols a second factor (an authenticator app, with oathtool's codes).
    const { tokens } = await signIn(tp, { ...app, login: 'priya_nair@techpass.local', password: NEW_PASSWORD });
    expect(tokens.claims()?.email).toBe('priya.nair@partner.example.com');
    expect((await tp.server.store.users.listFactors(account!.id)).map((f) => f.kind)).toContain('totp');
  });

  it('keeps e-mail, username and mobile unique across TechPass: the form says which is taken', async () => {
    const deps = administrationDeps(tp.server.store, systemClock);
    const holder = await createUser(deps, 'test', {
      email: 'holder@agency.gov.sg',
      username: 'taken_name',
      givenName: 'Holder',
      familyName: 'Tester',
      mobile: '+65 9111 2222',
      password: PASSWORD,
    });
    expect(holder.ok).toBe(true);
    expect((await invite('dup.person@partner.example.com')).code).toBe(0);
    const link = await latestLink('dup.person@partner.example.com');
    const browser = new HttpBrowser();
    let page = await register(browser, link, onshore('taken_name', '+65 9111 2222'));
    expect(page.status).toBe(400);
    expect(page.html).toContain('data-testid="problem-username"');
    expect(page.html).toContain('data-testid="problem-mobile"');
    expect(text(page)).toContain('This username is taken');
    expect(text(page)).toContain('This mobile number belongs to another TechPass account');
    // A username written as the local TechPass ID is the same username.
    page = await register(browser, link, onshore('taken_name@techpass.local', '+65 9111 3333'));
    expect(page.html).toContain('data-testid="problem-username"');
    expect(await tp.server.store.users.findByLogin('dup.person@partner.example.com')).toBeNull();
    page = await register(browser, link, onshore('dup_person', '+65 9111 3333'));
    expect(page.status, text(page)).toBe(200);

    // The invitee's e-mail got an account another way meanwhile: the link says so, and makes no second one.
    expect((await invite('meanwhile@partner.example.com')).code).toBe(0);
    const late = await latestLink('meanwhile@partner.example.com');
    const opened = await browser.follow(late);
    expect(opened.status).toBe(200);
    await user(tp, 'meanwhile@partner.example.com');
    const f = form(opened, new URL(late).pathname);
    const res = await browser.request(f.action, { form: { ...f.fields, ...onshore('meanwhile_two', '+65 9111 4444') } });
    expect(res.status).toBe(303);
    const after = await browser.follow(new URL(res.headers.get('location')!, late).toString());
    expect(after.status).toBe(410);
    expect(after.html).toContain('data-testid="link-taken"');
    expect(await tp.server.store.users.findByLogin('meanwhile_two')).toBeNull();
  });

  it('replaces an unfinished invitation: the old link is dead, the new one works', async () => {
    expect((await invite('twice@partner.example.com')).code).toBe(0);
    const first = await latestLink('twice@partner.example.com');
    const second = await invite('twice@partner.example.com', 'inviter@agency.gov.sg', false);
    expect(second.stdout).toContain('replaces the earlier invitation');
    const newest = linkIn((await mailsTo('twice@partner.example.com'))[0]!.text);
    expect(newest).not.toBe(first);
    const old = await new HttpBrowser().follow(first);
    expect(old.status).toBe(410);
    expect(old.html).toContain('data-testid="link-replaced"');
    expect((await new HttpBrowser().follow(newest)).status).toBe(200);
    // A made-up or mangled link answers the same way, without a form.
    const mangled = await new HttpBrowser().follow(`${newest.slice(0, -3)}abc`);
    expect(mangled.status).toBe(410);
    expect(mangled.html).toContain('data-testid="link-unknown"');
  });

  it('gives an address an integrated provider serves a pending officer account at once, and the onboarding e-mail', async () => {
    const upstream = await federatedUpstream(tp, {
      name: 'wog',
      domains: ['integrated.gov.sg'],
      users: [upstreamUser('tan.ah.kow@integrated.gov.sg')],
    });
    try {
      const before = Date.now();
      const res = await invite('Tan.Ah.Kow@integrated.gov.sg');
      expect(res.code, res.stderr).toBe(0);
      expect(Object.keys(res.json as object).sort()).toEqual(['expiresAt', 'status']);
      const answer = res.json as { status: string; expiresAt: string };
      expect(answer.status).toBe('pending');
      // The onboarding link's 30 days.
      expect(Date.parse(answer.expiresAt)).toBeGreaterThanOrEqual(before + 30 * 86_400_000 - 1000);
      expect(Date.parse(answer.expiresAt)).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000 + 1000);
      const account = await tp.server.store.users.findByLogin('tan.ah.kow@integrated.gov.sg');
      expect(account).toMatchObject({ accountType: 'officer', status: 'pending', username: null, hasPassword: false });
      const mails = await mailsTo('tan.ah.kow@integrated.gov.sg');
      // No registration link for them: their provider proves who they are; the onboarding mail names the inviter.
      expect(mails.find((m) => m.subject === 'You are invited to TechPass')).toBeUndefined();
      const onboarding = mails.find((m) => m.subject === 'Finish setting up your TechPass account');
      expect(onboarding?.text).toContain('invited you to TechPass');
      expect(onboarding?.text).toContain(`${tp.issuer}/onboarding/`);
      const audit = (await tp.server.store.audit.list({ limit: 1000, targetId: account!.id })).map((e) => e.action);
      expect(audit).toEqual(expect.arrayContaining(['user.created', 'onboarding.link_sent', 'invitation.sent']));
      // Inviting them again: they have an account now.
      refused(await invite('tan.ah.kow@integrated.gov.sg'), 'user.exists', 'email');
    } finally {
      await upstream.close();
    }
  });

  it('shows a signed-in vendor that only an active public officer may invite', async () => {
    const deps = administrationDeps(tp.server.store, systemClock);
    const made = await createUser(deps, 'test', {
      email: 'signed.vendor@vendor.example.com',
      username: 'signed_vendor',
      givenName: 'Signed',
      familyName: 'Vendor',
      type: 'vendor',
      password: PASSWORD,
    });
    if (!made.ok) throw new Error(made.message);
    await givePhone(tp, made.value.id, ['signed_vendor']);
    const browser = new HttpBrowser();
    await signIn(tp, { ...app, login: 'signed_vendor', password: PASSWORD, browser });
    const page = await browser.follow(`${tp.url}/login/invite`);
    expect(page.html).toContain('data-testid="may-not-invite"');
    expect(page.html).not.toContain('action="/login/invite"');
  });
});
