/**
 * A second factor from a standard authenticator app: TOTP codes computed by
 * Debian's oathtool (not by our code), accepted once each.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD, user } from './helpers/directory.js';
import { form, forms, HttpBrowser, text } from './helpers/http-browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { finishAuthorization, signIn, startAuthorization } from './helpers/sign-in.js';

const SEED = 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF';
const oathtool = (offsetSteps = 0) =>
  execFileSync('oathtool', ['--totp', '-b', `--now=@${Math.floor(Date.now() / 1000) + offsetSteps * 30}`, SEED], { encoding: 'utf8' }).trim();

describe(`TOTP at sign-in (${engine})`, () => {
  let tp: TestServer;
  let app: Awaited<ReturnType<typeof application>>;
  beforeAll(async () => {
    tp = await startTestServer({ env: { LOCKOUT_THRESHOLD: '4' } });
    await namespace(tp, 'otp');
    app = await application(tp, { namespace: 'otp', name: 'Second Factor' });
    for (const email of ['otp.user@agency.gov.sg', 'otp.guess@agency.gov.sg', 'otp.flows@agency.gov.sg']) {
      const res = await runCli(
        [
          'user',
          'create',
          '--email',
          email,
          '--given-name',
          'Otp',
          '--family-name',
          'User',
          '--password',
          PASSWORD,
          '--totp-secret',
          SEED,
          '--type',
          'product',
        ],
        tp.env,
      );
      expect(res.code, res.stderr).toBe(0);
    }
  });
  afterAll(() => tp?.close());

  async function toCodePage(login: string) {
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login } });
    page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
    expect(text(page)).toContain('Enter the code');
    return { browser, page, start };
  }

  it('asks for the code after the password and reports both methods and assurance level 2', async () => {
    const { tokens } = await signIn(tp, { ...app, login: 'otp.user@agency.gov.sg', password: PASSWORD, totp: () => oathtool() });
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:techpass:aal2' });
  });

  it("accepts the next step's code (a phone clock up to 30 s ahead)", async () => {
    const { browser, page } = await toCodePage('otp.user@agency.gov.sg');
    // The current step's code was used by the test above; the next step's has not been.
    const f = form(page, '/totp');
    const done = await browser.follow(f.action, { form: { ...f.fields, code: oathtool(1) } }, (u) => u.startsWith(app.redirectUri));
    expect(done.stopped || text(done).includes('Terms of use')).toBe(true);
  });

  it('refuses a code that was already used', async () => {
    const first = await toCodePage('otp.guess@agency.gov.sg');
    const code = oathtool();
    const f1 = form(first.page, '/totp');
    const ok = await first.browser.follow(f1.action, { form: { ...f1.fields, code } }, (u) => u.startsWith(app.redirectUri));
    expect(ok.status).not.toBe(401);
    const second = await toCodePage('otp.guess@agency.gov.sg');
    const f2 = form(second.page, '/totp');
    const again = await second.browser.follow(f2.action, { form: { ...f2.fields, code } });
    expect(again.status).toBe(401);
    expect(text(again)).toMatch(/already used|not correct/);
  });

  it('makes an account without a second factor enrol an authenticator app before the sign-in completes (MFA is mandatory)', async () => {
    await user(tp, 'enrol.me@agency.gov.sg', { phone: false });
    const browser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await browser.follow(start.url);
    page = await browser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login: 'enrol.me@agency.gov.sg' } });
    page = await browser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
    // The TechPass Authenticator is offered first; an authenticator app and a passkey are the alternatives.
    expect(text(page)).toContain('Set up the TechPass Authenticator');
    expect(text(page)).toContain('Every TechPass sign-in needs a second factor');
    const choose = forms(page).find((f) => f.action.endsWith('/enrol-choose') && f.fields.method === 'otp')!;
    page = await browser.follow(choose.action, { form: choose.fields });
    expect(text(page)).toContain('Set up your authenticator app');
    expect(page.html).toContain('<svg');
    const seed = /data-testid="totp-seed">([^<]+)</.exec(page.html)![1]!.replace(/\s/g, '');
    const code = (offset = 0) =>
      execFileSync('oathtool', ['--totp', '-b', `--now=@${Math.floor(Date.now() / 1000) + offset * 30}`, seed], { encoding: 'utf8' }).trim();

    const wrong = form(page, '/enrol-totp');
    page = await browser.follow(wrong.action, { form: { ...wrong.fields, code: code(5) } });
    expect(page.status).toBe(401);
    const me = await tp.server.store.users.findByLogin('enrol.me@agency.gov.sg');
    expect(await tp.server.store.users.listFactors(me!.id)).toEqual([]);

    const right = form(page, '/enrol-totp');
    page = await browser.follow(right.action, { form: { ...right.fields, code: code() } }, (u) => u.startsWith(app.redirectUri));
    if (!page.stopped)
      page = await browser.follow(form(page, '/terms').action, { form: form(page, '/terms').fields }, (u) => u.startsWith(app.redirectUri));
    const tokens = await finishAuthorization(start, page.url);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:techpass:aal2' });
    expect((await tp.server.store.users.listFactors(me!.id)).map((f) => f.kind)).toEqual(['totp']);
    const actions = (await tp.server.store.audit.list({ targetId: me!.id, limit: 50 })).map((e) => e.action);
    expect(actions).toContain('mfa.enrolled');

    // From now on the code is asked for every sign-in of this account.
    const next = await signIn(tp, { ...app, login: 'enrol.me@agency.gov.sg', password: PASSWORD, totp: () => code(1) });
    expect(next.tokens.claims()?.acr).toBe('urn:techpass:aal2');
  });

  it('counts wrong codes towards the lockout', async () => {
    const guesser = new HttpBrowser();
    const start = await startAuthorization(tp, app);
    let page = await guesser.follow(start.url);
    page = await guesser.follow(form(page, '/identify').action, { form: { ...form(page, '/identify').fields, login: 'otp.guess@agency.gov.sg' } });
    page = await guesser.follow(form(page, '/password').action, { form: { ...form(page, '/password').fields, password: PASSWORD } });
    for (let i = 0; i < 4 && page.html.includes('/totp"'); i += 1) {
      const f = form(page, '/totp');
      page = await guesser.follow(f.action, { form: { ...f.fields, code: '000000' === oathtool() ? '111111' : '000000' } });
    }
    expect(text(page)).toContain('Your account is locked');
    expect((await tp.server.store.users.findByLogin('otp.guess@agency.gov.sg'))?.lockedAt).not.toBeNull();
  });

  it('counts guesses of every open flow in one lockout: the total stays at the threshold, and the right code after the lock neither signs in nor unlocks', async () => {
    const login = 'otp.flows@agency.gov.sg';
    // Seven flows opened at the code page before any guess (the attacker knows the password).
    const flows: Array<Awaited<ReturnType<typeof toCodePage>>> = [];
    for (let i = 0; i < 7; i += 1) flows.push(await toCodePage(login));
    const wrong = () => (oathtool() === '000000' ? '111111' : '000000');
    const guess = async (flow: (typeof flows)[number], code: string) => {
      const f = form(flow.page, '/totp');
      flow.page = await flow.browser.follow(f.action, { form: { ...f.fields, code } }, (u: string) => u.startsWith(app.redirectUri));
      return flow.page;
    };
    // One wrong guess in each of four flows reaches the threshold (LOCKOUT_THRESHOLD=4).
    for (const flow of flows.slice(0, 3)) expect(text(await guess(flow, wrong()))).toContain('That code is not correct');
    expect(text(await guess(flows[3]!, wrong()))).toContain('Your account is locked');
    // The other open flows are refused without their guess being looked at, the right code included.
    expect(text(await guess(flows[4]!, wrong()))).toContain('Your account is locked');
    const right = await guess(flows[5]!, oathtool());
    expect(right.stopped).toBe(false);
    expect(text(right)).toContain('Your account is locked');

    const me = await tp.server.store.users.findByLogin(login);
    expect(me).toMatchObject({ failedSignIns: 4, lockedAt: expect.any(Number) });
    const events = await tp.server.store.audit.list({ targetId: me!.id, limit: 100 });
    expect(events.filter((e) => e.action === 'sign_in.totp_failed')).toHaveLength(4);
    expect(events.filter((e) => e.action === 'user.locked')).toHaveLength(1);
    expect(events.some((e) => e.action === 'sign_in.succeeded')).toBe(false);
  });
});
