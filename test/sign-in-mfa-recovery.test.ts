/**
 * Enrolling and losing second factors at sign-in, driven as a browser and a
 * phone would: the enrol page's one-time link opened by the headless
 * authenticator (the `techpass authenticator` CLI), "I can't use my phone" with
 * another enrolled factor, and a platform admin's `techpass user reset-mfa`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, forms, HttpBrowser, text, type Page } from './helpers/http-browser.js';
import { nextTotpCode, rememberSeed } from './helpers/phone.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { finishAuthorization, signIn, startAuthorization } from './helpers/sign-in.js';

describe(`second factors: enrolment, recovery and reset (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  const dir = mkdtempSync(path.join(tmpdir(), 'techpass-recovery-'));

  beforeAll(async () => {
    tp = await startTestServer();
    await namespace(tp, 'recovery');
    app = await application(tp, { namespace: 'recovery', name: 'Recovery App' });
  });
  afterAll(() => tp?.close());

  const back = (u: string) => u.startsWith(app.redirectUri);

  async function toSecondStep(browser: HttpBrowser, login: string) {
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
    page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
    return { start, page };
  }
  const post = (browser: HttpBrowser, page: Page, step: string, fields: Record<string, string> = {}) => {
    const f = forms(page).find(
      (x) => x.action.endsWith(`/${step}`) && Object.entries(fields).every(([k, v]) => !(k in x.fields) || x.fields[k] === v),
    );
    if (!f) throw new Error(`no ${step} form on ${page.url}: ${text(page).slice(0, 400)}`);
    return browser.follow(f.action, { form: { ...f.fields, ...fields } }, back);
  };
  const finishTerms = async (browser: HttpBrowser, page: Page) => (page.stopped ? page : post(browser, page, 'terms'));
  const auditOf = async (login: string) => {
    const u = await tp.server.store.users.findByLogin(login);
    return (await tp.server.store.audit.list({ targetId: u!.id, limit: 100 })).map((e) => ({ action: e.action, data: e.data }));
  };
  const mailTo = (to: string) => tp.server.store.outbox.recent(20, to);

  it('enrols the TechPass Authenticator from the one-time link the enrol page shows, then proves it with number matching', async () => {
    const login = 'new.phone@agency.gov.sg';
    await user(tp, login, { phone: false });
    const browser = new HttpBrowser();
    const { start, page } = await toSecondStep(browser, login);
    expect(text(page)).toContain('Set up the TechPass Authenticator');
    expect(page.html).toContain('<svg');
    const link = /data-testid="enrolment-link"[^>]*>([^<]+)</.exec(page.html)![1]!.replace(/&amp;/g, '&');
    expect(link).toMatch(new RegExp(`^${tp.issuer}/authenticator/enrol#enr_`));
    const statusUrl = form(page, '/enrol-authenticator').action.replace(/enrol-authenticator$/, 'enrol-status');
    const status = () => browser.follow(statusUrl).then((p) => JSON.parse(p.html) as { status: string });
    expect(await status()).toEqual({ status: 'pending' });

    // Continue before the phone has added the account says so and changes nothing.
    const early = await post(browser, page, 'enrol-authenticator');
    expect(text(early)).toContain('Your phone has not added your account yet');
    // A reload shows the same link (it is issued once per sign-in while it lasts).
    expect(early.html).toContain(link);

    const store = path.join(dir, 'new-phone.json');
    const enrolled = await runCli(['authenticator', 'enrol', link, '--store', store], tp.env);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    expect(await status()).toEqual({ status: 'enrolled' });

    // Continue: a number-matching prompt goes to the new phone, which approves it.
    const push = await post(browser, early, 'enrol-authenticator');
    expect(text(push)).toContain('Approve sign-in request');
    const number = /data-testid="push-number"[^>]*>(\d+)</.exec(push.html)![1]!;
    const approved = await runCli(['authenticator', 'approve', '--store', store, '--number', number, '--json'], tp.env);
    expect(approved.code, approved.stderr).toBe(0);
    const done = await finishTerms(browser, await post(browser, push, 'push'));
    const tokens = await finishAuthorization(start, done.url);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'swk', 'mfa'], acr: 'urn:techpass:aal2' });
    expect((await auditOf(login)).map((e) => e.action)).toEqual(
      expect.arrayContaining(['authenticator.enrolment_link_issued', 'authenticator.device_enrolled', 'sign_in.succeeded']),
    );

    // The link worked once.
    const again = await runCli(['authenticator', 'enrol', link, '--store', path.join(dir, 'again.json')], tp.env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('expired or was already used');
  });

  it('"I can\'t use my phone": verifies with the authenticator app instead, removes the phone, and offers a new one', async () => {
    const login = 'lost.phone@agency.gov.sg';
    const u = await user(tp, login); // has a test phone
    const seed = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await tp.server.store.users.addTotpFactor(u.id, 'Authenticator app', seed);
    rememberSeed(tp.url, login, seed);
    const browser = new HttpBrowser();
    const { start, page } = await toSecondStep(browser, login);
    expect(text(page)).toContain('Approve sign-in request');
    expect(text(page)).toContain("I can't use my phone");

    let next = await post(browser, page, 'recover');
    expect(text(next)).toContain('Enter the code');
    expect(text(next)).toContain('your phone is removed from your account');
    // The lost phone no longer counts for this sign-in, and is not offered.
    expect(next.html).not.toContain('value="swk"');

    next = await post(browser, next, 'totp', { code: await nextTotpCode(tp.url, login) });
    expect(text(next)).toContain('Add a new second factor');
    expect(await tp.server.store.push.devicesOf(u.id)).toEqual([]);
    const removed = (await auditOf(login)).find((e) => e.action === 'mfa.factor_removed');
    expect(removed?.data).toMatchObject({ method: 'swk', reason: 'recovery', verifiedWith: 'otp', removed: 1 });
    const mails = await mailTo(login);
    expect(mails.map((m) => m.subject)).toContain('Your TechPass Authenticator was removed from TechPass');

    // "Not now": the sign-in completes with what was proven.
    const done = await finishTerms(browser, await post(browser, next, 'enrol-skip'));
    const tokens = await finishAuthorization(start, done.url);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:techpass:aal2' });
  });

  it('with no other factor, says who can help and changes nothing', async () => {
    const login = 'only.phone@agency.gov.sg';
    const u = await user(tp, login);
    const browser = new HttpBrowser();
    const { page } = await toSecondStep(browser, login);
    const next = await post(browser, page, 'recover');
    expect(next.status).toBe(409);
    expect(text(next)).toContain('You have no other way to verify that it is you');
    expect(text(next)).toContain('platform administrator can reset');
    expect(await tp.server.store.push.devicesOf(u.id)).toHaveLength(1);
  });

  it('a platform admin resets MFA: every factor goes, sessions end, the person is told, and the next sign-in enrols anew', async () => {
    const login = 'reset.me@agency.gov.sg';
    const u = await user(tp, login);
    await tp.server.store.users.addTotpFactor(u.id, 'Authenticator app', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ');
    const first = await signIn(tp, { ...app, login, password: PASSWORD });
    expect(first.tokens.claims()?.amr).toContain('swk');

    const reset = await runCli(['user', 'reset-mfa', '--email', 'Reset.Me@agency.gov.sg', '--json'], tp.env);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.json).toEqual({ user: login, userId: u.id, removed: { authenticators: 1, totp: 1, passkeys: 0 } });
    expect(await tp.server.store.users.listFactors(u.id)).toEqual([]);
    expect(await tp.server.store.push.devicesOf(u.id)).toEqual([]);
    const audit = (await auditOf(login)).find((e) => e.action === 'mfa.reset');
    // Through the management API in process, as the operator.
    expect(audit?.data).toEqual({ role: 'platform_admin', via: 'operator', removed: { authenticators: 1, totp: 1, passkeys: 0 } });
    expect((await mailTo(login)).map((m) => m.subject)).toContain('Your TechPass sign-in methods were reset');

    // The browser's session ended: the same browser is asked again, and must enrol a factor.
    const { page } = await toSecondStep(new HttpBrowser(), login);
    expect(text(page)).toContain('Every TechPass sign-in needs a second factor, and your account has none yet');

    const unknown = await runCli(['user', 'reset-mfa', '--email', 'nobody@agency.gov.sg'], tp.env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no account nobody@agency.gov.sg');
  });
});
