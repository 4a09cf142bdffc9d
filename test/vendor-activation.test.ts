/**
 * A vendor's first sign-in over HTTP, as a browser and a relying party drive it: the
 * TechPass ID leads to the activation page (not the password page, not the "pending"
 * refusal); the SMS code and a new password lead to a mandatory MFA enrolment; then
 * the account is active and signed in to the application. A wrong code counts towards
 * the lockout until the account locks (a new code unlocks it); an expired code says so
 * (a controllable clock moves past 72 hours); a used code is refused; a pending vendor
 * cannot sign in with a password. Pages never write; every post answers 303.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace } from './helpers/directory.js';
import { form, HttpBrowser, text, type Page } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization, signIn, startAuthorization } from './helpers/sign-in.js';
import { resendCode, vendor } from './helpers/vendors.js';

const PASSWORD = 'Vendor-Gate-Lantern-42';
const HOUR = 60 * 60 * 1000;

describe(`vendor activation at first sign-in (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  // The server's clock: real time, moved forward by `offset` to see codes expire.
  const clock = { offset: 0, now: () => Date.now() + clock.offset };
  beforeAll(async () => {
    tp = await startTestServer({ env: { LOCKOUT_THRESHOLD: '3' }, server: { clock } });
    await namespace(tp, 'acme');
    app = await application(tp, { namespace: 'acme', name: 'Acme Portal' });
  });
  afterAll(() => tp?.close());

  const back = (url: string) => url.startsWith(app.redirectUri);
  const account = async (login: string) => (await tp.server.store.users.findByLogin(login))!;
  const codeOf = async (login: string) => tp.server.store.activationCodes.find((await account(login)).id);
  const uidOf = (page: Page) => new URL(page.url).pathname.split('/')[2]!;

  /** Opens a sign-in for the application and types the TechPass ID. */
  async function identify(login: string) {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    const f = form(page, '/identify');
    page = await browser.follow(f.action, { form: { ...f.fields, login } });
    return { browser, start, page };
  }

  /** Sends the activation form; answers the page the 303 leads to. */
  async function activate(browser: HttpBrowser, page: Page, code: string, password = PASSWORD, confirm = password) {
    const f = form(page, '/activate');
    return browser.follow(f.action, { form: { ...f.fields, code, password, confirm } }, back);
  }

  const wrongCode = (code: string) => (code === '11111111' ? '22222222' : '11111111');

  it('asks for the SMS code and a new password, then MFA (mandatory), then the account is active and signed in', async () => {
    const v = await vendor(tp, 'acme', { email: 'ana.lim@vendor.com.sg', username: 'ana_lim', mobile: '+65 9000 0001' });
    const { browser, start, page } = await identify('ana_lim@techpass.local');
    expect(page.status).toBe(200);
    expect(text(page)).toContain('Activate your account');
    expect(text(page)).toContain('ana_lim@techpass.local');
    expect(page.html).not.toContain('/password"');

    // Showing the page (and showing it again) writes nothing.
    const uid = uidOf(page);
    const version = (await tp.server.store.flows.findByInteraction(uid))!.version;
    expect((await browser.follow(page.url)).status).toBe(200);
    expect((await tp.server.store.flows.findByInteraction(uid))!.version).toBe(version);

    // The post answers 303 to the flow's page (post/redirect/get).
    const f = form(page, '/activate');
    const posted = await browser.request(f.action, {
      form: { ...f.fields, code: `${v.code.slice(0, 4)} ${v.code.slice(4)}`, password: PASSWORD, confirm: PASSWORD },
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe(`/login/${uid}`);
    const enrol = await browser.follow(new URL(posted.headers.get('location')!, page.url).toString());
    expect(text(enrol)).toContain('Set up the TechPass Authenticator');
    expect(text(enrol)).toContain('Every TechPass sign-in needs a second factor');
    // Mandatory: no "Not now".
    expect(enrol.html).not.toContain('/enrol-skip"');

    // Code spent, password set; still pending until MFA is enrolled.
    expect((await codeOf('ana_lim'))!.usedAt).not.toBeNull();
    expect(await account('ana_lim')).toMatchObject({ status: 'pending', hasPassword: true, failedSignIns: 0 });

    // Enrol an authenticator app (oathtool's codes) and finish: signed in to the application.
    const last = await completeSignIn(browser, enrol, { ...app, login: 'ana_lim@techpass.local', password: PASSWORD });
    expect(last.stopped, text(last)).toBe(true);
    const tokens = await finishAuthorization(start, last.url);
    expect(tokens.claims()!.sub).toBe(v.id);
    expect(await account('ana_lim')).toMatchObject({ status: 'active', hasPassword: true });
    const events = await tp.server.store.audit.list({ targetId: v.id, limit: 50 });
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['vendor.activation_code_used', 'mfa.enrolled', 'user.status_changed', 'sign_in.succeeded']),
    );
    expect(events.find((e) => e.action === 'user.status_changed')!.data).toMatchObject({ change: 'activate', from: 'pending', to: 'active' });

    // From now on it signs in as anyone does: password, then its authenticator app.
    const again = await signIn(tp, { ...app, login: 'ana_lim@techpass.local', password: PASSWORD });
    expect(again.tokens.claims()!.sub).toBe(v.id);
  });

  it('enrols the TechPass Authenticator instead: the account is active once the phone is added, and its number-matching prompt completes', async () => {
    const v = await vendor(tp, 'acme', { email: 'gus.lee@vendor.com.sg', username: 'gus.lee', mobile: '+6590000007' });
    const { browser, start, page } = await identify('gus.lee');
    const enrol = await activate(browser, page, v.code);
    const link = /data-testid="enrolment-link"[^>]*>([^<]+)</.exec(enrol.html)![1]!.replace(/&amp;/g, '&');
    // Continue before the phone has added the account: still pending, nothing moves.
    const early = await browser.follow(form(enrol, '/enrol-authenticator').action, { form: form(enrol, '/enrol-authenticator').fields }, back);
    expect(text(early)).toContain('Your phone has not added your account yet');
    expect((await account('gus.lee')).status).toBe('pending');

    const store = path.join(mkdtempSync(path.join(tmpdir(), 'techpass-vendor-')), 'phone.json');
    const enrolled = await runCli(['authenticator', 'enrol', link, '--store', store], tp.env);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const push = await browser.follow(form(early, '/enrol-authenticator').action, { form: form(early, '/enrol-authenticator').fields }, back);
    expect(text(push)).toContain('Approve sign-in request');
    expect((await account('gus.lee')).status).toBe('active');
    const number = /data-testid="push-number"[^>]*>(\d+)</.exec(push.html)![1]!;
    const approved = await runCli(['authenticator', 'approve', '--store', store, '--number', number, '--json'], tp.env);
    expect(approved.code, approved.stderr).toBe(0);
    let last = await browser.follow(form(push, '/push').action, { form: form(push, '/push').fields }, back);
    if (!last.stopped) last = await browser.follow(form(last, '/terms').action, { form: form(last, '/terms').fields }, back);
    const tokens = await finishAuthorization(start, last.url);
    expect(tokens.claims()).toMatchObject({ sub: v.id, amr: ['pwd', 'swk', 'mfa'], acr: 'urn:techpass:aal2' });
  });

  it('counts a wrong code towards the lockout like a wrong password, locks the account, and a new code unlocks it', async () => {
    const v = await vendor(tp, 'acme', { email: 'bo.tan@vendor.com.sg', username: 'bo_tan', mobile: '+6590000002' });
    const { browser, page } = await identify('bo_tan');
    let current = page;
    for (const failures of [1, 2]) {
      current = await activate(browser, current, wrongCode(v.code));
      expect(current.status).toBe(401);
      expect(text(current)).toContain('That activation code is not correct');
      expect((await account('bo_tan')).failedSignIns).toBe(failures);
    }
    // The third wrong code reaches LOCKOUT_THRESHOLD (3).
    current = await activate(browser, current, wrongCode(v.code));
    expect(text(current)).toContain('Your account is locked');
    expect(text(current)).toContain('too many wrong activation codes');
    expect((await account('bo_tan')).lockedAt).not.toBeNull();
    const events = await tp.server.store.audit.list({ targetId: v.id, limit: 50 });
    expect(events.filter((e) => e.action === 'sign_in.activation_code_failed')).toHaveLength(3);
    expect(events.filter((e) => e.action === 'user.locked')).toHaveLength(1);

    // Locked: even the right code does nothing, and is not spent.
    const retry = await identify('bo_tan');
    const refused = await activate(retry.browser, retry.page, v.code);
    expect(text(refused)).toContain('Your account is locked');
    expect((await codeOf('bo_tan'))!.usedAt).toBeNull();
    expect(await account('bo_tan')).toMatchObject({ status: 'pending', hasPassword: false });

    // The tenant admin sends a new code: the lock is lifted and the new code works (the old one does not).
    const fresh = await resendCode(tp, 'acme', 'bo_tan');
    expect(await account('bo_tan')).toMatchObject({ lockedAt: null, failedSignIns: 0 });
    const next = await identify('bo_tan');
    if (fresh !== v.code) expect((await activate(next.browser, next.page, v.code)).status).toBe(401);
    const enrol = await activate(next.browser, next.page, fresh);
    expect(text(enrol)).toContain('Set up the TechPass Authenticator');
  });

  it('says an expired code has expired and to ask the tenant admin for a new one, without counting it', async () => {
    const v = await vendor(tp, 'acme', { email: 'chen.wei@vendor.com.sg', username: 'chen.wei', mobile: '+6590000003' });
    const late = await vendor(tp, 'acme', { email: 'dana.ong@vendor.com.sg', username: 'dana.ong', mobile: '+6590000004' });
    try {
      // Just inside 72 hours: it works.
      clock.offset = 72 * HOUR - 5 * 60 * 1000;
      const inTime = await identify('dana.ong');
      expect(text(await activate(inTime.browser, inTime.page, late.code))).toContain('Set up the TechPass Authenticator');

      // Past 72 hours: expired.
      clock.offset = 72 * HOUR + 60 * 1000;
      const { browser, page } = await identify('chen.wei');
      expect(text(page)).toContain('Activate your account');
      const expired = await activate(browser, page, v.code);
      expect(expired.status).toBe(410);
      expect(text(expired)).toContain('Your activation code has expired');
      expect(text(expired)).toContain('Ask your tenant administrator');
      expect(await account('chen.wei')).toMatchObject({ status: 'pending', hasPassword: false, failedSignIns: 0 });
      expect((await codeOf('chen.wei'))!.usedAt).toBeNull();
    } finally {
      clock.offset = 0;
    }
  });

  it('refuses a used code, and a pending vendor cannot sign in with a password', async () => {
    const v = await vendor(tp, 'acme', { email: 'eva.goh@vendor.com.sg', username: 'eva.goh', mobile: '+6590000005' });
    // The code is used (and a password set), then the person leaves before enrolling MFA.
    const first = await identify('eva.goh');
    expect(text(await activate(first.browser, first.page, v.code))).toContain('Set up the TechPass Authenticator');

    const second = await identify('eva.goh');
    const used = await activate(second.browser, second.page, v.code, 'Another-Long-Password-77');
    expect(used.status).toBe(410);
    expect(text(used)).toContain('That activation code was already used');
    expect(text(used)).toContain('Ask your tenant administrator');

    // Still pending: the TechPass ID leads to the activation page, never to a password; a forged password post moves nothing.
    const third = await identify('eva.goh');
    expect(third.page.html).not.toContain('/password"');
    const action = form(third.page, '/activate').action.replace(/\/activate$/, '/password');
    const forced = await third.browser.follow(action, { form: { ...form(third.page, '/activate').fields, password: PASSWORD } }, back);
    expect(forced.stopped).toBe(false);
    expect(forced.status).toBe(409);
    expect(text(forced)).toContain('Activate your account');
    expect(await account('eva.goh')).toMatchObject({ status: 'pending', lastSignInAt: null });
  });

  it('says what is wrong with the form without spending the code or an attempt', async () => {
    const v = await vendor(tp, 'acme', { email: 'fay.koh@vendor.com.sg', username: 'fay.koh', mobile: '+6590000006' });
    const { browser, page } = await identify('fay.koh@techpass.local');
    const cases: Array<[string, string, string, number, string]> = [
      ['123', PASSWORD, PASSWORD, 400, 'An activation code has 8 digits'],
      [v.code, PASSWORD, `${PASSWORD}x`, 400, 'The two passwords are not the same'],
      [v.code, 'short', 'short', 400, 'at least 12 characters'],
      [v.code, 'fay.koh-is-my-password', 'fay.koh-is-my-password', 400, 'must not contain your e-mail address or username'],
    ];
    let current = page;
    for (const [code, password, confirm, status, says] of cases) {
      current = await activate(browser, current, code, password, confirm);
      expect(current.status, says).toBe(status);
      expect(text(current)).toContain(says);
    }
    expect(await account('fay.koh')).toMatchObject({ status: 'pending', hasPassword: false, failedSignIns: 0 });
    expect((await codeOf('fay.koh'))!.usedAt).toBeNull();
  });
});
